using System.Globalization;

namespace VideoPlatform.Api.Media;

public enum RangeOutcome
{
    /// <summary>No usable Range header (absent, another unit, or malformed): serve the whole file with 200.</summary>
    Full,

    /// <summary>Serve <see cref="ByteRangeRequest.Start"/>..+<see cref="ByteRangeRequest.Length"/> with 206.</summary>
    Partial,

    /// <summary>416 with <c>Content-Range: bytes */size</c>.</summary>
    Unsatisfiable,
}

public readonly record struct ByteRangeRequest(RangeOutcome Outcome, long Start, long Length)
{
    public long End => Start + Length - 1;
}

/// <summary>
/// The Range request header of RFC 9110 §14, for one file of known size. Pure, so it is tested with tables.
/// Several ranges are answered with the first satisfiable one: players ask for one at a time, and a multipart
/// answer is something no HLS client reads.
/// </summary>
public static class RangeHeader
{
    public static ByteRangeRequest Parse(string? header, long size)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return new(RangeOutcome.Full, 0, size);
        }
        var value = header.AsSpan().Trim();
        if (!value.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase))
        {
            return new(RangeOutcome.Full, 0, size);
        }
        var specs = value["bytes=".Length..].ToString().Split(',', StringSplitOptions.TrimEntries);
        var sawValid = false;
        foreach (var spec in specs)
        {
            if (spec.Length == 0)
            {
                continue;
            }
            if (!TryParseSpec(spec, out var first, out var last))
            {
                // One malformed spec makes the whole header invalid, and an invalid Range is ignored (RFC 9110 §14.2).
                return new(RangeOutcome.Full, 0, size);
            }
            sawValid = true;
            if (first is null)
            {
                // Suffix: the last N bytes; N = 0 is unsatisfiable.
                if (last!.Value == 0 || size == 0)
                {
                    continue;
                }
                var length = Math.Min(last.Value, size);
                return new(RangeOutcome.Partial, size - length, length);
            }
            if (first.Value >= size)
            {
                continue;
            }
            var end = last is null ? size - 1 : Math.Min(last.Value, size - 1);
            return new(RangeOutcome.Partial, first.Value, end - first.Value + 1);
        }
        return sawValid ? new(RangeOutcome.Unsatisfiable, 0, 0) : new(RangeOutcome.Full, 0, size);
    }

    private static bool TryParseSpec(string spec, out long? first, out long? last)
    {
        first = null;
        last = null;
        var dash = spec.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return false;
        }
        var left = spec[..dash].Trim();
        var right = spec[(dash + 1)..].Trim();
        if (left.Length == 0)
        {
            if (!TryDigits(right, out var suffix))
            {
                return false;
            }
            last = suffix;
            return true;
        }
        if (!TryDigits(left, out var start))
        {
            return false;
        }
        first = start;
        if (right.Length == 0)
        {
            return true;
        }
        if (!TryDigits(right, out var stop) || stop < start)
        {
            return false;
        }
        last = stop;
        return true;
    }

    private static bool TryDigits(string text, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
