using System.Globalization;

namespace VideoPlatform.Transcoder.Hls;

/// <summary>A byte range of a file. <see cref="End"/> is inclusive, as in HTTP Range headers and PeerTube's segments-sha256 keys.</summary>
public readonly record struct ByteRange(long Offset, long Length)
{
    public long End => Offset + Length - 1;

    /// <summary>The key PeerTube writes in segments-sha256.json: "start-end", end inclusive.</summary>
    public string Key => $"{Offset.ToString(CultureInfo.InvariantCulture)}-{End.ToString(CultureInfo.InvariantCulture)}";
}

public sealed record MediaSegment(double Duration, string Uri, ByteRange Range);

/// <summary>
/// What we need from a rendition playlist ffmpeg wrote: its byte-range segments (to hash them and to measure the peak
/// bitrate). Attribute lists (#EXT-X-MAP) are not read here: the one HLS attribute-list parser is P2P's.
/// </summary>
public sealed record MediaPlaylist(int TargetDuration, IReadOnlyList<MediaSegment> Segments)
{
    public double Duration => Segments.Sum(s => s.Duration);

    /// <summary>
    /// Peak bitrate in bit/s over single segments (HLS BANDWIDTH), and never below the average;
    /// segments shorter than half a second are skipped because their rate says nothing about the stream.
    /// </summary>
    public long PeakBitrate(long averageBitrate)
    {
        var peak = averageBitrate;
        foreach (var s in Segments.Where(s => s.Duration >= 0.5))
        {
            peak = Math.Max(peak, (long)Math.Ceiling(s.Range.Length * 8 / s.Duration));
        }

        return peak;
    }

    /// <summary>Parses an HLS media playlist written by ffmpeg (fMP4, single file, byte ranges).</summary>
    public static MediaPlaylist Parse(string content)
    {
        var targetDuration = 0;
        var segments = new List<MediaSegment>();
        double? pendingDuration = null;
        ByteRange? pendingRange = null;
        long nextOffset = 0;

        foreach (var raw in content.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("#EXT-X-TARGETDURATION:", StringComparison.Ordinal))
            {
                targetDuration = int.Parse(line.AsSpan("#EXT-X-TARGETDURATION:".Length), CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("#EXTINF:", StringComparison.Ordinal))
            {
                var value = line["#EXTINF:".Length..];
                var comma = value.IndexOf(',', StringComparison.Ordinal);
                pendingDuration = double.Parse(comma >= 0 ? value[..comma] : value, CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("#EXT-X-BYTERANGE:", StringComparison.Ordinal))
            {
                // Without "@offset" a range continues where the previous one of the same file ended (RFC 8216 4.3.2.2).
                pendingRange = ParseRange(line["#EXT-X-BYTERANGE:".Length..], nextOffset);
                nextOffset = pendingRange.Value.Offset + pendingRange.Value.Length;
            }
            else if (!line.StartsWith('#'))
            {
                if (pendingDuration is null || pendingRange is null)
                {
                    throw new FormatException($"Segment '{line}' has no #EXTINF or no #EXT-X-BYTERANGE before it.");
                }

                segments.Add(new MediaSegment(pendingDuration.Value, line, pendingRange.Value));
                pendingDuration = null;
                pendingRange = null;
            }
        }

        return new MediaPlaylist(targetDuration, segments);
    }

    internal static ByteRange ParseRange(string value, long defaultOffset)
    {
        var at = value.IndexOf('@', StringComparison.Ordinal);
        var length = long.Parse(at >= 0 ? value[..at] : value, CultureInfo.InvariantCulture);
        var offset = at >= 0 ? long.Parse(value[(at + 1)..], CultureInfo.InvariantCulture) : defaultOffset;
        return new ByteRange(offset, length);
    }
}
