using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using VideoPlatform.Core.Comments;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Federation.ActivityStreams;
using VideoPlatform.Federation.Actors;
using VideoPlatform.Federation.Delivery;
using VideoPlatform.Federation.Signatures;

namespace VideoPlatform.Federation.Comments;

/// <summary>
/// Comments both ways, as PeerTube federates them: ours go out as <c>Create{Note}</c> (and <c>Delete</c>) to the followers of
/// the video's owners and of the author, and to the origin of a remote video; a <c>Note</c> received in reply to one of our
/// videos or comments (from a PeerTube or Mastodon account) is stored under the lesson, held when its policy requires approval.
/// </summary>
public sealed partial class CommentFederation(
    CommentRepository comments,
    VideoRepository videos,
    ActorRepository actors,
    FollowRepository follows,
    ServerActor serverActor,
    DeliveryQueue delivery,
    ILogger<CommentFederation> logger) : ICommentChangeListener
{
    private static JsonArray Context() => ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"];

    /// <summary>The object served at a local comment's URL: a Note, or a Tombstone once deleted.</summary>
    public static object ToObject(CommentRow comment, string videoUrl)
    {
        var inReplyTo = comment.InReplyToUrl ?? videoUrl;
        var published = DateTimeOffset.FromUnixTimeMilliseconds(comment.CreatedAt);
        var updated = DateTimeOffset.FromUnixTimeMilliseconds(comment.UpdatedAt);
        if (comment.DeletedAt is { } deleted || comment.AccountUrl is null)
        {
            return new TombstoneObject
            {
                Context = Context(), Id = comment.Url, Url = comment.Url, InReplyTo = inReplyTo, Published = published, Updated = updated,
                Deleted = DateTimeOffset.FromUnixTimeMilliseconds(comment.DeletedAt ?? comment.UpdatedAt),
            };
        }
        return new NoteObject
        {
            Context = Context(), Id = comment.Url, Url = comment.Url, Content = comment.Text, InReplyTo = inReplyTo, Published = published,
            Updated = updated, AttributedTo = comment.AccountUrl, To = [ActivityJson.PublicAddress], Cc = [comment.AccountUrl + "/followers"],
            ReplyApproval = comment.ReplyApproval,
        };
    }

    public async Task OnCommentPublishedAsync(CommentRow comment, VideoWithOwners video, CancellationToken ct)
    {
        if (!Federates(comment, video) || await InboxesAsync(comment, video, ct) is not { Count: > 0 } inboxes)
        {
            return;
        }
        var note = (NoteObject)ToObject(comment, video.Video.Url) with { Context = null };
        var activity = Activity.Create(comment.Url + "/activity", comment.AccountUrl!, note, note.To, note.Cc);
        await delivery.EnqueueAsync(activity, comment.AccountId!.Value, inboxes, ct);
    }

    public async Task OnCommentDeletedAsync(CommentRow comment, VideoWithOwners video, bool tombstone, CancellationToken ct)
    {
        if (!Federates(comment, video) || await InboxesAsync(comment, video, ct) is not { Count: > 0 } inboxes)
        {
            return;
        }
        // The author deletes their comment; the video's owner deletes one under their video (PeerTube accepts both).
        var (signerId, signerUrl) = comment.IsLocal ? (comment.AccountId!.Value, comment.AccountUrl!) : (video.Account.Id, video.Account.Url);
        var activity = Activity.Delete(comment.Url + "/delete", signerUrl, comment.Url, [ActivityJson.PublicAddress], [signerUrl + "/followers"]);
        await delivery.EnqueueAsync(activity, signerId, inboxes, ct);
    }

    /// <summary>
    /// The ApproveReply PeerTube sends to the author of a remote reply approved under one of our lessons: by the lesson's
    /// owner, with the id PeerTube gives it (the comment's local URL + <c>/approve-reply</c>).
    /// </summary>
    public static Activity ApproveReply(CommentRow comment, VideoWithOwners video) =>
        Activity.ReplyApproval(true, $"{video.Video.Url}/comments/{comment.Id.ToString(CultureInfo.InvariantCulture)}/approve-reply", video.Account.Url,
            comment.InReplyToUrl ?? video.Video.Url, comment.Url);

    public async Task OnRemoteReplyApprovedAsync(CommentRow comment, VideoWithOwners video, CancellationToken ct)
    {
        if (comment.AccountId is not { } authorId || await actors.FindByIdAsync(authorId, ct) is not { IsLocal: false } author || !video.Video.IsLocal)
        {
            return;
        }
        // PeerTube posts it to the author's own inbox, not the shared one.
        await delivery.EnqueueAsync(ApproveReply(comment, video), video.Account.Id, [author.InboxUrl], ct);
    }

    /// <summary>
    /// A remote lesson's owner approves or rejects one of our comments under it (PeerTube's rules: the comment is ours and not
    /// deleted, the signer owns the lesson). Approved, it is shown and keeps the approval's id; rejected, only its author sees it.
    /// </summary>
    public async Task ReceiveReplyApprovalAsync(JsonElement activity, ActorRow signer, bool approved, CancellationToken ct)
    {
        var url = activity.Id("object") ?? throw new InvalidActivityException("a reply approval without object");
        if (await comments.FindByUrlAsync(url, ct) is not { } comment || comment.IsDeleted || !comment.IsLocal)
        {
            throw new InvalidActivityException($"{url} is no comment of ours");
        }
        var video = await videos.FindAsync(comment.VideoId.ToString(CultureInfo.InvariantCulture), ct);
        if (video is null || video.Video.IsLocal || video.Account.Id != signer.Id)
        {
            throw new InvalidActivityException($"{signer.Url} does not own the lesson of {url}");
        }
        var approval = activity.String("id");
        if (approved && (approval is null || !HttpSignatureVerifier.SameHost(approval, signer.Url)))
        {
            throw new InvalidActivityException("an ApproveReply needs an id on its actor's host");
        }
        if (await comments.SetReplyApprovalAsync(comment.Id, approved, approval, ct))
        {
            LogApproval(logger, url, approved ? "approved" : "rejected");
        }
    }

    /// <summary>Public and unlisted videos' comments federate, as the videos themselves; a remote one's only when ours.</summary>
    private static bool Federates(CommentRow comment, VideoWithOwners video) =>
        comment.AccountId is not null && (comment.IsLocal || video.Video.IsLocal) && VideoAccess.IsShared(video.Video.Privacy) && !video.Video.Blacklisted;

    private async Task<IReadOnlyList<string>> InboxesAsync(CommentRow comment, VideoWithOwners video, CancellationToken ct)
    {
        var followed = new List<long> { video.Account.Id, video.Channel.Id };
        if (comment.IsLocal && comment.AccountId is { } author)
        {
            followed.Add(author);
        }
        if (video.Video.IsLocal)
        {
            followed.Add((await serverActor.GetAsync(ct)).Id);
        }
        var inboxes = new HashSet<string>(await follows.FollowerInboxesAsync(followed, ct), StringComparer.Ordinal);
        // The origin of a remote video, and the author of a remote comment answered, learn of the reply.
        foreach (var actor in new[] { video.Video.IsLocal ? null : video.Account, await ParentAuthorAsync(comment, ct) })
        {
            if (actor is { IsLocal: false })
            {
                inboxes.Add(actor.SharedInboxUrl ?? actor.InboxUrl);
            }
        }
        return inboxes.ToList();
    }

    private async Task<ActorRow?> ParentAuthorAsync(CommentRow comment, CancellationToken ct) =>
        comment.InReplyToId is { } parentId && await comments.FindByIdAsync(parentId, ct) is { AccountId: { } parentAuthor }
            ? await actors.FindByIdAsync(parentAuthor, ct)
            : null;

    /// <summary>
    /// A Note received from <paramref name="signer"/> (already verified as the activity's actor). Stored when it answers one
    /// of our lessons or a comment we know; ignored otherwise. Returns whether it was stored.
    /// </summary>
    public async Task<bool> ReceiveAsync(JsonElement note, ActorRow signer, CancellationToken ct)
    {
        var id = note.String("id") ?? throw new InvalidActivityException("Note without id");
        if (!HttpSignatureVerifier.SameHost(id, signer.Url))
        {
            throw new InvalidActivityException($"{signer.Url} cannot create {id}");
        }
        if (note.Id("attributedTo") is not { } author || !string.Equals(author, signer.Url, StringComparison.Ordinal))
        {
            throw new InvalidActivityException("a Note must be sent by its author");
        }
        if (!string.Equals(signer.Type, ActorTypes.Person, StringComparison.Ordinal))
        {
            throw new InvalidActivityException("a comment's author must be an account");
        }
        if (!note.Ids("to").Concat(note.Ids("cc")).Any(JsonLd.IsPublicAddress))
        {
            LogIgnored(logger, id, "not public");
            return false;
        }
        var inReplyTo = note.Id("inReplyTo");
        var parent = inReplyTo is null ? null : await comments.FindByUrlAsync(inReplyTo, ct);
        var video = inReplyTo is null ? null
            : parent is not null ? await videos.FindAsync(parent.VideoId.ToString(CultureInfo.InvariantCulture), ct)
            : await videos.FindByUrlAsync(inReplyTo, ct);
        if (video is null || !VideoAccess.IsShared(video.Video.Privacy) || video.Video.Blacklisted)
        {
            LogIgnored(logger, id, "not a reply to a lesson or comment here");
            return false;
        }
        if (video.Video.CommentsPolicy == CommentsPolicies.Disabled)
        {
            LogIgnored(logger, id, "comments are disabled");
            return false;
        }
        if (parent is { IsDeleted: true })
        {
            LogIgnored(logger, id, "its parent is deleted");
            return false;
        }
        var (text, error) = CommentText.Normalize(NoteText.FromContent(note.String("content") ?? "", note.String("mediaType")));
        if (error is not null)
        {
            throw new InvalidActivityException("invalid Note: " + error);
        }
        if (await comments.FindByUrlAsync(id, ct) is { } existing)
        {
            if (existing.AccountId == signer.Id && !existing.IsDeleted)
            {
                await comments.UpdateTextAsync(existing.Id, text!, ct);
            }
            return true;
        }
        var held = video.Video.IsLocal && video.Video.CommentsPolicy == CommentsPolicies.RequiresApproval;
        var published = note.Date("published")?.ToUnixTimeMilliseconds();
        await comments.CreateAsync(video.Video.Id, signer.Id, parent, text!, held, localUrl: null, remoteUrl: id, createdAt: published, ct: ct);
        LogStored(logger, id, video.Video.Url, held);
        return true;
    }

    /// <summary>A Delete of a comment by its author or by the video's owner; false when the URL is no comment of ours.</summary>
    public async Task<bool> ReceiveDeleteAsync(string url, ActorRow signer, CancellationToken ct)
    {
        if (await comments.FindByUrlAsync(url, ct) is not { } comment)
        {
            return false;
        }
        var video = await videos.FindAsync(comment.VideoId.ToString(CultureInfo.InvariantCulture), ct);
        var byAuthor = comment.AccountId == signer.Id && !comment.IsLocal;
        var byOwner = video is not null && !video.Video.IsLocal && video.Account.Id == signer.Id;
        if (!byAuthor && !byOwner)
        {
            throw new InvalidActivityException($"{signer.Url} cannot delete {url}");
        }
        await comments.DeleteAsync(comment.Id, ct);
        return true;
    }

    [LoggerMessage(EventId = 4703, Level = LogLevel.Information, Message = "Our comment {Url} {What} by the lesson's owner")]
    private static partial void LogApproval(ILogger logger, string url, string what);

    [LoggerMessage(EventId = 4701, Level = LogLevel.Information, Message = "Remote comment {Url} stored under {Video} (held: {Held})")]
    private static partial void LogStored(ILogger logger, string url, string video, bool held);

    [LoggerMessage(EventId = 4702, Level = LogLevel.Information, Message = "Remote comment {Url} ignored: {Why}")]
    private static partial void LogIgnored(ILogger logger, string url, string why);
}
