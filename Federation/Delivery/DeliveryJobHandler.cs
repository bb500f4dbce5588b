using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Federation.ActivityStreams;
using VideoPlatform.Federation.Actors;
using VideoPlatform.Federation.Signatures;

namespace VideoPlatform.Federation.Delivery;

/// <summary>Payload of the <c>activitypub-deliver</c> job: one signed POST of <paramref name="Body"/> to <paramref name="Inbox"/>.</summary>
public sealed record DeliveryJob(string Inbox, long SignerId, string Body) : IJobPayload
{
    public static string JobType => "activitypub-deliver";
}

/// <summary>
/// Sends one signed POST. Failures are retried by the queue with exponential backoff; 4xx answers are final. To a server
/// marked unreachable nothing is sent before its probe time: the job is deferred until then (no attempt used up).
/// </summary>
public sealed partial class DeliveryJobHandler(
    IHttpClientFactory httpFactory,
    HttpSignatureSigner signer,
    ActorRepository actors,
    ServerRepository servers,
    DeliveryQueue delivery,
    TimeProvider clock,
    IOptions<FederationOptions> options,
    ILogger<DeliveryJobHandler> logger) : IJobHandler<DeliveryJob>
{
    public const string HttpClientName = "federation-delivery";

    public int Concurrency => Math.Max(1, options.Value.DeliveryConcurrency);
    public TimeSpan InitialBackoff => options.Value.DeliveryInitialBackoff;

    public async Task HandleAsync(DeliveryJob payload, JobContext context, CancellationToken ct)
    {
        var signerActor = await actors.FindByIdAsync(payload.SignerId, ct) ?? throw new PermanentJobFailureException($"signer #{payload.SignerId} is gone");
        var inbox = new Uri(payload.Inbox);
        var server = await servers.FindAsync(inbox.Authority, ct);
        if (server is { Blocked: true })
        {
            return;
        }
        if (server is { UnreachableSince: { } since, ProbeAt: { } probeAt } && probeAt > clock.GetUtcNow().ToUnixTimeMilliseconds())
        {
            var probe = DateTimeOffset.FromUnixTimeMilliseconds(probeAt);
            throw new JobDeferredException(probe,
                $"{server.Host} is unreachable since {DateTimeOffset.FromUnixTimeMilliseconds(since):O}: deferred until the next probe at {probe:O}");
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, inbox)
        {
            Content = new StringContent(payload.Body, System.Text.Encoding.UTF8, ActivityJson.ContentType),
        };
        request.Headers.TryAddWithoutValidation("Accept", ActivityJson.ContentType);
        await signer.SignAsync(request, ServerActor.SigningKeyOf(signerActor), ct);
        var http = httpFactory.CreateClient(HttpClientName);
        HttpStatusCode status;
        try
        {
            using var response = await http.SendAsync(request, ct);
            status = response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            await servers.RecordDeliveryFailureAsync(inbox.Authority, options.Value.Reachability, CancellationToken.None);
            LogDeliveryFailed(logger, payload.Inbox, context.Job.Attempts, e.Message);
            throw;
        }
        if ((int)status is >= 200 and < 300)
        {
            await delivery.OnReachableAsync(inbox.Authority, ct);
            LogDelivered(logger, payload.Inbox, (int)status);
            return;
        }
        var retryable = (int)status >= 500 || status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout;
        if (!retryable)
        {
            // The server answered: it is reachable, but it refuses this activity; retrying will not change its mind.
            await delivery.OnReachableAsync(inbox.Authority, ct);
            throw new PermanentJobFailureException($"{payload.Inbox} refused the activity: HTTP {(int)status}");
        }
        await servers.RecordDeliveryFailureAsync(inbox.Authority, options.Value.Reachability, CancellationToken.None);
        throw new HttpRequestException($"{payload.Inbox} answered HTTP {(int)status}");
    }

    [LoggerMessage(EventId = 4401, Level = LogLevel.Debug, Message = "Delivered to {Inbox}: HTTP {Status}")]
    private static partial void LogDelivered(ILogger logger, string inbox, int status);

    [LoggerMessage(EventId = 4402, Level = LogLevel.Information, Message = "Delivery to {Inbox} failed (attempt {Attempt}): {Reason}")]
    private static partial void LogDeliveryFailed(ILogger logger, string inbox, int attempt, string reason);
}
