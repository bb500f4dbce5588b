// Benchmark: 1 MiB byte-range requests at random aligned offsets of a 256 MiB fragmented MP4, through the repository's
// nginx config (deploy/nginx/videoplatform.conf via deploy/nginx/local.sh) in front of an instance, vs nginx alone serving
// the same folder, with wrk 64 connections in the same run. Public files: nginx in front serves them itself (aim >= 0.95);
// private files: the instance authorises every request (videoFileToken) and nginx sends the bytes via X-Accel-Redirect.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Api.Media;
using VideoPlatform.Bench;
using VideoPlatform.Core.Storage;

var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
const long FileSize = 256L * 1024 * 1024;
const int RangeSize = 1024 * 1024;
var repository = FindRepository();
var processes = new List<Process>();
await using var instance = await BenchInstance.StartAsync("--Roles", "web", "--Media:AccelRedirect", "true", "--Proxy:KnownProxies", "127.0.0.1");
try
{
    var store = instance.App.Services.GetRequiredService<MediaStore>();
    var uuid = Guid.NewGuid().ToString("D");
    var name = $"{Guid.NewGuid():D}-720-fragmented.mp4";
    foreach (var isPrivate in new[] { false, true })
    {
        var folder = store.HlsFolder(uuid, isPrivate);
        Directory.CreateDirectory(folder);
        await WriteRandomFileAsync(Path.Combine(folder, name), FileSize);
    }
    var token = instance.App.Services.GetRequiredService<VideoFileTokens>().Issue(uuid).Token;
    var publicPath = $"/static/streaming-playlists/hls/{uuid}/{name}";
    var privatePath = $"/static/streaming-playlists/hls/private/{uuid}/{name}?videoFileToken={Uri.EscapeDataString(token)}";

    var alonePort = FreePort();
    processes.Add(StartNginxAlone(Path.Combine(instance.Folder, "nginx-alone"), store.HlsRoot, alonePort));
    var frontPort = FreePort();
    var front = new ProcessStartInfo(Path.Combine(repository, "deploy", "nginx", "local.sh"), [Path.Combine(instance.Folder, "nginx-front")]);
    front.Environment["VP_LISTEN"] = $"127.0.0.1:{frontPort}";
    front.Environment["VP_UPSTREAM"] = new Uri(instance.BaseUrl).Authority;
    front.Environment["VP_STORAGE_ROOT"] = store.Root;
    front.Environment["NGINX_WORKERS"] = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture);
    processes.Add(Process.Start(front)!);
    var alone = $"http://127.0.0.1:{alonePort}";
    var inFront = $"http://127.0.0.1:{frontPort}";
    await WaitOkAsync(alone + publicPath);
    await WaitOkAsync(inFront + publicPath);
    await WaitOkAsync(inFront + privatePath);

    var script = Path.Combine(instance.Folder, "ranges.lua");
    await File.WriteAllTextAsync(script, $$"""
        math.randomseed(42)
        local slots = {{FileSize / RangeSize}}
        request = function()
          local start = math.random(0, slots - 1) * {{RangeSize}}
          return wrk.format("GET", nil, { ["Range"] = "bytes=" .. start .. "-" .. (start + {{RangeSize - 1}}) })
        end
        """);

    Console.WriteLine($"1 MiB ranges of a {FileSize / 1024 / 1024} MiB file, 2 alternated rounds of {seconds}s per server (mean requests/s, worst p99), wrk -t2 -c64, nginx with {Environment.ProcessorCount} workers; servers and wrk share this machine's cores");
    Console.WriteLine("| server | requests/s | MiB/s | p99 ms | non-2xx |");
    Console.WriteLine("|---|---|---|---|---|");
    await Wrk.RunAsync(alone + publicPath, 64, 2, script);
    await Wrk.RunAsync(inFront + publicPath, 64, 2, script);
    await Wrk.RunAsync(inFront + privatePath, 64, 2, script);
    // Two rounds, alternated, so that a load change on the shared machine weighs on all three alike.
    var runs = new List<Wrk.Result>[] { [], [], [] };
    for (var round = 0; round < 2; round++)
    {
        runs[0].Add(await Wrk.RunAsync(alone + publicPath, 64, seconds, script));
        runs[1].Add(await Wrk.RunAsync(inFront + publicPath, 64, seconds, script));
        runs[2].Add(await Wrk.RunAsync(inFront + privatePath, 64, seconds, script));
    }
    var (reference, direct, accel) = (Mean(runs[0]), Mean(runs[1]), Mean(runs[2]));
    Row("nginx alone (baseline)", reference);
    Row("nginx in front, public (served from disk)", direct);
    Row("nginx in front, private (instance authorises, X-Accel-Redirect)", accel);
    Console.WriteLine($"in front / alone, public = {direct.RequestsPerSecond / reference.RequestsPerSecond:F2} (aim >= 0.95)");
    Console.WriteLine($"in front / alone, private via X-Accel = {accel.RequestsPerSecond / reference.RequestsPerSecond:F2}");
}
finally
{
    foreach (var process in processes.Where(p => !p.HasExited))
    {
        // The nginx masters (local.sh execs nginx) with their workers.
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }
}

