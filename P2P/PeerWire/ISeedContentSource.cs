using VideoPlatform.P2P.Metainfo;

namespace VideoPlatform.P2P.PeerWire;

/// <summary>A torrent this instance seeds; <see cref="ContentKey"/> is the adapter's own handle to the payload (e.g. a media-store key).</summary>
public sealed record SeedTorrent(TorrentMetainfo Metainfo, string ContentKey)
{
    public InfoHash InfoHash => Metainfo.InfoHash;
}

/// <summary>Port implemented by the Api: which torrents we seed and how to read their payload.</summary>
public interface ISeedContentSource
{
    /// <summary>The torrent with this info hash, or null when we do not seed it (the peer is then dropped).</summary>
    ValueTask<SeedTorrent?> FindAsync(InfoHash infoHash, CancellationToken cancellationToken);

    /// <summary>Every torrent to announce to the tracker; enumerated once per re-announce period.</summary>
    IAsyncEnumerable<SeedTorrent> ListAsync(CancellationToken cancellationToken);

    /// <summary>A readable, seekable stream of exactly <see cref="TorrentMetainfo.Length"/> bytes, owned (and disposed) by the caller.</summary>
    ValueTask<Stream> OpenAsync(SeedTorrent torrent, CancellationToken cancellationToken);
}
