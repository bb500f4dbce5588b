using System.Data.Common;
using VideoPlatform.Core.Jobs;

namespace VideoPlatform.Federation.Videos;

/// <summary>
/// Local copies of remote videos' images, so that our pages and API do not send every viewer to the origin. Queued by
/// <see cref="RemoteVideos"/> in the transaction that stores the video, fetched later by <see cref="RemoteThumbnailJobHandler"/>;
/// until then (or if the origin never serves them) the API keeps the origin URL.
/// </summary>
public sealed class RemoteThumbnails(JobQueue queue)
{
    public Task EnqueueAsync(DbConnection connection, DbTransaction transaction, long videoId, string originUrl, string? miniatureUrl, string? previewUrl) =>
        queue.EnqueueAsync(connection, transaction, new RemoteThumbnailJob(videoId, originUrl, miniatureUrl, previewUrl),
            new EnqueueOptions
            {
                OrderingKey = $"{RemoteThumbnailJob.JobType}:{videoId}",
                MaxAttempts = 5,
            });

    /// <summary>Wakes the local workers once the enqueuing transaction committed.</summary>
    public void Signal() => queue.Signal();
}
