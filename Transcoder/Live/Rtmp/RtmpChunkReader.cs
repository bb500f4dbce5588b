using System.Buffers.Binary;

namespace VideoPlatform.Transcoder.Live.Rtmp;

/// <summary>
/// Reassembles RTMP messages from the chunk stream (RTMP specification 1.0, section 5.3): basic headers of 1 to 3 bytes,
/// message headers of type 0 (absolute), 1 (delta, length, type), 2 (delta) and 3 (none), extended timestamps (also
/// repeated on type 3 chunks when the message used one, as ffmpeg and librtmp send them), interleaved chunk streams,
/// the peer's Set Chunk Size and Abort. Bytes are pushed as they arrive; whole messages come out. Limits on the message
/// size and the number of chunk streams bound the memory a peer can make it hold.
/// </summary>
public sealed class RtmpChunkReader(int maxMessageSize = RtmpChunkReader.DefaultMaxMessageSize, int maxChunkStreams = 32)
{
    public const int DefaultChunkSize = 128;
    public const int DefaultMaxMessageSize = 8 * 1024 * 1024;
    public const int MaxChunkSize = 0x7FFFFFFF;

    private sealed class ChunkStream
    {
        public bool Started;
        public uint Timestamp;
        public uint Delta;
        public int Length;
        public byte TypeId;
        public uint StreamId;
        public bool Extended;
        public byte[]? Partial;
        public int Received;
    }

    private readonly Dictionary<int, ChunkStream> _streams = [];
    private byte[] _buffer = new byte[4096];
    private int _count;

    /// <summary>The chunk size the peer sends with (128 until it sends Set Chunk Size).</summary>
    public int ChunkSize { get; private set; } = DefaultChunkSize;

