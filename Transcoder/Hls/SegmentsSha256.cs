using System.Security.Cryptography;
using System.Text.Json;

namespace VideoPlatform.Transcoder.Hls;

/// <summary>
/// PeerTube's {id}-segments-sha256.json: { "&lt;fragmented mp4 name&gt;": { "&lt;start&gt;-&lt;end inclusive&gt;": "&lt;sha256 hex&gt;" } },
/// one entry per #EXT-X-BYTERANGE of the rendition playlist (the init section is not listed, as in PeerTube),
/// written compact as JSON.stringify does. p2p-media-loader checks every segment a peer sends against it.
/// </summary>
public static class SegmentsSha256
{
    public static string Serialize(IEnumerable<KeyValuePair<string, IReadOnlyList<KeyValuePair<ByteRange, string>>>> files)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var (file, ranges) in files)
            {
                writer.WriteStartObject(file);
                foreach (var (range, hash) in ranges)
                {
                    writer.WriteString(range.Key, hash);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Hashes each range of the file, reading only that range.</summary>
    public static async Task<IReadOnlyList<KeyValuePair<ByteRange, string>>> HashRangesAsync(
        string path, IEnumerable<ByteRange> ranges, CancellationToken cancellationToken)
    {
        var result = new List<KeyValuePair<ByteRange, string>>();
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        foreach (var range in ranges)
        {
            var buffer = new byte[range.Length];
            var read = 0;
            while (read < buffer.Length)
            {
                var n = await RandomAccess.ReadAsync(handle, buffer.AsMemory(read), range.Offset + read, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    throw new InvalidDataException($"{Path.GetFileName(path)} ends before byte range {range.Key}.");
                }

                read += n;
            }

            result.Add(new(range, Convert.ToHexStringLower(SHA256.HashData(buffer))));
        }

        return result;
    }
}
