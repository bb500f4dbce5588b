using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Federation.ActivityStreams;
using VideoPlatform.Federation.Actors;
using VideoPlatform.Federation.Delivery;
using VideoPlatform.Federation.Safety;
using VideoPlatform.Federation.Signatures;

namespace VideoPlatform.Federation.Inbox;

/// <summary>What the inbox answers: 202 once the activity is processed (or recognised as a replay), otherwise a refusal's status and reason.</summary>
public sealed record InboxOutcome(int Status, string? Problem)
{
    public static readonly InboxOutcome Accepted = new(StatusCodes.Status202Accepted, null);
}

/// <summary>
/// Receives inbox POSTs: per-IP rate limit, size limit, per-host rate limit, server block list, HTTP signature, actor/id host check, account block list and replay
/// check, in that order (cheap checks first), then processes the activity before answering 202. The HTTP endpoint turns
/// an <see cref="InboxOutcome"/> into its response.
/// </summary>
public sealed partial class InboxReceiver(
    HttpSignatureVerifier verifier,
    ServerRepository servers,
    BlocklistRepository blocklists,
    ReceivedActivityRepository received,
    DeliveryQueue delivery,
    InboxProcessor processor,
    IOptions<FederationOptions> options,
    IOptions<InstanceOptions> instance,
    ILogger<InboxReceiver> logger) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PerMinute(options.Value.InboxRequestsPerMinute);
    private readonly PartitionedRateLimiter<string> _ipLimiter = PerMinute(options.Value.InboxRequestsPerIpPerMinute);

    private static PartitionedRateLimiter<string> PerMinute(int permits) => PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, permits),
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    public async Task<InboxOutcome> ReceiveAsync(HttpRequest request, ActorRow? inboxOwner, CancellationToken ct)
    {
        var clientIp = request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "";
        using var ipLease = _ipLimiter.AttemptAcquire(clientIp);
        if (!ipLease.IsAcquired)
        {
            return Refuse(StatusCodes.Status429TooManyRequests, "rate limit exceeded", clientIp);
        }
        var max = options.Value.InboxMaxBytes;
        if (request.ContentLength > max)
        {
            return Refuse(StatusCodes.Status413PayloadTooLarge, "body too large", null);
        }
        var body = await ReadLimitedAsync(request.Body, max, ct);
        if (body is null)
        {
            return Refuse(StatusCodes.Status413PayloadTooLarge, "body too large", null);
        }

        var incoming = IncomingRequest.FromHttpRequest(request, body, new Uri(instance.Value.PublicUrl).Scheme);
        var keyHost = Uri.TryCreate(HttpSignatureVerifier.ClaimedKeyId(incoming), UriKind.Absolute, out var keyUri) ? keyUri.Authority.ToLowerInvariant() : "";
        using var lease = _limiter.AttemptAcquire(keyHost);
        if (!lease.IsAcquired)
        {
            return Refuse(StatusCodes.Status429TooManyRequests, "rate limit exceeded", keyHost);
        }
        if (keyHost.Length > 0 && await servers.FindAsync(keyHost, ct) is { Blocked: true })
        {
            return Refuse(StatusCodes.Status403Forbidden, "server is blocked", keyHost);
        }

        var verification = await verifier.VerifyAsync(incoming, ct);
        if (!verification.IsValid)
        {
            return Refuse(StatusCodes.Status401Unauthorized, $"{verification.Failure}: {verification.Detail}", keyHost);
        }

        JsonDocument document;
        try
        {
            document = ActivityJson.Parse(body, max);
        }
        catch (ActivityJsonException e)
        {
            return Refuse(StatusCodes.Status400BadRequest, e.Message, keyHost);
        }
        using (document)
        {
            var activity = document.RootElement;
            var actorUrl = activity.Id("actor");
            var activityId = activity.String("id");
            if (!HttpSignatureVerifier.IsActivityFromSigner(verification.Key!, actorUrl, activityId))
            {
                return Refuse(StatusCodes.Status401Unauthorized, $"activity actor {actorUrl} / id {activityId} is not the signer {verification.Key!.OwnerId}", keyHost);
            }
            // PeerTube's instance account blocklist: a muted account's (or its channels') activities are refused like a blocked server's.
            if (actorUrl is not null && await blocklists.IsActorBlockedByInstanceAsync(actorUrl, ct))
            {
                return Refuse(StatusCodes.Status403Forbidden, "account is blocked", keyHost);
            }
            await delivery.OnReachableAsync(keyHost, ct);
            if (activityId is not null && await received.WasReceivedAsync(activityId, ct))
            {
                LogReplay(logger, activityId);
                return InboxOutcome.Accepted;
            }
            try
            {
                await processor.ProcessAsync(activity, verification.Key!.OwnerId, inboxOwner, ct);
            }
            catch (Exception e) when (e is InvalidActivityException or ActivityPubFetchException)
            {
                return Refuse(StatusCodes.Status400BadRequest, e.Message, keyHost);
            }
            if (activityId is not null)
            {
                await received.RememberReceivedAsync(activityId, ct);
            }
            return InboxOutcome.Accepted;
        }
    }

    private InboxOutcome Refuse(int status, string reason, string? host)
    {
        LogRefused(logger, status, host ?? "?", reason);
        return new(status, status == StatusCodes.Status401Unauthorized ? "Invalid or missing HTTP signature." : reason);
    }

    private static async Task<byte[]?> ReadLimitedAsync(Stream body, int max, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > max)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    public void Dispose()
    {
        _limiter.Dispose();
        _ipLimiter.Dispose();
    }

    [LoggerMessage(EventId = 4601, Level = LogLevel.Warning, Message = "Inbox refused ({Status}) a request from {Host}: {Reason}")]
    private static partial void LogRefused(ILogger logger, int status, string host, string reason);

    [LoggerMessage(EventId = 4602, Level = LogLevel.Information, Message = "Inbox ignored replayed activity {Id}")]
    private static partial void LogReplay(ILogger logger, string id);
}
