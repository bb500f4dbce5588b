using System.Data.Common;
using System.Globalization;
using VideoPlatform.Core.Jobs;

namespace VideoPlatform.Core.Videos;

/// <summary>Payload of the <c>video-published</c> job.</summary>
public sealed record VideoPublishedJob(long VideoId) : IJobPayload
{
    public static string JobType => "video-published";

    /// <summary>One key per video, so that notifications of one video run in the order they were queued.</summary>
    public static string OrderingKey(long videoId) => "video:" + videoId.ToString(CultureInfo.InvariantCulture);

    /// <summary>Queues the notification inside the caller's (publishing) transaction; call <see cref="JobQueue.Signal"/> after it commits.</summary>
    public static Task<long> EnqueueAsync(JobQueue queue, DbConnection connection, DbTransaction transaction, long videoId) =>
        queue.EnqueueAsync(connection, transaction, new VideoPublishedJob(videoId),
            // 5 s doubling: about three hours of retries before it waits for an administrator.
            new EnqueueOptions { OrderingKey = OrderingKey(videoId), MaxAttempts = 12 });
}

/// <summary>
/// Job <c>video-published</c>, the outbox of a publication: queued in the transaction that publishes the video, it then
/// tells the change listeners (federation, torrents, listing cache). A failing listener fails the job and the queue
/// retries it with backoff, so every <see cref="IVideoChangeListener.OnPublishedAsync"/> must be safe to run twice.
/// </summary>
public sealed class VideoPublishedJobHandler(VideoChangeNotifier notifier) : IJobHandler<VideoPublishedJob>
{
    // Listeners only queue work or evict a cache: a short lease lets another process take up a crashed one's job soon.
    public TimeSpan Lease => TimeSpan.FromSeconds(15);

    public Task HandleAsync(VideoPublishedJob payload, JobContext context, CancellationToken ct) => notifier.PublishedAsync(payload.VideoId, ct);
}
