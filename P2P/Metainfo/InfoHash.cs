using System.Buffers.Binary;
using System.Security.Cryptography;

namespace VideoPlatform.P2P.Metainfo;

/// <summary>A 20-byte BitTorrent v1 info hash (or p2p-media-loader swarm id), usable as a dictionary key.</summary>
public readonly struct InfoHash : IEquatable<InfoHash>
{
    public const int Length = 20;

    private readonly ulong _a;
    private readonly ulong _b;
    private readonly uint _c;

    public InfoHash(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException("An info hash is 20 bytes", nameof(bytes));
        }

        _a = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _b = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        _c = BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "BitTorrent v1 defines the info hash as SHA-1")]
    public static InfoHash Sha1Of(ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[Length];
        SHA1.HashData(data, hash);
        return new InfoHash(hash);
    }

    public static InfoHash FromHex(string hex) => new(Convert.FromHexString(hex));

    public static bool TryFromHex(string? hex, out InfoHash hash)
    {
        hash = default;
        if (hex is null || hex.Length != 40)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[Length];
        if (Convert.FromHexString(hex, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != Length)
        {
            return false;
        }

        hash = new InfoHash(bytes);
        return true;
    }

    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], _c);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        CopyTo(bytes);
        return bytes;
    }

    /// <summary>Lower-case hex, as magnet links and PeerTube's API spell it.</summary>
    public string ToHex() => Convert.ToHexStringLower(ToArray());

    public override string ToString() => ToHex();

    public bool Equals(InfoHash other) => _a == other._a && _b == other._b && _c == other._c;

    public override bool Equals(object? obj) => obj is InfoHash other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_a, _b, _c);

    public static bool operator ==(InfoHash left, InfoHash right) => left.Equals(right);

    public static bool operator !=(InfoHash left, InfoHash right) => !left.Equals(right);
}
