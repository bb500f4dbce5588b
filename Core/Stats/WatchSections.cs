namespace VideoPlatform.Core.Stats;

/// <summary>One stretch of a video a viewer watched without seeking (PeerTube's watch section), in whole seconds of the video.</summary>
public sealed record WatchSection(string Viewer, int Start, int End, long StartedAt, long UpdatedAt);

/// <summary>PeerTube's retention point: the share (0-100) of the video's viewers who watched this second.</summary>
public sealed record RetentionPoint(int Second, double RetentionPercent);

/// <summary>The lesson statistics computed from watch sections (pure, table-tested).</summary>
public static class WatchStatistics
{
    /// <summary>
    /// For each second of a <paramref name="duration"/>-second video, the percentage of distinct viewers who watched it;
    /// a viewer who watched a second twice counts once.
    /// </summary>
    public static IReadOnlyList<RetentionPoint> Retention(int duration, IEnumerable<WatchSection> sections)
    {
        if (duration <= 0)
        {
            return [];
        }
        var delta = new int[duration + 1];
        var viewers = 0;
        foreach (var group in sections.GroupBy(s => s.Viewer, StringComparer.Ordinal))
        {
            viewers++;
            // Merge the viewer's sections so that a second watched twice counts once.
            var merged = new List<(int Start, int End)>();
            foreach (var s in group.Select(s => (Start: Math.Clamp(Math.Min(s.Start, s.End), 0, duration - 1), End: Math.Clamp(Math.Max(s.Start, s.End), 0, duration - 1))).OrderBy(s => s.Start))
            {
                if (merged.Count > 0 && s.Start <= merged[^1].End + 1)
                {
                    merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, s.End));
                }
                else
                {
                    merged.Add(s);
                }
            }
            foreach (var (start, end) in merged)
            {
                delta[start]++;
                delta[end + 1]--;
            }
        }
        var points = new RetentionPoint[duration];
        var watching = 0;
        for (var second = 0; second < duration; second++)
        {
            watching += delta[second];
            points[second] = new RetentionPoint(second, viewers == 0 ? 0 : Math.Round(100.0 * watching / viewers, 2));
        }
        return points;
    }

    /// <summary>
    /// PeerTube's video timeseries: per bucket of <paramref name="bucket"/> from <paramref name="from"/> (Unix ms) to
    /// <paramref name="to"/>, the number of distinct viewers watching in it (<c>viewers</c>) or the seconds watched in
    /// sections that started in it (<c>aggregateWatchTime</c>).
    /// </summary>
    public static IReadOnlyList<StatPoint> Timeseries(string metric, long from, long to, TimeSpan bucket, IEnumerable<WatchSection> sections)
    {
        var size = (long)bucket.TotalMilliseconds;
        var count = (int)Math.Max(1, (to - from + size - 1) / size);
        var watchTime = new double[count];
        var viewers = new HashSet<string>?[count];
        foreach (var s in sections)
        {
            var first = (int)Math.Clamp((s.StartedAt - from) / size, 0, count - 1);
            var last = (int)Math.Clamp((Math.Max(s.UpdatedAt, s.StartedAt) - from) / size, 0, count - 1);
            if (s.UpdatedAt < from || s.StartedAt >= to)
            {
                continue;
            }
            watchTime[first] += Math.Abs(s.End - s.Start);
            for (var i = first; i <= last; i++)
            {
                (viewers[i] ??= new HashSet<string>(StringComparer.Ordinal)).Add(s.Viewer);
            }
        }
        var points = new StatPoint[count];
        for (var i = 0; i < count; i++)
        {
            var value = string.Equals(metric, "viewers", StringComparison.Ordinal) ? viewers[i]?.Count ?? 0 : watchTime[i];
            points[i] = new StatPoint(from + i * size, value);
        }
        return points;
    }

    /// <summary>
    /// How many of the peer bytes a player reports are counted: never more than the video's renditions hold for the whole
    /// session (<paramref name="sessionCap"/>), nor more than its peak bitrate could carry since the previous report
    /// (4× real time, as players buffer ahead, plus 30 s of slack for the first report).
    /// </summary>
    public static long PlausiblePeerBytes(long reportedDelta, long alreadyCounted, long sessionCap, TimeSpan sinceLastReport, long peakBytesPerSecond)
    {
        if (reportedDelta <= 0 || sessionCap <= 0)
        {
            return 0;
        }
        var byTime = (long)((sinceLastReport.TotalSeconds + 30) * Math.Max(peakBytesPerSecond, 1) * 4);
        return Math.Max(0, Math.Min(reportedDelta, Math.Min(sessionCap - alreadyCounted, byTime)));
    }
}
