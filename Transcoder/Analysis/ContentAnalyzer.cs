using System.Diagnostics;
using System.Globalization;
using VideoPlatform.Transcoder.Ffmpeg;
using VideoPlatform.Transcoder.Probing;

namespace VideoPlatform.Transcoder.Analysis;

/// <summary>
/// Measures how much the source changes from frame to frame on a few short windows (<see cref="ContentRules.Windows"/>),
/// decoded with a fast seek, at 320 pixels wide and 10 frames a second, with ffmpeg's scene detector (<c>scdet</c>) giving the
/// mean absolute difference of each frame from the previous one; <see cref="ContentRules.Classify"/> decides from those figures.
/// </summary>
internal static class ContentAnalyzer
{
    public static async Task<ContentAnalysis> AnalyzeAsync(
        string sourcePath, SourceMedia source, string workingDirectory, TranscodeSettings settings, FfmpegRunner runner, CancellationToken cancellationToken)
    {
        var windows = ContentRules.Windows(source.Duration.TotalSeconds);
        if (!source.HasVideo || windows.Count == 0)
        {
            return ContentAnalysis.Unknown;
        }

        var start = Stopwatch.GetTimestamp();
        const string printFile = "content-analysis.txt";
        var printPath = Path.Combine(workingDirectory, printFile);
        try
        {
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
            return ContentRules.Classify(differences, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        finally
        {
            File.Delete(printPath);
        }
    }

    /// <summary>
    /// One input per window (each with its own fast seek), each scaled down, compared frame to frame and stripped of its first
    /// frame (which has nothing to be compared with), then concatenated and printed to <paramref name="printFile"/>.
    /// </summary>
    internal static IReadOnlyList<string> Arguments(string sourcePath, IReadOnlyList<(double Start, double Length)> windows, string printFile, int threads)
    {
        var args = new List<string> { "-hide_banner", "-nostats", "-loglevel", "error", "-y", "-threads", Str(threads) };
        foreach (var (start, length) in windows)
        {
            args.AddRange(["-ss", Seconds(start), "-t", Seconds(length), "-an", "-sn", "-dn", "-i", sourcePath]);
        }

        var chains = windows.Select((_, i) =>
            $"[{Str(i)}:v:0]fps={Str(ContentRules.AnalysisFps)},scale={Str(ContentRules.AnalysisWidth)}:-2,format=yuv420p,scdet=threshold=100,trim=start_frame=1[w{Str(i)}]");
        var inputs = string.Concat(windows.Select((_, i) => $"[w{Str(i)}]"));
        var graph = string.Join(';', chains)
            + $";{inputs}concat=n={Str(windows.Count)}:v=1:a=0,metadata=mode=print:key=lavfi.scd.mafd:file={printFile}[out]";
        args.AddRange(["-filter_complex", graph, "-map", "[out]", "-f", "null", "-"]);
        return args;
    }

    private static string Seconds(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}
