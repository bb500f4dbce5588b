// Benchmark of the load history (issue 13), two parts in one run:
// 1. Recording overhead: 64 KiB byte-range requests on an HLS fragmented MP4 (wrk, 64 connections), served by an
//    instance with the recorder on and one with Stats:Enabled=false, alternated; prints req/s and the ratio on/off (aim >= 0.98).
// 2. Dashboard queries over a year: 400 days of hourly samples and 2 days of minute samples of every series (SQLite),
//    then the queries one dashboard page runs (every series over a range), timed; prints p50/p99 per range (aim p99 < 100 ms).
using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Api;
using VideoPlatform.Bench;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Stats;
using VideoPlatform.Core.Storage;

var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
const long FileSize = 64L * 1024 * 1024;
const int RangeSize = 64 * 1024;

var folder = Path.Combine(Path.GetTempPath(), "vp-bench-recorder-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(folder);
try
{
    var on = await StartAsync(Path.Combine(folder, "on"), "true");
    var off = await StartAsync(Path.Combine(folder, "off"), "false");
    var script = Path.Combine(folder, "ranges.lua");
    await File.WriteAllTextAsync(script, $$"""
        math.randomseed(42)
        local slots = {{FileSize / RangeSize}}
        request = function()
          local start = math.random(0, slots - 1) * {{RangeSize}}
          return wrk.format("GET", nil, { ["Range"] = "bytes=" .. start .. "-" .. (start + {{RangeSize - 1}}) })
        end
        """);
    var onUrl = await SeedSegmentFileAsync(on.App, on.Url);
    var offUrl = await SeedSegmentFileAsync(off.App, off.Url);

    Console.WriteLine($"## Recording overhead: 64 KiB ranges of a {FileSize >> 20} MiB fragmented MP4, wrk -c64, {seconds} s per run, alternated");
    await Wrk.RunAsync(onUrl, 64, 2, script);
    await Wrk.RunAsync(offUrl, 64, 2, script);
    var onRuns = new List<Wrk.Result>();
    var offRuns = new List<Wrk.Result>();
    for (var round = 0; round < 2; round++)
    {
        offRuns.Add(await Wrk.RunAsync(offUrl, 64, seconds, script));
        onRuns.Add(await Wrk.RunAsync(onUrl, 64, seconds, script));
    }
    var onRps = onRuns.Average(r => r.RequestsPerSecond);
    var offRps = offRuns.Average(r => r.RequestsPerSecond);
    Console.WriteLine("| recorder | requests/s (mean of 2) | p99 ms | non-2xx |");
    Console.WriteLine("|---|---|---|---|");
    Console.WriteLine($"| off (baseline) | {offRps:F0} | {offRuns.Max(r => r.P99Ms):F1} | {offRuns.Sum(r => r.Non2xx)} |");
    Console.WriteLine($"| on | {onRps:F0} | {onRuns.Max(r => r.P99Ms):F1} | {onRuns.Sum(r => r.Non2xx)} |");
    Console.WriteLine($"on/off = {onRps / offRps:F3} (aim >= 0.98)");
    await off.App.DisposeAsync();

    Console.WriteLine();
    Console.WriteLine("## Dashboard queries over a year of samples (SQLite)");
    var stats = on.App.Services.GetRequiredService<StatsRepository>();
    var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    var minuteNow = now - now % 60_000;
    var seed = Stopwatch.StartNew();
    // One sample per hour for 400 days (rolled up below into hourly rows), then every minute of the last 2 days.
    var samples = new List<long>();
    for (var at = minuteNow - 400L * 86_400_000; at < minuteNow - 2L * 86_400_000; at += 3_600_000)
    {
        samples.Add(at - at % 3_600_000);
    }
    for (var at = minuteNow - 2L * 86_400_000 + 60_000; at <= minuteNow; at += 60_000)
    {
        samples.Add(at);
    }
    var random = new Random(7);
    foreach (var at in samples)
    {
        await stats.WriteMinuteAsync(at, StatMetrics.All.ToDictionary(m => m, _ => (double)random.Next(0, 1000)), CancellationToken.None);
    }
    await stats.RollUpAsync(minuteNow - 2L * 86_400_000, minuteNow - 400L * 86_400_000 - 3_600_000, CancellationToken.None);
    Console.WriteLine($"{samples.Count * StatMetrics.All.Count} samples of {StatMetrics.All.Count} series written and rolled up in {seed.Elapsed.TotalSeconds:F1} s");
    Console.WriteLine("| range | bucket | one series p50 ms | one series p99 ms | whole page (all series) p99 ms |");
    Console.WriteLine("|---|---|---|---|---|");
    foreach (var range in StatRange.All)
    {
        var single = new List<double>();
        var page = new List<double>();
        for (var i = 0; i < 40; i++)
        {
            var pageWatch = Stopwatch.StartNew();
            foreach (var metric in StatMetrics.All)
            {
                var watch = Stopwatch.StartNew();
                await stats.SeriesAsync(metric, now - (long)range.Span.TotalMilliseconds, now + 1, range.Bucket, CancellationToken.None);
                single.Add(watch.Elapsed.TotalMilliseconds);
            }
            page.Add(pageWatch.Elapsed.TotalMilliseconds);
        }
        Console.WriteLine($"| {range.Key} | {range.Bucket} | {Percentile(single, 0.5):F2} | {Percentile(single, 0.99):F2} | {Percentile(page, 0.99):F1} |");
    }
    Console.WriteLine("aim: one series p99 < 100 ms");
    await on.App.DisposeAsync();
}
finally
{
    Directory.Delete(folder, recursive: true);
}

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}

static async Task<(Microsoft.AspNetCore.Builder.WebApplication App, string Url)> StartAsync(string root, string enabled)
{
    var app = VideoPlatformApp.Build(["--urls", "http://127.0.0.1:0", "--Storage:Root", root, "--Roles", "web", "--Stats:Enabled", enabled,
        "--Admin:Password", "bench-pass", "--Logging:LogLevel:Default", "Warning"]);
    await app.StartAsync();
    var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
    using var http = new HttpClient(new SocketsHttpHandler());
    while (!(await http.GetAsync(url + "/health")).IsSuccessStatusCode)
    {
        await Task.Delay(100);
    }
    return (app, url);
}

static async Task<string> SeedSegmentFileAsync(Microsoft.AspNetCore.Builder.WebApplication app, string baseUrl)
{
    var store = app.Services.GetRequiredService<MediaStore>();
    var uuid = Guid.NewGuid().ToString("D");
    var hls = store.HlsFolder(uuid, isPrivate: false);
    Directory.CreateDirectory(hls);
    var name = $"{Guid.NewGuid():D}-720-fragmented.mp4";
    var buffer = new byte[4 * 1024 * 1024];
    await using (var file = File.Create(Path.Combine(hls, name)))
    {
        for (long written = 0; written < FileSize; written += buffer.Length)
        {
            Random.Shared.NextBytes(buffer);
            await file.WriteAsync(buffer);
        }
    }
    return $"{baseUrl}/static/streaming-playlists/hls/{uuid}/{name}";
}
