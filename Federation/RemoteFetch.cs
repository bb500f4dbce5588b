using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Federation.Actors;
using VideoPlatform.Federation.Safety;

namespace VideoPlatform.Federation;

/// <summary>
/// What the jobs reading a remote object's parts from its origin share (a video's comments, captions and chapters; a
/// playlist and its elements): the SSRF-guarded client, GETs signed by the server actor, collections crawled within the
/// crawler's limits, remote actors, and the remote video a job was queued for.
/// </summary>
public sealed class RemoteFetch(ActivityPubClient client, ServerActor serverActor, RemoteActors actors, VideoRepository videos, IOptions<FederationOptions> options)
{
    public ActivityPubClient Client => client;
    public RemoteActors Actors => actors;
    public FederationOptions Options => options.Value;

    /// <summary>URLs must have a top-level domain unless private networks are allowed (tests, local academies).</summary>
    public bool RequireTld => !options.Value.AllowPrivateNetworks;

    /// <summary>The document at <paramref name="url"/>, fetched signed by our server actor (PeerTube's signed fetches).</summary>
    public async Task<ActivityPubDocument> GetAsync(string url, CancellationToken ct) => await client.GetAsync(new Uri(url), await serverActor.KeyAsync(ct), ct);

    /// <summary>The item URLs of the collection at <paramref name="url"/>, at most <paramref name="maxItems"/>, fetched signed.</summary>
    public async Task<IReadOnlyList<string>> ItemsAsync(string url, int maxItems, CancellationToken ct) =>
        await client.ItemIrisAsync(url, await serverActor.KeyAsync(ct), maxItems, options.Value.MaxCrawledPages, ct);

    /// <summary>The remote video at <paramref name="url"/> if it is still the one (<paramref name="id"/>) the job was queued for.</summary>
    public async Task<VideoWithOwners?> RemoteVideoAsync(long id, string url, CancellationToken ct) =>
        await videos.FindByUrlAsync(url, ct) is { Video.IsLocal: false } video && video.Video.Id == id ? video : null;
}

/// <summary>
/// A job reading something from a remote origin (<see cref="RemoteFetch"/>): retried from the federation's delivery backoff
/// when the network or the origin fails for a while; done, with the reason logged, when the origin answers what it will
/// not fix by itself (a 4xx, an invalid object: <see cref="InvalidActivityException"/>).
/// </summary>
public abstract partial class RemoteFetchJobHandler<TPayload>(RemoteFetch fetch, ILogger logger) : IJobHandler<TPayload> where TPayload : IJobPayload
{
    protected RemoteFetch Fetch => fetch;
    protected ILogger Logger => logger;

    public virtual int Concurrency => 1;
    public virtual TimeSpan Lease => TimeSpan.FromMinutes(5);
    public TimeSpan InitialBackoff => fetch.Options.DeliveryInitialBackoff;

    public async Task HandleAsync(TPayload payload, JobContext context, CancellationToken ct)
    {
        try
        {
            await ReadAsync(payload, ct);
        }
        catch (Exception e) when (e is InvalidActivityException || e is ActivityPubFetchException { IsRetryable: false })
        {
            LogNotRead(logger, TPayload.JobType, payload.ToString() ?? "", e.Message);
        }
    }

    /// <summary>The job's own reading; throws to be retried (network, 5xx), or as above to give up.</summary>
    protected abstract Task ReadAsync(TPayload payload, CancellationToken ct);

    [LoggerMessage(EventId = 4331, Level = LogLevel.Information, Message = "{Job} job {Payload} not read: {Reason}")]
    private static partial void LogNotRead(ILogger logger, string job, string payload, string reason);
}
