using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using VideoPlatform.P2P;
using VideoPlatform.P2P.Bencode;
using VideoPlatform.P2P.Metainfo;
using VideoPlatform.P2P.Tracker;

namespace VideoPlatform.Tests.P2P;

public class TrackerTests
{
    private static readonly InfoHash Known = InfoHash.Sha1Of("known"u8);
    private static readonly InfoHash Unknown = InfoHash.Sha1Of("unknown"u8);

    private sealed class Catalog : ITrackedContentCatalog
    {
        public int Calls { get; private set; }

        /// <summary>Set when the video of <see cref="Known"/> stops being shared (made private).</summary>
        public bool Revoked { get; set; }

        public ValueTask<bool> IsKnownAsync(ReadOnlyMemory<byte> infoHash, CancellationToken cancellationToken)
        {
            Calls++;
            return ValueTask.FromResult(new InfoHash(infoHash.Span) == Known && !Revoked);
        }
    }

    private sealed class FakeSocket : ITrackerSocket
    {
        public List<string> Sent { get; } = [];

        public bool TrySend(byte[] utf8Json)
        {
            Sent.Add(Encoding.UTF8.GetString(utf8Json));
            return true;
        }
    }

    private static PeerId Peer(int n) => new(InfoHash.Sha1Of(BitConverter.GetBytes(n)));

