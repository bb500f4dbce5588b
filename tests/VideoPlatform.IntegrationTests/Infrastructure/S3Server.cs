using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace VideoPlatform.IntegrationTests.Infrastructure;

/// <summary>
/// A real S3-compatible server process (npm <c>s3rver</c> from tools/s3-server) on 127.0.0.1 with a free port and its own
/// folder; path-style buckets, credentials S3RVER/S3RVER. It can be stopped and started again on the same port and data.
/// </summary>
public sealed class S3Server : IAsyncDisposable
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private readonly string _script;
    private readonly string _folder;
    private Process? _process;

    private S3Server(string script, string folder, int port)
    {
        _script = script;
        _folder = folder;
        Port = port;
    }

    public int Port { get; }
    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>The instance arguments that point object storage at this server (buckets <paramref name="hlsBucket"/> and <paramref name="videosBucket"/>).</summary>
    public string[] InstanceArgs(string hlsBucket, string videosBucket, string hlsPrefix = "") =>
    [
        "--ObjectStorage:Enabled", "true",
        "--ObjectStorage:Endpoint", Endpoint,
        "--ObjectStorage:ForcePathStyle", "true",
        "--ObjectStorage:AccessKeyId", AccessKey,
        "--ObjectStorage:SecretAccessKey", SecretKey,
        "--ObjectStorage:MaxUploadPart", (5 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--ObjectStorage:StreamingPlaylists:BucketName", hlsBucket,
        "--ObjectStorage:StreamingPlaylists:Prefix", hlsPrefix,
        "--ObjectStorage:WebVideos:BucketName", videosBucket,
    ];

    /// <summary>Starts s3rver (a missing node or tools/s3-server install is Ignored locally, Failed on CI).</summary>
    public static async Task<S3Server> StartAsync(string folder)
    {
        var script = Path.Combine(ReadmeRunTests.RepositoryRoot(), "tools", "s3-server", "node_modules", "s3rver", "bin", "s3rver.js");
        Prerequisites.Require(Prerequisites.HasCommand("node") && File.Exists(script), "node and tools/s3-server/node_modules (npm ci --ignore-scripts)");
        Directory.CreateDirectory(folder);
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var server = new S3Server(script, folder, port);
        await server.StartAgainAsync();
        return server;
    }

    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { _script, "-d", _folder, "-a", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-s", "--no-vhost-buckets" })
        {
            start.ArgumentList.Add(arg);
        }
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTimeOffset.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTimeOffset.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Kills the server (as an outage would); its data stays for <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
