namespace VideoPlatform.P2P.PeerWire;

/// <summary>A peer as the choker sees it.</summary>
internal interface IUploadPeer
{
    bool IsInterested { get; }

    bool IsUnchoked { get; }

    /// <summary>Timestamp of the last unchoke; 0 for never. Lowest goes first, which makes the rotation fair.</summary>
    long LastUnchoked { get; }

    void SetChoked(bool choked, long now);
}

/// <summary>
/// Fair rotation of N upload slots: each period the interested peers that were served least recently get
/// the slots. A newly interested peer is unchoked at once when a slot is free.
/// </summary>
internal sealed class UploadScheduler(int slots, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly List<IUploadPeer> _peers = [];

    public void Add(IUploadPeer peer)
    {
        lock (_lock)
        {
            _peers.Add(peer);
        }
    }

    public void Remove(IUploadPeer peer)
    {
        lock (_lock)
        {
            _peers.Remove(peer);
        }

        Fill();
    }

    /// <summary>Gives free slots to waiting interested peers without choking anyone.</summary>
    public void Fill()
    {
        lock (_lock)
        {
            var free = slots - _peers.Count(p => p.IsUnchoked && p.IsInterested);
            if (free <= 0)
            {
                return;
            }

            var now = time.GetTimestamp();
            foreach (var peer in _peers.Where(p => p.IsInterested && !p.IsUnchoked).OrderBy(p => p.LastUnchoked).Take(free).ToList())
            {
                peer.SetChoked(false, now);
            }
        }
    }

    /// <summary>One rotation period: picks the slot holders again, choking whoever loses its slot.</summary>
    public void Rotate()
    {
        lock (_lock)
        {
            var now = time.GetTimestamp();
            var interested = _peers.Where(p => p.IsInterested).ToList();
            var waiting = interested.Where(p => !p.IsUnchoked).OrderBy(p => p.LastUnchoked).ToList();
            var serving = interested.Where(p => p.IsUnchoked).OrderBy(p => p.LastUnchoked).ToList();

            // Waiting peers take over the slots held longest; holders keep theirs while nobody waits.
            var chosen = waiting.Concat(serving).Take(slots).ToHashSet();
            foreach (var peer in _peers)
            {
                var shouldServe = chosen.Contains(peer);
                if (shouldServe && !peer.IsUnchoked)
                {
                    peer.SetChoked(false, now);
                }
                else if (!shouldServe && peer.IsUnchoked)
                {
                    peer.SetChoked(true, now);
                }
            }
        }
    }
}
