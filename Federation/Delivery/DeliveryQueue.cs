using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Federation.ActivityStreams;

namespace VideoPlatform.Federation.Delivery;

/// <summary>
/// Queues one durable job per target inbox, ordered per inbox (<c>OrderingKey</c>), so that a restart loses nothing and
/// a Delete never overtakes its Create.
/// </summary>
public sealed class DeliveryQueue(JobQueue queue, ServerRepository servers, IOptions<FederationOptions> options)
{
    public Task EnqueueAsync(Activity activity, long signerId, IEnumerable<string> inboxes, CancellationToken ct) =>
        EnqueueAsync(activity, signerId, inboxes, oncePerInbox: false, ct);

    /// <param name="oncePerInbox">
    /// Queue nothing for an inbox that was already given this activity id: a retried job that fans the activity out
    /// (the publication of a video) sends it once.
    /// </param>
    /// <returns>The inboxes that had already been given this activity id (none unless <paramref name="oncePerInbox"/>).</returns>
    public async Task<IReadOnlyList<string>> EnqueueAsync(Activity activity, long signerId, IEnumerable<string> inboxes, bool oncePerInbox, CancellationToken ct)
    {
        var body = ActivityJson.Serialize(activity);
        var given = new List<string>();
        foreach (var inbox in inboxes.Distinct(StringComparer.Ordinal))
        {
            var id = await queue.EnqueueAsync(new DeliveryJob(inbox, signerId, body), new EnqueueOptions
            {
                OrderingKey = inbox,
                DedupeKey = oncePerInbox ? $"{DeliveryJob.JobType} {activity.Id} {inbox}" : null,
                MaxAttempts = options.Value.DeliveryMaxAttempts,
            }, ct);
            if (id == 0)
            {
                given.Add(inbox);
            }
        }
        return given;
    }

    /// <summary>
    /// <paramref name="host"/> answered (a delivery went through, or it POSTed a valid signed activity to us): its failure
    /// run ends, and if it was marked unreachable the deliveries deferred until its next probe go now, in order.
    /// </summary>
    public async Task OnReachableAsync(string host, CancellationToken ct)
    {
        if (host.Length > 0 && await servers.RecordReachableAsync(host, ct))
        {
            var lower = host.ToLowerInvariant();
            await queue.RunNowAsync(DeliveryJob.JobType, [$"http://{lower}/", $"https://{lower}/"], ct);
        }
    }
}
