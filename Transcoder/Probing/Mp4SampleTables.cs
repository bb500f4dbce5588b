using System.Buffers.Binary;

namespace VideoPlatform.Transcoder.Probing;

public enum Mp4Verdict
{
    /// <summary>Not an ISO BMFF file (MP4, MOV, M4V, 3GP…): nothing to say about it here.</summary>
    NotMp4 = 0,

    /// <summary>Every sample the index lists lies inside the file.</summary>
    Complete,

    /// <summary>The index lists samples past the end of the file, or a top-level box is cut: the file was cut short.</summary>
    Truncated,

    /// <summary>The box tree or the sample tables contradict themselves.</summary>
    Broken,

    /// <summary>A fragmented file (moof boxes): its samples are not listed in the moov, so this check does not apply.</summary>
    Fragmented,
}

/// <summary>What <see cref="Mp4SampleTables.Inspect"/> found: the verdict, the file size and where the indexed data ends.</summary>
public sealed record Mp4Check(Mp4Verdict Verdict, long FileSize, long DataEnd, string? Detail = null)
{
    /// <summary>Share of the indexed data present in the file (1 when complete).</summary>
    public double PresentShare => DataEnd <= 0 ? 1 : Math.Min(1, (double)FileSize / DataEnd);
}

/// <summary>
/// A small reader of the ISO BMFF box tree (ISO/IEC 14496-12) that answers one question without decoding anything:
/// do the sample tables of the <c>moov</c> (<c>stco</c>/<c>co64</c> chunk offsets, <c>stsc</c> samples per chunk,
/// <c>stsz</c>/<c>stz2</c> sample sizes) point past the end of the file? A phone recording cut off mid-transfer keeps an
/// intact index at the front (faststart) while its media data stops short: that is how it is recognised at the door.
/// </summary>
public static class Mp4SampleTables
{
    /// <summary>Largest moov read into memory (a 12-hour 60 fps video's tables are a few tens of MB).</summary>
    public const int MaxMoovBytes = 256 * 1024 * 1024;

    private static readonly HashSet<string> TopLevelTypes = new(StringComparer.Ordinal)
    {
        "ftyp", "styp", "moov", "mdat", "free", "skip", "wide", "pdin", "uuid", "moof", "mfra", "sidx", "ssix", "meta", "prft", "emsg", "junk", "pnot",
    };

    public static Mp4Check Inspect(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var fileSize = stream.Length;
        try
        {
            return InspectCore(stream, fileSize);
        }
        catch (BrokenBoxException broken)
        {
            return new Mp4Check(Mp4Verdict.Broken, fileSize, 0, broken.Message);
        }
    }

    private static Mp4Check InspectCore(Stream stream, long fileSize)
    {
        if (fileSize < 8)
        {
            return new Mp4Check(Mp4Verdict.NotMp4, fileSize, 0);
        }
        Span<byte> header = stackalloc byte[16];
        long offset = 0;
        long moovOffset = -1, moovSize = 0;
        var fragmented = false;
        var first = true;
        while (offset < fileSize)
        {
            var available = (int)Math.Min(16, fileSize - offset);
            stream.Position = offset;
            stream.ReadExactly(header[..available]);
            if (available < 8)
            {
                if (first)
                {
                    return new Mp4Check(Mp4Verdict.NotMp4, fileSize, 0);
                }
                return Cut(fileSize, offset + 8, $"a box header at byte {offset} is cut");
            }
            var type = TypeOf(header[4..8]);
            var size = (long)BinaryPrimitives.ReadUInt32BigEndian(header);
            var headerSize = 8;
            if (size == 1)
            {
                if (available < 16)
                {
                    return first ? new Mp4Check(Mp4Verdict.NotMp4, fileSize, 0) : Cut(fileSize, offset + 16, $"the header of '{type}' is cut");
                }
                size = (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(header[8..16]), long.MaxValue);
                headerSize = 16;
            }
            else if (size == 0)
            {
                size = fileSize - offset;
            }
            var known = type is not null && TopLevelTypes.Contains(type);
            if (first && !known)
            {
                return new Mp4Check(Mp4Verdict.NotMp4, fileSize, 0);
            }
            first = false;
            if (type is null || size < headerSize)
            {
                if (moovOffset >= 0)
                {
                    // Trailing bytes after a readable index: the sample tables decide.
                    break;
                }
                throw new BrokenBoxException($"invalid box at byte {offset}");
            }
            var end = offset + size;
            if (end > fileSize || end < 0)
            {
                if (type == "moov")
                {
                    return Cut(fileSize, end, "the index (moov) is cut");
                }
                if (known)
                {
                    // A media data box (or a fragment) announces more bytes than arrived. When the index lists samples, it
                    // decides: every listed sample present (a recorder that reserved more room than it filled) is whole.
                    if (moovOffset >= 0 && CheckMoov(stream, moovOffset, moovSize, fileSize) is { Verdict: Mp4Verdict.Truncated or Mp4Verdict.Complete } tables
                        && (tables.Verdict == Mp4Verdict.Truncated || type == "mdat"))
                    {
                        return tables;
                    }
                    return Cut(fileSize, end, $"the box '{type}' is cut");
                }
                if (moovOffset >= 0)
                {
                    // Unknown trailing bytes after a readable index: the sample tables decide.
                    break;
                }
                return Cut(fileSize, end, $"the box '{type}' is cut");
            }
            if (type == "moov")
            {
                moovOffset = offset + headerSize;
                moovSize = size - headerSize;
            }
            else if (type is "moof" or "mfra")
            {
                fragmented = true;
            }
            offset = end;
        }

        if (moovOffset < 0)
        {
            return fragmented ? new Mp4Check(Mp4Verdict.Fragmented, fileSize, 0) : throw new BrokenBoxException("no index (moov box)");
        }
        var check = CheckMoov(stream, moovOffset, moovSize, fileSize);
        return fragmented && check.Verdict == Mp4Verdict.Complete ? check with { Verdict = Mp4Verdict.Fragmented } : check;
    }