    /// <summary>Appends received bytes and returns the messages they complete (protocol control messages included).</summary>
    public List<RtmpMessage> Push(ReadOnlySpan<byte> bytes)
    {
        if (_buffer.Length - _count < bytes.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _count + bytes.Length));
        }
        bytes.CopyTo(_buffer.AsSpan(_count));
        _count += bytes.Length;

        var messages = new List<RtmpMessage>();
        var consumed = 0;
        while (TryReadChunk(_buffer.AsSpan(consumed, _count - consumed), out var used, out var message))
        {
            consumed += used;
            if (message is not null)
            {
                messages.Add(message);
            }
        }
        _buffer.AsSpan(consumed, _count - consumed).CopyTo(_buffer);
        _count -= consumed;
        return messages;
    }

    private bool TryReadChunk(ReadOnlySpan<byte> data, out int used, out RtmpMessage? message)
    {
        used = 0;
        message = null;
        if (data.Length < 1)
        {
            return false;
        }
        var fmt = data[0] >> 6;
        var csid = data[0] & 0x3F;
        var offset = 1;
        if (csid == 0)
        {
            if (data.Length < 2)
            {
                return false;
            }
            csid = data[1] + 64;
            offset = 2;
        }
        else if (csid == 1)
        {
            if (data.Length < 3)
            {
                return false;
            }
            csid = data[1] + (data[2] * 256) + 64;
            offset = 3;
        }

        if (!_streams.TryGetValue(csid, out var stream))
        {
            if (_streams.Count >= maxChunkStreams)
            {
                throw new RtmpProtocolException($"More than {maxChunkStreams} chunk streams.");
            }
            stream = new ChunkStream();
        }
        if (!stream.Started && fmt != 0)
        {
            throw new RtmpProtocolException($"Chunk stream {csid} starts with a type {fmt} header; the first chunk must carry a type 0 header.");
        }

        var headerSize = fmt switch { 0 => 11, 1 => 7, 2 => 3, _ => 0 };
        if (data.Length < offset + headerSize)
        {
            return false;
        }
        var header = data.Slice(offset, headerSize);
        offset += headerSize;
        var startsMessage = stream.Partial is null;
        uint timestampField = 0;
        var length = stream.Length;
        var typeId = stream.TypeId;
        var streamId = stream.StreamId;
        bool extended;
        if (fmt <= 2)
        {
            timestampField = ReadUInt24(header);
            extended = timestampField == 0xFFFFFF;
            if (fmt <= 1)
            {
                length = (int)ReadUInt24(header[3..]);
                typeId = header[6];
            }
            if (fmt == 0)
            {
                streamId = BinaryPrimitives.ReadUInt32LittleEndian(header[7..]);
            }
            if (!startsMessage)
            {
                throw new RtmpProtocolException($"Chunk stream {csid} starts a new message (type {fmt} header) before the previous one is complete.");
            }
        }
        else
        {
            extended = stream.Extended;
        }

        uint extendedTimestamp = 0;
        if (extended)
        {
            if (data.Length < offset + 4)
            {
                return false;
            }
            extendedTimestamp = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(offset, 4));
            offset += 4;
        }

        if (length > maxMessageSize)
        {
            throw new RtmpProtocolException($"A message of {length} bytes is over the limit of {maxMessageSize} bytes.");
        }
        var received = startsMessage ? 0 : stream.Received;
        var payloadSize = Math.Min(ChunkSize, length - received);
        if (data.Length < offset + payloadSize)
        {
            return false;
        }

        // The whole chunk is here: commit the header state.
        _streams[csid] = stream;
        stream.Started = true;
        stream.Extended = extended;
        if (fmt <= 2)
        {
            var value = extended ? extendedTimestamp : timestampField;
            if (fmt == 0)
            {
                stream.Timestamp = value;
                stream.Delta = 0;
            }
            else
            {
                stream.Delta = value;
                stream.Timestamp = unchecked(stream.Timestamp + value);
            }
            stream.Length = length;
            stream.TypeId = typeId;
            stream.StreamId = streamId;
        }
        else if (startsMessage)
        {
            // A type 3 chunk that begins a message repeats the previous delta (section 5.3.1.2.4).
            stream.Timestamp = unchecked(stream.Timestamp + stream.Delta);
        }

        if (startsMessage)
        {
            stream.Partial = new byte[length];
            stream.Received = 0;
        }
        data.Slice(offset, payloadSize).CopyTo(stream.Partial.AsSpan(stream.Received));
        stream.Received += payloadSize;
        used = offset + payloadSize;

        if (stream.Received == stream.Length)
        {
            message = new RtmpMessage(stream.TypeId, stream.Timestamp, stream.StreamId, stream.Partial!) { ChunkStreamId = csid };
            stream.Partial = null;
            stream.Received = 0;
            ApplyControl(message);
        }
        return true;
    }

    /// <summary>Set Chunk Size and Abort change how the following chunks are read, so they are applied here.</summary>
    private void ApplyControl(RtmpMessage message)
    {
        if (message.TypeId == RtmpMessageType.SetChunkSize)
        {
            if (message.Payload.Length < 4)
            {
                throw new RtmpProtocolException("Set Chunk Size carries fewer than 4 bytes.");
            }
            var size = BinaryPrimitives.ReadUInt32BigEndian(message.Payload) & 0x7FFFFFFF;
            if (size < 1)
            {
                throw new RtmpProtocolException("Set Chunk Size asks for a chunk size of 0.");
            }
            ChunkSize = (int)Math.Min(size, (uint)maxMessageSize);
        }
        else if (message.TypeId == RtmpMessageType.Abort)
        {
            if (message.Payload.Length < 4)
            {
                throw new RtmpProtocolException("Abort carries fewer than 4 bytes.");
            }
            var aborted = (int)BinaryPrimitives.ReadUInt32BigEndian(message.Payload);
            if (_streams.TryGetValue(aborted, out var stream))
            {
                stream.Partial = null;
                stream.Received = 0;
            }
        }
    }

    private static uint ReadUInt24(ReadOnlySpan<byte> b) => (uint)((b[0] << 16) | (b[1] << 8) | b[2]);
}
