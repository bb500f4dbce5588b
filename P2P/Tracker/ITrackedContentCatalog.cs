namespace VideoPlatform.P2P.Tracker;

/// <summary>
/// Port implemented by the Api: is this 20-byte id one of ours? Called with torrent info hashes and with the
/// 20-byte swarm ids that p2p-media-loader announces for HLS renditions. Only called when a swarm is created,
/// never while a lock is held.
/// </summary>
public interface ITrackedContentCatalog
{
    ValueTask<bool> IsKnownAsync(ReadOnlyMemory<byte> infoHash, CancellationToken cancellationToken);
}
