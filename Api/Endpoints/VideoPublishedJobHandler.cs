using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using VideoPlatform.Core.Jobs;

namespace VideoPlatform.Api.Endpoints;

/// <summary>
/// Job <c>video-published</c>, the outbox of a publication: queued in the transaction that publishes the video, it then
/// tells the change listeners (federation, torrents, listing cache). A failing listener fails the job and the queue
/// retries it with backoff, so every <see cref="IVideoChangeListener.OnPublishedAsync"/> must be safe to run twice.
/// </summary>
public sealed class VideoPublishedJobHandler(VideoChangeNotifier notifier) : IJobHandler
{
    public const string JobType = "video-published";

    public string Type => JobType;

    // Listeners only queue work or evict a cache: a short lease lets another process take up a crashed one's job soon.
    public TimeSpan Lease => TimeSpan.FromSeconds(15);

    /// <summary>One key per video, so that notifications of one video run in the order they were queued.</summary>
    public static string OrderingKey(long videoId) => "video:" + videoId.ToString(CultureInfo.InvariantCulture);

    /// <summary>Queues the notification inside the caller's (publishing) transaction; call <see cref="JobQueue.Signal"/> after it commits.</summary>
    public static Task<long> EnqueueAsync(JobQueue queue, DbConnection connection, DbTransaction transaction, long videoId) =>
        queue.EnqueueAsync(connection, transaction, JobType, JsonSerializer.Serialize(new Payload(videoId), JsonSerializerOptions.Web),
            // 5 s doubling: about three hours of retries before it waits for an administrator.
            new EnqueueOptions { OrderingKey = OrderingKey(videoId), MaxAttempts = 12 });

    public Task HandleAsync(JobContext context, CancellationToken ct)
    {
        var payload = JsonSerializer.Deserialize<Payload>(context.Job.Payload, JsonSerializerOptions.Web)
            ?? throw new PermanentJobFailureException("The video-published job has no video id.");
        return notifier.PublishedAsync(payload.VideoId, ct);
    }

    private sealed record Payload(long VideoId);
}
