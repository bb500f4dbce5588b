using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using VideoPlatform.Transcoder;
using VideoPlatform.Transcoder.Ffmpeg;
using VideoPlatform.Transcoder.Planning;
using VideoPlatform.Transcoder.Probing;

// Ladder benchmark: our whole pipeline vs the PeerTube way (one ffmpeg per resolution, each decoding the source)
// vs the bare single-decode ffmpeg command, on a noisy 1080p30 source, with SSIM of the 720p renditions; and the cost of
// web videos (the bare command with and without them).
var seconds = 60;
var threads = 2;
var work = Path.Combine(Path.GetTempPath(), "vp-bench-ladder");
var onlyWebVideos = false;
var onlyAudioOnce = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--seconds":
            seconds = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--threads":
            threads = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--web-videos-only":
            onlyWebVideos = true;
            break;
        case "--audio-once-only":
            onlyAudioOnce = true;
            break;
        case "--work":
            work = Path.GetFullPath(args[++i]);
            break;
        default:
            Console.Error.WriteLine("usage: ladder [--seconds 60] [--threads 2] [--work DIR] [--web-videos-only] [--audio-once-only]");
            return 2;
    }
}

if (Directory.Exists(work))
{
    Directory.Delete(work, recursive: true);
}

Directory.CreateDirectory(work);
var settings = new TranscodeSettings { Threads = threads };
if (onlyAudioOnce)
{
    await AudioOnce.RunAsync(settings, work, 40);
    return 0;
}

var source = Path.Combine(work, "source.mp4");
Console.WriteLine($"Making a {seconds} s 1920x1080 30 fps noisy source…");
await Tool.RunAsync(settings.FfmpegPath, work,
    "-hide_banner", "-loglevel", "error", "-y",
    "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30,noise=alls=20:allf=t",
    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
    "-t", seconds.ToString(CultureInfo.InvariantCulture),
    "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-c:a", "aac", "-threads", threads.ToString(CultureInfo.InvariantCulture),
    source);

var media = await new MediaProber(NullLogger<MediaProber>.Instance, settings.FfprobeFolder).ProbeAsync(source, CancellationToken.None)
    ?? throw new InvalidOperationException("the generated source cannot be probed");
var plan = LadderPlanner.Plan(media, settings);
Console.WriteLine("Ladder: " + string.Join(", ", plan.Renditions.Select(r => $"{r.Resolution}p {r.Width}x{r.Height} maxrate {r.MaxBitrate / 1000}k")));
var runner = new FfmpegRunner(NullLogger.Instance, TimeProvider.System);

// 1. The bare single-decode command: the floor for our pipeline.
var bareDir = Directory.CreateDirectory(Path.Combine(work, "bare")).FullName;
var bare = await Tool.TimeAsync(() => runner.RunAsync(settings.FfmpegPath, FfmpegArguments.Ladder(source, plan, "bare", settings), bareDir,
    media.Duration, null, settings.Timeout, settings.CancelGracePeriod, CancellationToken.None));
Console.WriteLine($"bare single ffmpeg   {bare.TotalSeconds,8:0.0} s   (HLS + web videos, Transcoding:WebVideos on)");

// 1b. What web videos cost: the same bare command with Transcoding:WebVideos off and on (the tee muxer writes the same
// encoded packets twice), alternated twice, measured in ffmpeg's CPU time (user + system, from /usr/bin/time) because the
// wall clock of a shared machine says more about its other users than about the two commands.
var hlsOnlySettings = settings with { WebVideos = false };
var cpuOff = TimeSpan.Zero;
var cpuOn = TimeSpan.Zero;
var wallOff = TimeSpan.Zero;
var wallOn = TimeSpan.Zero;
for (var round = 0; round < 2; round++)
{
    foreach (var webVideos in new[] { false, true })
    {
        var dir = Directory.CreateDirectory(Path.Combine(work, webVideos ? $"web-on-{round}" : $"web-off-{round}")).FullName;
        var (wall, cpu) = await Tool.CpuAsync(settings.FfmpegPath, dir, FfmpegArguments.Ladder(source, plan, "wv", webVideos ? settings : hlsOnlySettings));
        Console.WriteLine($"bare, web videos {(webVideos ? "on " : "off")}  {wall.TotalSeconds,8:0.0} s wall {cpu.TotalSeconds,8:0.0} s CPU");
        if (webVideos)
        {
            (cpuOn, wallOn) = (cpuOn + cpu, wallOn + wall);
        }
        else
        {
            (cpuOff, wallOff) = (cpuOff + cpu, wallOff + wall);
        }
    }
}

if (onlyWebVideos)
{
    Console.WriteLine();
    Console.WriteLine($"web videos on / off      {cpuOn / cpuOff:0.00} CPU, {wallOn / wallOff:0.00} wall   (bare command, Transcoding:WebVideos)");
    return 0;
}