    private static Mp4Check CheckMoov(Stream stream, long moovOffset, long moovSize, long fileSize)
    {
        if (moovSize > MaxMoovBytes)
        {
            throw new BrokenBoxException($"the index (moov) is {moovSize} bytes");
        }
        var moov = new byte[moovSize];
        stream.Position = moovOffset;
        stream.ReadExactly(moov);
        var dataEnd = DataEnd(moov);
        if (dataEnd is null)
        {
            // Tracks without samples in the moov: their samples are in fragments.
            return new Mp4Check(Mp4Verdict.Fragmented, fileSize, 0);
        }
        return dataEnd.Value > fileSize
            ? Cut(fileSize, dataEnd.Value, "the sample tables point past the end of the file")
            : new Mp4Check(Mp4Verdict.Complete, fileSize, dataEnd.Value);
    }

    /// <summary>The highest byte any track's samples reach (offset + size of its last sample), from a moov's payload; null when no track lists samples.</summary>
    public static long? DataEnd(ReadOnlySpan<byte> moov)
    {
        long? end = null;
        foreach (var box in Children(moov))
        {
            if (box.Type != "trak")
            {
                continue;
            }
            var stbl = Child(Child(Child(box.Payload, "mdia"), "minf"), "stbl");
            if (stbl.IsEmpty)
            {
                continue;
            }
            var trackEnd = TrackDataEnd(stbl);
            if (trackEnd is { } e)
            {
                end = Math.Max(end ?? 0, e);
            }
        }
        return end;
    }

    private static long? TrackDataEnd(ReadOnlySpan<byte> stbl)
    {
        var sizes = SampleSizes(stbl);
        var sampleCount = sizes.Count;
        var constantSize = sizes.Constant;
        var offsets = ChunkOffsets(stbl, out var chunkCount, out var wide);
        if (sampleCount == 0 || chunkCount == 0)
        {
            return null;
        }
        var stsc = Child(stbl, "stsc");
        if (stsc.Length < 8)
        {
            throw new BrokenBoxException("a track has no samples-per-chunk table (stsc)");
        }
        var runs = (long)BinaryPrimitives.ReadUInt32BigEndian(stsc[4..]);
        if (runs == 0 || runs > (stsc.Length - 8) / 12)
        {
            throw new BrokenBoxException("the samples-per-chunk table (stsc) is inconsistent");
        }

        long end = 0;
        long sample = 0;
        for (var r = 0; r < runs && sample < sampleCount; r++)
        {
            var entry = stsc.Slice(8 + (r * 12), 12);
            var firstChunk = (long)BinaryPrimitives.ReadUInt32BigEndian(entry);
            var perChunk = (long)BinaryPrimitives.ReadUInt32BigEndian(entry[4..]);
            var nextFirst = r + 1 < runs ? (long)BinaryPrimitives.ReadUInt32BigEndian(stsc[(8 + ((r + 1) * 12))..]) : chunkCount + 1;
            if (firstChunk < 1 || nextFirst <= firstChunk || firstChunk > chunkCount)
            {
                throw new BrokenBoxException("the samples-per-chunk table (stsc) is inconsistent");
            }
            for (var chunk = firstChunk; chunk < Math.Min(nextFirst, chunkCount + 1) && sample < sampleCount; chunk++)
            {
                var position = wide
                    ? (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(offsets[(int)((chunk - 1) * 8)..]), long.MaxValue)
                    : BinaryPrimitives.ReadUInt32BigEndian(offsets[(int)((chunk - 1) * 4)..]);
                var inChunk = Math.Min(perChunk, sampleCount - sample);
                long bytes;
                if (constantSize > 0)
                {
                    bytes = inChunk * constantSize;
                }
                else
                {
                    bytes = 0;
                    for (var s = 0; s < inChunk; s++)
                    {
                        bytes += sizes.At(sample + s);
                    }
                }
                sample += inChunk;
                end = Math.Max(end, position + bytes);
            }
        }
        return end;
    }

