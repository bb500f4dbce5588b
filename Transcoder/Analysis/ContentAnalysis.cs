using System.Globalization;

namespace VideoPlatform.Transcoder.Analysis;

/// <summary>What a source shows, as far as the encoder cares: how much changes from one frame to the next.</summary>
public enum ContentKind
{
    /// <summary>Still or screen content: slides, a desktop with a pointer; almost every frame repeats the one before.</summary>
    Screen = 0,

    /// <summary>Camera or animation at an ordinary pace.</summary>
    Normal = 1,

    /// <summary>Fast motion or heavy grain: most of the picture changes every frame.</summary>
    Motion = 2,
}

/// <summary>
/// The result of <see cref="ContentAnalyzer"/>: the kind, and the figures it was decided from (mean absolute frame
/// difference of ffmpeg's <c>scdet</c>, 0–100, on sampled windows of the source at low resolution and 10 frames a second).
/// </summary>
public sealed record ContentAnalysis(ContentKind Kind, int Frames, double MedianDifference, double Percentile75Difference, double Seconds)
{
    /// <summary>The windows of the source decoded (start, length in seconds), each starting on a keyframe; empty when nothing was.</summary>
    public IReadOnlyList<(double Start, double Length)> Windows { get; init; } = [];

    /// <summary>Sources without video, or too short to sample: encoded as before, the rule that assumes nothing.</summary>
    public static ContentAnalysis Unknown { get; } = new(ContentKind.Normal, 0, 0, 0, 0);

    public string Name => ContentRules.Name(Kind);
}

/// <summary>The pure rules of the content analysis: where to sample, how to read ffmpeg's figures, how to classify.</summary>
public static class ContentRules
{
    /// <summary>Each sampled window lasts this long.</summary>
    public const double WindowSeconds = 2;

    /// <summary>Frames per second analysed: enough to see motion, few enough to keep the analysis cheap.</summary>
    public const int AnalysisFps = 10;

    /// <summary>Width the frames are scaled to before comparison (height keeps the aspect ratio).</summary>
    public const int AnalysisWidth = 320;

    /// <summary>
    /// At most this share of frames may differ more than <see cref="ScreenDifference"/> from the previous one for the
    /// source to count as screen content; a moving pointer on a 1280×720 slide reads about 0.03, a noisy camera 2.
    /// </summary>
    public const double ScreenDifference = 0.25;

    /// <summary>A median frame difference from here up is high motion (the bench's noisy 1080p clip reads 1.5–2.5).</summary>
    public const double MotionDifference = 1.0;

    /// <summary>
    /// Sources up to this long (three windows) are decoded whole, in one pass: no dearer than three windows, and without the
    /// keyframe lookup (the short clips of tests and most phone snippets).
    /// </summary>
    public const double WholeSourceSeconds = 3 * WindowSeconds;

    // Where the windows start, as fractions of the duration: the beginning (a title slide) is skipped, three points spread.
    private static readonly double[] WindowStarts = [0.15, 0.5, 0.8];

    /// <summary>
    /// The sample windows (start, length) in seconds: three windows of <see cref="WindowSeconds"/> spread over the source (the
    /// last one never past its end), or the whole source up to <see cref="WholeSourceSeconds"/>. Each is then decoded from the
    /// keyframe at or before its start (<see cref="FromKeyframes"/>), so the analysis never decodes more than three windows.
    /// </summary>
    public static IReadOnlyList<(double Start, double Length)> Windows(double durationSeconds)
    {
        if (!double.IsFinite(durationSeconds) || durationSeconds <= 0)
        {
            return [];
        }

        if (durationSeconds <= WholeSourceSeconds)
        {
            return [(0, durationSeconds)];
        }

        return [.. WindowStarts.Select(f => (Math.Min(durationSeconds * f, durationSeconds - WindowSeconds), WindowSeconds))];
    }

