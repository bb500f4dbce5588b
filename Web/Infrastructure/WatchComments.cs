using System.Security.Claims;
using VideoPlatform.Core.Comments;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Web.Infrastructure;

/// <summary>One comment on the watch page, with what this reader may do with it and its replies.</summary>
public sealed record CommentItem(CommentRow Comment, bool CanDelete, bool CanApprove, IReadOnlyList<CommentItem> Replies)
{
    public string Anchor => "comment-" + Comment.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string AuthorHandle => Comment.AccountHost is null ? Comment.AccountName ?? "" : $"{Comment.AccountName}@{Comment.AccountHost}";
}

/// <summary>The watch page's comments section: the threads this reader may see, and whether a form is shown.</summary>
public sealed record CommentsView(VideoWithOwners Video, IReadOnlyList<CommentItem> Threads, long TotalNotDeleted, bool SignedIn, string? Error, string? Draft)
{
    public bool Disabled => Video.Video.CommentsPolicy == CommentsPolicies.Disabled;
    public bool RequiresApproval => Video.Video.CommentsPolicy == CommentsPolicies.RequiresApproval;
    public string WatchUrl => WebUrls.Watch(Video.Video);
}

/// <summary>Loads the comments of a video for the watch page (threads newest first, each with its replies).</summary>
public sealed class WatchComments(CommentRepository comments, ActorRepository actors)
{
    /// <summary>The watch page shows the newest threads; the API pages through the rest.</summary>
    public const int MaxThreads = 50;

    public async Task<CommentsView> LoadAsync(VideoWithOwners video, ClaimsPrincipal user, string? error, string? draft, CancellationToken ct)
    {
        var signedIn = user.UserId() is not null;
        if (video.Video.CommentsPolicy == CommentsPolicies.Disabled)
        {
            return new CommentsView(video, [], 0, signedIn, error, draft);
        }
        var account = user.UserId() is { } userId ? await actors.FindAccountOfUserAsync(userId, ct) : null;
        var reader = CommentCommands.ReaderOf(video, user, account);
        var (_, notDeleted, threads) = await comments.ListThreadsAsync(video.Video.Id, video.Account.Id, reader, CommentSort.NewestFirst, 0, MaxThreads, ct);
        var items = new List<CommentItem>(threads.Count);
        foreach (var thread in threads)
        {
            var tree = thread.TotalReplies == 0
                ? new CommentNode(thread, [])
                : CommentTree.Build(await comments.ThreadAsync(video.Video.Id, thread.Id, reader, ct), thread.Id) ?? new CommentNode(thread, []);
            items.Add(Item(tree, video, user));
        }
        return new CommentsView(video, items, notDeleted, signedIn, error, draft);
    }

    private static CommentItem Item(CommentNode node, VideoWithOwners video, ClaimsPrincipal user) => new(node.Comment,
        !node.Comment.IsDeleted && CommentCommands.CanDelete(node.Comment, video, user),
        node.Comment.HeldForReview && VideoAccess.CanManage(video, user),
        node.Children.Select(child => Item(child, video, user)).ToList());
}
