using System.Data.Common;
using Microsoft.Extensions.Logging;
using VideoPlatform.Core.Captions;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Federation.ActivityStreams;
using VideoPlatform.Federation.Safety;
using VideoPlatform.Federation.Signatures;

namespace VideoPlatform.Federation.Videos;

/// <summary>
/// Payload of the <c>activitypub-captions</c> job: copy a remote video's captions not copied yet and read its chapters
/// object (<see cref="ChaptersUrl"/>, the Video's <c>hasParts</c>). Queued with every Create/Update of the video.
/// </summary>
public sealed record RemoteCaptionsJob(long VideoId, string VideoUrl, string? ChaptersUrl) : IJobPayload
{
    public static string JobType => "activitypub-captions";

    /// <summary>Queues the job in the transaction that stores the video (one at a time per video, in order).</summary>
    public static Task EnqueueAsync(JobQueue queue, DbConnection connection, DbTransaction transaction, RemoteCaptionsJob job) =>
        queue.EnqueueAsync(connection, transaction, job, new EnqueueOptions { OrderingKey = $"{JobType}:{job.VideoId}", MaxAttempts = 5 });
}

/// <summary>
/// Remote captions and chapters, so that a remote lesson plays with its captions from our <c>/lazy-static/video-captions/</c>
/// (as PeerTube's lazy-static does) and is found by the search inside captions: each WebVTT is fetched through the
/// SSRF-guarded federation client (size and time limits, <c>text/vtt</c>), validated by the same parser as uploads, and
/// stored with its cues; the chapters object is fetched signed from the video's host. Network errors and 5xx are retried
/// by the queue; a file the origin will not fix by itself (4xx, not WebVTT, too large) is left as a link to the origin.
/// </summary>
public sealed partial class RemoteCaptionsJobHandler(
    RemoteFetch fetch,
    CaptionRepository captions,
    ILogger<RemoteCaptionsJobHandler> logger) : RemoteFetchJobHandler<RemoteCaptionsJob>(fetch, logger)
{
    private static readonly string[] CaptionTypes = ["text/vtt", "text/plain"];

    public override int Concurrency => 2;
    /// <summary>The queue's default lease: caption files and a chapters object are small.</summary>
    public override TimeSpan Lease => TimeSpan.FromMinutes(1);

    protected override async Task ReadAsync(RemoteCaptionsJob payload, CancellationToken ct)
    {
        if (await Fetch.RemoteVideoAsync(payload.VideoId, payload.VideoUrl, ct) is null)
        {
            return;
        }
        foreach (var caption in await captions.RemoteAwaitingCopyAsync(payload.VideoId, ct))
        {
            var parsed = await FetchCaptionAsync(caption.Url, ct);
            if (parsed is not null && await captions.StoreRemoteCopyAsync(payload.VideoId, caption, $"{Guid.NewGuid():D}-{caption.Language}.vtt", parsed, ct))
            {
                LogCaptionCopied(Logger, caption.Url, parsed.Cues.Count);
            }
        }
        if (payload.ChaptersUrl is not null && HttpSignatureVerifier.SameHost(payload.ChaptersUrl, payload.VideoUrl)
            && await FetchChaptersAsync(payload.ChaptersUrl, ct) is { } chapters)
        {
            await captions.ReplaceRemoteChaptersAsync(payload.VideoId, chapters, ct);
        }
    }

    private async Task<ParsedCaption?> FetchCaptionAsync(string url, CancellationToken ct)
    {
        try
        {
            var media = await Fetch.Client.GetMediaAsync(new Uri(url), CaptionFile.MaxBytes, CaptionTypes, ct);
            return CaptionFile.Parse(media.Bytes);
        }
        catch (CaptionFormatException e)
        {
            LogNotCopied(Logger, url, e.Message);
            return null;
        }
        catch (ActivityPubFetchException e) when (!e.IsRetryable)
        {
            LogNotCopied(Logger, url, e.Message);
            return null;
        }
    }

    /// <summary>PeerTube's chapters object <c>{hasPart: [{name, startOffset, endOffset}]}</c> as chapters, or null when unusable.</summary>
    private async Task<IReadOnlyList<Chapter>?> FetchChaptersAsync(string url, CancellationToken ct)
    {
        try
        {
            using var document = await Fetch.GetAsync(url, ct);
            var chapters = ReadChapters(document.Root);
            if (chapters is null || Chapters.Validate(chapters) is not null)
            {
                LogNotCopied(Logger, url, "not a valid chapters object");
                return null;
            }
            return chapters;
        }
        catch (ActivityPubFetchException e) when (!e.IsRetryable)
        {
            LogNotCopied(Logger, url, e.Message);
            return null;
        }
    }

    internal static IReadOnlyList<Chapter>? ReadChapters(System.Text.Json.JsonElement root)
    {
        var parts = root.Many("hasPart").ToList();
        var chapters = new List<Chapter>(parts.Count);
        foreach (var part in parts)
        {
            if (part.String("name") is not { } name || part.Integer("startOffset") is not { } start || start is < 0 or > int.MaxValue)
            {
                return null;
            }
            chapters.Add(new Chapter((int)start, name.Trim()));
        }
        return chapters.OrderBy(c => c.Timecode).ToList();
    }


    [LoggerMessage(EventId = 4321, Level = LogLevel.Debug, Message = "Copied remote caption {Url} ({Cues} cues)")]
    private static partial void LogCaptionCopied(ILogger logger, string url, int cues);

    [LoggerMessage(EventId = 4322, Level = LogLevel.Information, Message = "Remote caption or chapters {Url} not copied: {Reason}")]
    private static partial void LogNotCopied(ILogger logger, string url, string reason);
}
