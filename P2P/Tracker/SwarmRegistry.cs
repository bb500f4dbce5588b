using System.Net;
using Microsoft.Extensions.Options;
using VideoPlatform.P2P.Metainfo;

namespace VideoPlatform.P2P.Tracker;

public enum AnnounceEvent
{
    None,
    Started,
    Completed,
    Stopped,
}

/// <summary>One announce, from HTTP, WebSocket or the in-process seeder. <see cref="Left"/> = 0 means a seeder.</summary>
public sealed record AnnounceRequest(InfoHash InfoHash, PeerId PeerId, AnnounceEvent Event, long Left, int NumWant)
{
    /// <summary>Set for peer-wire peers (HTTP tracker, seeder); null for WebRTC peers.</summary>
    public IPEndPoint? Endpoint { get; init; }
}

public sealed record SwarmPeerInfo(PeerId PeerId, IPEndPoint? Endpoint)
{
    internal ITrackerSocket? Socket { get; init; }
}

public sealed record AnnounceOutcome(string? Failure, int Complete, int Incomplete, IReadOnlyList<SwarmPeerInfo> Peers)
{
    public static AnnounceOutcome Fail(string reason) => new(reason, 0, 0, []);
}

public readonly record struct SwarmStats(InfoHash InfoHash, int Complete, int Incomplete, long Downloaded);

/// <summary>A WebSocket peer the registry can relay signalling messages to.</summary>
internal interface ITrackerSocket
{
    bool TrySend(byte[] utf8Json);
}

/// <summary>
/// The single owner of swarm state. Every mutation happens under one lock and does only in-memory work;
/// the catalog port is asked before the lock is taken. Peer-wire peers and WebRTC peers share a swarm
/// (complete/incomplete counts) but are only ever handed peers of their own kind.
/// </summary>
public sealed class SwarmRegistry
{
    private readonly Lock _lock = new();
    private readonly Dictionary<InfoHash, Swarm> _swarms = [];
    private readonly ITrackedContentCatalog _catalog;
    private readonly TimeProvider _time;
    private readonly TrackerOptions _options;

    public SwarmRegistry(ITrackedContentCatalog catalog, TimeProvider time, IOptions<TrackerOptions> options)
    {
        _catalog = catalog;
        _time = time;
        _options = options.Value;
    }

    public TrackerOptions Options => _options;

    public async ValueTask<AnnounceOutcome> AnnounceAsync(AnnounceRequest request, CancellationToken cancellationToken) =>
        await AnnounceAsync(request, null, cancellationToken);

    internal async ValueTask<AnnounceOutcome> AnnounceAsync(AnnounceRequest request, ITrackerSocket? socket, CancellationToken cancellationToken)
    {
        bool exists;
        lock (_lock)
        {
            exists = _swarms.ContainsKey(request.InfoHash);
        }

        if (!exists && request.Event != AnnounceEvent.Stopped && !await _catalog.IsKnownAsync(request.InfoHash.ToArray(), cancellationToken))
        {
            return AnnounceOutcome.Fail("torrent not tracked here");
        }

        var now = _time.GetUtcNow().UtcTicks;
        lock (_lock)
        {
            if (!_swarms.TryGetValue(request.InfoHash, out var swarm))
            {
                if (request.Event == AnnounceEvent.Stopped)
                {
                    return new AnnounceOutcome(null, 0, 0, []);
                }

                if (_swarms.Count >= _options.MaxSwarms)
                {
                    return AnnounceOutcome.Fail("tracker is full");
                }

                swarm = new Swarm();
                _swarms.Add(request.InfoHash, swarm);
            }

            swarm.Expire(now - ExpiryTicks);
            var failure = swarm.Apply(request, socket, now, _options.MaxPeersPerSwarm);
            if (failure is not null)
            {
                RemoveIfEmpty(request.InfoHash, swarm);
                return AnnounceOutcome.Fail(failure);
            }

            var numWant = request.Event == AnnounceEvent.Stopped ? 0 : Math.Clamp(request.NumWant, 0, _options.MaxNumWant);
            var peers = swarm.Select(request.PeerId, numWant, webRtc: socket is not null, Random.Shared.Next());
            var outcome = new AnnounceOutcome(null, swarm.Complete, swarm.Incomplete, peers);
            RemoveIfEmpty(request.InfoHash, swarm);
            return outcome;
        }
    }

