// Benchmark: one live lesson pushed over RTMP on loopback (ffmpeg -re, as Jibri does) into an in-process instance.
// - latency: for each segment of the top rung, the wall time it appears in the live playlist (over HTTP) minus the wall
//   time its first frame was pushed (pusher start + the segment's start in the source): the earliest a viewer at the
//   live edge can show that frame ("segment availability").
// - CPU per live: after a warm-up live (JIT) and a measure of this process's idle CPU, a live pushed with nothing
//   polling it: the live ffmpeg's own CPU plus this process's CPU beyond its idle rate, against the same ffmpeg command
//   run alone on the same source file (-re) in the same run. Aim <= 1.1x.
// - A class per latency mode: 6 headless Chromium viewers open the live's watch page within 10 s of each other (P2P
//   through our tracker); the share of the segment bytes they load from peers rather than the server, counting
//   segments loaded after the first 30 s (aim >= 70 %; default mode: small latency plays with no peers, as PeerTube); and glass-to-glass latency: the class's source is encoded live
//   (ffmpeg from lavfi, -re, x264 zerolatency as Jibri) with the wall clock burned in as a strip of cells (LiveClock);
//   each viewer draws its <video> into a canvas every 0.5 s, and its wall clock minus the clock in the frame is the
//   latency (aim <= 8 s default mode, <= 4 s small latency). The clock's reading is self-checked first on 144p frames.
// Usage: bench/live.sh [seconds=20] [class viewers=6] [full|class-only] [class modes=1,3]
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using VideoPlatform.Api;
using VideoPlatform.Bench;
using VideoPlatform.Core.Data;
using VideoPlatform.Transcoder.Live;