    private static (SwarmRegistry Registry, FakeTimeProvider Time, Catalog Catalog) Create(TrackerOptions? options = null)
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-28T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var catalog = new Catalog();
        return (new SwarmRegistry(catalog, time, Options.Create(options ?? new TrackerOptions())), time, catalog);
    }

    private static AnnounceRequest Http(int peer, long left = 100, AnnounceEvent evt = AnnounceEvent.Started, int numWant = 50) =>
        new(Known, Peer(peer), evt, left, numWant) { Endpoint = new IPEndPoint(IPAddress.Parse("10.0.0." + peer), 6881 + peer) };

    private static string Percent(byte[] bytes) => string.Concat(bytes.Select(b => "%" + b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));

    [Test]
    public void Parses_binary_info_hash_and_peer_id_from_the_raw_query()
    {
        var hash = new byte[20];
        for (var i = 0; i < 20; i++)
        {
            hash[i] = (byte)(0xF0 + (i % 16));
        }

        var query = $"?info_hash={Percent(hash)}&peer_id=-AR1360-abcdefghijkl&port=6881&uploaded=0&downloaded=0&left=1234&event=started&numwant=5&compact=1";
        Assert.That(HttpAnnounceParser.TryParse(query, IPAddress.Parse("::ffff:192.0.2.7"), 30, out var announce, out var failure), Is.True, failure);
        Assert.Multiple(() =>
        {
            Assert.That(announce!.Request.InfoHash.ToArray(), Is.EqualTo(hash));
            Assert.That(Encoding.ASCII.GetString(announce.Request.PeerId.ToArray()), Is.EqualTo("-AR1360-abcdefghijkl"));
            Assert.That(announce.Request.Endpoint, Is.EqualTo(new IPEndPoint(IPAddress.Parse("192.0.2.7"), 6881)));
            Assert.That(announce.Request.Left, Is.EqualTo(1234));
            Assert.That(announce.Request.Event, Is.EqualTo(AnnounceEvent.Started));
            Assert.That(announce.Request.NumWant, Is.EqualTo(5));
            Assert.That(announce.Compact, Is.True);
        });
    }

    [TestCase("peer_id=-AR1360-abcdefghijkl&port=1", "invalid info_hash")]
    [TestCase("info_hash=%41%41&peer_id=-AR1360-abcdefghijkl&port=1", "invalid info_hash")]
    [TestCase("info_hash=AAAAAAAAAAAAAAAAAAAA&port=1", "invalid peer_id")]
    [TestCase("info_hash=AAAAAAAAAAAAAAAAAAAA&peer_id=-AR1360-abcdefghijkl", "invalid port")]
    [TestCase("info_hash=AAAAAAAAAAAAAAAAAAAA&peer_id=-AR1360-abcdefghijkl&port=70000", "invalid port")]
    [TestCase("info_hash=AAAAAAAAAAAAAAAAAAAA&peer_id=-AR1360-abcdefghijkl&port=1&event=bogus", "invalid event")]
    [TestCase("info_hash=AAAAAAAAAAAAAAAAAAAA&peer_id=-AR1360-abcdefghijkl&port=1&left=-5", "invalid left")]
    [TestCase("info_hash=%G1&peer_id=x&port=1", "malformed query string")]
    [TestCase("info_hash=%4", "malformed query string")]
    public void Refuses_bad_announces_with_a_reason(string query, string reason)
    {
        Assert.That(HttpAnnounceParser.TryParse(query, IPAddress.Loopback, 30, out _, out var failure), Is.False);
        Assert.That(failure, Is.EqualTo(reason));
    }

    [Test]
    public void Compact_peers_are_6_and_18_bytes()
    {
        var peers = new[]
        {
            new SwarmPeerInfo(Peer(1), new IPEndPoint(IPAddress.Parse("1.2.3.4"), 0x1AE1)),
            new SwarmPeerInfo(Peer(2), new IPEndPoint(IPAddress.Parse("::1"), 80)),
            new SwarmPeerInfo(Peer(3), null),
        };
        var (v4, v6) = HttpTrackerResponses.Compact(peers);
        Assert.That(v4, Is.EqualTo(new byte[] { 1, 2, 3, 4, 0x1A, 0xE1 }));
        Assert.That(v6, Has.Length.EqualTo(18));
        Assert.That(v6[15], Is.EqualTo(1));
        Assert.That(v6[17], Is.EqualTo(80));
    }

    [Test]
    public void Announce_response_is_canonical_bencode_with_both_peer_forms()
    {
        var outcome = new AnnounceOutcome(null, 1, 2, [new SwarmPeerInfo(Peer(1), new IPEndPoint(IPAddress.Parse("1.2.3.4"), 6881))]);
        var compact = BencodeDecoder.DecodeDictionary(HttpTrackerResponses.Announce(outcome, 600, compact: true, noPeerId: false));
        Assert.That(compact.GetInteger("interval"), Is.EqualTo(600));
        Assert.That(((BString)compact["peers"]!).Bytes.Length, Is.EqualTo(6));
        var full = BencodeDecoder.DecodeDictionary(HttpTrackerResponses.Announce(outcome, 600, compact: false, noPeerId: false));
        var peer = (BDictionary)((BList)full["peers"]!).Items[0];
        Assert.That(peer.GetText("ip"), Is.EqualTo("1.2.3.4"));
        Assert.That(peer.GetInteger("port"), Is.EqualTo(6881));
        Assert.That(((BString)peer["peer id"]!).Bytes.ToArray(), Is.EqualTo(Peer(1).ToArray()));
        var failure = BencodeDecoder.DecodeDictionary(HttpTrackerResponses.Failure("nope"));
        Assert.That(failure.GetText("failure reason"), Is.EqualTo("nope"));
    }

    [Test]
    public async Task Only_known_info_hashes_are_tracked_and_the_port_is_asked_once_per_swarm()
    {
        var (registry, _, catalog) = Create();
        var refused = await registry.AnnounceAsync(Http(1) with { InfoHash = Unknown }, CancellationToken.None);
        Assert.That(refused.Failure, Is.EqualTo("torrent not tracked here"));
        await registry.AnnounceAsync(Http(1), CancellationToken.None);
        await registry.AnnounceAsync(Http(2), CancellationToken.None);
        Assert.That(catalog.Calls, Is.EqualTo(2));
    }

    [Test]
    public async Task Counts_seeders_and_leechers_through_the_event_lifecycle()
    {
        var (registry, _, _) = Create();
        await registry.AnnounceAsync(Http(1, left: 0), CancellationToken.None);
        var outcome = await registry.AnnounceAsync(Http(2), CancellationToken.None);
        Assert.That((outcome.Complete, outcome.Incomplete), Is.EqualTo((1, 1)));
        Assert.That(outcome.Peers.Select(p => p.PeerId), Is.EqualTo(new[] { Peer(1) }), "never hands a peer itself");

        outcome = await registry.AnnounceAsync(Http(2, left: 0, evt: AnnounceEvent.Completed), CancellationToken.None);
        Assert.That((outcome.Complete, outcome.Incomplete), Is.EqualTo((2, 0)));
        Assert.That(registry.Scrape(Known).Downloaded, Is.EqualTo(1));

        await registry.AnnounceAsync(Http(1, evt: AnnounceEvent.Stopped), CancellationToken.None);
        Assert.That(registry.Scrape(Known).Complete, Is.EqualTo(1));
    }

    [Test]
    public async Task Numwant_and_the_swarm_limit_are_enforced()
    {
        var (registry, time, _) = Create(new TrackerOptions { MaxPeersPerSwarm = 5, MaxNumWant = 3 });
        for (var i = 1; i <= 5; i++)
        {
            Assert.That((await registry.AnnounceAsync(Http(i), CancellationToken.None)).Failure, Is.Null);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        // Full: the newcomer is admitted and the peer heard from least recently (peer 1) makes room.
        var newcomer = await registry.AnnounceAsync(Http(6, numWant: 10), CancellationToken.None);
        Assert.That(newcomer.Failure, Is.Null);
        Assert.That(registry.Scrape(Known).Incomplete, Is.EqualTo(5));
        Assert.That(newcomer.Peers.Select(p => p.PeerId), Does.Not.Contain(Peer(1)));
        var outcome = await registry.AnnounceAsync(Http(1, numWant: 100), CancellationToken.None);
        Assert.That(outcome.Peers, Has.Count.EqualTo(3));
        Assert.That(outcome.Peers.Select(p => p.PeerId), Is.Unique);
        Assert.That((await registry.AnnounceAsync(Http(2, numWant: 2), CancellationToken.None)).Peers, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Peers_expire_after_two_intervals()
    {
        var (registry, time, _) = Create(new TrackerOptions { AnnounceInterval = TimeSpan.FromMinutes(10), WebSocketAnnounceInterval = TimeSpan.FromMinutes(2) });
        await registry.AnnounceAsync(Http(1), CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(15));
        await registry.AnnounceAsync(Http(2), CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(6));
        Assert.That(registry.ExpireStale(), Is.EqualTo(1));
        Assert.That(registry.Scrape(Known).Incomplete, Is.EqualTo(1));
        time.Advance(TimeSpan.FromMinutes(20));
        Assert.That(registry.ExpireStale(), Is.EqualTo(1));
        Assert.That(registry.Snapshot(), Is.Empty, "empty swarms are dropped");
    }

    [Test]
    public async Task WebRtc_and_peer_wire_peers_only_see_their_own_kind()
    {
        var (registry, _, _) = Create();
        var socket = new FakeSocket();
        await registry.AnnounceAsync(Http(1), CancellationToken.None);
        var ws = await registry.AnnounceAsync(new AnnounceRequest(Known, Peer(2), AnnounceEvent.Started, 1, 10), socket, CancellationToken.None);
        Assert.That(ws.Peers, Is.Empty);
        var http = await registry.AnnounceAsync(Http(3), CancellationToken.None);
        Assert.That(http.Peers.Select(p => p.PeerId), Is.EqualTo(new[] { Peer(1) }));
        Assert.That(http.Incomplete, Is.EqualTo(3));

        var hijack = await registry.AnnounceAsync(new AnnounceRequest(Known, Peer(2), AnnounceEvent.Started, 1, 10), new FakeSocket(), CancellationToken.None);
        Assert.That(hijack.Failure, Is.EqualTo("peer_id already in use"));

        registry.RemoveSocket(socket, new Dictionary<InfoHash, PeerId> { [Known] = Peer(2) });
        Assert.That(registry.Scrape(Known).Incomplete, Is.EqualTo(2));
    }

    private static string Bin(InfoHash h) => Encoding.Latin1.GetString(h.ToArray());

    [Test]
    public void Parses_a_webtorrent_announce_with_offers()
    {
        var json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["action"] = "announce",
            ["info_hash"] = Bin(Known),
            ["peer_id"] = Bin(Peer(1).Value),
            ["numwant"] = 2,
            ["event"] = "started",
            ["left"] = 0,
            ["offers"] = new[] { new { offer = new { type = "offer", sdp = "v=0" }, offer_id = "01234567890123456789" } },
        });
        var request = (WsAnnounce)WebSocketMessages.Parse(Encoding.UTF8.GetBytes(json), 10);
        Assert.Multiple(() =>
        {
            Assert.That(request.InfoHash, Is.EqualTo(Known));
            Assert.That(request.PeerId, Is.EqualTo(Peer(1)));
            Assert.That(request.Event, Is.EqualTo(AnnounceEvent.Started));
            Assert.That(request.Left, Is.Zero);
            Assert.That(request.Offers, Has.Count.EqualTo(1));
            Assert.That(request.Offers[0].OfferJson, Does.Contain("\"sdp\":\"v=0\""));
            Assert.That(request.AnswerJson, Is.Null);
        });
    }

    [TestCase("{", "invalid JSON")]
    [TestCase("[]", "message is not an object")]
    [TestCase("{\"action\":\"bogus\"}", "invalid action in WS request: bogus")]
    [TestCase("{\"action\":\"announce\",\"info_hash\":\"short\"}", "invalid info_hash")]
    [TestCase("{\"action\":\"announce\",\"info_hash\":\"\u0100AAAAAAAAAAAAAAAAAAA\"}", "invalid info_hash")]
    [TestCase("{\"action\":\"announce\",\"info_hash\":\"AAAAAAAAAAAAAAAAAAAA\",\"peer_id\":1}", "invalid peer_id")]
    [TestCase("{\"action\":\"announce\",\"info_hash\":\"AAAAAAAAAAAAAAAAAAAA\",\"peer_id\":\"BBBBBBBBBBBBBBBBBBBB\",\"event\":\"x\"}", "invalid event")]
    [TestCase("{\"action\":\"announce\",\"info_hash\":\"AAAAAAAAAAAAAAAAAAAA\",\"peer_id\":\"BBBBBBBBBBBBBBBBBBBB\",\"answer\":{}}", "invalid `to_peer_id` (required with `answer`)")]
    [TestCase("{\"action\":\"announce\",\"info_hash\":\"AAAAAAAAAAAAAAAAAAAA\",\"peer_id\":\"BBBBBBBBBBBBBBBBBBBB\",\"offers\":[1]}", "invalid offer")]
    public void Refuses_malformed_websocket_messages(string json, string reason)
    {
        Assert.That(() => WebSocketMessages.Parse(Encoding.UTF8.GetBytes(json), 10), Throws.TypeOf<WsProtocolException>().With.Message.EqualTo(reason));
    }

    [Test]
    public void Relay_and_response_messages_have_bittorrent_tracker_shapes()
    {
        using var relay = JsonDocument.Parse(WebSocketMessages.Relay(false, "{\"type\":\"offer\",\"sdp\":\"v=0\"}", "offer-id", Peer(1), Known));
        var root = relay.RootElement;
        Assert.That(root.GetProperty("action").GetString(), Is.EqualTo("announce"));
        Assert.That(root.GetProperty("offer").GetProperty("sdp").GetString(), Is.EqualTo("v=0"));
        Assert.That(root.GetProperty("offer_id").GetString(), Is.EqualTo("offer-id"));
        Assert.That(root.GetProperty("peer_id").GetString(), Is.EqualTo(Bin(Peer(1).Value)));
        Assert.That(root.GetProperty("info_hash").GetString(), Is.EqualTo(Bin(Known)));

        using var response = JsonDocument.Parse(WebSocketMessages.AnnounceResponse(Known, 3, 4, 120));
        Assert.That(response.RootElement.GetProperty("interval").GetInt32(), Is.EqualTo(120));
        Assert.That(response.RootElement.GetProperty("complete").GetInt32(), Is.EqualTo(3));
        Assert.That(response.RootElement.GetProperty("incomplete").GetInt32(), Is.EqualTo(4));

        using var scrape = JsonDocument.Parse(WebSocketMessages.ScrapeResponse([new SwarmStats(Known, 1, 2, 3)], 600));
        Assert.That(scrape.RootElement.GetProperty("files").GetProperty(Bin(Known)).GetProperty("downloaded").GetInt32(), Is.EqualTo(3));
    }

    [Test]
    public void Metrics_snapshot_reports_counters_and_swarm_gauges()
    {
        var (registry, _, _) = Create();
        var metrics = new P2PMetrics(registry);
        metrics.HttpAnnounce();
        metrics.PeerWireBytesServed(16384);
        var samples = metrics.Snapshot().ToList();
        Assert.That(samples.Single(s => s.Name == "p2p_peerwire_bytes_served_total").Value, Is.EqualTo(16384));
        Assert.That(samples.Single(s => s.Name == "p2p_tracker_announces_total" && s.Labels[0].Value == "http").Value, Is.EqualTo(1));
        Assert.That(samples.Single(s => s.Name == "p2p_tracker_swarms").Value, Is.Zero);
    }

    [Test]
    public async Task A_dropped_swarm_forgets_its_peers_and_is_refused_afterwards()
    {
        var (registry, _, catalog) = Create();
        Assert.That((await registry.AnnounceAsync(Http(1), default)).Failure, Is.Null);
        Assert.That((await registry.AnnounceAsync(Http(2, left: 0), default)).Failure, Is.Null);
        catalog.Revoked = true;

        Assert.That(registry.Drop([Known, Unknown]), Is.EqualTo(1));
        Assert.That(registry.Scrape(Known), Is.EqualTo(new SwarmStats(Known, 0, 0, 0)));
        Assert.That((await registry.AnnounceAsync(Http(1), default)).Failure, Is.EqualTo("torrent not tracked here"), "a peer of the old swarm is refused");
        Assert.That(registry.Snapshot(), Is.Empty);
    }

    [Test]
    public async Task The_sweep_drops_swarms_the_catalog_no_longer_knows()
    {
        var (registry, _, catalog) = Create();
        Assert.That((await registry.AnnounceAsync(Http(1), default)).Failure, Is.Null);
        Assert.That(await registry.DropUnknownAsync(default), Is.Zero, "a known swarm stays");
        Assert.That(registry.Scrape(Known).Incomplete, Is.EqualTo(1));

        catalog.Revoked = true;
        Assert.That(await registry.DropUnknownAsync(default), Is.EqualTo(1));
        Assert.That(registry.Snapshot(), Is.Empty);
        Assert.That((await registry.AnnounceAsync(Http(3), default)).Failure, Is.EqualTo("torrent not tracked here"));
    }
}
