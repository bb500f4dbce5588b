using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Core.Storage;

namespace VideoPlatform.Federation.Videos;

/// <summary>
/// Payload of the <c>activitypub-thumbnail</c> job: the images of one remote video to copy. <see cref="OriginUrl"/> is the video's <c>remote_thumbnail_url</c>
/// when the job was queued: a newer Update changes it, and the stale job then stores nothing.
/// </summary>
public sealed record RemoteThumbnailJob(long VideoId, string OriginUrl, string? MiniatureUrl, string? PreviewUrl) : IJobPayload
{
    public static string JobType => "activitypub-thumbnail";
}

/// <summary>
/// Copies a remote video's miniature and preview (<see cref="RemoteImages"/>: SSRF guard, size, type and magic bytes) into
/// the media store and points the video at them. Network errors and 5xx are retried by the queue; anything the origin will
/// not fix by itself (4xx, not an image, too large) is final.
/// </summary>
public sealed partial class RemoteThumbnailJobHandler(
    RemoteImages images,
    VideoRepository videos,
    MediaStore store,
    IOptions<FederationOptions> options,
    ILogger<RemoteThumbnailJobHandler> logger) : IJobHandler<RemoteThumbnailJob>
{
    public int Concurrency => 2;
    public TimeSpan InitialBackoff => options.Value.DeliveryInitialBackoff;

    public async Task HandleAsync(RemoteThumbnailJob payload, JobContext context, CancellationToken ct)
    {
        var current = await videos.FindImagesAsync(payload.VideoId, ct);
        if (current is null || !current.AwaitsCopiesOf(payload.OriginUrl))
        {
            return;
        }
        var miniature = await images.FetchAsync(payload.MiniatureUrl, ct);
        var preview = string.Equals(payload.PreviewUrl, payload.MiniatureUrl, StringComparison.Ordinal) ? miniature : await images.FetchAsync(payload.PreviewUrl, ct);
        if (miniature is null && preview is null)
        {
            return;
        }

        var thumbnailName = miniature is null ? null : await images.WriteAsync(miniature, store.ThumbnailPath, ct);
        var previewName = preview is null ? null : await images.WriteAsync(preview, store.PreviewPath, ct);
        var previous = await videos.SetImageCopiesAsync(payload.VideoId, payload.OriginUrl, thumbnailName, previewName, ct);
        if (previous is null)
        {
            // The video was deleted or updated meanwhile: these copies belong to nobody.
            store.DeleteImages(thumbnailName, previewName);
            return;
        }
        store.DeleteImages(previous.ThumbnailName, previous.PreviewName);
        LogCached(logger, payload.VideoId, thumbnailName ?? "-", previewName ?? "-");
    }

    [LoggerMessage(EventId = 4311, Level = LogLevel.Debug, Message = "Cached the images of remote video #{VideoId}: {Thumbnail}, {Preview}")]
    private static partial void LogCached(ILogger logger, long videoId, string thumbnail, string preview);
}
