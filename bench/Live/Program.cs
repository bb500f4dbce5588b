// Benchmark: one live lesson pushed over RTMP on loopback (ffmpeg -re, as Jibri does) into an in-process instance.
// - latency: for each segment of the top rung, the wall time it appears in the live playlist (over HTTP) minus the wall
//   time its first frame was pushed (pusher start + the segment's start in the source): the earliest a viewer at the
//   live edge can show that frame. This is "segment availability vs source timestamp", not a reading of the burned-in
//   clock in a browser; a player adds its own hold-back (hls.js: 3 segments by default).
// - CPU per live: CPU time of the instance (this process) and of its live ffmpeg, against the same ffmpeg command run
//   alone on the same source file (-re) in the same run. Aim <= 1.1x.
// Usage: bench/live.sh [seconds=20]
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Api;
using VideoPlatform.Transcoder.Live;

var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
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
        "--Live:Transcoding:Resolutions:0", "480", "--Live:Transcoding:Resolutions:1", "360", "--Live:MaxUserLives", "-1"]);
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

    var results = new List<(int Mode, double Median, double Max, double LiveCpu, double AloneCpu)>();
    foreach (var mode in new[] { 1, 3 })
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
        var liveCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds + ffmpegCpu;
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

        // The same ffmpeg command alone, on the same source at the same pace.
        var alone = Path.Combine(folder, $"alone-{mode}");
        Directory.CreateDirectory(alone);
        var arguments = ffmpegArgs!.Skip(1).ToList();
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
        results.Add((mode, steady.Count > 0 ? steady[steady.Count / 2] : double.NaN, steady.Count > 0 ? steady[^1] : double.NaN, liveCpu, aloneCpu));
        Console.WriteLine($"mode {mode}: {durations.Count} segments; ffmpeg args: {string.Join(' ', arguments)}");
    }
    await app.StopAsync();

    Console.WriteLine();
    Console.WriteLine($"| latency mode | segment | first frame available after push (median, max) | CPU live (instance + its ffmpeg) | CPU ffmpeg alone | ratio |");
    Console.WriteLine("|---|---|---|---|---|---|");
    foreach (var r in results)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {r.Mode} | {LiveLadder.SegmentSeconds(r.Mode)} s | {r.Median:0.00} s, {r.Max:0.00} s | {r.LiveCpu:0.0} s | {r.AloneCpu:0.0} s | {r.LiveCpu / r.AloneCpu:0.00}x |"));
    }
}
finally
{
    Directory.Delete(folder, recursive: true);
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