    /// <summary>
    /// The windows really decoded: each sample window moved back to the keyframe at or before its start (<paramref name="keyframes"/>[i],
    /// null when unknown: the window's own start), so decoding starts on a keyframe and nothing is decoded only to be thrown away;
    /// windows falling on the same keyframe are decoded once; a window stops at the next one's start and at the end of the source.
    /// A short source with a single keyframe is thus analysed on its first <see cref="WindowSeconds"/> only, however many sample
    /// points it has, and a long one costs at most three windows whatever its keyframe interval.
    /// </summary>
    public static IReadOnlyList<(double Start, double Length)> FromKeyframes(
        IReadOnlyList<(double Start, double Length)> windows, IReadOnlyList<double?> keyframes, double durationSeconds)
    {
        if (keyframes.Count != windows.Count)
        {
            throw new ArgumentException("One keyframe (or null) per window.", nameof(keyframes));
        }

        var starts = windows
            .Select((w, i) => (Start: keyframes[i] is { } k && double.IsFinite(k) && k <= w.Start + 0.001 ? Math.Max(0, k) : w.Start, w.Length))
            .GroupBy(w => Math.Round(w.Start, 3))
            .Select(g => (Start: g.Key, Length: g.Max(w => w.Length)))
            .OrderBy(w => w.Start)
            .ToList();
        var result = new List<(double Start, double Length)>();
        for (var i = 0; i < starts.Count; i++)
        {
            var end = Math.Min(starts[i].Start + starts[i].Length, durationSeconds);
            if (i + 1 < starts.Count)
            {
                end = Math.Min(end, starts[i + 1].Start);
            }

            if (end - starts[i].Start > 0.001)
            {
                result.Add((starts[i].Start, Math.Round(end - starts[i].Start, 3)));
            }
        }

        return result;
    }

    /// <summary>
    /// ffprobe's <c>-read_intervals</c> reading the first video packet after a seek to each window's start (a seek lands on the
    /// keyframe at or before it): <c>15%+#1,50%+#1,80%+#1</c>.
    /// </summary>
    public static string KeyframeIntervals(IReadOnlyList<(double Start, double Length)> windows) =>
        string.Join(',', windows.Select(w => Seconds(w.Start) + "%+#1"));

    /// <summary>
    /// The keyframe found for each window, from ffprobe's <c>packet=pts_time,flags</c> CSV (one <c>time,flags</c> line per
    /// interval, in order): the packet's time when it is a keyframe (flags starting with <c>K</c>), else null (that window is
    /// decoded from its own start). Missing lines give null; a line that is not <c>number,flags</c> is refused.
    /// </summary>
    public static IReadOnlyList<double?> ParseKeyframes(string csv, int windows)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var result = new double?[windows];
        for (var i = 0; i < Math.Min(windows, lines.Length); i++)
        {
            var comma = lines[i].IndexOf(',', StringComparison.Ordinal);
            if (comma < 0 || !double.TryParse(lines[i].AsSpan(0, comma), NumberStyles.Float, CultureInfo.InvariantCulture, out var time)
                || !double.IsFinite(time))
            {
                throw new FormatException($"ffprobe printed an unreadable packet: '{lines[i]}'.");
            }

            result[i] = lines[i].AsSpan(comma + 1).StartsWith("K", StringComparison.Ordinal) ? time : null;
        }

        return result;
    }

    /// <summary>Seconds as ffmpeg reads them: invariant, at most three decimals.</summary>
    public static string Seconds(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>
    /// Screen when three frames in four barely change; motion when the median frame changes a lot; normal otherwise.
    /// Without frames nothing is assumed: normal.
    /// </summary>
    public static ContentAnalysis Classify(IReadOnlyList<double> differences, double seconds)
    {
        if (differences.Count == 0)
        {
            return ContentAnalysis.Unknown with { Seconds = seconds };
        }

        var sorted = differences.Order().ToArray();
        var median = Percentile(sorted, 0.5);
        var p75 = Percentile(sorted, 0.75);
        var kind = p75 <= ScreenDifference ? ContentKind.Screen
            : median >= MotionDifference ? ContentKind.Motion
            : ContentKind.Normal;
        return new ContentAnalysis(kind, sorted.Length, median, p75, seconds);
    }

    /// <summary>
    /// The <c>lavfi.scd.mafd</c> values of a <c>metadata=print</c> file, in order; lines that are not such a value are skipped,
    /// a value that is not a finite non-negative number is refused.
    /// </summary>
    public static IReadOnlyList<double> ParseDifferences(string metadataPrint)
    {
        const string key = "lavfi.scd.mafd=";
        var values = new List<double>();
        foreach (var raw in metadataPrint.Split('\n'))
        {
            var line = raw.Trim();
            if (!line.StartsWith(key, StringComparison.Ordinal))
            {
                continue;
            }

            if (!double.TryParse(line.AsSpan(key.Length), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                || !double.IsFinite(value) || value < 0)
            {
                throw new FormatException($"ffmpeg printed an unreadable frame difference: '{line}'.");
            }

            values.Add(value);
        }

        return values;
    }

    /// <summary>The name shown to administrators and stored in the job's details.</summary>
    public static string Name(ContentKind kind) => kind switch
    {
        ContentKind.Screen => "screen",
        ContentKind.Motion => "motion",
        _ => "normal",
    };

    // Nearest-rank percentile of sorted values.
    private static double Percentile(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