    public SwarmStats Scrape(InfoHash infoHash)
    {
        lock (_lock)
        {
            return _swarms.TryGetValue(infoHash, out var swarm)
                ? new SwarmStats(infoHash, swarm.Complete, swarm.Incomplete, swarm.Downloaded)
                : new SwarmStats(infoHash, 0, 0, 0);
        }
    }

    /// <summary>Stats for every swarm, largest first, for metrics.</summary>
    public IReadOnlyList<SwarmStats> Snapshot()
    {
        lock (_lock)
        {
            return _swarms.Select(s => new SwarmStats(s.Key, s.Value.Complete, s.Value.Incomplete, s.Value.Downloaded))
                .OrderByDescending(s => s.Complete + s.Incomplete)
                .ToList();
        }
    }

    internal ITrackerSocket? FindSocket(InfoHash infoHash, PeerId peerId)
    {
        lock (_lock)
        {
            return _swarms.TryGetValue(infoHash, out var swarm) ? swarm.FindSocket(peerId) : null;
        }
    }

    /// <summary>A closed WebSocket leaves every swarm it joined, as if it had sent "stopped".</summary>
    internal void RemoveSocket(ITrackerSocket socket, IReadOnlyDictionary<InfoHash, PeerId> joined)
    {
        lock (_lock)
        {
            foreach (var (infoHash, peerId) in joined)
            {
                if (_swarms.TryGetValue(infoHash, out var swarm))
                {
                    swarm.RemoveIfSocket(peerId, socket);
                    RemoveIfEmpty(infoHash, swarm);
                }
            }
        }
    }

    /// <summary>
    /// Forgets these swarms and every peer in them (a video stopped being shared): the next announce of one of them asks
    /// the catalog again, which refuses it. Returns how many swarms were dropped.
    /// </summary>
    public int Drop(IReadOnlyCollection<InfoHash> infoHashes)
    {
        var dropped = 0;
        lock (_lock)
        {
            foreach (var infoHash in infoHashes)
            {
                if (_swarms.Remove(infoHash))
                {
                    dropped++;
                }
            }
        }

        return dropped;
    }

    /// <summary>Drops the swarms the catalog no longer knows (changes made by another process); returns how many.</summary>
    public async Task<int> DropUnknownAsync(CancellationToken cancellationToken)
    {
        List<InfoHash> current;
        lock (_lock)
        {
            current = [.. _swarms.Keys];
        }

        var unknown = new List<InfoHash>();
        foreach (var infoHash in current)
        {
            if (!await _catalog.IsKnownAsync(infoHash.ToArray(), cancellationToken))
            {
                unknown.Add(infoHash);
            }
        }

        return unknown.Count == 0 ? 0 : Drop(unknown);
    }

    /// <summary>Drops peers that have not announced for two intervals; returns how many.</summary>
    public int ExpireStale()
    {
        var cutoff = _time.GetUtcNow().UtcTicks - ExpiryTicks;
        var removed = 0;
        lock (_lock)
        {
            foreach (var (infoHash, swarm) in _swarms.ToList())
            {
                removed += swarm.Expire(cutoff);
                RemoveIfEmpty(infoHash, swarm);
            }
        }

        return removed;
    }

    private long ExpiryTicks => 2 * Math.Max(_options.AnnounceInterval.Ticks, _options.WebSocketAnnounceInterval.Ticks);

    private void RemoveIfEmpty(InfoHash infoHash, Swarm swarm)
    {
        if (swarm.Count == 0)
        {
            _swarms.Remove(infoHash);
        }
    }

    private sealed class Peer
    {
        public required PeerId Id { get; init; }

        public IPEndPoint? Endpoint { get; set; }

        public ITrackerSocket? Socket { get; set; }

        public bool Complete { get; set; }

        public long LastSeen { get; set; }
    }

    /// <summary>Peers in a list (random selection by index) plus an index by id; removal swaps with the last.</summary>
    private sealed class Swarm
    {
        private readonly List<Peer> _peers = [];
        private readonly Dictionary<PeerId, int> _index = [];

