using System.Buffers.Binary;

namespace VideoPlatform.IntegrationTests.Transcoder;

/// <summary>
/// Damaged uploads as they happen: a phone recording cut off mid-transfer (index at the front, media data short) and a
/// file whose media data is overwritten somewhere (bad sectors, a broken copy). Made from a real ffmpeg clip.
/// </summary>
internal static class DamagedClips
{
    /// <summary>A clip with its index (moov) at the front, as phones and <c>-movflags +faststart</c> write it; made once per folder and name.</summary>
    public static async Task<string> FaststartClipAsync(string folder, string name, double seconds = 12, string size = "640x360")
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name);
        if (!File.Exists(path))
        {
            await FfmpegTool.MakeClipAsync(path, $"testsrc2=size={size}:rate=25", seconds, true, "-movflags", "+faststart");
        }
        return path;
    }

    /// <summary>Where the media data (the mdat payload) starts and ends in an MP4.</summary>
    public static (long Start, long End) MediaData(byte[] file)
    {
        long offset = 0;
        while (offset + 8 <= file.Length)
        {
            long size = BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan((int)offset));
            var type = System.Text.Encoding.ASCII.GetString(file, (int)offset + 4, 4);
            var header = 8;
            if (size == 1)
            {
                size = (long)BinaryPrimitives.ReadUInt64BigEndian(file.AsSpan((int)offset + 8));
                header = 16;
            }
            else if (size == 0)
            {
                size = file.Length - offset;
            }
            if (type == "mdat")
            {
                return (offset + header, offset + size);
            }
            offset += size;
        }
        throw new InvalidDataException("no mdat box");
    }

    /// <summary>The file with <paramref name="length"/> bytes of its media data overwritten by random bytes, from <paramref name="fraction"/> of it on.</summary>
    public static byte[] Corrupt(byte[] whole, double fraction, int length = 20_000, int seed = 1)
    {
        var (start, end) = MediaData(whole);
        var copy = (byte[])whole.Clone();
        var from = (int)(start + ((end - start) * fraction));
        new Random(seed).NextBytes(copy.AsSpan(from, Math.Min(length, (int)(end - from))));
        return copy;
    }
}
