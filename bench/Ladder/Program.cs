using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using VideoPlatform.Transcoder;
using VideoPlatform.Transcoder.Analysis;
using VideoPlatform.Transcoder.Ffmpeg;
using VideoPlatform.Transcoder.Planning;
using VideoPlatform.Transcoder.Probing;

// Ladder benchmark: our whole pipeline vs the PeerTube way (one ffmpeg per resolution, each decoding the source)
// vs the bare single-decode ffmpeg command, on a noisy 1080p30 source, with SSIM of the 720p renditions; and the cost of
// web videos (the bare command with and without them). Then the content-aware ladder (--content, or --content-only): ours vs
// PeerTube's real settings, on a generated slide lesson and on the noisy clip, bytes and SSIM per rendition.
var seconds = 60;
var content = false;
var contentOnly = false;
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
        case "--content":
            content = true;
            break;
        case "--content-only":
            content = contentOnly = true;
            break;
        case "--audio-once-only":
            onlyAudioOnce = true;
            break;
        case "--work":
            work = Path.GetFullPath(args[++i]);
            break;
        default:
            Console.Error.WriteLine("usage: ladder [--seconds 60] [--threads 2] [--work DIR] [--web-videos-only | --content | --content-only | --audio-once-only]");
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
if (contentOnly)
{
    await ContentBench.RunAsync(work, source, seconds, settings, runner);
    return 0;
}

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
if (content)
{
    await ContentBench.RunAsync(work, source, seconds, settings, runner);
}

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

