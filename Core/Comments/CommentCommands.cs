using System.Security.Claims;
using Microsoft.Extensions.Logging;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Core.Comments;

/// <summary>Told when a comment becomes visible to everyone (posted, or approved) and when it is deleted (federation).</summary>
public interface ICommentChangeListener
{
    Task OnCommentPublishedAsync(CommentRow comment, VideoWithOwners video, CancellationToken ct);

    /// <param name="tombstone">The comment stays as a tombstone (it has replies).</param>
    Task OnCommentDeletedAsync(CommentRow comment, VideoWithOwners video, bool tombstone, CancellationToken ct);

    /// <summary>A held remote reply under a local lesson was approved by its owner (PeerTube answers its author with ApproveReply).</summary>
    Task OnRemoteReplyApprovedAsync(CommentRow comment, VideoWithOwners video, CancellationToken ct);
}

/// <summary>Why a comment was refused: the HTTP status PeerTube answers and the message in its words.</summary>
public sealed record CommentRefusal(int Status, string Message);

/// <summary>
/// Comments written once for the REST API and the pages: PeerTube's rules (text, policy, who is held for approval, who may
/// delete and approve), the write, and the listeners. Held comments are not federated until approved.
/// </summary>
public sealed partial class CommentCommands(CommentRepository comments, IEnumerable<ICommentChangeListener> listeners,
    Microsoft.Extensions.Options.IOptions<InstanceOptions> instance, ILogger<CommentCommands> logger)
{
    /// <summary>Held comments are shown to their author and to those who manage the video.</summary>
    public static CommentReader ReaderOf(VideoWithOwners video, ClaimsPrincipal user, ActorRow? account) =>
        new(account?.Id, VideoAccess.CanManage(video, user));

    /// <summary>The comment's author (a local account of this user), the video's owner, or a moderator.</summary>
    public static bool CanDelete(CommentRow comment, VideoWithOwners video, ClaimsPrincipal user) =>
        VideoAccess.CanManage(video, user) || (comment.IsLocal && comment.AccountUserId is { } owner && owner == user.UserId());

    /// <summary>
    /// Writes a thread (<paramref name="inReplyToId"/> null) or a reply from a local <paramref name="author"/>. Held for
    /// review when the local lesson's policy requires approval and the author does not manage the video, as PeerTube holds them.
    /// </summary>
    public async Task<(CommentRow? Comment, CommentRefusal? Refusal)> PostAsync(VideoWithOwners video, ActorRow author, ClaimsPrincipal user,
        long? inReplyToId, string? text, CancellationToken ct)
    {
        var (normalized, error) = CommentText.Normalize(text);
        if (error is not null)
        {
            return (null, new(400, error));
        }
        if (video.Video.CommentsPolicy == CommentsPolicies.Disabled)
        {
            return (null, new(409, "Video comments are disabled for this video."));
        }
        CommentRow? parent = null;
        if (inReplyToId is { } parentId)
        {
            parent = await comments.FindAsync(video.Video.Id, parentId, ct);
            var reader = new CommentReader(author.Id, VideoAccess.CanManage(video, user));
            if (parent is null || (parent.HeldForReview && !reader.ManagesVideo && parent.AccountId != author.Id))
            {
                return (null, new(404, "Video comment not found."));
            }
            if (parent.IsDeleted)
            {
                return (null, new(409, "Cannot reply to a deleted comment."));
            }
        }
        // Under a remote lesson its origin decides: ours is shown and sent at once, and its owner's ApproveReply / RejectReply
        // marks it (CommentFederation.ReceiveReplyApprovalAsync).
        var held = video.Video.IsLocal && video.Video.CommentsPolicy == CommentsPolicies.RequiresApproval && !VideoAccess.CanManage(video, user);
        var id = await comments.CreateAsync(video.Video.Id, author.Id, parent, normalized!, held, i => LocalUrls.Comment(instance.Value.PublicUrl, video.Video.Uuid, i), ct: ct);
        var row = (await comments.FindAsync(video.Video.Id, id, ct))!;
        if (!held)
        {
            await NotifyAsync(l => l.OnCommentPublishedAsync(row, video, ct), ct);
        }
        return (row, null);
    }

    /// <summary>Deletes a comment (tombstone when it has replies) and tells the listeners.</summary>
    public async Task DeleteAsync(CommentRow comment, VideoWithOwners video, CancellationToken ct)
    {
        var tombstone = await comments.DeleteAsync(comment.Id, ct);
        if (!comment.HeldForReview && (comment.IsLocal || video.Video.IsLocal))
        {
            await NotifyAsync(l => l.OnCommentDeletedAsync(comment, video, tombstone, ct), ct);
        }
    }

    /// <summary>Approves a held comment (PeerTube 6.2): it becomes visible to everyone and federates. False when it was not held.</summary>
    public async Task<bool> ApproveAsync(CommentRow comment, VideoWithOwners video, CancellationToken ct)
    {
        if (!await comments.ApproveAsync(comment.Id, ct))
        {
            return false;
        }
        var approved = comment with { HeldForReview = false };
        if (comment.IsLocal)
        {
            await NotifyAsync(l => l.OnCommentPublishedAsync(approved, video, ct), ct);
        }
        else if (comment.AccountId is not null && video.Video.IsLocal)
        {
            await NotifyAsync(l => l.OnRemoteReplyApprovedAsync(approved, video, ct), ct);
        }
        return true;
    }

    /// <summary>A listener's failure (federation unreachable…) is logged: the comment is written either way.</summary>
    private async Task NotifyAsync(Func<ICommentChangeListener, Task> call, CancellationToken ct)
    {
        foreach (var listener in listeners)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                await call(listener);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogListenerFailed(logger, ex, listener.GetType().Name);
            }
        }
    }

    [LoggerMessage(EventId = 1801, Level = LogLevel.Warning, Message = "Comment listener {Listener} failed")]
    private static partial void LogListenerFailed(ILogger logger, Exception exception, string listener);
}