// 2. Our whole path: probe, validate, plan, ladder, images, hashes, master, publish.
var pipeline = new HlsPipeline(NullLogger<HlsPipeline>.Instance, NullLoggerFactory.Instance, TimeProvider.System);
TranscodeResult? ours = null;
var oursTime = await Tool.TimeAsync(async () => ours = await pipeline.RunAsync(source, Path.Combine(work, "ours"), settings, null, CancellationToken.None));
Console.WriteLine($"our pipeline         {oursTime.TotalSeconds,8:0.0} s");

// 3. The PeerTube way: one process per resolution, same encoder settings, each decoding the source again.
var peertubeDir = Directory.CreateDirectory(Path.Combine(work, "peertube")).FullName;
var peertube = await Tool.TimeAsync(async () =>
{
    foreach (var rendition in plan.Renditions)
    {
        var single = plan with { Renditions = [rendition] };
        await runner.RunAsync(settings.FfmpegPath, FfmpegArguments.Ladder(source, single, "pt", settings), peertubeDir,
            media.Duration, null, settings.Timeout, settings.CancelGracePeriod, CancellationToken.None);
    }
});
Console.WriteLine($"PeerTube way         {peertube.TotalSeconds,8:0.0} s");

var top = plan.Renditions.FirstOrDefault(r => r.Resolution == 720) ?? plan.Renditions[0];
var oursSsim = await Tool.SsimAsync(settings.FfmpegPath, work, Path.Combine(ours!.Directory, FfmpegArguments.FragmentedName(ours.Id, top.Resolution)), source, top);
var peertubeSsim = await Tool.SsimAsync(settings.FfmpegPath, work, Path.Combine(peertubeDir, FfmpegArguments.FragmentedName("pt", top.Resolution)), source, top);

Console.WriteLine();
Console.WriteLine($"ours / PeerTube way      {oursTime / peertube:0.00}");
Console.WriteLine($"bare / PeerTube way      {bare / peertube:0.00}");
Console.WriteLine($"ours / bare              {oursTime / bare:0.00}   (goal ≤ 1.10)");
Console.WriteLine($"web videos on / off      {cpuOn / cpuOff:0.00} CPU, {wallOn / wallOff:0.00} wall   (bare command, Transcoding:WebVideos)");
Console.WriteLine($"SSIM {top.Resolution}p ours          {oursSsim}");
Console.WriteLine($"SSIM {top.Resolution}p PeerTube way  {peertubeSsim}");
Console.WriteLine();
await AudioOnce.RunAsync(settings, work, 40);
return 0;

internal static class Tool
{
    public static async Task<TimeSpan> TimeAsync(Func<Task> action)
    {
        var start = Stopwatch.GetTimestamp();
        await action();
        return Stopwatch.GetElapsedTime(start);
    }

    public static async Task<string> RunAsync(string exe, string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo(exe) { WorkingDirectory = workingDirectory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{exe} failed: {await stderr}");
        }

        return await stdout + await stderr;
    }

    /// <summary>Wall time and CPU time (user + system, as /usr/bin/time reports them) of one run.</summary>
    public static async Task<(TimeSpan Wall, TimeSpan Cpu)> CpuAsync(string exe, string workingDirectory, IReadOnlyList<string> args)
    {
        var start = Stopwatch.GetTimestamp();
        var output = await RunAsync("/usr/bin/time", workingDirectory, ["-f", "cpu-seconds %U %S", exe, .. args]);
        var wall = Stopwatch.GetElapsedTime(start);
        var line = output.Split('\n').Last(l => l.StartsWith("cpu-seconds ", StringComparison.Ordinal)).Split(' ');
        var cpu = double.Parse(line[1], CultureInfo.InvariantCulture) + double.Parse(line[2], CultureInfo.InvariantCulture);
        return (wall, TimeSpan.FromSeconds(cpu));
    }

    /// <summary>SSIM "All" of a rendition against the source scaled to the same size; timestamps restarted on both sides.</summary>
    public static async Task<string> SsimAsync(string ffmpeg, string work, string rendition, string source, RenditionPlan plan)
    {
        var output = await RunAsync(ffmpeg, work, "-hide_banner", "-nostats", "-threads", "2", "-i", rendition, "-i", source, "-lavfi",
            $"[0:v]setpts=PTS-STARTPTS[a];[1:v]fps={plan.Fps},scale={plan.Width}:{plan.Height},setsar=1,setpts=PTS-STARTPTS[b];[a][b]ssim",
            "-f", "null", "-");
        var at = output.LastIndexOf("All:", StringComparison.Ordinal);
        return at < 0 ? "n/a" : output[(at + 4)..].Split(' ')[0];
    }
}
