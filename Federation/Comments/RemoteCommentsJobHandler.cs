using System.Data.Common;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Federation.ActivityStreams;
using VideoPlatform.Federation.Actors;
using VideoPlatform.Federation.Safety;
using VideoPlatform.Federation.Signatures;

namespace VideoPlatform.Federation.Comments;

/// <summary>
/// Payload of the <c>activitypub-comments</c> job: read a remote video's <c>comments</c> collection. Queued with every
/// Create/Update of the video, one at a time per video, in order.
/// </summary>
public sealed record RemoteCommentsJob(long VideoId, string VideoUrl, string CommentsUrl) : IJobPayload
{
    public static string JobType => "activitypub-comments";

    public static Task EnqueueAsync(JobQueue queue, DbConnection connection, DbTransaction transaction, RemoteCommentsJob job) =>
        queue.EnqueueAsync(connection, transaction, job, new EnqueueOptions { OrderingKey = $"{JobType}:{job.VideoId}", MaxAttempts = 5 });
}

/// <summary>
/// The comments of a remote video, as PeerTube fetches them through the Video's <c>comments</c> collection: the collection
/// crawled on the video's host (at most <see cref="MaxComments"/> items), each comment we do not know yet fetched from its own
/// URL, its author fetched from the comment's host, and stored by the same rules as a Note received in our inbox
/// (<see cref="CommentFederation.ReceiveAsync"/>: public only, author an account on the Note's host, text checked). Replies are
/// stored after their parents, whatever the collection's order; a reply whose parent never comes is dropped.
/// </summary>
public sealed partial class RemoteCommentsJobHandler(
    RemoteFetch fetch,
    VideoRepository videos,
    CommentRepository comments,
    CommentFederation federation,
    ILogger<RemoteCommentsJobHandler> logger) : RemoteFetchJobHandler<RemoteCommentsJob>(fetch, logger)
{
    /// <summary>Comments read per video.</summary>
    public const int MaxComments = 500;

    protected override async Task ReadAsync(RemoteCommentsJob payload, CancellationToken ct)
    {
        if (await Fetch.RemoteVideoAsync(payload.VideoId, payload.VideoUrl, ct) is null || !HttpSignatureVerifier.SameHost(payload.CommentsUrl, payload.VideoUrl))
        {
            return;
        }
        var urls = await Fetch.ItemsAsync(payload.CommentsUrl, MaxComments, ct);

        var pending = new List<(JsonDocument Note, ActorRow Author)>();
        try
        {
            foreach (var url in urls.Distinct(StringComparer.Ordinal))
            {
                if (Fetch.Actors.IsLocalUrl(url) || await comments.FindByUrlAsync(url, ct) is not null)
                {
                    continue;
                }
                if (await FetchNoteAsync(url, ct) is { } fetched)
                {
                    pending.Add(fetched);
                }
            }
            var stored = await StoreInThreadOrderAsync(pending, ct);
            LogRead(Logger, payload.VideoUrl, urls.Count, stored);
        }
        finally
        {
            foreach (var (note, _) in pending)
            {
                note.Dispose();
            }
        }
    }

    private async Task<(JsonDocument, ActorRow)?> FetchNoteAsync(string url, CancellationToken ct)
    {
        ActivityPubDocument? document = null;
        try
        {
            document = await Fetch.GetAsync(url, ct);
            var note = document.Root;
            // A Tombstone (a deleted comment kept for its replies) or anything else than a Note is not stored.
            if (!note.IsType("Note") || !string.Equals(note.String("id"), url, StringComparison.Ordinal))
            {
                throw new InvalidActivityException("not a Note at its own URL");
            }
            var authorUrl = note.Id("attributedTo") ?? throw new InvalidActivityException("a Note without author");
            if (!HttpSignatureVerifier.SameHost(authorUrl, url))
            {
                throw new InvalidActivityException("the author is not on the Note's host");
            }
            var author = await Fetch.Actors.GetAsync(authorUrl, refresh: false, ct);
            var result = (document.Document, author);
            document = null;
            return result;
        }
        catch (Exception e) when (e is InvalidActivityException or ActivityPubFetchException)
        {
            LogSkipped(Logger, url, e.Message);
            return null;
        }
        finally
        {
            document?.Dispose();
        }
    }

    /// <summary>Stores the Notes whose parent (the video or a comment) is known, again and again until no more can be.</summary>
    private async Task<int> StoreInThreadOrderAsync(List<(JsonDocument Note, ActorRow Author)> notes, CancellationToken ct)
    {
        var stored = 0;
        var left = notes.ToList();
        bool progress;
        do
        {
            progress = false;
            foreach (var (note, author) in left.ToList())
            {
                var root = note.RootElement;
                var inReplyTo = root.Id("inReplyTo");
                if (inReplyTo is null)
                {
                    left.Remove((note, author));
                    continue;
                }
                if (await videos.FindByUrlAsync(inReplyTo, ct) is null && await comments.FindByUrlAsync(inReplyTo, ct) is null)
                {
                    continue;
                }
                left.Remove((note, author));
                progress = true;
                try
                {
                    if (await federation.ReceiveAsync(root, author, ct))
                    {
                        stored++;
                    }
                }
                catch (InvalidActivityException e)
                {
                    LogSkipped(Logger, root.String("id") ?? "?", e.Message);
                }
            }
        }
        while (progress && left.Count > 0);
        return stored;
    }

    [LoggerMessage(EventId = 4711, Level = LogLevel.Information, Message = "Comments of {Video}: {Listed} listed, {Stored} new stored")]
    private static partial void LogRead(ILogger logger, string video, int listed, int stored);

    [LoggerMessage(EventId = 4713, Level = LogLevel.Debug, Message = "Remote comment {Url} skipped: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string url, string reason);
}
