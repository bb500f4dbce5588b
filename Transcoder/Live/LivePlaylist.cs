using System.Globalization;

namespace VideoPlatform.Transcoder.Live;

/// <summary>A segment of a live media playlist: its file name and duration.</summary>
public sealed record LiveSegment(string Name, double Duration);

/// <summary>Reads the segments of a live (sliding, non byte-range) media playlist as ffmpeg writes it. Pure.</summary>
public static class LivePlaylist
{
    public static IReadOnlyList<LiveSegment> Segments(string content)
    {
        var segments = new List<LiveSegment>();
        double? duration = null;
        foreach (var raw in content.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("#EXTINF:", StringComparison.Ordinal))
            {
                var value = line["#EXTINF:".Length..].Split(',')[0];
                duration = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : 0;
            }
            else if (line.Length > 0 && !line.StartsWith('#') && duration is { } seconds)
            {
                segments.Add(new LiveSegment(line, seconds));
                duration = null;
            }
        }
        return segments;
    }

    /// <summary>Whether ffmpeg has closed the playlist (the publisher stopped and the last segment is written).</summary>
    public static bool IsEnded(string content) => content.Contains("#EXT-X-ENDLIST", StringComparison.Ordinal);
}