var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
var classViewers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 6;
var classOnly = args.Length > 2 && args[2] == "class-only";
var classModes = args.Length > 3 ? args[3].Split(',').Select(m => int.Parse(m, CultureInfo.InvariantCulture)).ToArray() : [1, 3];
var folder = Path.Combine(Path.GetTempPath(), "vp-bench-live-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(folder);
try
{
    var source = Path.Combine(folder, "source.flv");
    const string font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    var clock = File.Exists(font) ? $",drawtext=fontfile={font}:text='%{{pts\\:hms}}':fontsize=48:x=20:y=20:fontcolor=white:box=1:boxcolor=black" : "";
    Console.WriteLine($"Making a {seconds} s 720p30 source with a burned-in clock…");
    await RunAsync("/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30" + clock,
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", seconds.ToString(CultureInfo.InvariantCulture),
        "-c:v", "libx264", "-preset", "veryfast", "-g", "60", "-pix_fmt", "yuv420p", "-b:v", "3000k", "-c:a", "aac", "-f", "flv", source);

    var app = VideoPlatformApp.Build(["--urls", "http://127.0.0.1:0", "--Storage:Root", Path.Combine(folder, "storage"), "--Admin:Password", "bench-pass",
        "--Logging:LogLevel:Default", "Warning", "--Live:Enabled", "true", "--Live:RtmpPort", "0", "--Live:RtmpAddress", "127.0.0.1",
        "--Live:Transcoding:Resolutions:0", "480", "--Live:Transcoding:Resolutions:1", "360", "--Live:MaxUserLives", "-1",
        "--Live:ReconnectGrace", "00:00:00"]);
    await app.StartAsync();
    var baseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    using var http = new HttpClient(new SocketsHttpHandler()) { BaseAddress = new Uri(baseUrl) };
    while (!(await http.GetAsync("/health")).IsSuccessStatusCode)
    {
        await Task.Delay(100);
    }
    var client = await http.GetFromJsonAsync<JsonElement>("/api/v1/oauth-clients/local");
    using var tokenResponse = await http.PostAsync("/api/v1/users/token", new FormUrlEncodedContent(new Dictionary<string, string>
    {
        ["client_id"] = client.GetProperty("client_id").GetString()!, ["client_secret"] = client.GetProperty("client_secret").GetString()!,
        ["grant_type"] = "password", ["username"] = "root", ["password"] = "bench-pass",
    }));
    var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    var channelId = (await http.GetFromJsonAsync<JsonElement>("/api/v1/users/me")).GetProperty("videoChannels")[0].GetProperty("id").GetInt64();

    async Task<string> CreateLiveAsync(string name, int mode)
    {
        using var created = await http.PostAsJsonAsync("/api/v1/videos/live", new { channelId, name, privacy = 1, latencyMode = mode });
        var video = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("video");
        var live = await http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/live/{video.GetProperty("id").GetInt64()}");
        return live.GetProperty("rtmpUrl").GetString() + "/" + live.GetProperty("streamKey").GetString();
    }

    // A live pushed with nothing polling it: the live ffmpeg's CPU (sampled from /proc) and this process's CPU over the run.
    async Task<(double Instance, double Ffmpeg, double Seconds, string[] Args)> UnpolledLiveAsync(int mode)
    {
        var url = await CreateLiveAsync($"CPU mode {mode}", mode);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        using var pusher = Start("/usr/bin/ffmpeg", null, "-hide_banner", "-loglevel", "error", "-re", "-i", source, "-c", "copy", "-f", "flv", url);
        int? pid = null;
        double ffmpegCpu = 0;
        string[]? ffmpegArgs = null;
        while (!pusher.HasExited || pid is { } p && Directory.Exists($"/proc/{p}"))
        {
            pid ??= LiveFfmpeg(Environment.ProcessId);
            if (pid is { } live && CpuSeconds(live) is { } cpu)
            {
                ffmpegCpu = cpu;
                ffmpegArgs ??= File.ReadAllText($"/proc/{live}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            }
            await Task.Delay(100);
        }
        return ((Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds, ffmpegCpu, Stopwatch.GetElapsedTime(started).TotalSeconds, ffmpegArgs!);
    }

    // Warm-up (JIT, first ffmpeg start), then this process's idle CPU rate.
    Console.WriteLine("Warm-up live, then 10 s idle…");
    if (!classOnly)
    {
        await UnpolledLiveAsync(1);
    }
    var idleBefore = Process.GetCurrentProcess().TotalProcessorTime;
    await Task.Delay(TimeSpan.FromSeconds(10));
    var idleRate = (Process.GetCurrentProcess().TotalProcessorTime - idleBefore).TotalSeconds / 10;

    var results = new List<(int Mode, double Median, double Max, double LiveCpu, double AloneCpu, double InstanceExtra, double LiveFfmpeg)>();
    foreach (var mode in classOnly ? [] : new[] { 1, 3 })
    {
        using var created = await http.PostAsJsonAsync("/api/v1/videos/live", new { channelId, name = $"Bench mode {mode}", privacy = 1, latencyMode = mode });
        var video = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("video");
        var id = video.GetProperty("id").GetInt64();
        var uuid = video.GetProperty("uuid").GetString()!;
        var live = await http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/live/{id}");
        var url = live.GetProperty("rtmpUrl").GetString() + "/" + live.GetProperty("streamKey").GetString();

        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var pushedAt = Stopwatch.GetTimestamp();
        using var pusher = Start("/usr/bin/ffmpeg", null, "-hide_banner", "-loglevel", "error", "-re", "-i", source, "-c", "copy", "-f", "flv", url);
        var seen = new Dictionary<string, double>(StringComparer.Ordinal);
        var durations = new SortedDictionary<string, double>(StringComparer.Ordinal);
        string? playlistUrl = null;
        int? ffmpegPid = null;
        double ffmpegCpu = 0;
        string[]? ffmpegArgs = null;
        while (!pusher.HasExited || ffmpegPid is { } p && Directory.Exists($"/proc/{p}"))
        {
            ffmpegPid ??= LiveFfmpeg(Environment.ProcessId);
            if (ffmpegPid is { } pid && CpuSeconds(pid) is { } cpu)
            {
                ffmpegCpu = cpu;
                ffmpegArgs ??= File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            }
            if (playlistUrl is null)
            {
                var v = await http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{uuid}");
                if (v.GetProperty("state").GetProperty("id").GetInt32() == 1)
                {
                    var master = v.GetProperty("streamingPlaylists")[0].GetProperty("playlistUrl").GetString()!;
                    playlistUrl = master[..(master.LastIndexOf('/') + 1)] + LiveLadder.PlaylistName(0);
                }
            }
            if (playlistUrl is not null)
            {
                using var response = await http.GetAsync(playlistUrl);
                if (response.IsSuccessStatusCode)
                {
                    var now = Stopwatch.GetElapsedTime(pushedAt).TotalSeconds;
                    foreach (var segment in LivePlaylist.Segments(await response.Content.ReadAsStringAsync()))
                    {
                        seen.TryAdd(segment.Name, now);
                        durations[segment.Name] = segment.Duration;
                    }
                }
            }
            await Task.Delay(50);
        }
        var liveCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds + ffmpegCpu; // polled: replaced below
        // Segment k's first frame left the pusher at (its start in the source) seconds after the pusher started.
        var latencies = new List<double>();
        var start = 0.0;
        foreach (var (name, duration) in durations)
        {
            latencies.Add(seen[name] - start);
            start += duration;
        }
        // The first segments include the ffmpeg start; the steady state is what viewers live with.
        var steady = latencies.Skip(2).Order().ToList();

        // CPU: the same live again with nothing polling it; the instance counts beyond its idle rate.
        var unpolled = await UnpolledLiveAsync(mode);
        var instanceExtra = Math.Max(0, unpolled.Instance - idleRate * unpolled.Seconds);
        liveCpu = instanceExtra + unpolled.Ffmpeg;

        // The same ffmpeg command alone, on the same source at the same pace.
        var alone = Path.Combine(folder, $"alone-{mode}");
        Directory.CreateDirectory(alone);
        var arguments = unpolled.Args.Skip(1).ToList();
        var input = arguments.IndexOf("pipe:0");
        arguments[input] = source;
        arguments.Insert(input - 3, "-re");
        using var baseline = Start("/usr/bin/ffmpeg", alone, [.. arguments]);
        double aloneCpu = 0;
        while (!baseline.HasExited)
        {
            aloneCpu = CpuSeconds(baseline.Id) ?? aloneCpu;
            await Task.Delay(50);
        }
        results.Add((mode, steady.Count > 0 ? steady[steady.Count / 2] : double.NaN, steady.Count > 0 ? steady[^1] : double.NaN, liveCpu, aloneCpu,
            instanceExtra, unpolled.Ffmpeg));
        Console.WriteLine($"mode {mode}: {durations.Count} segments; ffmpeg args: {string.Join(' ', arguments)}");
    }
    var classes = new List<ClassResult>();
    if (classViewers > 0)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BenchBrowser.LaunchAsync(playwright);
        var origin = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await ClockSelfCheckAsync(browser, folder, origin, File.Exists(font) ? font : null);
        foreach (var mode in classModes)
        {
            classes.Add(await ClassAsync(app, browser, baseUrl, await CreateLiveAsync($"Classe mode {mode}", mode), mode, origin, File.Exists(font) ? font : null, classViewers));
        }
    }
    await app.StopAsync();

    Console.WriteLine();
    Console.WriteLine($"Instance idle CPU: {idleRate * 100:0.0} % of a core (subtracted over each CPU run).");
    Console.WriteLine($"| latency mode | segment | first frame available after push (median, max) | CPU live (instance beyond idle + its ffmpeg) | CPU ffmpeg alone | ratio |");
    Console.WriteLine("|---|---|---|---|---|---|");
    foreach (var r in results)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {r.Mode} | {LiveLadder.SegmentSeconds(r.Mode)} s | {r.Median:0.00} s, {r.Max:0.00} s | {r.LiveCpu:0.0} s ({r.InstanceExtra:0.0} + {r.LiveFfmpeg:0.0}) | {r.AloneCpu:0.0} s | {r.LiveCpu / r.AloneCpu:0.00}x |"));
    }
    foreach (var c in classes)
    {
        Console.WriteLine();
        // Small latency plays with no peers (PlayerView.Tracker, as PeerTube): its viewers load every segment over HTTP.
        var sharing = c.Mode == 3
            ? "no peer sharing in this mode (as PeerTube: the class's P2P aim is for the default mode)"
            : string.Create(CultureInfo.InvariantCulture, $"segments loaded after the first {ClassWarmup} s: {c.Peer / 1048576.0:0.0} MiB from peers, {c.Server / 1048576.0:0.0} MiB from the server → {(c.Peer + c.Server > 0 ? c.Peer / (c.Peer + c.Server) : 0):P0} from peers (aim ≥ 70 %); rejected {c.Rejected}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Class, latency mode {c.Mode} ({LiveLadder.SegmentSeconds(c.Mode)} s segments): {c.Viewers} viewers joined within {c.JoinedWithin:0.0} s; {sharing}; load average {c.LoadBefore} at the start, {c.LoadAfter} at the end"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Glass-to-glass, latency mode {c.Mode} (clock burned in at capture, read in each viewer's <video> every 0.5 s after the first {ClassWarmup} s; aim ≤ {(c.Mode == 3 ? 4 : 8)} s):"));
        for (var v = 0; v < c.Latencies.Count; v++)
        {
            Console.WriteLine($"  viewer {v + 1}: {Summary(c.Latencies[v])} ({c.Latencies[v].Count} readings, {c.Unreadable[v]} unreadable); of which the player's distance behind the edge it estimates: {Summary(c.Player[v])}; before the player: {Summary(c.Upstream[v])}");
        }
        Console.WriteLine($"  class: {Summary([.. c.Latencies.SelectMany(l => l)])}; player's distance: {Summary([.. c.Player.SelectMany(l => l)])}; before the player: {Summary([.. c.Upstream.SelectMany(l => l)])}");
    }
}
finally
{
    Directory.Delete(folder, recursive: true);
}

// The clock's reading checked end to end before the classes: a 2 s clip stamped by the same filter, scaled to 144p and
// encoded at a low rate (harder than any rung), its first and last frames read by the viewers' own sampling function in
// Chromium and decoded: both must fall within the time ffmpeg ran, about 2 s apart (-re).
static async Task ClockSelfCheckAsync(IBrowser browser, string folder, long origin, string? font)
{
    var clip = Path.Combine(folder, "clock-check.mp4");
    var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - origin;
    await RunAsync("/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-re", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-t", "2",
        "-vf", LiveClock.Filter(origin, font) + ",scale=-2:144", "-c:v", "libx264", "-preset", "veryfast", "-b:v", "150k", "-pix_fmt", "yuv420p", clip);
    var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - origin;
    var first = Path.Combine(folder, "clock-first.png");
    var last = Path.Combine(folder, "clock-last.png");
    await RunAsync("/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", clip, "-frames:v", "1", first);
    await RunAsync("/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-sseof", "-0.5", "-i", clip, "-update", "1", last);
    var page = await browser.NewPageAsync();
    async Task<long?> ReadAsync(string png)
    {
        await page.SetContentAsync($"<img src=\"data:image/png;base64,{Convert.ToBase64String(await File.ReadAllBytesAsync(png))}\">");
        var halves = await page.EvaluateAsync<double[]>(
            $"async () => {{ const img = document.querySelector('img'); await img.decode(); return ({LiveClock.SampleFunction})(img, img.naturalWidth, img.naturalHeight); }}");
        return LiveClock.Decode(halves);
    }
    var a = await ReadAsync(first);
    var b = await ReadAsync(last);
    await page.CloseAsync();
    var ok = a is { } x && b is { } y && x >= before && y <= after && x <= y && y - x is >= 1600 and <= 2400;
    Console.WriteLine($"Clock self-check: 144p frames read {a?.ToString(CultureInfo.InvariantCulture) ?? "unreadable"} ms and {b?.ToString(CultureInfo.InvariantCulture) ?? "unreadable"} ms after the origin (ffmpeg ran from {before} to {after} ms): {(ok ? "ok" : "FAILED")}");
    if (!ok)
    {
        throw new InvalidOperationException("the burned-in clock is not read back correctly");
    }
}

// A class watching one live: viewers open the watch page one after another within 10 s, each in its own context with
// WebRTC on loopback; every segment the loader hands to hls.js is recorded with its source and the time it arrived, and
// every 0.5 s the frame on screen is sampled for the burned-in clock.
static async Task<ClassResult> ClassAsync(Microsoft.AspNetCore.Builder.WebApplication app, IBrowser browser, string baseUrl, string url, int mode, long origin,
    string? font, int viewers)
{
    var key = url[(url.LastIndexOf('/') + 1)..];
    // The source is encoded live with the wall clock burned in at capture (lavfi paced by -re), as Jibri encodes: x264
    // veryfast, zerolatency, 2 s keyframes, 720p30.
    using var pusher = Start("/usr/bin/ffmpeg", null, "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30",
        "-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-vf", LiveClock.Filter(origin, font),
        "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", "60", "-pix_fmt", "yuv420p", "-b:v", "3000k", "-c:a", "aac", "-f", "flv", url);
    try
    {
        var database = app.Services.GetRequiredService<Database>();
        string? uuid = null;
        var deadline = Stopwatch.StartNew();
        while (uuid is null)
        {
            uuid = await database.ReadAsync(c => c.QueryFirstOrDefaultAsync<string>("""
                SELECT v.uuid FROM videos v JOIN video_lives l ON l.video_id = v.id
                WHERE l.stream_key = @key AND v.state = 1 AND EXISTS (SELECT 1 FROM video_swarm_ids s WHERE s.video_id = v.id)
                """, new { key }));
            if (deadline.Elapsed > TimeSpan.FromMinutes(1))
            {
                throw new InvalidOperationException("the class live did not go on air with its swarms");
            }
            await Task.Delay(200);
        }
        // The class joins a live in progress (the teacher starts a little before): hls.js places a viewer at most the
        // playlist's length behind the edge, so viewers of a live that just started would sit at its edge, where every
        // segment is needed at once (HTTP) and none can wait for a peer.
        await Task.Delay(TimeSpan.FromSeconds(ClassLiveHeadStart));
        var loadBefore = LoadAverage();
        Console.WriteLine($"Class, latency mode {mode}: {viewers} viewers joining the live (load average {loadBefore})…");
        var contexts = new List<IBrowserContext>();
        var pages = new List<IPage>();
        var classStart = DateTimeOffset.UtcNow;
        for (var i = 0; i < viewers; i++)
        {
            if (i > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(9.0 / (viewers - 1)));
            }
            var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 480, Height = 360 } });
            contexts.Add(context);
            await context.GrantPermissionsAsync(["camera", "microphone"]);
            await context.AddInitScriptAsync("""
                window.__segments = [];
                window.__clock = [];
                document.addEventListener("vp-segment-loaded", e => window.__segments.push({ ...e.detail, at: Date.now() }));
                document.addEventListener("DOMContentLoaded", () => {
                  const video = document.querySelector("video");
                  video.muted = true;
                  video.autoplay = true;
                  const sample = 
                """ + LiveClock.SampleFunction + """
                ;
                  setInterval(() => {
                    if (video.readyState < 2 || video.videoWidth === 0) return;
                    const at = Date.now();
                    const behind = Number(document.querySelector("[data-player]").dataset.latency ?? "NaN");
                    window.__clock.push({ at, behind: Number.isFinite(behind) ? behind : null, halves: sample(video, video.videoWidth, video.videoHeight) });
                  }, 500);
                });
                """);
            var page = await context.NewPageAsync();
            await page.GotoAsync(baseUrl + "/w/" + uuid);
            pages.Add(page);
        }
        var joinedWithin = (DateTimeOffset.UtcNow - classStart).TotalSeconds;
        var measureFrom = classStart.AddSeconds(ClassWarmup).ToUnixTimeMilliseconds();
        // Every 10 s, per viewer: peers connected, distance to the live edge (hls.js latency), bytes from peers / server.
        while (DateTimeOffset.UtcNow < classStart.AddSeconds(ClassWarmup + ClassMeasured))
        {
            await Task.Delay(TimeSpan.FromSeconds(10));
            var line = new List<string>();
            foreach (var page in pages)
            {
                var d = await page.EvaluateAsync<string[]>("""
                    () => { const r = document.querySelector("[data-player]").dataset;
                            return [r.p2pPeers ?? "-", r.latency ?? "-", r.p2pFromPeers ?? "0", r.p2pFromServer ?? "0"]; }
                    """);
                line.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{d[0]}p {d[1]}s {double.Parse(d[2], CultureInfo.InvariantCulture) / 1048576:0.0}/{double.Parse(d[3], CultureInfo.InvariantCulture) / 1048576:0.0}"));
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  t+{(DateTimeOffset.UtcNow - classStart).TotalSeconds:0}s (peers, behind edge, MiB peers/server): {string.Join(" | ", line)}"));
        }
        double peer = 0, server = 0, rejected = 0;
        var latencies = new List<List<double>>();
        var upstreams = new List<List<double>>();
        var players = new List<List<double>>();
        var unreadable = new List<int>();
        foreach (var page in pages)
        {
            var levels = (await page.EvaluateAsync<JsonElement>("() => window.__segments")).EnumerateArray()
                .Where(l => l.GetProperty("at").GetDouble() >= measureFrom)
                .GroupBy(l => Path.GetFileName(l.GetProperty("url").GetString()!).Split('-')[0])
                .Select(g => $"rung {g.Key}: {g.Count(l => l.GetProperty("source").GetString() == "p2p")}/{g.Count()} from peers");
            Console.WriteLine($"  viewer {pages.IndexOf(page) + 1}: {string.Join(", ", levels)}");
            foreach (var load in (await page.EvaluateAsync<JsonElement>("() => window.__segments")).EnumerateArray())
            {
                if (load.GetProperty("at").GetDouble() < measureFrom)
                {
                    continue;
                }
                var bytes = load.GetProperty("bytes").GetDouble();
                if (load.GetProperty("source").GetString() == "p2p")
                {
                    peer += bytes;
                }
                else
                {
                    server += bytes;
                }
            }
            rejected += double.Parse(await page.Locator("[data-player]").GetAttributeAsync("data-p2p-rejected") ?? "0", CultureInfo.InvariantCulture);
            // Glass-to-glass: each reading after the warm-up; a reading whose cells are alike, or whose latency is not
            // between 0 and a minute (not a frame of this run), is unreadable.
            var seconds = new List<double>();
            var upstream = new List<double>();
            var player = new List<double>();
            var bad = 0;
            foreach (var reading in (await page.EvaluateAsync<JsonElement>("() => window.__clock")).EnumerateArray())
            {
                var at = reading.GetProperty("at").GetInt64();
                if (at < measureFrom)
                {
                    continue;
                }
                var clock = LiveClock.Decode([.. reading.GetProperty("halves").EnumerateArray().Select(h => h.GetDouble())]);
                var latency = clock is { } c ? LiveClock.Latency(origin, at, c) : -1;
                if (latency is >= 0 and <= 60_000)
                {
                    seconds.Add(latency / 1000.0);
                    // The player's own part is its distance behind the edge it estimates (hls.js latency); the rest comes
                    // before it: capture, encoders, segment completion, playlist refresh.
                    if (reading.GetProperty("behind").ValueKind == JsonValueKind.Number)
                    {
                        upstream.Add((latency / 1000.0) - reading.GetProperty("behind").GetDouble());
                        player.Add(reading.GetProperty("behind").GetDouble());
                    }
                }
                else
                {
                    bad++;
                }
            }
            latencies.Add(seconds);
            upstreams.Add(upstream);
            players.Add(player);
            unreadable.Add(bad);
        }
        var loadAfter = LoadAverage();
        foreach (var context in contexts)
        {
            await context.CloseAsync();
        }
        return new ClassResult(mode, viewers, joinedWithin, peer, server, rejected, latencies, players, upstreams, unreadable, loadBefore, loadAfter);
    }
    finally
    {
        pusher.Kill();
    }
}

// The 1, 5 and 15 minute load averages.
static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

// Median, 90th percentile and maximum of latencies in seconds.
static string Summary(IReadOnlyList<double> values)
{
    if (values.Count == 0)
    {
        return "no reading";
    }
    var sorted = values.Order().ToList();
    var p90 = sorted[Math.Max(0, (int)Math.Ceiling(0.9 * sorted.Count) - 1)];
    return string.Create(CultureInfo.InvariantCulture, $"median {sorted[sorted.Count / 2]:0.00} s, p90 {p90:0.00} s, max {sorted[^1]:0.00} s");
}

static Process Start(string file, string? workingDirectory, params string[] args)
{
    var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = false, WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory };
    foreach (var a in args)
    {
        info.ArgumentList.Add(a);
    }
    return Process.Start(info)!;
}