static Wrk.Result Mean(List<Wrk.Result> results) =>
    new(results.Average(r => r.RequestsPerSecond), results.Max(r => r.P99Ms), results.Sum(r => r.Non2xx));

static void Row(string label, Wrk.Result r) =>
    Console.WriteLine($"| {label} | {r.RequestsPerSecond:F0} | {r.RequestsPerSecond * RangeSize / 1048576:F0} | {r.P99Ms:F1} | {r.Non2xx} |");

static string FindRepository()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "VideoPlatform.sln")))
    {
        dir = dir.Parent;
    }
    return dir?.FullName ?? throw new InvalidOperationException("VideoPlatform.sln not found above " + AppContext.BaseDirectory);
}

static async Task WaitOkAsync(string url)
{
    using var http = new HttpClient(new SocketsHttpHandler());
    for (var i = 0; ; i++)
    {
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }
            if (i > 100)
            {
                throw new InvalidOperationException($"{url} answers {(int)response.StatusCode}");
            }
        }
        catch (HttpRequestException) when (i < 100)
        {
        }
        await Task.Delay(100);
    }
}

static async Task WriteRandomFileAsync(string path, long size)
{
    var buffer = new byte[4 * 1024 * 1024];
    await using var file = File.Create(path);
    for (long written = 0; written < size; written += buffer.Length)
    {
        Random.Shared.NextBytes(buffer);
        await file.WriteAsync(buffer);
    }
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

// The baseline: nginx as a CDN edge would serve the same folder (sendfile, one worker per core, no access log).
static Process StartNginxAlone(string prefix, string hlsRoot, int port)
{
    Directory.CreateDirectory(Path.Combine(prefix, "logs"));
    var conf = Path.Combine(prefix, "nginx.conf");
    File.WriteAllText(conf, $$"""
        worker_processes {{Environment.ProcessorCount}};
        pid {{prefix}}/nginx.pid;
        error_log {{prefix}}/logs/error.log warn;
        events { worker_connections 1024; }
        http {
          access_log off;
          sendfile on;
          tcp_nopush on;
          client_body_temp_path {{prefix}}/body;
          proxy_temp_path {{prefix}}/proxy;
          fastcgi_temp_path {{prefix}}/fastcgi;
          uwsgi_temp_path {{prefix}}/uwsgi;
          scgi_temp_path {{prefix}}/scgi;
          types { video/mp4 mp4; application/vnd.apple.mpegurl m3u8; }
          server {
            listen 127.0.0.1:{{port}};
            location /static/streaming-playlists/hls/ {
              alias {{hlsRoot}}/;
              add_header Access-Control-Allow-Origin *;
              add_header Cache-Control "public, max-age=31536000, immutable";
            }
          }
        }
        """);
    return Process.Start(new ProcessStartInfo("/usr/sbin/nginx", ["-p", prefix, "-c", conf, "-g", "daemon off;"]))!;
}
