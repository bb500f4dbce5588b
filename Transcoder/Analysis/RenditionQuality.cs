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
    double SsimSeconds);

/// <summary>
/// SSIM per rendition in one ffmpeg run after the ladder: the source decoded once, split, each branch brought to a rendition's
/// frame rate and size exactly as the ladder did, and compared by ffmpeg's <c>ssim</c> filter with that rendition's file.
/// </summary>
public static class SsimRules
{
    /// <summary>
    /// SSIM is measured over the first this-many seconds: the comparison decodes the source and every rendition again, which
    /// over a whole lesson would cost half as much as the ladder itself; over the first minute it is a small fixed cost.
    /// </summary>
    public const double MeasuredSeconds = 60;

    public static string StatsFileName(int resolution) => $"ssim-{resolution.ToString(CultureInfo.InvariantCulture)}.log";

    /// <summary>Input 0 is the source, input i + 1 the file of <paramref name="renditions"/>[i]; one null output per comparison.</summary>
    public static IReadOnlyList<string> Arguments(string sourcePath, IReadOnlyList<(RenditionPlan Plan, string File)> renditions, int threads)
    {
        var limit = MeasuredSeconds.ToString(CultureInfo.InvariantCulture);
        var args = new List<string> { "-hide_banner", "-nostats", "-loglevel", "error", "-y", "-threads", Str(threads), "-t", limit, "-an", "-sn", "-dn", "-i", sourcePath };
        foreach (var (_, file) in renditions)
        {
            args.AddRange(["-t", limit, "-an", "-sn", "-dn", "-i", file]);
        }

        var labels = string.Concat(renditions.Select((_, i) => $"[s{Str(i)}]"));
        var parts = new List<string> { $"[0:v:0]split={Str(renditions.Count)}{labels}" };
        for (var i = 0; i < renditions.Count; i++)
        {
            var r = renditions[i].Plan;
            parts.Add($"[s{Str(i)}]fps={Str(r.Fps)},scale={Str(r.Width)}:{Str(r.Height)},setsar=1,format=yuv420p,setpts=PTS-STARTPTS[ref{Str(i)}]");
            parts.Add($"[{Str(i + 1)}:v:0]setpts=PTS-STARTPTS[enc{Str(i)}]");
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