        public int Complete { get; private set; }

        public int Incomplete { get; private set; }

        public long Downloaded { get; private set; }

        public int Count => _peers.Count;

        public string? Apply(AnnounceRequest request, ITrackerSocket? socket, long now, int maxPeers)
        {
            var existing = _index.TryGetValue(request.PeerId, out var at) ? _peers[at] : null;
            if (existing is not null && !ReferenceEquals(existing.Socket, socket))
            {
                // The same id from another socket (or from HTTP while a socket holds it) would hijack its signalling.
                if (existing.Socket is not null || socket is not null)
                {
                    return "peer_id already in use";
                }
            }

            if (request.Event == AnnounceEvent.Stopped)
            {
                if (existing is not null)
                {
                    Remove(request.PeerId);
                }

                return null;
            }

            if (existing is null)
            {
                if (_peers.Count >= maxPeers)
                {
                    // A full swarm makes room rather than refusing: the peer heard from least recently goes, HTTP peers
                    // (no live socket to signal through) before browsers. A class starting must not be turned away.
                    EvictStalest();
                }

                existing = new Peer { Id = request.PeerId, Socket = socket };
                _index[request.PeerId] = _peers.Count;
                _peers.Add(existing);
                if (request.Left == 0)
                {
                    existing.Complete = true;
                    Complete++;
                }
                else
                {
                    Incomplete++;
                }
            }
            else if (!existing.Complete && request.Left == 0)
            {
                existing.Complete = true;
                Complete++;
                Incomplete--;
                if (request.Event == AnnounceEvent.Completed)
                {
                    Downloaded++;
                }
            }

            existing.Endpoint = request.Endpoint;
            existing.LastSeen = now;
            return null;
        }

        public List<SwarmPeerInfo> Select(PeerId self, int numWant, bool webRtc, int seed)
        {
            var result = new List<SwarmPeerInfo>(Math.Min(numWant, _peers.Count));
            if (numWant == 0 || _peers.Count == 0)
            {
                return result;
            }

            var start = (int)((uint)seed % (uint)_peers.Count);
            for (var i = 0; i < _peers.Count && result.Count < numWant; i++)
            {
                var peer = _peers[(start + i) % _peers.Count];
                if (peer.Id == self || (webRtc ? peer.Socket is null : peer.Endpoint is null))
                {
                    continue;
                }

                result.Add(new SwarmPeerInfo(peer.Id, peer.Endpoint) { Socket = peer.Socket });
            }

            return result;
        }

        private void EvictStalest()
        {
            Peer? stalest = null;
            foreach (var peer in _peers)
            {
                if (stalest is null
                    || (peer.Socket is null && stalest.Socket is not null)
                    || ((peer.Socket is null) == (stalest.Socket is null) && peer.LastSeen < stalest.LastSeen))
                {
                    stalest = peer;
                }
            }

            if (stalest is not null)
            {
                Remove(stalest.Id);
            }
        }

        public ITrackerSocket? FindSocket(PeerId id) => _index.TryGetValue(id, out var at) ? _peers[at].Socket : null;

        public void RemoveIfSocket(PeerId id, ITrackerSocket socket)
        {
            if (_index.TryGetValue(id, out var at) && ReferenceEquals(_peers[at].Socket, socket))
            {
                Remove(id);
            }
        }

        public int Expire(long cutoff)
        {
            var removed = 0;
            for (var i = _peers.Count - 1; i >= 0; i--)
            {
                if (_peers[i].LastSeen < cutoff)
                {
                    Remove(_peers[i].Id);
                    removed++;
                }
            }

            return removed;
        }

        private void Remove(PeerId id)
        {
            var at = _index[id];
            var peer = _peers[at];
            if (peer.Complete)
            {
                Complete--;
            }
            else
            {
                Incomplete--;
            }

            var last = _peers.Count - 1;
            if (at != last)
            {
                _peers[at] = _peers[last];
                _index[_peers[at].Id] = at;
            }

            _peers.RemoveAt(last);
            _index.Remove(id);
        }
    }
}
