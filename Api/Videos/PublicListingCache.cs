using VideoPlatform.Core.Videos;
using Microsoft.AspNetCore.OutputCaching;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Api.Videos;

/// <summary>
/// The output cache of anonymous video listings and details (requests with credentials are never cached). Entries live
/// <see cref="Lifetime"/> at most and are evicted as soon as a local video changes.
/// </summary>
public sealed class PublicListingCache(IOutputCacheStore store) : IVideoChangeListener, VideoPlatform.Core.Accounts.IBlocklistChangeListener
{
    public const string Policy = "public-listing";
    public const string Tag = "videos";
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(2);

    public Task OnPublishedAsync(long videoId, CancellationToken ct) => EvictAsync(ct);
    public Task OnUpdatedAsync(long videoId, VideoPrivacy previousPrivacy, CancellationToken ct) => EvictAsync(ct);
    public Task OnDeletedAsync(VideoWithOwners video, CancellationToken ct) => EvictAsync(ct);

    /// <summary>A blocked or unblocked account or server: listings leave out or show again its videos at once.</summary>
    public Task OnBlocklistChangedAsync(CancellationToken ct) => EvictAsync(ct);

    public Task EvictAsync(CancellationToken ct) => store.EvictByTagAsync(Tag, ct).AsTask();
}
