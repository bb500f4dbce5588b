using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using VideoPlatform.Api.Videos;
using VideoPlatform.Api.Accounts;
using VideoPlatform.Api.Auth;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Videos;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Storage;
using VideoPlatform.P2P;
using VideoPlatform.P2P.Metainfo;
using VideoPlatform.P2P.PeerWire;
using VideoPlatform.P2P.Tracker;

namespace VideoPlatform.Api.P2P;

/// <summary>
/// The tracker's catalog: torrent info hashes and HLS swarm ids of published local videos. Answers are cached
/// (known ids for long, unknown ones briefly) because every new swarm asks, and a class starting asks at once.
/// </summary>
public sealed class TrackedContentCatalog(TorrentRepository torrents, TimeProvider clock) : ITrackedContentCatalog
{
    private static readonly TimeSpan KnownLifetime = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan UnknownLifetime = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, (bool Known, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    public async ValueTask<bool> IsKnownAsync(ReadOnlyMemory<byte> infoHash, CancellationToken cancellationToken)
    {
        var hex = Convert.ToHexStringLower(infoHash.Span);
        var now = clock.GetUtcNow();
        if (_cache.TryGetValue(hex, out var entry) && entry.Until > now)
        {
            return entry.Known;
        }
        var known = await torrents.IsKnownAsync(hex, cancellationToken);
        if (_cache.Count > 100_000)
        {
            _cache.Clear();
        }
        _cache[hex] = (known, now + (known ? KnownLifetime : UnknownLifetime));
        return known;
    }

    public void Forget() => _cache.Clear();
}

/// <summary>
/// Ends the P2P life of info hashes and swarm ids in this process when a video stops being shared: the tracker drops
/// their swarms and the seeder disconnects their peers at once (both refuse them afterwards, as the repository no
/// longer finds them). A tracker or seeder in another process drops them at its next sweep.
/// </summary>
public sealed class P2PRevocation(
    TorrentRepository torrents,
    TrackedContentCatalog catalog,
    IEnumerable<SwarmRegistry> registries,
    IEnumerable<PeerWireSeeder> seeders)
{
    /// <summary>The video's current info hashes and swarm ids, to pass to <see cref="Revoke"/> once they are no longer served.</summary>
    public Task<IReadOnlyList<string>> HashesOfAsync(long videoId, CancellationToken ct) => torrents.HashesOfVideoAsync(videoId, ct);

    public void Revoke(IReadOnlyCollection<string> hexHashes)
    {
        catalog.Forget();
        if (hexHashes.Count == 0)
        {
            return;
        }
        var hashes = hexHashes.Select(InfoHash.FromHex).ToHashSet();
        foreach (var registry in registries)
        {
            registry.Drop(hashes);
        }
        foreach (var seeder in seeders)
        {
            seeder.Disconnect(hashes);
        }
    }
}

/// <summary>The seeder's content: local rendition files that have a torrent, read from the media store.</summary>
public sealed class SeedContentSource(TorrentRepository torrents, MediaStore store) : ISeedContentSource
{
    public async ValueTask<SeedTorrent?> FindAsync(InfoHash infoHash, CancellationToken cancellationToken)
    {
        var file = await torrents.FindByInfoHashAsync(infoHash.ToHex(), cancellationToken);
        return file is null ? null : await LoadAsync(file, cancellationToken);
    }

    public async IAsyncEnumerable<SeedTorrent> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var file in await torrents.AllWithTorrentsAsync(cancellationToken))
        {
            if (await LoadAsync(file, cancellationToken) is { } torrent)
            {
                yield return torrent;
            }
        }
    }

    public ValueTask<Stream> OpenAsync(SeedTorrent torrent, CancellationToken cancellationToken) =>
        ValueTask.FromResult(store.OpenRead(torrent.ContentKey));

    private async Task<SeedTorrent?> LoadAsync(SeedableFile file, CancellationToken ct)
    {
        // Files in object storage are not seeded over the peer wire: their web seed (the bucket or CDN) serves them.
        if (file.TorrentName is null || file.FileName is null || file.Storage == FileStorage.ObjectStorage)
        {
            return null;
        }
        var torrentPath = store.TorrentPath(file.TorrentName);
        var mediaPath = store.VideoFilePath(file.VideoUuid, MediaStore.IsPrivateMedia(file.Privacy), file.Kind, file.FileName);
        if (!store.Exists(torrentPath) || !store.Exists(mediaPath))
        {
            return null;
        }
        return new SeedTorrent(TorrentMetainfo.Parse(await store.ReadAllBytesAsync(torrentPath, ct)), mediaPath);
    }
}

public sealed class MagnetLinkBuilder : IMagnetLinkBuilder
{
    public string Build(string infoHashHex, string displayName, IReadOnlyList<string> trackers, string webSeed, string torrentUrl) =>
        MagnetLink.Build(InfoHash.FromHex(infoHashHex), displayName, trackers, [webSeed], torrentUrl);
}

/// <summary>Publishes the P2P figures (tracker, swarms, peer wire) on <c>/metrics</c>.</summary>
public sealed class P2PMetricsSource(P2PMetrics metrics) : IMetricsSource
{
    public void Write(PrometheusWriter writer)
    {
        foreach (var sample in metrics.Snapshot())
        {
            writer.Sample(sample.Name, sample.Type, sample.Help, sample.Value, sample.Labels.Select(l => (l.Key, l.Value)).ToArray());
        }
    }
}
