using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Federation.ActivityStreams;
using VideoPlatform.Federation.Actors;
using VideoPlatform.Federation.Safety;
using VideoPlatform.Federation.Signatures;
using VideoPlatform.Federation.Videos;

namespace VideoPlatform.Federation.Follows;

/// <summary>Payload of the <c>activitypub-crawl</c> job: the outbox to walk.</summary>
public sealed record OutboxCrawlJob(string Outbox) : IJobPayload
{
    public static string JobType => "activitypub-crawl";
}

/// <summary>Backfill: walks a remote outbox (<c>first</c> → <c>next</c>, <c>orderedItems</c> only) and stores the videos it announces.</summary>
public sealed partial class OutboxCrawlJobHandler(
    ActivityPubClient client,
    ServerActor serverActor,
    RemoteVideos remoteVideos,
    VideoRepository videos,
    IOptions<FederationOptions> options,
    ILogger<OutboxCrawlJobHandler> logger) : IJobHandler<OutboxCrawlJob>
{
    public TimeSpan Lease => TimeSpan.FromMinutes(5);

    public async Task HandleAsync(OutboxCrawlJob payload, JobContext context, CancellationToken ct)
    {
        var key = await serverActor.KeyAsync(ct);
        var outbox = new Uri(payload.Outbox);
        string? next;
        using (var root = await client.GetAsync(outbox, key, ct))
        {
            var first = root.Root.Property("first");
            if (first is { ValueKind: JsonValueKind.Object } embedded)
            {
                next = await ProcessPageAsync(embedded, outbox, ct);
            }
            else
            {
                next = first?.Iri();
                // A collection may also inline its items without paging.
                await ProcessPageAsync(root.Root, outbox, ct);
            }
        }
        for (var pages = 0; next is not null && pages < options.Value.MaxCrawledPages; pages++)
        {
            if (!HttpSignatureVerifier.SameHost(next, payload.Outbox))
            {
                break;
            }
            using var page = await client.GetAsync(new Uri(next), key, ct);
            next = await ProcessPageAsync(page.Root, outbox, ct);
        }
    }

    private async Task<string?> ProcessPageAsync(JsonElement page, Uri outbox, CancellationToken ct)
    {
        if (page.Property("orderedItems") is { ValueKind: JsonValueKind.Array } items)
        {
            foreach (var item in items.EnumerateArray())
            {
                // Crawled activities carry no signature: only Create and Announce by actors of the outbox's host count.
                if (!(item.IsType(ActivityTypes.Create) || item.IsType(ActivityTypes.Announce))
                    || item.Id("actor") is not { } actor || !HttpSignatureVerifier.SameHost(actor, outbox.AbsoluteUri)
                    || item.Id("object") is not { } videoUrl)
                {
                    continue;
                }
                try
                {
                    if (await videos.FindByUrlAsync(videoUrl, ct) is null)
                    {
                        await remoteVideos.FetchAndStoreAsync(videoUrl, ct);
                    }
                }
                catch (Exception e) when (e is ActivityPubFetchException or InvalidActivityException)
                {
                    LogSkipped(logger, videoUrl, e.Message);
                }
            }
        }
        return page.Id("next");
    }

    [LoggerMessage(EventId = 4502, Level = LogLevel.Warning, Message = "Backfill skipped {Url}: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string url, string reason);
}