    /// <summary>stsz (fixed or per-sample 32-bit sizes) or stz2 (4, 8 or 16-bit sizes).</summary>
    private static SizeTable SampleSizes(ReadOnlySpan<byte> stbl)
    {
        var stsz = Child(stbl, "stsz");
        if (stsz.Length >= 12)
        {
            var constant = BinaryPrimitives.ReadUInt32BigEndian(stsz[4..]);
            var count = BinaryPrimitives.ReadUInt32BigEndian(stsz[8..]);
            if (constant == 0 && count > (stsz.Length - 12) / 4)
            {
                throw new BrokenBoxException("the sample size table (stsz) is shorter than its count");
            }
            return new SizeTable(stsz[12..], 32, constant, count);
        }
        var stz2 = Child(stbl, "stz2");
        if (stz2.Length >= 12)
        {
            var field = stz2[7];
            var count = BinaryPrimitives.ReadUInt32BigEndian(stz2[8..]);
            if (field is not (4 or 8 or 16) || count > (stz2.Length - 12) * 8L / field)
            {
                throw new BrokenBoxException("the compact sample size table (stz2) is inconsistent");
            }
            return new SizeTable(stz2[12..], field, 0, count);
        }
        return new SizeTable(default, 32, 0, 0);
    }

    private readonly ref struct SizeTable(ReadOnlySpan<byte> table, int fieldBits, long constant, long count)
    {
        private readonly ReadOnlySpan<byte> _table = table;
        private readonly int _fieldBits = fieldBits;

        public long Constant { get; } = constant;

        public long Count { get; } = count;

        public long At(long index) => _fieldBits switch
        {
            32 => BinaryPrimitives.ReadUInt32BigEndian(_table[(int)(index * 4)..]),
            16 => BinaryPrimitives.ReadUInt16BigEndian(_table[(int)(index * 2)..]),
            8 => _table[(int)index],
            _ => (_table[(int)(index / 2)] >> (index % 2 == 0 ? 4 : 0)) & 0xF,
        };
    }

    private static ReadOnlySpan<byte> ChunkOffsets(ReadOnlySpan<byte> stbl, out long count, out bool wide)
    {
        var stco = Child(stbl, "stco");
        wide = stco.IsEmpty;
        var box = wide ? Child(stbl, "co64") : stco;
        if (box.Length < 8)
        {
            count = 0;
            return default;
        }
        count = BinaryPrimitives.ReadUInt32BigEndian(box[4..]);
        if (count > (box.Length - 8) / (wide ? 8 : 4))
        {
            throw new BrokenBoxException("the chunk offset table is shorter than its count");
        }
        return box[8..];
    }

    /// <summary>The payload of the first child box of that type, empty when there is none.</summary>
    private static ReadOnlySpan<byte> Child(ReadOnlySpan<byte> container, string type)
    {
        foreach (var box in Children(container))
        {
            if (box.Type == type)
            {
                return box.Payload;
            }
        }
        return default;
    }

    private static ChildEnumerator Children(ReadOnlySpan<byte> container) => new(container);

    private ref struct ChildEnumerator(ReadOnlySpan<byte> container)
    {
        private readonly ReadOnlySpan<byte> _container = container;
        private int _offset;

        public Box Current { get; private set; }

        public readonly ChildEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_offset >= _container.Length)
            {
                return false;
            }
            if (_container.Length - _offset < 8)
            {
                throw new BrokenBoxException("a box header is cut inside the index");
            }
            var rest = _container[_offset..];
            long size = BinaryPrimitives.ReadUInt32BigEndian(rest);
            var header = 8;
            if (size == 1)
            {
                if (rest.Length < 16)
                {
                    throw new BrokenBoxException("a box header is cut inside the index");
                }
                size = (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(rest[8..]), long.MaxValue);
                header = 16;
            }
            else if (size == 0)
            {
                size = rest.Length;
            }
            if (size < header || size > rest.Length)
            {
                throw new BrokenBoxException($"a box inside the index has an impossible size ({size})");
            }
            Current = new Box(TypeOf(rest[4..8]), rest[header..(int)size]);
            _offset += (int)size;
            return true;
        }
    }

    private readonly ref struct Box(string? type, ReadOnlySpan<byte> payload)
    {
        public string? Type { get; } = type;

        public ReadOnlySpan<byte> Payload { get; } = payload;
    }

    /// <summary>A box type: four printable ASCII characters, or null.</summary>
    private static string? TypeOf(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b is < 0x20 or > 0x7E)
            {
                return null;
            }
        }
        return System.Text.Encoding.ASCII.GetString(bytes);
    }

    private static Mp4Check Cut(long fileSize, long dataEnd, string detail) => new(Mp4Verdict.Truncated, fileSize, dataEnd, detail);

    private sealed class BrokenBoxException(string message) : Exception(message);
}
