using System.Buffers.Binary;

namespace VideoPlatform.Transcoder.Live.Rtmp;

/// <summary>
/// The simple RTMP handshake (RTMP specification 1.0, section 5.2): the client sends C0 (version 3) and C1 (1536 bytes:
/// time, zero, random); the server answers S0, S1 (its own time, zero, random) and S2 (an echo of C1 with the time it was
/// read); the client ends with C2 (an echo of S1), which is read and not checked, as ffmpeg and OBS do not need it to be.
/// </summary>
public static class RtmpHandshake
{
    public const byte Version = 3;
    public const int PacketSize = 1536;

    /// <summary>Bytes the server reads before answering: C0 and C1.</summary>
    public const int C0C1Size = 1 + PacketSize;

    /// <summary>S0, S1 and S2 for the client's C0 and C1.</summary>
    /// <param name="c0c1">Exactly <see cref="C0C1Size"/> bytes.</param>
    /// <param name="serverTime">Milliseconds since an epoch of the server's choosing (S1's time, S2's time2).</param>
    /// <param name="random">1528 random bytes for S1.</param>
    public static byte[] CreateReply(ReadOnlySpan<byte> c0c1, uint serverTime, ReadOnlySpan<byte> random)
    {
        if (c0c1.Length != C0C1Size)
        {
            throw new RtmpProtocolException($"The handshake's C0 and C1 are {C0C1Size} bytes, not {c0c1.Length}.");
        }
        if (c0c1[0] != Version)
        {
            throw new RtmpProtocolException($"RTMP version {c0c1[0]} is not supported (only 3, plain RTMP; RTMPS is terminated by the proxy).");
        }
        if (random.Length != PacketSize - 8)
        {
            throw new ArgumentException("S1 needs 1528 random bytes.", nameof(random));
        }
        var reply = new byte[1 + (2 * PacketSize)];
        reply[0] = Version;
        var s1 = reply.AsSpan(1, PacketSize);
        BinaryPrimitives.WriteUInt32BigEndian(s1, serverTime);
        random.CopyTo(s1[8..]);
        var s2 = reply.AsSpan(1 + PacketSize, PacketSize);
        c0c1[1..].CopyTo(s2);
        BinaryPrimitives.WriteUInt32BigEndian(s2[4..], serverTime);
        return reply;
    }
}
