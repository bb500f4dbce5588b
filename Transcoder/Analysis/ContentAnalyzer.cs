using System.Diagnostics;
using System.Globalization;
using VideoPlatform.Transcoder.Ffmpeg;
using VideoPlatform.Transcoder.Probing;

namespace VideoPlatform.Transcoder.Analysis;

/// <summary>
/// Measures how much the source changes from frame to frame on a few short windows (<see cref="ContentRules.Windows"/>), each
/// decoded from the keyframe at or before it (<see cref="ContentRules.FromKeyframes"/>), at 320 pixels wide and 10 frames a second, with ffmpeg's scene detector (<c>scdet</c>) giving the
/// mean absolute difference of each frame from the previous one; <see cref="ContentRules.Classify"/> decides from those figures.
/// </summary>
internal static class ContentAnalyzer
{
    public static async Task<ContentAnalysis> AnalyzeAsync(
        string sourcePath, SourceMedia source, string workingDirectory, TranscodeSettings settings, FfmpegRunner runner, CancellationToken cancellationToken)
    {
        var duration = source.Duration.TotalSeconds;
        var samples = ContentRules.Windows(duration);
        if (!source.HasVideo || samples.Count == 0)
        {
            return ContentAnalysis.Unknown;
        }

        var start = Stopwatch.GetTimestamp();
        const string printFile = "content-analysis.txt";
        var printPath = Path.Combine(workingDirectory, printFile);
        try
        {
            // Where decoding can start for each window (a short source is decoded whole, from its start).
            IReadOnlyList<double?> keyframes = samples is [(0, _)] ? [0.0] : await KeyframesAsync(sourcePath, samples, workingDirectory, settings, runner, cancellationToken).ConfigureAwait(false);
            var windows = ContentRules.FromKeyframes(samples, keyframes, duration);
            await runner.RunAsync(
                settings.FfmpegPath,
                Arguments(sourcePath, windows, printFile, settings.Threads),
                workingDirectory,
                TimeSpan.Zero,
                null,
                settings.Timeout,
                settings.CancelGracePeriod,
                cancellationToken).ConfigureAwait(false);
            var differences = ContentRules.ParseDifferences(
                File.Exists(printPath) ? await File.ReadAllTextAsync(printPath, cancellationToken).ConfigureAwait(false) : "");
            return ContentRules.Classify(differences, Stopwatch.GetElapsedTime(start).TotalSeconds) with { Windows = windows };
        }
        finally
        {
            File.Delete(printPath);
        }
    }

    /// <summary>
    /// The keyframe at or before each window's start: one packet read after a seek per window, nothing decoded. A source that
    /// cannot be read that way (no index to seek in) is still analysed, each window from its own start.
    /// </summary>
    private static async Task<IReadOnlyList<double?>> KeyframesAsync(
        string sourcePath, IReadOnlyList<(double Start, double Length)> samples, string workingDirectory, TranscodeSettings settings, FfmpegRunner runner,
        CancellationToken cancellationToken)
    {
        const string keyframesFile = "content-keyframes.csv";
        var keyframesPath = Path.Combine(workingDirectory, keyframesFile);
        try
        {
            await runner.RunAsync(
                Ffprobe(settings),
                KeyframeArguments(sourcePath, samples, keyframesFile),
                workingDirectory,
                TimeSpan.Zero,
                null,
                settings.Timeout,
                settings.CancelGracePeriod,
                cancellationToken).ConfigureAwait(false);
            return ContentRules.ParseKeyframes(
                File.Exists(keyframesPath) ? await File.ReadAllTextAsync(keyframesPath, cancellationToken).ConfigureAwait(false) : "", samples.Count);
        }
        catch (Exception ex) when (ex is FfmpegException or FormatException)
        {
            return new double?[samples.Count];
        }
        finally
        {
            File.Delete(keyframesPath);
        }
    }

    /// <summary>ffprobe printing, for each window, the first video packet read after seeking to its start (time and flags).</summary>
    internal static IReadOnlyList<string> KeyframeArguments(string sourcePath, IReadOnlyList<(double Start, double Length)> windows, string outputFile) =>
    [
        "-hide_banner", "-v", "error", "-select_streams", "v:0", "-read_intervals", ContentRules.KeyframeIntervals(windows),
        "-show_entries", "packet=pts_time,flags", "-of", "csv=p=0", "-o", outputFile, sourcePath,
    ];

    private static string Ffprobe(TranscodeSettings settings) =>
        string.IsNullOrEmpty(settings.FfprobeFolder) ? "ffprobe" : Path.Combine(settings.FfprobeFolder, "ffprobe");

    /// <summary>
    /// One input per window, each decoded from the keyframe its seek lands on (<c>-noaccurate_seek</c>: nothing decoded is thrown
    /// away, and a window whose keyframe is unknown still costs only its length), each scaled down, compared frame to frame and stripped of its first
    /// frame (which has nothing to be compared with), then concatenated and printed to <paramref name="printFile"/>.
    /// </summary>
    internal static IReadOnlyList<string> Arguments(string sourcePath, IReadOnlyList<(double Start, double Length)> windows, string printFile, int threads)
    {
        var args = new List<string> { "-hide_banner", "-nostats", "-loglevel", "error", "-y", "-threads", Str(threads) };
        foreach (var (start, length) in windows)
        {
            args.AddRange(["-ss", ContentRules.Seconds(start), "-noaccurate_seek", "-t", ContentRules.Seconds(length), "-an", "-sn", "-dn", "-i", sourcePath]);
        }

        var chains = windows.Select((_, i) =>
            $"[{Str(i)}:v:0]fps={Str(ContentRules.AnalysisFps)},scale={Str(ContentRules.AnalysisWidth)}:-2,format=yuv420p,scdet=threshold=100,trim=start_frame=1[w{Str(i)}]");
        var inputs = string.Concat(windows.Select((_, i) => $"[w{Str(i)}]"));
        var graph = string.Join(';', chains)
            + $";{inputs}concat=n={Str(windows.Count)}:v=1:a=0,metadata=mode=print:key=lavfi.scd.mafd:file={printFile}[out]";
        args.AddRange(["-filter_complex", graph, "-map", "[out]", "-f", "null", "-"]);
        return args;
    }

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}
