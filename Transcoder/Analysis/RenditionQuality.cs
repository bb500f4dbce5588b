using System.Globalization;
using VideoPlatform.Transcoder.Planning;

namespace VideoPlatform.Transcoder.Analysis;

/// <summary>One video rendition as published: its CRF, its HLS file's size and its SSIM against the source scaled to its size.</summary>
public sealed record RenditionQuality(int Resolution, int Width, int Height, int Crf, long SizeBytes, double Ssim);

/// <summary>
/// What the transcode decided and measured, kept in the transcode job's details for administrators: the content analysis and
/// its rate control, size and SSIM per rendition, and the time each step took.
/// </summary>
public sealed record TranscodeReport(
    string Content,
    double MedianFrameDifference,
    double Percentile75FrameDifference,
    string? Tune,
    IReadOnlyList<RenditionQuality> Renditions,
    double AnalysisSeconds,
    double LadderSeconds,
    double SsimSeconds)
{
    /// <summary>How many seconds of each rendition the SSIM figures cover (the sampled windows together).</summary>
    public double SsimSampledSeconds { get; init; }
}

/// <summary>
/// SSIM per rendition in one ffmpeg run after the ladder, on a few sampled windows (<see cref="Windows"/>): for each window the
/// source is decoded once from its keyframe, split, each branch brought to a rendition's frame rate and size exactly as the ladder
/// did, and each rendition's windows, joined, are compared by ffmpeg's <c>ssim</c> filter with the source's.
/// </summary>
public static class SsimRules
{
    /// <summary>
    /// Each sampled window lasts at most this long. SSIM is a recorded figure (nothing is decided from it): measured over the
    /// whole source, the comparison decoded the source and every rendition again and cost half as much as the ladder; over three
    /// windows it is a small fixed cost whatever the length of the lesson.
    /// </summary>
    public const double WindowSeconds = 2;

    /// <summary>
    /// The windows compared (start, length): one per window the content analysis decoded (<see cref="ContentAnalysis.Windows"/>,
    /// which start on the source's keyframes), its start moved up to the next whole second (a whole-second shift keeps every
    /// rendition's frames on the same instants as in the ladder, whatever its integer frame rate; decoding from the keyframe
    /// costs at most one second more), at most <see cref="WindowSeconds"/> long, never past the next window or the end.
    /// Without such windows (or when none fits), the first <see cref="WindowSeconds"/>.
    /// </summary>
    public static IReadOnlyList<(double Start, double Length)> Windows(IReadOnlyList<(double Start, double Length)> analysed, double durationSeconds)
    {
        if (!double.IsFinite(durationSeconds) || durationSeconds <= 0)
        {
            return [];
        }

        var starts = analysed.Select(w => Math.Ceiling(w.Start - 0.001)).Where(s => s < durationSeconds - 0.5).Distinct().Order().ToList();
        var result = new List<(double Start, double Length)>();
        for (var i = 0; i < starts.Count; i++)
        {
            var end = Math.Min(Math.Min(starts[i] + WindowSeconds, durationSeconds), i + 1 < starts.Count ? starts[i + 1] : double.MaxValue);
            result.Add((starts[i], Math.Round(end - starts[i], 3)));
        }

        return result.Count > 0 ? result : [(0, Math.Min(WindowSeconds, durationSeconds))];
    }

    public static string StatsFileName(int resolution) => $"ssim-{resolution.ToString(CultureInfo.InvariantCulture)}.log";

    /// <summary>
    /// Per window w, input w × (1 + renditions) is the source and the next ones the files of <paramref name="renditions"/>, each
    /// sought to the window (an exact seek: the shift by a whole second keeps the frame instants); one null output per rendition.
    /// </summary>
    public static IReadOnlyList<string> Arguments(
        string sourcePath, IReadOnlyList<(RenditionPlan Plan, string File)> renditions, IReadOnlyList<(double Start, double Length)> windows, int threads)
    {
        var args = new List<string> { "-hide_banner", "-nostats", "-loglevel", "error", "-y", "-threads", Str(threads) };
        var parts = new List<string>();
        var perWindow = renditions.Count + 1;
        for (var w = 0; w < windows.Count; w++)
        {
            var (start, length) = windows[w];
            string[] seek = ["-ss", ContentRules.Seconds(start), "-t", ContentRules.Seconds(length), "-an", "-sn", "-dn", "-i"];
            args.AddRange([.. seek, sourcePath]);
            foreach (var (_, file) in renditions)
            {
                args.AddRange([.. seek, file]);
            }

            var source = w * perWindow;
            var labels = string.Concat(renditions.Select((_, i) => $"[s{Str(w)}_{Str(i)}]"));
            parts.Add($"[{Str(source)}:v:0]split={Str(renditions.Count)}{labels}");
            for (var i = 0; i < renditions.Count; i++)
            {
                var r = renditions[i].Plan;
                parts.Add($"[s{Str(w)}_{Str(i)}]fps={Str(r.Fps)},scale={Str(r.Width)}:{Str(r.Height)},setsar=1,format=yuv420p,setpts=PTS-STARTPTS[ref{Str(w)}_{Str(i)}]");
                parts.Add($"[{Str(source + 1 + i)}:v:0]setsar=1,format=yuv420p,setpts=PTS-STARTPTS[enc{Str(w)}_{Str(i)}]");
            }
        }

        for (var i = 0; i < renditions.Count; i++)
        {
            var r = renditions[i].Plan;
            var n = Str(windows.Count);
            var refs = string.Concat(Enumerable.Range(0, windows.Count).Select(w => $"[ref{Str(w)}_{Str(i)}]"));
            var encs = string.Concat(Enumerable.Range(0, windows.Count).Select(w => $"[enc{Str(w)}_{Str(i)}]"));
            parts.Add($"{refs}concat=n={n}:v=1:a=0[ref{Str(i)}]");
            parts.Add($"{encs}concat=n={n}:v=1:a=0[enc{Str(i)}]");
            parts.Add($"[enc{Str(i)}][ref{Str(i)}]ssim=stats_file={StatsFileName(r.Resolution)}[out{Str(i)}]");
        }

        args.AddRange(["-filter_complex", string.Join(';', parts)]);
        for (var i = 0; i < renditions.Count; i++)
        {
            args.AddRange(["-map", $"[out{Str(i)}]", "-f", "null", "-"]);
        }

        return args;
    }

    /// <summary>
    /// The mean of the per-frame <c>All:</c> values of an ssim stats file (what ffmpeg prints as the run's SSIM "All"), or null
    /// when the file lists no frame.
    /// </summary>
    public static double? MeanSsim(string statsFile)
    {
        var sum = 0.0;
        var count = 0;
        foreach (var line in statsFile.Split('\n'))
        {
            var at = line.IndexOf("All:", StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }

            var rest = line.AsSpan(at + 4);
            var end = rest.IndexOf(' ');
            if (!double.TryParse(end < 0 ? rest.Trim() : rest[..end], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                || !double.IsFinite(value) || value is < 0 or > 1)
            {
                throw new FormatException($"ffmpeg wrote an unreadable SSIM line: '{line.Trim()}'.");
            }

            sum += value;
            count++;
        }

        return count == 0 ? null : sum / count;
    }

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}
