using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using VideoPlatform.IntegrationTests.Infrastructure;

namespace VideoPlatform.IntegrationTests;

/// <summary>The README's run command works on this checkout: it builds, starts an instance and answers /health.</summary>
[Category("Readme")]
public sealed class ReadmeRunTests
{
    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "VideoPlatform.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("VideoPlatform.sln not found above " + AppContext.BaseDirectory);
    }

    [Test]
    [CancelAfter(600_000)]
    public async Task Run_script_starts_an_instance_that_reports_healthy(CancellationToken ct)
    {
        var port = FreePort();
        var name = "vp-readme-" + Guid.NewGuid().ToString("N");
        var storage = Path.Combine(Path.GetTempPath(), name);
        var start = new ProcessStartInfo("bash", ["scripts/run.sh", "--urls", $"http://127.0.0.1:{port}", "--Storage:Root", storage, "--Admin:Password", "readme-pass", "--Instance:Name", name])
        {
            WorkingDirectory = RepositoryRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler()) { Timeout = TimeSpan.FromSeconds(5) };
            var healthy = false;
            while (!healthy && !process.HasExited && !ct.IsCancellationRequested)
            {
                try
                {
                    // Healthy, and ours: on a shared machine another program may take the free port first.
                    healthy = (await http.GetAsync($"http://127.0.0.1:{port}/health", ct)).StatusCode == HttpStatusCode.OK
                        && (await http.GetStringAsync($"http://127.0.0.1:{port}/api/v1/config", ct)).Contains(name, StringComparison.Ordinal);
                }
                catch (HttpRequestException)
                {
                }
                if (!healthy)
                {
                    await Task.Delay(500, ct);
                }
            }
            lock (output)
            {
                Assert.That(healthy, Is.True, "instance never answered /health:\n" + output);
            }
            Assert.That(File.Exists(Path.Combine(storage, "videoplatform.db")), Is.True, "SQLite under Storage:Root by default");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            if (Directory.Exists(storage))
            {
                Directory.Delete(storage, recursive: true);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
