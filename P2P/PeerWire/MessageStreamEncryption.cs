using System.Buffers;
using System.Numerics;
using System.Security.Cryptography;
using VideoPlatform.P2P.Metainfo;

namespace VideoPlatform.P2P.PeerWire;

/// <summary>
/// The receiving side of BitTorrent's Message Stream Encryption (MSE/PE, the "obfuscation" handshake of Azureus,
/// libtorrent and aria2, which aria2 tries first): 768-bit Diffie-Hellman, the torrent's info hash as shared secret
/// (SKEY), RC4 keyed from both with the first 1024 bytes discarded, then plaintext or RC4 for the rest of the stream,
/// as the initiator offers (we pick plaintext when offered: the payload is public and checked by its piece hashes).
/// </summary>
internal static class MessageStreamEncryption
{
    public const int KeyLength = 96;
    public const int MaxPadLength = 512;
    public const uint CryptoPlaintext = 0x01;
    public const uint CryptoRc4 = 0x02;

    /// <summary>The 768-bit prime of the spec (Oakley group 1), generator 2.</summary>
    internal static readonly BigInteger Prime = BigInteger.Parse(
        "0FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A63A36210000000000090563",
        System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Whether the first 20 bytes of a connection are a plain BitTorrent handshake (else: MSE's public key).</summary>
    public static bool IsPlainHandshake(ReadOnlySpan<byte> first20) =>
        first20.Length >= 20 && first20[0] == 19 && first20.Slice(1, 19).SequenceEqual("BitTorrent protocol"u8);

    /// <summary>SHA1(name, parts...): the spec's HASH().</summary>
    public static byte[] Hash(string name, params ReadOnlySpan<byte[]> parts)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        sha.AppendData(System.Text.Encoding.ASCII.GetBytes(name));
        foreach (var part in parts)
        {
            sha.AppendData(part);
        }
        return sha.GetHashAndReset();
    }

    /// <summary>What <c>HASH('req2', SKEY)</c> is for a torrent: how the initiator names the torrent it wants.</summary>
    public static byte[] Req2(InfoHash infoHash)
    {
        var bytes = new byte[InfoHash.Length];
        infoHash.CopyTo(bytes);
        return Hash("req2", bytes);
    }

    public static byte[] ToFixed(BigInteger value)
    {
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        if (bytes.Length == KeyLength)
        {
            return bytes;
        }
        var padded = new byte[KeyLength];
        bytes.CopyTo(padded, KeyLength - bytes.Length);
        return padded;
    }

    public static BigInteger FromFixed(ReadOnlySpan<byte> bytes) => new(bytes, isUnsigned: true, isBigEndian: true);

    /// <summary>A fresh key pair: a 160-bit private key, as the spec recommends.</summary>
    public static (BigInteger Private, byte[] Public) NewKeyPair()
    {
        var x = FromFixed(RandomNumberGenerator.GetBytes(20));
        return (x, ToFixed(BigInteger.ModPow(2, x, Prime)));
    }

    public static byte[] SharedSecret(ReadOnlySpan<byte> otherPublic, BigInteger ownPrivate)
    {
        var y = FromFixed(otherPublic);
        if (y <= 1 || y >= Prime - 1)
        {
            throw new PeerProtocolException("MSE public key out of range");
        }
        return ToFixed(BigInteger.ModPow(y, ownPrivate, Prime));
    }

    /// <summary>
    /// Runs the receiver's side after <paramref name="first20"/> (already read, not a plain handshake). Returns the
    /// stream to speak BitTorrent on (the initiator's initial payload first, then plaintext or RC4 as selected) and the
    /// torrent named, or throws <see cref="PeerProtocolException"/>: an unknown torrent, a bad VC, no common method.
    /// </summary>
    public static async Task<(Stream Stream, InfoHash InfoHash)> AcceptAsync(Stream stream, byte[] first20, Func<byte[], ValueTask<InfoHash?>> findByReq2,
        CancellationToken cancellationToken)
    {
        var reader = new Reader(stream);
        var ya = new byte[KeyLength];
        first20.CopyTo(ya, 0);
        await reader.ReadExactlyAsync(ya.AsMemory(20), cancellationToken);

        var (xb, yb) = NewKeyPair();
        var padB = RandomNumberGenerator.GetBytes(RandomNumberGenerator.GetInt32(0, 64));
        await stream.WriteAsync(yb.Concat(padB).ToArray(), cancellationToken);
        var s = SharedSecret(ya, xb);

        // PadA (0..512 bytes) then HASH('req1', S): find the hash within the first 532 bytes.
        await reader.SkipUntilAsync(Hash("req1", s), MaxPadLength, cancellationToken);

        var named = new byte[20];
        await reader.ReadExactlyAsync(named, cancellationToken);
        var req3 = Hash("req3", s);
        for (var i = 0; i < named.Length; i++)
        {
            named[i] ^= req3[i];
        }
        var infoHash = await findByReq2(named) ?? throw new PeerProtocolException("MSE handshake for a torrent we do not seed");
        var skey = new byte[InfoHash.Length];
        infoHash.CopyTo(skey);
        var decrypt = new Rc4(Hash("keyA", s, skey));
        var encrypt = new Rc4(Hash("keyB", s, skey));

        var header = new byte[8 + 4 + 2];
        await reader.ReadExactlyAsync(header, cancellationToken);
        decrypt.Apply(header);
        if (header.AsSpan(0, 8).ContainsAnyExcept((byte)0))
        {
            throw new PeerProtocolException("MSE verification constant is not zero");
        }
        var provide = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(8));
        var padCLength = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(12));
        if (padCLength > MaxPadLength)
        {
            throw new PeerProtocolException("MSE padding too long");
        }
        var rest = new byte[padCLength + 2];
        await reader.ReadExactlyAsync(rest, cancellationToken);
        decrypt.Apply(rest);
        var iaLength = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(rest.AsSpan(padCLength));
        var initialPayload = new byte[iaLength];
        await reader.ReadExactlyAsync(initialPayload, cancellationToken);
        decrypt.Apply(initialPayload);

