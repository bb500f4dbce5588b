using System.Collections.Frozen;
using VideoPlatform.Api.Auth;
using VideoPlatform.Core.Data.Repositories;

namespace VideoPlatform.Api.Media;

/// <summary>
/// The names of the images (thumbnails, previews) of class videos, kept in memory so that serving an image costs no
/// lookup of its own. The set is trusted only while the database's restricted-images generation (moved by triggers
/// whenever a class audience is set or lifted, or a class video's image changes: migration 0035) is the one it was
/// loaded at; every image request reads that one row first, through <see cref="FreshReads{T}"/> as the session cache
/// does, so a change committed by any process applies to the very next request in every process, and concurrent
/// requests share one read (and one reload).
/// </summary>
public sealed class RestrictedImages
{
    private sealed record NameSet(long Generation, FrozenDictionary<string, long> Thumbnails, FrozenDictionary<string, long> Previews);

    private readonly FreshReads<long> _generation;
    private readonly FreshReads<NameSet> _load;
    private NameSet? _current;

    public RestrictedImages(VideoRepository videos)
    {
        _generation = new FreshReads<long>(videos.RestrictedImagesGenerationAsync);
        _load = new FreshReads<NameSet>(async ct =>
        {
            // The generation first: the set read after it holds at least every change it counts.
            var generation = await videos.RestrictedImagesGenerationAsync(ct);
            var images = await videos.RestrictedImagesAsync(ct);
            return new NameSet(generation,
                Index(images.Where(i => i.ThumbnailName is not null).Select(i => (i.ThumbnailName!, i.VideoId))),
                Index(images.Where(i => i.PreviewName is not null).Select(i => (i.PreviewName!, i.VideoId))));
        });
    }

    /// <summary>
    /// The id of the class video whose thumbnail (or, with <paramref name="preview"/>, preview) is named
    /// <paramref name="name"/>, or null when no class video owns it (the image of any other video is public).
    /// </summary>
    public async Task<long?> OwnerAsync(string name, bool preview, CancellationToken ct)
    {
        var generation = await _generation.ReadAsync().WaitAsync(ct);
        var snapshot = Volatile.Read(ref _current);
        if (snapshot is null || snapshot.Generation < generation)
        {
            snapshot = await _load.ReadAsync().WaitAsync(ct);
            Keep(snapshot);
        }
        return (preview ? snapshot.Previews : snapshot.Thumbnails).TryGetValue(name, out var id) ? id : null;
    }

    /// <summary>Keeps the newest snapshot: loads finish in any order.</summary>
    private void Keep(NameSet loaded)
    {
        var current = Volatile.Read(ref _current);
        while (current is null || current.Generation < loaded.Generation)
        {
            var seen = Interlocked.CompareExchange(ref _current, loaded, current);
            if (ReferenceEquals(seen, current))
            {
                return;
            }
            current = seen;
        }
    }

    // Two class videos never share an image name (names are random), but a duplicate must not fail the load: any owner restricts it.
    private static FrozenDictionary<string, long> Index(IEnumerable<(string Name, long VideoId)> images) =>
        images.DistinctBy(i => i.Name, StringComparer.Ordinal).ToFrozenDictionary(i => i.Name, i => i.VideoId, StringComparer.Ordinal);
}
