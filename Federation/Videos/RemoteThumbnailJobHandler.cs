using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Core.Storage;
using VideoPlatform.Federation.Safety;

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
/// Fetches a remote video's miniature and preview through the SSRF-guarded federation client (size and time limits),
/// checks that they are images, writes them into the media store and points the video at them. Network errors and 5xx
/// are retried by the queue; anything the origin will not fix by itself (4xx, not an image, too large) is final.
/// </summary>
public sealed partial class RemoteThumbnailJobHandler(
    ActivityPubClient client,
    VideoRepository videos,
    MediaStore store,
    IOptions<FederationOptions> options,
    ILogger<RemoteThumbnailJobHandler> logger) : IJobHandler<RemoteThumbnailJob>
{
    private static readonly string[] ImageTypes = ["image/jpeg", "image/png", "image/webp"];

    public int Concurrency => 2;
    public TimeSpan InitialBackoff => options.Value.DeliveryInitialBackoff;

    public async Task HandleAsync(RemoteThumbnailJob payload, JobContext context, CancellationToken ct)
    {
        var current = await videos.FindImagesAsync(payload.VideoId, ct);
        if (current is null || !current.AwaitsCopiesOf(payload.OriginUrl))
        {
            return;
        }
        var miniature = await FetchAsync(payload.MiniatureUrl, ct);
        var preview = string.Equals(payload.PreviewUrl, payload.MiniatureUrl, StringComparison.Ordinal) ? miniature : await FetchAsync(payload.PreviewUrl, ct);
        if (miniature is null && preview is null)
        {
            return;
        }

        var thumbnailName = miniature is null ? null : await WriteAsync(miniature, store.ThumbnailPath, ct);
        var previewName = preview is null ? null : await WriteAsync(preview, store.PreviewPath, ct);
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

    /// <summary>The image, or null when the origin will never serve it; throws (the job is retried) when it may later.</summary>
    private async Task<FetchedMedia?> FetchAsync(string? url, CancellationToken ct)
    {
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return null;
        }
        try
        {
            var media = await client.GetMediaAsync(uri, options.Value.ThumbnailMaxBytes, ImageTypes, ct);
            if (!HasImageSignature(media))
            {
                LogNotCached(logger, url, $"the bytes are not a {media.MediaType} image");
                return null;
            }
            return media;
        }
        catch (ActivityPubFetchException e) when (!e.IsRetryable)
        {
            LogNotCached(logger, url, e.Message);
            return null;
        }
    }


    /// <summary>The magic bytes of the announced type: a server answering HTML as image/jpeg is not stored.</summary>
    internal static bool HasImageSignature(FetchedMedia media)
    {
        var b = media.Bytes.AsSpan();
        return media.MediaType switch
        {
            "image/jpeg" => b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]),
            "image/png" => b.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
            "image/webp" => b.Length >= 12 && b[..4].SequenceEqual("RIFF"u8) && b[8..12].SequenceEqual("WEBP"u8),
            _ => false,
        };
    }

    /// <summary>Writes under a fresh name (URLs of media are immutable), atomically.</summary>
    private async Task<string> WriteAsync(FetchedMedia media, Func<string, string> pathOf, CancellationToken ct)
    {
        var extension = media.MediaType switch
        {
            "image/png" => ".png",
            "image/webp" => ".webp",
            _ => ".jpg",
        };
        var name = Guid.NewGuid().ToString("D") + extension;
        await store.WriteAsync(pathOf(name), media.Bytes, ct);
        return name;
    }

    [LoggerMessage(EventId = 4311, Level = LogLevel.Debug, Message = "Cached the images of remote video #{VideoId}: {Thumbnail}, {Preview}")]
    private static partial void LogCached(ILogger logger, long videoId, string thumbnail, string preview);

    [LoggerMessage(EventId = 4312, Level = LogLevel.Information, Message = "Remote image {Url} not cached, the origin URL stays: {Reason}")]
    private static partial void LogNotCached(ILogger logger, string url, string reason);
}
