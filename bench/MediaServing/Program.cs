// Benchmark: 1 MiB byte-range requests at random aligned offsets of a 256 MiB fragmented MP4 under
// /static/streaming-playlists/hls/{uuid}/, served by our Kestrel and by nginx (sendfile, 2 workers) from the same
// folder, with wrk 64 connections in the same run. Prints requests/s, p99 and the ratio ours/nginx (aim >= 0.8).
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Api;
using VideoPlatform.Bench;
using VideoPlatform.Core.Storage;

var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
const long FileSize = 256L * 1024 * 1024;
const int RangeSize = 1024 * 1024;

var folder = Path.Combine(Path.GetTempPath(), "vp-bench-serving-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(folder);
Process? nginx = null;
try
{
    var app = VideoPlatformApp.Build(["--urls", "http://127.0.0.1:0", "--Storage:Root", folder, "--Roles", "web",
        "--Admin:Password", "bench-pass", "--Logging:LogLevel:Default", "Warning"]);
    await app.StartAsync();
    var ours = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    using (var http = new HttpClient(new SocketsHttpHandler()))
    {
        while (!(await http.GetAsync(ours + "/health")).IsSuccessStatusCode)
        {
            await Task.Delay(100);
        }
    }

    var store = app.Services.GetRequiredService<MediaStore>();
    var uuid = Guid.NewGuid().ToString("D");
    var hls = store.HlsFolder(uuid, isPrivate: false);
    Directory.CreateDirectory(hls);
    var name = $"{Guid.NewGuid():D}-720-fragmented.mp4";
    await WriteRandomFileAsync(Path.Combine(hls, name), FileSize);
    var path = $"/static/streaming-playlists/hls/{uuid}/{name}";

    var nginxPort = FreePort();
    nginx = StartNginx(folder, store.HlsRoot, nginxPort);
    var theirs = $"http://127.0.0.1:{nginxPort}";
    using (var http = new HttpClient(new SocketsHttpHandler()))
    {
        for (var i = 0; ; i++)
        {
            try
            {
                if ((await http.GetAsync(theirs + path, HttpCompletionOption.ResponseHeadersRead)).StatusCode == HttpStatusCode.OK)
                {
                    break;
                }
            }
            catch (HttpRequestException) when (i < 100)
            {
            }
            await Task.Delay(100);
        }
    }

    var script = Path.Combine(folder, "ranges.lua");
    await File.WriteAllTextAsync(script, $$"""
        math.randomseed(42)
        local slots = {{FileSize / RangeSize}}
        request = function()
          local start = math.random(0, slots - 1) * {{RangeSize}}
          return wrk.format("GET", nil, { ["Range"] = "bytes=" .. start .. "-" .. (start + {{RangeSize - 1}}) })
        end
        """);

    Console.WriteLine($"1 MiB ranges of a {FileSize / 1024 / 1024} MiB file, {seconds}s, wrk -t2 -c64; server and wrk share this machine's cores");
    Console.WriteLine("| server | requests/s | MiB/s | p99 ms | non-2xx |");
    Console.WriteLine("|---|---|---|---|---|");
    // Warm-up of both (page cache, JIT), then the measured runs back to back.
    await Wrk.RunAsync(ours.TrimEnd('/') + path, 64, 2, script);
    await Wrk.RunAsync(theirs + path, 64, 2, script);
    var kestrel = await Wrk.RunAsync(ours.TrimEnd('/') + path, 64, seconds, script);
    var reference = await Wrk.RunAsync(theirs + path, 64, seconds, script);
    Console.WriteLine($"| kestrel (ours) | {kestrel.RequestsPerSecond:F0} | {kestrel.RequestsPerSecond * RangeSize / 1048576:F0} | {kestrel.P99Ms:F1} | {kestrel.Non2xx} |");
    Console.WriteLine($"| nginx | {reference.RequestsPerSecond:F0} | {reference.RequestsPerSecond * RangeSize / 1048576:F0} | {reference.P99Ms:F1} | {reference.Non2xx} |");
    Console.WriteLine($"ours/nginx = {kestrel.RequestsPerSecond / reference.RequestsPerSecond:F2} (aim >= 0.8)");
    await app.StopAsync();
    await app.DisposeAsync();
}
finally
{
    if (nginx is { HasExited: false })
    {
        nginx.Kill(entireProcessTree: true);
        await nginx.WaitForExitAsync();
    }
    nginx?.Dispose();
    Directory.Delete(folder, recursive: true);
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

// nginx as a CDN edge would serve the same folder: sendfile, one worker per core, no access log.
static Process StartNginx(string folder, string hlsRoot, int port)
{
    var prefix = Path.Combine(folder, "nginx");
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
          keepalive_requests 100000;
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
    var start = new ProcessStartInfo("/usr/sbin/nginx", ["-p", prefix, "-c", conf, "-g", "daemon off;"]) { RedirectStandardError = true };
    return Process.Start(start)!;
}
