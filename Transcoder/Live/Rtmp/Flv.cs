using System.Buffers.Binary;

namespace VideoPlatform.Transcoder.Live.Rtmp;

/// <summary>
/// The FLV container (Adobe's Video File Format Specification 10.1, annex E) that RTMP's audio, video and data messages
/// map onto one to one: a 9-byte header and PreviousTagSize0, then tags (type, 24-bit size, timestamp with its extension
/// byte, stream id 0, data, PreviousTagSize). This is what ffmpeg reads on its stdin for a live.
/// </summary>
public static class Flv
{
    public const byte AudioTag = 8;
    public const byte VideoTag = 9;
    public const byte ScriptTag = 18;

    public static byte[] Header(bool hasAudio, bool hasVideo)
    {
        var header = new byte[13];
        "FLV"u8.CopyTo(header);
        header[3] = 1;
        header[4] = (byte)((hasAudio ? 4 : 0) | (hasVideo ? 1 : 0));
        header[8] = 9;
        return header; // bytes 9..12: PreviousTagSize0 = 0
    }

    public static byte[] Tag(byte type, uint timestamp, ReadOnlySpan<byte> data)
    {
        if (data.Length > 0xFFFFFF)
        {
            throw new ArgumentException("An FLV tag holds at most 16 MiB.", nameof(data));
        }
        var tag = new byte[11 + data.Length + 4];
        tag[0] = type;
        tag[1] = (byte)(data.Length >> 16);
        tag[2] = (byte)(data.Length >> 8);
        tag[3] = (byte)data.Length;
        tag[4] = (byte)(timestamp >> 16);
        tag[5] = (byte)(timestamp >> 8);
        tag[6] = (byte)timestamp;
        tag[7] = (byte)(timestamp >> 24);
        data.CopyTo(tag.AsSpan(11));
        BinaryPrimitives.WriteUInt32BigEndian(tag.AsSpan(11 + data.Length), (uint)(11 + data.Length));
        return tag;
    }

    /// <summary>Whether a video tag's data is a key frame (frame type 1 in its first byte's high nibble).</summary>
    public static bool IsKeyFrame(ReadOnlySpan<byte> videoData) => videoData.Length > 0 && (videoData[0] >> 4) == 1;

    /// <summary>An AVC or HEVC sequence header (decoder configuration), which must precede the frames it describes.</summary>
    public static bool IsVideoSequenceHeader(ReadOnlySpan<byte> videoData) => videoData.Length > 1 && (videoData[0] & 0x0F) is 7 or 12 && videoData[1] == 0;
}