/// <summary>
/// The content-aware ladder against PeerTube's real settings (libx264 veryfast CRF 23 under its bitrate table as
/// -maxrate/-bufsize, -bf 16 -b_strategy 1, a keyframe every 2 s, AAC in every rendition, one ffmpeg per resolution) on the same
/// files in the same run: a generated slide lesson and the noisy clip. Per rendition: file bytes, video bytes alone (so the figure
/// does not depend on where the audio goes) and SSIM against the source scaled to the rendition (the same ffmpeg run for both);
/// wall time of our whole pipeline (analysis, ladder, SSIM, images, hashes) and of its ladder alone vs the PeerTube way.
/// </summary>
internal static class ContentBench
{
    public static async Task RunAsync(string work, string noisy, int seconds, TranscodeSettings baseSettings, FfmpegRunner runner)
    {
        // HLS only on both sides: web videos are the same packets again, and PeerTube's HLS is compared here.
        var settings = baseSettings with { WebVideos = false };
        var slides = Path.Combine(work, "slides.mp4");
        Console.WriteLine();
        Console.WriteLine($"Making a {seconds} s 1920x1080 30 fps slide lesson (slides changing every 10 s, a moving pointer, speech-like sound)…");
        await Tool.RunAsync(settings.FfmpegPath, work, SlideLesson(seconds, slides, settings.Threads));

        foreach (var (name, source) in new[] { ("slide lesson", slides), ("noisy clip", noisy) })
        {
            var media = await new MediaProber(NullLogger<MediaProber>.Instance, settings.FfprobeFolder).ProbeAsync(source, CancellationToken.None)
                ?? throw new InvalidOperationException("the source cannot be probed");
            var plan = LadderPlanner.Plan(media, settings);
            var pipeline = new HlsPipeline(NullLogger<HlsPipeline>.Instance, NullLoggerFactory.Instance, TimeProvider.System);
            TranscodeResult? ours = null;
            var oursTime = await Tool.TimeAsync(async () =>
                ours = await pipeline.RunAsync(source, Path.Combine(work, "content-ours-" + Path.GetFileNameWithoutExtension(source)), settings, null, CancellationToken.None));
            var report = ours!.Report!;

            var peertubeDir = Directory.CreateDirectory(Path.Combine(work, "content-peertube-" + Path.GetFileNameWithoutExtension(source))).FullName;
            var peertubeTime = await Tool.TimeAsync(async () =>
            {
                foreach (var r in plan.Renditions)
                {
                    await Tool.RunAsync(settings.FfmpegPath, peertubeDir, PeerTubeWay(source, r, plan.SourceHasAudio, settings.Threads));
                }
            });
            // Both sides measured the same way, on the whole source (up to a minute): the pipeline's own figure is sampled.
            var peertubeSsim = await SsimAsync(runner, settings, source, peertubeDir, "pt", plan, media.Duration);
            var oursFullSsim = await SsimAsync(runner, settings, source, ours!.Directory, ours.Id, plan, media.Duration);

            Console.WriteLine();
            Console.WriteLine($"{name}: analysed as {report.Content} (frame difference median {report.MedianFrameDifference:0.###}, "
                + $"75th percentile {report.Percentile75FrameDifference:0.###}) in {report.AnalysisSeconds:0.00} s; x264 tuning {report.Tune ?? "none"}");
            Console.WriteLine($"  SSIM on the whole source for both sides; \"sampled\" is the pipeline's own figure, on {report.SsimSampledSeconds:0.#} s of windows");
            Console.WriteLine("  rung    CRF   ours bytes  video bytes   SSIM   sampled  |  PeerTube bytes  video bytes   SSIM     | bytes  video  ΔSSIM");
            long oursTotal = 0, oursVideo = 0, ptTotal = 0, ptVideo = 0;
            foreach (var q in report.Renditions)
            {
                var oursFile = Path.Combine(ours.Directory, FfmpegArguments.FragmentedName(ours.Id, q.Resolution));
                var ptFile = Path.Combine(peertubeDir, FfmpegArguments.FragmentedName("pt", q.Resolution));
                var ov = await VideoBytesAsync(settings, oursFile);
                var pb = new FileInfo(ptFile).Length;
                var pv = await VideoBytesAsync(settings, ptFile);
                var ps = peertubeSsim[q.Resolution];
                (oursTotal, oursVideo, ptTotal, ptVideo) = (oursTotal + q.SizeBytes, oursVideo + ov, ptTotal + pb, ptVideo + pv);
                var os = oursFullSsim[q.Resolution];
                Console.WriteLine($"  {q.Resolution,4}p  {q.Crf,4} {q.SizeBytes,12:N0} {ov,12:N0}  {os:0.00000} {q.Ssim:0.00000}  | {pb,14:N0} {pv,12:N0}  {ps:0.00000}  | "
                    + $"{(double)q.SizeBytes / pb:0.00}×  {(double)ov / pv:0.00}×  {os - ps:+0.00000;-0.00000}");
            }

            // Everything our HLS serves (any separate audio file included), vs PeerTube's renditions.
            var oursAll = Directory.EnumerateFiles(ours.Directory, "*.mp4").Sum(f => new FileInfo(f).Length);
            Console.WriteLine($"  total   HLS {oursAll:N0} vs {ptTotal:N0} bytes = {(double)oursAll / ptTotal:0.00}×; video alone {oursVideo:N0} vs {ptVideo:N0} = {(double)oursVideo / ptVideo:0.00}×");
            Console.WriteLine($"  wall    ours {oursTime.TotalSeconds:0.0} s (ladder {report.LadderSeconds:0.0} s, analysis {report.AnalysisSeconds:0.0} s, "
                + $"SSIM {report.SsimSeconds:0.0} s) vs PeerTube way {peertubeTime.TotalSeconds:0.0} s: "
                + $"ours / PeerTube {oursTime / peertubeTime:0.00}, ladder alone / PeerTube {report.LadderSeconds / peertubeTime.TotalSeconds:0.00}");
        }
    }

    /// <summary>PeerTube's VOD HLS command for one resolution (its libx264 options and bitrate table; audio in the rendition).</summary>
    private static string[] PeerTubeWay(string source, RenditionPlan r, bool audio, int threads)
    {
        var gop = (r.Fps * 2).ToString(CultureInfo.InvariantCulture);
        var args = new List<string>
        {
            "-hide_banner", "-nostats", "-loglevel", "error", "-y", "-threads", threads.ToString(CultureInfo.InvariantCulture), "-i", source,
            "-map", "0:v:0", "-vf", $"fps={r.Fps},scale={r.Width}:{r.Height},setsar=1,format=yuv420p",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "23",
            "-maxrate", r.MaxBitrate.ToString(CultureInfo.InvariantCulture), "-bufsize", r.BufferSize.ToString(CultureInfo.InvariantCulture),
            "-b_strategy", "1", "-bf", "16", "-g", gop,
        };
        if (audio)
        {
            args.AddRange(["-map", "0:a:0", "-c:a", "aac", "-b:a", $"{r.AudioKbps}k", "-ac", "2"]);
        }

        args.AddRange(["-threads", threads.ToString(CultureInfo.InvariantCulture), "-f", "hls", "-hls_time", "4", "-hls_list_size", "0",
            "-hls_playlist_type", "vod", "-hls_segment_type", "fmp4", "-hls_flags", "single_file",
            "-hls_segment_filename", FfmpegArguments.FragmentedName("pt", r.Resolution), FfmpegArguments.PlaylistName("pt", r.Resolution)]);
        return [.. args];
    }

