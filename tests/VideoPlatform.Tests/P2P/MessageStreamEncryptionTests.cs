using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using VideoPlatform.P2P.Metainfo;
using VideoPlatform.P2P.PeerWire;

namespace VideoPlatform.Tests.P2P;

/// <summary>
/// The seeder's side of MSE/PE against an initiator written here step by step from the spec (aria2 checks the same
/// against a real client in the integration tests): key exchange, the sync hash after random padding, the torrent named
/// by HASH('req2', SKEY), the initial payload, plaintext or RC4 afterwards.
/// </summary>
public sealed class MessageStreamEncryptionTests
{
    private static readonly InfoHash Torrent = new(Enumerable.Range(1, 20).Select(i => (byte)i).ToArray());

    private static async Task<(NetworkStream Client, NetworkStream Server, TcpListener Listener)> ConnectAsync()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new TcpClient();
        var accept = listener.AcceptTcpClientAsync();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        return (client.GetStream(), (await accept).GetStream(), listener);
    }

    private static ValueTask<InfoHash?> Find(byte[] req2) =>
        ValueTask.FromResult<InfoHash?>(req2.AsSpan().SequenceEqual(MessageStreamEncryption.Req2(Torrent)) ? Torrent : null);

    /// <summary>Side A: returns its RC4 pair once the receiver's answer is read, having sent <paramref name="initialPayload"/>.</summary>
    private static async Task<(Rc4 Encrypt, Rc4 Decrypt, uint Selected)> InitiateAsync(Stream stream, InfoHash skeyHash, uint provide, byte[] initialPayload, int padA)
    {
        var (xa, ya) = MessageStreamEncryption.NewKeyPair();
        await stream.WriteAsync((byte[])[.. ya, .. RandomNumberGenerator.GetBytes(padA)]);
        var yb = new byte[MessageStreamEncryption.KeyLength];
        await stream.ReadExactlyAsync(yb);
        var s = MessageStreamEncryption.SharedSecret(yb, xa);
        var skey = skeyHash.ToArray();
        var encrypt = new Rc4(MessageStreamEncryption.Hash("keyA", s, skey));
        var decrypt = new Rc4(MessageStreamEncryption.Hash("keyB", s, skey));
        var req2 = MessageStreamEncryption.Hash("req2", skey);
        var req3 = MessageStreamEncryption.Hash("req3", s);
        var padC = new byte[3];
        var tail = new byte[8 + 4 + 2 + padC.Length + 2 + initialPayload.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(tail.AsSpan(8), provide);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(tail.AsSpan(12), (ushort)padC.Length);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(tail.AsSpan(14 + padC.Length), (ushort)initialPayload.Length);
        initialPayload.CopyTo(tail, 16 + padC.Length);
        encrypt.Apply(tail);
        await stream.WriteAsync((byte[])[.. MessageStreamEncryption.Hash("req1", s), .. req2.Zip(req3, (a, b) => (byte)(a ^ b)), .. tail]);

        // The receiver's PadB is 0..512 bytes: find its encrypted VC (8 zero bytes), then crypto_select and len(PadD).
        var seen = new List<byte>();
        var vc = new byte[8];
        var probe = new byte[1];
        while (true)
        {
            await stream.ReadExactlyAsync(probe);
            seen.Add(probe[0]);
            if (seen.Count >= 8)
            {
                var candidate = seen.Skip(seen.Count - 8).ToArray();
                var trial = new Rc4(MessageStreamEncryption.Hash("keyB", s, skey));
                trial.Apply(candidate);
                if (candidate.SequenceEqual(vc))
                {
                    decrypt.Apply(new byte[8]);
                    break;
                }
            }
            Assert.That(seen.Count, Is.LessThan(600), "VC not found");
        }
        var select = new byte[6];
        await stream.ReadExactlyAsync(select);
        decrypt.Apply(select);
        Assert.That(System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(select.AsSpan(4)), Is.Zero, "no PadD");
        return (encrypt, decrypt, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(select));
    }

    [TestCase(MessageStreamEncryption.CryptoPlaintext | MessageStreamEncryption.CryptoRc4, 0, MessageStreamEncryption.CryptoPlaintext)]
    [TestCase(MessageStreamEncryption.CryptoRc4, 512, MessageStreamEncryption.CryptoRc4)]
    [TestCase(MessageStreamEncryption.CryptoPlaintext, 37, MessageStreamEncryption.CryptoPlaintext)]
    public async Task Round_trip_with_initial_payload_then_the_selected_method(uint provide, int padA, uint expected)
    {
        var (client, server, listener) = await ConnectAsync();
        using var _ = listener;
        await using var c = client;
        var initial = "\u0013BitTorrent protocol"u8.ToArray();
        var first20 = new byte[20];
        var accept = Task.Run(async () =>
        {
            await server.ReadExactlyAsync(first20);
            Assert.That(MessageStreamEncryption.IsPlainHandshake(first20), Is.False);
            return await MessageStreamEncryption.AcceptAsync(server, first20, Find, CancellationToken.None);
        });
        var (encrypt, decrypt, selected) = await InitiateAsync(client, Torrent, provide, initial, padA);
        var (stream, infoHash) = await accept;
        await using var _s = stream;
        Assert.That(selected, Is.EqualTo(expected));
        Assert.That(infoHash, Is.EqualTo(Torrent));

        // The initial payload comes first, then what A sends next, in the selected method; and back.
        var next = new byte[] { 1, 2, 3, 4, 5 };
        var wire = next.ToArray();
        if (selected == MessageStreamEncryption.CryptoRc4)
        {
            encrypt.Apply(wire);
        }
        await client.WriteAsync(wire);
        var received = new byte[initial.Length + next.Length];
        await stream.ReadExactlyAsync(received);
        Assert.That(received, Is.EqualTo(initial.Concat(next).ToArray()));

        await stream.WriteAsync(new byte[] { 9, 8, 7 });
        var back = new byte[3];
        await client.ReadExactlyAsync(back);
        if (selected == MessageStreamEncryption.CryptoRc4)
        {
            decrypt.Apply(back);
        }
        Assert.That(back, Is.EqualTo(new byte[] { 9, 8, 7 }));
    }

    [Test]
    public async Task An_unknown_torrent_is_refused()
    {
        var (client, server, listener) = await ConnectAsync();
        using var _ = listener;
        await using var c = client;
        await using var s = server;
        var accept = Task.Run(async () =>
        {
            var first20 = new byte[20];
            await server.ReadExactlyAsync(first20);
            return await MessageStreamEncryption.AcceptAsync(server, first20, Find, CancellationToken.None);
        });
        var other = new InfoHash(new byte[20]);
        var initiate = InitiateAsync(client, other, MessageStreamEncryption.CryptoRc4, [], 10);
        Assert.That(async () => await accept, Throws.InstanceOf<PeerProtocolException>().With.Message.Contains("do not seed"));
        client.Close();
        Assert.That(async () => await initiate, Throws.Exception);
    }

    [Test]
    public void Public_keys_out_of_range_are_refused_and_secrets_agree()
    {
        var (xa, ya) = MessageStreamEncryption.NewKeyPair();
        var (xb, yb) = MessageStreamEncryption.NewKeyPair();
        Assert.That(MessageStreamEncryption.SharedSecret(yb, xa), Is.EqualTo(MessageStreamEncryption.SharedSecret(ya, xb)));
        Assert.That(() => MessageStreamEncryption.SharedSecret(new byte[96], xa), Throws.InstanceOf<PeerProtocolException>());
        Assert.That(() => MessageStreamEncryption.SharedSecret(MessageStreamEncryption.ToFixed(MessageStreamEncryption.Prime - 1), xa), Throws.InstanceOf<PeerProtocolException>());
        Assert.That(MessageStreamEncryption.IsPlainHandshake("\u0013BitTorrent protocol"u8), Is.True);
    }
}
