using VideoPlatform.P2P.Tracker;

namespace VideoPlatform.P2P;

public sealed record P2PMetricSample(string Name, string Help, string Type, double Value, IReadOnlyList<KeyValuePair<string, string>> Labels);

/// <summary>
/// Counters and gauges of the P2P module, lock-free via Interlocked. The Api's Prometheus endpoint reads
/// <see cref="Snapshot"/> and renders it; names follow Prometheus conventions already.
/// </summary>
public sealed class P2PMetrics
{
    /// <summary>Per-swarm gauges are limited to the largest swarms to keep label cardinality bounded.</summary>
    public const int MaxSwarmSeries = 50;

    private readonly SwarmRegistry? _registry;
    private long _httpAnnounces;
    private long _webSocketAnnounces;
    private long _scrapes;
    private long _announceFailures;
    private long _webSocketMessagesRejected;
    private long _webSocketsOpen;
    private long _peerWireBytesServed;
    private long _peerWireConnectionsOpen;
    private long _peerWireConnectionsRejected;
    private long _peerWireProtocolViolations;
    private long _peerWireEncryptedHandshakes;

    public P2PMetrics(SwarmRegistry? registry = null) => _registry = registry;

    public void HttpAnnounce() => Interlocked.Increment(ref _httpAnnounces);

    public void WebSocketAnnounce() => Interlocked.Increment(ref _webSocketAnnounces);

    public void Scrape() => Interlocked.Increment(ref _scrapes);

    public void AnnounceFailed() => Interlocked.Increment(ref _announceFailures);

    public void WebSocketMessageRejected() => Interlocked.Increment(ref _webSocketMessagesRejected);

    public void WebSocketOpened() => Interlocked.Increment(ref _webSocketsOpen);

    public void WebSocketClosed() => Interlocked.Decrement(ref _webSocketsOpen);

    public void PeerWireBytesServed(long bytes) => Interlocked.Add(ref _peerWireBytesServed, bytes);

    public void PeerWireConnectionOpened() => Interlocked.Increment(ref _peerWireConnectionsOpen);

    public void PeerWireConnectionClosed() => Interlocked.Decrement(ref _peerWireConnectionsOpen);

    public void PeerWireConnectionRejected() => Interlocked.Increment(ref _peerWireConnectionsRejected);

    public void PeerWireProtocolViolation() => Interlocked.Increment(ref _peerWireProtocolViolations);

    public void PeerWireEncryptedHandshake() => Interlocked.Increment(ref _peerWireEncryptedHandshakes);

    public long PeerWireEncryptedHandshakesTotal => Interlocked.Read(ref _peerWireEncryptedHandshakes);

    public long PeerWireBytesServedTotal => Interlocked.Read(ref _peerWireBytesServed);

    private static KeyValuePair<string, string> L(string name, string value) => new(name, value);

    public IEnumerable<P2PMetricSample> Snapshot()
    {
        static P2PMetricSample S(string name, string help, string type, long value, params KeyValuePair<string, string>[] labels) =>
            new(name, help, type, value, labels);

        yield return S("p2p_tracker_announces_total", "Tracker announces received", "counter", Interlocked.Read(ref _httpAnnounces), L("transport", "http"));
        yield return S("p2p_tracker_announces_total", "Tracker announces received", "counter", Interlocked.Read(ref _webSocketAnnounces), L("transport", "websocket"));
        yield return S("p2p_tracker_scrapes_total", "Tracker scrapes received", "counter", Interlocked.Read(ref _scrapes));
        yield return S("p2p_tracker_announce_failures_total", "Announces answered with a failure reason", "counter", Interlocked.Read(ref _announceFailures));
        yield return S("p2p_tracker_websocket_messages_rejected_total", "WebSocket messages refused (malformed, too large, too fast)", "counter", Interlocked.Read(ref _webSocketMessagesRejected));
        yield return S("p2p_tracker_websockets_open", "Open tracker WebSockets", "gauge", Interlocked.Read(ref _webSocketsOpen));
        yield return S("p2p_peerwire_bytes_served_total", "Payload bytes uploaded over the BitTorrent peer wire", "counter", Interlocked.Read(ref _peerWireBytesServed));
        yield return S("p2p_peerwire_connections_open", "Open peer-wire connections", "gauge", Interlocked.Read(ref _peerWireConnectionsOpen));
        yield return S("p2p_peerwire_connections_rejected_total", "Peer-wire connections refused by the connection limit", "counter", Interlocked.Read(ref _peerWireConnectionsRejected));
        yield return S("p2p_peerwire_encrypted_handshakes_total", "Peer-wire connections opened with Message Stream Encryption", "counter", Interlocked.Read(ref _peerWireEncryptedHandshakes));
        yield return S("p2p_peerwire_protocol_violations_total", "Peers dropped for protocol violations", "counter", Interlocked.Read(ref _peerWireProtocolViolations));

        if (_registry is null)
        {
            yield break;
        }

        var swarms = _registry.Snapshot();
        yield return S("p2p_tracker_swarms", "Swarms with at least one peer", "gauge", swarms.Count);
        yield return S("p2p_tracker_peers", "Peers across all swarms", "gauge", swarms.Sum(s => (long)s.Complete + s.Incomplete));
        foreach (var swarm in swarms.Take(MaxSwarmSeries))
        {
            var hash = swarm.InfoHash.ToHex();
            yield return S("p2p_tracker_swarm_peers", "Peers per swarm (largest swarms only)", "gauge", swarm.Complete, L("info_hash", hash), L("state", "complete"));
            yield return S("p2p_tracker_swarm_peers", "Peers per swarm (largest swarms only)", "gauge", swarm.Incomplete, L("info_hash", hash), L("state", "incomplete"));
        }
    }
}