        var select = (provide & CryptoPlaintext) != 0 ? CryptoPlaintext
            : (provide & CryptoRc4) != 0 ? CryptoRc4
            : throw new PeerProtocolException("MSE offers neither plaintext nor RC4");
        var answer = new byte[8 + 4 + 2];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(answer.AsSpan(8), select);
        encrypt.Apply(answer);
        await stream.WriteAsync(answer, cancellationToken);

        // Bytes already read past the initial payload belong to the stream that follows, in the selected method.
        var leftover = reader.TakeBuffered();
        var rc4 = select == CryptoRc4;
        if (rc4)
        {
            decrypt.Apply(leftover);
        }
        return (new MseStream(stream, [.. initialPayload, .. leftover], rc4 ? decrypt : null, rc4 ? encrypt : null), infoHash);
    }

    /// <summary>Reads with a small buffer of its own, so that scanning for the sync hash never consumes past what it needs.</summary>
    private sealed class Reader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[MaxPadLength + 20 + 256];
        private int _start;
        private int _end;

        public async Task ReadExactlyAsync(Memory<byte> target, CancellationToken ct)
        {
            var fromBuffer = Math.Min(target.Length, _end - _start);
            _buffer.AsMemory(_start, fromBuffer).CopyTo(target);
            _start += fromBuffer;
            if (fromBuffer < target.Length)
            {
                await stream.ReadExactlyAsync(target[fromBuffer..], ct);
            }
        }

        public async Task SkipUntilAsync(byte[] marker, int maxSkip, CancellationToken ct)
        {
            while (true)
            {
                var found = _buffer.AsSpan(_start, _end - _start).IndexOf(marker);
                if (found >= 0)
                {
                    if (found > maxSkip)
                    {
                        break;
                    }
                    _start += found + marker.Length;
                    return;
                }
                if (_end - _start >= maxSkip + marker.Length || _end == _buffer.Length)
                {
                    break;
                }
                var read = await stream.ReadAsync(_buffer.AsMemory(_end), ct);
                if (read == 0)
                {
                    throw new EndOfStreamException();
                }
                _end += read;
            }
            throw new PeerProtocolException("MSE synchronisation hash not found");
        }

        public byte[] TakeBuffered()
        {
            var rest = _buffer.AsSpan(_start, _end - _start).ToArray();
            _start = _end;
            return rest;
        }
    }
}

/// <summary>RC4 with the first 1024 bytes of key stream discarded, as MSE uses it (one instance per direction).</summary>
internal sealed class Rc4
{
    private readonly byte[] _s = new byte[256];
    private int _i;
    private int _j;

    public Rc4(ReadOnlySpan<byte> key)
    {
        for (var k = 0; k < 256; k++)
        {
            _s[k] = (byte)k;
        }
        for (int k = 0, j = 0; k < 256; k++)
        {
            j = (j + _s[k] + key[k % key.Length]) & 0xFF;
            (_s[k], _s[j]) = (_s[j], _s[k]);
        }
        Span<byte> discard = stackalloc byte[1024];
        Apply(discard);
    }

    public void Apply(Span<byte> data)
    {
        var s = _s;
        int i = _i, j = _j;
        for (var n = 0; n < data.Length; n++)
        {
            i = (i + 1) & 0xFF;
            j = (j + s[i]) & 0xFF;
            (s[i], s[j]) = (s[j], s[i]);
            data[n] ^= s[(s[i] + s[j]) & 0xFF];
        }
        _i = i;
        _j = j;
    }
}

/// <summary>The peer's stream after MSE: bytes already received first, then the connection, through RC4 when selected.</summary>
internal sealed class MseStream(Stream inner, byte[] prefix, Rc4? decrypt, Rc4? encrypt) : Stream
{
    private int _prefixUsed;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_prefixUsed < prefix.Length)
        {
            var n = Math.Min(buffer.Length, prefix.Length - _prefixUsed);
            prefix.AsMemory(_prefixUsed, n).CopyTo(buffer);
            _prefixUsed += n;
            return n;
        }
        var read = await inner.ReadAsync(buffer, cancellationToken);
        decrypt?.Apply(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (encrypt is null)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            return;
        }
        var copy = ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            buffer.CopyTo(copy);
            encrypt.Apply(copy.AsSpan(0, buffer.Length));
            await inner.WriteAsync(copy.AsMemory(0, buffer.Length), cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }
}
