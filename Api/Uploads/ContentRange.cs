using System.Globalization;

namespace VideoPlatform.Api.Uploads;

/// <summary>A chunk's <c>Content-Range</c> as the resumable protocol sends it: <c>bytes a-b/total</c>, or <c>bytes */total</c> to ask for the offset.</summary>
public readonly record struct ContentRange(long? Start, long? End, long Total)
{
    public bool IsStatusQuery => Start is null;

    public long Length => IsStatusQuery ? 0 : End!.Value - Start!.Value + 1;

    public static bool TryParse(string? header, out ContentRange range)
    {
        range = default;
        if (string.IsNullOrWhiteSpace(header))
        {
            return false;
        }
        var value = header.Trim();
        if (!value.StartsWith("bytes ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var parts = value["bytes ".Length..].Trim().Split('/');
        if (parts.Length != 2 || !TryNumber(parts[1], out var total))
        {
            return false;
        }
        if (parts[0] == "*")
        {
            range = new(null, null, total);
            return true;
        }
        var bounds = parts[0].Split('-');
        if (bounds.Length != 2 || !TryNumber(bounds[0], out var start) || !TryNumber(bounds[1], out var end) || end < start || end >= total)
        {
            return false;
        }
        range = new(start, end, total);
        return true;
    }

    private static bool TryNumber(string text, out long value) =>
        long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out value);
}

public enum ChunkDecision
{
    /// <summary>Write the body at the stored offset.</summary>
    Write,

    /// <summary>Only report the stored offset (a <c>bytes */total</c> query).</summary>
    ReportOffset,

    /// <summary>The chunk does not start where the stored bytes end: refused, with the offset to resume from.</summary>
    WrongOffset,

    /// <summary>The total differs from the size announced when the session was created.</summary>
    WrongTotal,

    /// <summary>Content-Length disagrees with the range.</summary>
    WrongLength,
}

/// <summary>The offset rule of a resumable upload, pure: a chunk must continue the stored bytes exactly.</summary>
public static class UploadOffsets
{
    public static ChunkDecision Decide(long stored, long sessionSize, ContentRange range, long? contentLength)
    {
        if (range.Total != sessionSize)
        {
            return ChunkDecision.WrongTotal;
        }
        if (range.IsStatusQuery)
        {
            return ChunkDecision.ReportOffset;
        }
        if (stored == sessionSize && range.End == sessionSize - 1 && range.Start < stored)
        {
            // Every byte is stored but the completion did not finish (a retryable 503): the client re-sends its last chunk.
            return ChunkDecision.ReportOffset;
        }
        if (range.Start != stored)
        {
            return ChunkDecision.WrongOffset;
        }
        if (contentLength is { } length && length != range.Length)
        {
            return ChunkDecision.WrongLength;
        }
        return ChunkDecision.Write;
    }

    /// <summary>The <c>Range</c> header of a 308 answer; none while nothing is stored (as Google's and uploadx's protocol).</summary>
    public static string? RangeHeader(long stored) =>
        stored <= 0 ? null : string.Create(CultureInfo.InvariantCulture, $"bytes=0-{stored - 1}");
}