    /// <summary>SSIM per rendition over the first minute of the source, as the pipeline measured it before it sampled windows.</summary>
    private static async Task<Dictionary<int, double>> SsimAsync(
        FfmpegRunner runner, TranscodeSettings settings, string source, string dir, string id, TranscodePlan plan, TimeSpan duration)
    {
        var videos = plan.Renditions.Where(r => !r.IsAudioOnly).Select(r => (r, FfmpegArguments.FragmentedName(id, r.Resolution))).ToList();
        (double, double)[] whole = [(0, Math.Min(60, duration.TotalSeconds))];
        await runner.RunAsync(settings.FfmpegPath, SsimRules.Arguments(source, videos, whole, settings.Threads), dir, duration, null,
            settings.Timeout, settings.CancelGracePeriod, CancellationToken.None);
        return videos.ToDictionary(v => v.r.Resolution,
            v => SsimRules.MeanSsim(File.ReadAllText(Path.Combine(dir, SsimRules.StatsFileName(v.r.Resolution)))) ?? double.NaN);
    }

    /// <summary>Sum of the video packets' sizes: the rendition's bytes without its audio or container.</summary>
    private static async Task<long> VideoBytesAsync(TranscodeSettings settings, string file)
    {
        var ffprobe = string.IsNullOrEmpty(settings.FfprobeFolder) ? "ffprobe" : Path.Combine(settings.FfprobeFolder, "ffprobe");
        var csv = await Tool.RunAsync(ffprobe, Path.GetDirectoryName(file)!, "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=size", "-of", "csv=p=0", file);
        return csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Sum(l => long.Parse(l.TrimEnd(','), CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Slides of a lesson at 1920×1080 30 fps: a title, bullet lines (DejaVu when installed, bars otherwise) and a figure, changing
    /// every 10 s; a red pointer moving over them; speech-like sound (pink noise under 3 kHz pulsed four times a second).
    /// </summary>
    private static string[] SlideLesson(int seconds, string path, int threads)
    {
        const string font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
        var slides = new List<string>();
        for (var n = 0; n * 10 < seconds; n++)
        {
            var when = $"enable='between(t,{n * 10},{(n * 10) + 10})'";
            slides.Add(File.Exists(font)
                ? $"drawtext=fontfile={font}:fontsize=64:x=120:y=90:text='Chapitre {n + 1} - Les fractions':{when},"
                    + $"drawtext=fontfile={font}:fontsize=40:x=150:y=270:line_spacing=28:text='- Une fraction a/b partage une unite en b parts\n"
                    + $"- Le numerateur compte les parts prises ({n + 1})\n- Exemple\\: 3/4 de 120 = 90\n- Simplifier\\: 6/8 = 3/4':{when},"
                    + $"drawbox=x={1050 + (n % 4 * 60)}:y=570:w=600:h=375:color=0x3060a0:t=fill:{when}"
                : $"drawbox=x=120:y=90:w={900 + (n % 4 * 60)}:h=64:color=black:t=fill:{when},drawbox=x=150:y={270 + (n % 4 * 30)}:w=1200:h=16:color=0x333333:t=fill:{when},"
                    + $"drawbox=x={1050 + (n % 4 * 60)}:y=570:w=600:h=375:color=0x3060a0:t=fill:{when}");
        }

        var graph = $"color=c=0xf8f8f0:s=1920x1080:r=30,{string.Join(',', slides)}[bg];color=c=red:s=24x24:r=30[p];"
            + "[bg][p]overlay=x='600+450*sin(t*0.9)':y='600+225*sin(t*0.5)':shortest=1[v]";
        return ["-hide_banner", "-loglevel", "error", "-y", "-filter_complex", graph,
            "-f", "lavfi", "-i", "anoisesrc=color=pink:sample_rate=48000:amplitude=0.3,lowpass=f=3000,tremolo=f=4:d=0.9",
            "-t", seconds.ToString(CultureInfo.InvariantCulture), "-map", "[v]", "-map", "0:a",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k",
            "-threads", threads.ToString(CultureInfo.InvariantCulture), path];
    }
}
