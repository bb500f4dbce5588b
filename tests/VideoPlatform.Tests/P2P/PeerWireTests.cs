using System.Buffers.Binary;
using Microsoft.Extensions.Time.Testing;
using VideoPlatform.P2P.Bencode;
using VideoPlatform.P2P.Metainfo;
using VideoPlatform.P2P.PeerWire;

namespace VideoPlatform.Tests.P2P;

public class PeerWireTests
{
    private static async Task<TorrentMetainfo> Torrent(int length, int pieceLength = 32 * 1024)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        var created = await TorrentCreator.CreateAsync(new MemoryStream(data), length, new TorrentCreateOptions { Name = "f.mp4", PieceLength = pieceLength }, CancellationToken.None);
        return created.Metainfo;
    }

    [Test]
    public void Handshake_round_trips_and_advertises_fast_and_extensions()
    {
        var hash = InfoHash.Sha1Of("x"u8);
        var bytes = PeerWireProtocol.BuildHandshake(hash, "-VP0100-abcdefghijkl"u8);
        var parsed = PeerWireProtocol.ParseHandshake(bytes);
        Assert.That(parsed, Is.Not.Null);
        Assert.That(parsed!.Value.InfoHash, Is.EqualTo(hash));
        Assert.That(parsed.Value.SupportsFast, Is.True);
        Assert.That(parsed.Value.SupportsExtensions, Is.True);
        bytes[5] = (byte)'X';
        Assert.That(PeerWireProtocol.ParseHandshake(bytes), Is.Null);
    }

    [TestCase(1, new byte[] { 0x80 })]
    [TestCase(8, new byte[] { 0xFF })]
    [TestCase(10, new byte[] { 0xFF, 0xC0 })]
    public void Bitfield_keeps_spare_bits_clear(int pieces, byte[] expected)
    {
        var message = PeerWireProtocol.FullBitfield(pieces);
        Assert.That(BinaryPrimitives.ReadInt32BigEndian(message), Is.EqualTo(1 + expected.Length));
        Assert.That(message[4], Is.EqualTo(5));
        Assert.That(message[5..], Is.EqualTo(expected));
    }

    [TestCase(0, 0, 16384, "Ok")]
    [TestCase(0, 16384, 16384, "Ok")]
    [TestCase(0, 0, 32768, "TooLarge")]
    [TestCase(0, 30000, 16384, "OutOfRange")]
    [TestCase(2, 0, 16384, "OutOfRange")]
    [TestCase(1, 0, 5000, "Ok")]
    [TestCase(1, 0, 5001, "OutOfRange")]
    [TestCase(-1, 0, 1, "OutOfRange")]
    [TestCase(0, 0, 0, "OutOfRange")]
    public async Task Requests_are_checked_against_the_torrent(int index, int begin, int length, string expected)
    {
        var torrent = await Torrent((32 * 1024) + 5000);
        Assert.That(PeerWireProtocol.CheckRequest(new BlockRequest(index, begin, length), torrent).ToString(), Is.EqualTo(expected));
    }

    [Test]
    public async Task Ut_metadata_serves_the_info_dictionary_in_16KiB_pieces()
    {
        // 2000 pieces → 40 000 bytes of hashes → a 3-piece info dictionary.
        var torrent = await Torrent(2000 * 16384, 16384);
        var raw = torrent.RawInfo.ToArray();
        Assert.That(PeerWireProtocol.MetadataPieceCount(raw.Length), Is.EqualTo(3));
        var assembled = new List<byte>();
        for (var piece = 0; piece < 3; piece++)
        {
            var request = Bencoding.Encode(new BDictionary().Set("msg_type", 0).Set("piece", piece));
            var reply = PeerWireProtocol.MetadataReply(7, request, raw)!;
            Assert.That(reply[4], Is.EqualTo(20));
            Assert.That(reply[5], Is.EqualTo(7), "sent with the id the peer chose");
            var body = reply.AsMemory(6);
            var header = (BDictionary)BencodeDecoder.DecodePrefix(body, out var consumed);
            Assert.That(header.GetInteger("msg_type"), Is.EqualTo(1));
            Assert.That(header.GetInteger("total_size"), Is.EqualTo(raw.Length));
            assembled.AddRange(body[consumed..].ToArray());
        }

        Assert.That(TorrentMetainfo.ParseInfo(assembled.ToArray()).InfoHash, Is.EqualTo(torrent.InfoHash));
        var reject = PeerWireProtocol.MetadataReply(7, Bencoding.Encode(new BDictionary().Set("msg_type", 0).Set("piece", 3)), raw)!;
        Assert.That(((BDictionary)BencodeDecoder.DecodePrefix(reject.AsMemory(6), out _)).GetInteger("msg_type"), Is.EqualTo(2));
    }

    [Test]
    public void Extended_handshake_advertises_ut_metadata_and_parses_the_peers_id()
    {
        var ours = PeerWireProtocol.ExtendedHandshake(1234, 250);
        var dict = BencodeDecoder.DecodeDictionary(ours.AsMemory(6));
        Assert.That(((BDictionary)dict["m"]!).GetInteger("ut_metadata"), Is.EqualTo(PeerWireProtocol.UtMetadataId));
        Assert.That(dict.GetInteger("metadata_size"), Is.EqualTo(1234));
        Assert.That(PeerWireProtocol.ParsePeerUtMetadataId(Bencoding.Encode(new BDictionary().Set("m", new BDictionary().Set("ut_metadata", 2)))), Is.EqualTo(2));
        Assert.That(PeerWireProtocol.ParsePeerUtMetadataId(Bencoding.Encode(new BDictionary().Set("m", new BDictionary()))), Is.Zero);
    }

    private sealed class FakePeer(string name) : IUploadPeer
    {
        public string Name { get; } = name;

        public bool IsInterested { get; set; } = true;

        public bool IsUnchoked { get; private set; }

        public long LastUnchoked { get; private set; }

        public int Turns { get; private set; }

        public void SetChoked(bool choked, long now)
        {
            IsUnchoked = !choked;
            if (!choked)
            {
                LastUnchoked = now;
                Turns++;
            }
        }
    }

    [Test]
    public void Upload_slots_rotate_fairly_among_interested_peers()
    {
        var time = new FakeTimeProvider();
        var scheduler = new UploadScheduler(2, time);
        var peers = Enumerable.Range(0, 5).Select(i => new FakePeer("p" + i)).ToList();
        peers.ForEach(scheduler.Add);
        peers[4].IsInterested = false;
        scheduler.Fill();
        Assert.That(peers.Count(p => p.IsUnchoked), Is.EqualTo(2));
        for (var round = 0; round < 12; round++)
        {
            time.Advance(TimeSpan.FromSeconds(10));
            scheduler.Rotate();
            Assert.That(peers.Count(p => p.IsUnchoked), Is.EqualTo(2));
        }

        Assert.That(peers.Take(4).Select(p => p.Turns), Is.All.InRange(6, 7), "each interested peer gets its share");
        Assert.That(peers[4].Turns, Is.Zero);
    }

    [Test]
    public void Token_bucket_limits_the_rate_on_the_injected_clock_and_serves_requests_in_order()
    {
        var time = new FakeTimeProvider();
        var bucket = new TokenBucket(1_000_000, time);
        Assert.That(bucket.Reserve(100_000), Is.EqualTo(TimeSpan.Zero), "a tenth of a second of burst");
        Assert.That(bucket.Reserve(500_000).TotalSeconds, Is.EqualTo(0.5).Within(0.001));
        Assert.That(bucket.Reserve(500_000).TotalSeconds, Is.EqualTo(1.0).Within(0.001), "queued behind the first request");
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(bucket.Reserve(500_000).TotalSeconds, Is.EqualTo(0.5).Within(0.001), "the rate paid the debt, no more");
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.That(bucket.Reserve(100_000), Is.EqualTo(TimeSpan.Zero), "an idle bucket refills to its burst");
        Assert.That(bucket.Reserve(1).TotalSeconds, Is.GreaterThan(0), "and not beyond it");
        Assert.That(new TokenBucket(0, time).Reserve(int.MaxValue), Is.EqualTo(TimeSpan.Zero));
    }
}
