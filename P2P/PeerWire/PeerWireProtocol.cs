using System.Buffers.Binary;
using VideoPlatform.P2P.Bencode;
using VideoPlatform.P2P.Metainfo;

namespace VideoPlatform.P2P.PeerWire;

internal enum MessageId : byte
{
    Choke = 0,
    Unchoke = 1,
    Interested = 2,
    NotInterested = 3,
    Have = 4,
    Bitfield = 5,
    Request = 6,
    Piece = 7,
    Cancel = 8,
    Port = 9,
    Suggest = 0x0D,
    HaveAll = 0x0E,
    HaveNone = 0x0F,
    RejectRequest = 0x10,
    AllowedFast = 0x11,
    Extended = 20,
}

internal readonly record struct Handshake(byte[] Reserved, InfoHash InfoHash, byte[] PeerId)
{
    public bool SupportsExtensions => (Reserved[5] & 0x10) != 0;

    public bool SupportsFast => (Reserved[7] & 0x04) != 0;
}

internal readonly record struct BlockRequest(int Index, int Begin, int Length);

/// <summary>Pure BitTorrent peer-wire framing (BEP 3, BEP 6 fast, BEP 10 extensions, BEP 9 ut_metadata).</summary>
internal static class PeerWireProtocol
{
    public const int HandshakeLength = 68;
    public const int BlockSize = 16 * 1024;
    public const int MetadataPieceSize = 16 * 1024;

    /// <summary>Our extended message id for ut_metadata (what peers must use when talking to us).</summary>
    public const byte UtMetadataId = 3;

    private static ReadOnlySpan<byte> Protocol => "BitTorrent protocol"u8;

    public static byte[] BuildHandshake(InfoHash infoHash, ReadOnlySpan<byte> peerId)
    {
        var buffer = new byte[HandshakeLength];
        buffer[0] = 19;
        Protocol.CopyTo(buffer.AsSpan(1));
        buffer[25] |= 0x10; // BEP 10 extension protocol
        buffer[27] |= 0x04; // BEP 6 fast extension
        infoHash.CopyTo(buffer.AsSpan(28));
        peerId.CopyTo(buffer.AsSpan(48));
        return buffer;
    }

    public static Handshake? ParseHandshake(ReadOnlySpan<byte> buffer)
    {
        if (buffer.Length != HandshakeLength || buffer[0] != 19 || !buffer.Slice(1, 19).SequenceEqual(Protocol))
        {
            return null;
        }

        return new Handshake(buffer.Slice(20, 8).ToArray(), new InfoHash(buffer.Slice(28, 20)), buffer.Slice(48, 20).ToArray());
    }

    public static byte[] Simple(MessageId id)
    {
        var buffer = new byte[5];
        BinaryPrimitives.WriteInt32BigEndian(buffer, 1);
        buffer[4] = (byte)id;
        return buffer;
    }

    public static byte[] KeepAlive() => new byte[4];

    /// <summary>All pieces set; spare bits at the end stay zero as BEP 3 requires.</summary>
    public static byte[] FullBitfield(int pieceCount)
    {
        var bytes = (pieceCount + 7) / 8;
        var buffer = new byte[5 + bytes];
        BinaryPrimitives.WriteInt32BigEndian(buffer, 1 + bytes);
        buffer[4] = (byte)MessageId.Bitfield;
        buffer.AsSpan(5).Fill(0xFF);
        var spare = (bytes * 8) - pieceCount;
        if (bytes > 0 && spare > 0)
        {
            buffer[^1] = (byte)(0xFF << spare);
        }

        return buffer;
    }

