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

/// <summary>What we need from a rendition playlist: the init section and the byte-range segments.</summary>
public sealed record MediaPlaylist(int TargetDuration, string? MapUri, ByteRange? MapRange, IReadOnlyList<MediaSegment> Segments)
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
        string? mapUri = null;
        ByteRange? mapRange = null;
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
            else if (line.StartsWith("#EXT-X-MAP:", StringComparison.Ordinal))
            {
                var attributes = ParseAttributes(line["#EXT-X-MAP:".Length..]);
                mapUri = attributes.GetValueOrDefault("URI");
                if (attributes.TryGetValue("BYTERANGE", out var range))
                {
                    mapRange = ParseRange(range, 0);
                }
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

        return new MediaPlaylist(targetDuration, mapUri, mapRange, segments);
    }

    internal static ByteRange ParseRange(string value, long defaultOffset)
    {
        var at = value.IndexOf('@', StringComparison.Ordinal);
        var length = long.Parse(at >= 0 ? value[..at] : value, CultureInfo.InvariantCulture);
        var offset = at >= 0 ? long.Parse(value[(at + 1)..], CultureInfo.InvariantCulture) : defaultOffset;
        return new ByteRange(offset, length);
    }

    internal static Dictionary<string, string> ParseAttributes(string list)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        while (i < list.Length)
        {
            var eq = list.IndexOf('=', i);
            if (eq < 0)
            {
                break;
            }

            var name = list[i..eq].Trim();
            string value;
            int next;
            if (eq + 1 < list.Length && list[eq + 1] == '"')
            {
                var close = list.IndexOf('"', eq + 2);
                if (close < 0)
                {
                    throw new FormatException($"Unterminated quoted attribute in '{list}'.");
                }

                value = list[(eq + 2)..close];
                next = list.IndexOf(',', close);
            }
            else
            {
                next = list.IndexOf(',', eq);
                value = next < 0 ? list[(eq + 1)..] : list[(eq + 1)..next];
            }

            result[name] = value;
            if (next < 0)
            {
                break;
            }

            i = next + 1;
        }

        return result;
    }
}