static async Task RunAsync(string file, params string[] args)
{
    using var process = Start(file, null, args);
    await process.WaitForExitAsync();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"{file} failed with {process.ExitCode}");
    }
}

// The live's ffmpeg: a child of this process reading the FLV on its stdin.
static int? LiveFfmpeg(int parent)
{
    foreach (var dir in Directory.EnumerateDirectories("/proc"))
    {
        if (!int.TryParse(Path.GetFileName(dir), out var pid))
        {
            continue;
        }
        try
        {
            var stat = File.ReadAllText(Path.Combine(dir, "stat"));
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (int.Parse(fields[1], CultureInfo.InvariantCulture) == parent && File.ReadAllText(Path.Combine(dir, "cmdline")).Contains("pipe:0", StringComparison.Ordinal))
            {
                return pid;
            }
        }
        catch (IOException)
        {
        }
    }
    return null;
}

// utime + stime of a process, in seconds (null once it is gone).
static double? CpuSeconds(int pid)
{
    try
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
    {
        return null;
    }
}

internal sealed record ClassResult(int Mode, int Viewers, double JoinedWithin, double Peer, double Server, double Rejected,
    IReadOnlyList<List<double>> Latencies, IReadOnlyList<List<double>> Player, IReadOnlyList<List<double>> Upstream, IReadOnlyList<int> Unreadable, string LoadBefore, string LoadAfter);

internal static partial class Program
{
    /// <summary>Seconds after the first viewer joined before segments count (the class settles), then seconds counted.</summary>
    internal const int ClassWarmup = 30;
    internal const int ClassMeasured = 40;

    /// <summary>Seconds the live runs before the first viewer joins: its sliding window (6 segments) is full.</summary>
    internal const int ClassLiveHeadStart = 15;
}