    public static byte[] Block(MessageId id, BlockRequest request)
    {
        var buffer = new byte[17];
        BinaryPrimitives.WriteInt32BigEndian(buffer, 13);
        buffer[4] = (byte)id;
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(5), request.Index);
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(9), request.Begin);
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(13), request.Length);
        return buffer;
    }

    public static BlockRequest ParseBlock(ReadOnlySpan<byte> payload) => new(
        BinaryPrimitives.ReadInt32BigEndian(payload),
        BinaryPrimitives.ReadInt32BigEndian(payload[4..]),
        BinaryPrimitives.ReadInt32BigEndian(payload[8..]));

    /// <summary>Header of a piece message; the block bytes follow it on the wire.</summary>
    public static void WritePieceHeader(Span<byte> destination, int index, int begin, int length)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, 9 + length);
        destination[4] = (byte)MessageId.Piece;
        BinaryPrimitives.WriteInt32BigEndian(destination[5..], index);
        BinaryPrimitives.WriteInt32BigEndian(destination[9..], begin);
    }

    public static byte[] Extended(byte extendedId, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> trailer = default)
    {
        var buffer = new byte[6 + payload.Length + trailer.Length];
        BinaryPrimitives.WriteInt32BigEndian(buffer, 2 + payload.Length + trailer.Length);
        buffer[4] = (byte)MessageId.Extended;
        buffer[5] = extendedId;
        payload.CopyTo(buffer.AsSpan(6));
        trailer.CopyTo(buffer.AsSpan(6 + payload.Length));
        return buffer;
    }

    public static byte[] ExtendedHandshake(int metadataSize, int maxPendingRequests) => Extended(0, Bencoding.Encode(
        new BDictionary()
            .Set("m", new BDictionary().Set("ut_metadata", UtMetadataId))
            .Set("metadata_size", metadataSize)
            .Set("reqq", maxPendingRequests)
            .Set("v", "VideoPlatform")));

    /// <summary>The peer's ut_metadata id from its extended handshake; 0 when it has none (or disabled it).</summary>
    public static byte ParsePeerUtMetadataId(ReadOnlyMemory<byte> handshakePayload)
    {
        var dict = BencodeDecoder.DecodeDictionary(handshakePayload, new BencodeLimits(MaxDepth: 8, MaxStringLength: 4096, MaxItems: 1024));
        return dict["m"] is BDictionary m && m.GetInteger("ut_metadata") is { } id and > 0 and <= 255 ? (byte)id : (byte)0;
    }

    public static int MetadataPieceCount(int metadataSize) => (metadataSize + MetadataPieceSize - 1) / MetadataPieceSize;

    /// <summary>Answer to a BEP 9 message: data for a valid request, reject for an out-of-range one, null for anything else.</summary>
    public static byte[]? MetadataReply(byte peerUtMetadataId, ReadOnlyMemory<byte> message, ReadOnlySpan<byte> rawInfo)
    {
        var dict = BencodeDecoder.DecodePrefix(message, out _, new BencodeLimits(MaxDepth: 4, MaxStringLength: 1024, MaxItems: 64)) as BDictionary;
        if (dict?.GetInteger("msg_type") != 0 || dict.GetInteger("piece") is not { } piece)
        {
            return null;
        }

        if (piece < 0 || piece >= MetadataPieceCount(rawInfo.Length))
        {
            return Extended(peerUtMetadataId, Bencoding.Encode(new BDictionary().Set("msg_type", 2).Set("piece", piece)));
        }

        var start = (int)piece * MetadataPieceSize;
        var data = rawInfo.Slice(start, Math.Min(MetadataPieceSize, rawInfo.Length - start));
        var header = Bencoding.Encode(new BDictionary().Set("msg_type", 1).Set("piece", piece).Set("total_size", rawInfo.Length));
        return Extended(peerUtMetadataId, header, data);
    }

    /// <summary>Whether a request lies inside the torrent and is at most one 16 KiB block.</summary>
    public static RequestCheck CheckRequest(BlockRequest request, TorrentMetainfo torrent)
    {
        if (request.Index < 0 || request.Index >= torrent.PieceCount || request.Begin < 0 || request.Length <= 0)
        {
            return RequestCheck.OutOfRange;
        }

        if ((long)request.Begin + request.Length > torrent.GetPieceSize(request.Index))
        {
            return RequestCheck.OutOfRange;
        }

        return request.Length > BlockSize ? RequestCheck.TooLarge : RequestCheck.Ok;
    }
}

internal enum RequestCheck
{
    Ok,
    TooLarge,
    OutOfRange,
}
