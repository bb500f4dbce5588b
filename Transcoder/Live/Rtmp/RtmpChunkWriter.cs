using System.Buffers.Binary;

namespace VideoPlatform.Transcoder.Live.Rtmp;

/// <summary>Splits a message into chunks: a type 0 header, then type 3 headers, with the extended timestamp repeated when used.</summary>
public static class RtmpChunkWriter
{
    public static byte[] Write(RtmpMessage message, int chunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        var csid = message.ChunkStreamId;
        if (csid is < 2 or > 65599)
        {
            throw new ArgumentOutOfRangeException(nameof(message), "Chunk stream ids go from 2 to 65599.");
        }
        var extended = message.Timestamp >= 0xFFFFFF;
        using var stream = new MemoryStream(message.Payload.Length + 32);
        var offset = 0;
        var first = true;
        Span<byte> buffer = stackalloc byte[11];
        do
        {
            WriteBasicHeader(stream, first ? 0 : 3, csid);
            if (first)
            {
                WriteUInt24(buffer, extended ? 0xFFFFFF : message.Timestamp);
                WriteUInt24(buffer[3..], (uint)message.Payload.Length);
                buffer[6] = message.TypeId;
                BinaryPrimitives.WriteUInt32LittleEndian(buffer[7..], message.StreamId);
                stream.Write(buffer);
            }
            if (extended)
            {
                BinaryPrimitives.WriteUInt32BigEndian(buffer, message.Timestamp);
                stream.Write(buffer[..4]);
            }
            var size = Math.Min(chunkSize, message.Payload.Length - offset);
            stream.Write(message.Payload, offset, size);
            offset += size;
            first = false;
        }
        while (offset < message.Payload.Length);
        return stream.ToArray();
    }

    private static void WriteBasicHeader(Stream stream, int fmt, int csid)
    {
        if (csid < 64)
        {
            stream.WriteByte((byte)((fmt << 6) | csid));
        }
        else if (csid < 320)
        {
            stream.WriteByte((byte)(fmt << 6));
            stream.WriteByte((byte)(csid - 64));
        }
        else
        {
            stream.WriteByte((byte)((fmt << 6) | 1));
            stream.WriteByte((byte)((csid - 64) & 0xFF));
            stream.WriteByte((byte)((csid - 64) >> 8));
        }
    }

    private static void WriteUInt24(Span<byte> b, uint value)
    {
        b[0] = (byte)(value >> 16);
        b[1] = (byte)(value >> 8);
        b[2] = (byte)value;
    }
}
