using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using VideoPlatform.Api.Auth;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Api.Videos;
using VideoPlatform.Core.Comments;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Api.Comments;

/// <summary>PeerTube's VideoComment. A deleted one (a tombstone kept for its replies) has no text and no account.</summary>
public sealed record CommentDto(long Id, string Url, string Text, long ThreadId, long? InReplyToCommentId, long VideoId,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? DeletedAt, bool IsDeleted, long TotalRepliesFromVideoAuthor,
    long TotalReplies, AccountSummary? Account, bool HeldForReview);

/// <summary>PeerTube's comment-threads list: <c>totalNotDeletedComments</c> counts threads and replies alike.</summary>
public sealed record CommentThreadList(long Total, long TotalNotDeletedComments, IReadOnlyList<CommentDto> Data);

/// <summary>PeerTube's VideoCommentThreadTree.</summary>
public sealed record CommentTreeDto(CommentDto Comment, bool HasDisplayedChildren, IReadOnlyList<CommentTreeDto> Children);

public sealed record CommentCreated(CommentDto Comment);

public sealed record CommentVideoDto(long Id, string Uuid, string Name);

/// <summary>PeerTube's VideoCommentForAdminOrUser (<c>GET /api/v1/users/me/videos/comments</c>).</summary>
public sealed record CommentOfVideoDto(long Id, string Url, string Text, bool HeldForReview, long ThreadId, long? InReplyToCommentId,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, AccountSummary? Account, CommentVideoDto Video, IReadOnlyList<string> AutomaticTags);

public sealed record CreateCommentRequest(string? Text);

/// <summary>PeerTube's comment API: threads, trees, replies, deletion (tombstones), approval (6.2) and the owner's list.</summary>
public static class CommentEndpoints
{
    public static IEndpointRouteBuilder MapCommentEndpoints(this IEndpointRouteBuilder app)
    {
        var videos = app.MapGroup("/api/v1/videos").WithTags("Video Comments");
        videos.MapGet("/{id}/comment-threads", ListThreadsAsync).AllowSameOriginSession();
        videos.MapGet("/{id}/comment-threads/{threadId:long}", ThreadAsync).AllowSameOriginSession();
        videos.MapPost("/{id}/comment-threads", (string id, CreateCommentRequest? body, ClaimsPrincipal user, VideoRepository repo, ActorRepository actors,
            CommentCommands commands, IOptions<InstanceOptions> instance, CancellationToken ct) =>
            PostAsync(id, null, body, user, repo, actors, commands, instance.Value, ct)).RequireAuthorization();
        videos.MapPost("/{id}/comments/{commentId:long}", (string id, long commentId, CreateCommentRequest? body, ClaimsPrincipal user, VideoRepository repo,
            ActorRepository actors, CommentCommands commands, IOptions<InstanceOptions> instance, CancellationToken ct) =>
            PostAsync(id, commentId, body, user, repo, actors, commands, instance.Value, ct)).RequireAuthorization();
        videos.MapDelete("/{id}/comments/{commentId:long}", DeleteAsync).RequireAuthorization();
        videos.MapPost("/{id}/comments/{commentId:long}/approve", ApproveAsync).RequireAuthorization();
        app.MapGet("/api/v1/users/me/videos/comments", MineAsync).RequireAuthorization().WithTags("Video Comments");
        return app;
    }

    /// <summary>PeerTube's sorts of threads; null for an unknown one.</summary>
    public static CommentSort? ParseSort(string? sort) => sort switch
    {
        null or "" or "-createdAt" => CommentSort.NewestFirst,
        "createdAt" => CommentSort.OldestFirst,
        "-totalReplies" => CommentSort.MostReplies,
        "totalReplies" => CommentSort.FewestReplies,
        _ => null,
    };

    private static async Task<Results<Ok<CommentThreadList>, ProblemHttpResult>> ListThreadsAsync(string id, int? start, int? count, string? sort,
        ClaimsPrincipal user, VideoRepository repo, ActorRepository actors, CommentRepository comments, IOptions<InstanceOptions> instance, CancellationToken ct)
    {
        if (Paging.Validate(start, count) is { } error)
        {
            return Problems.BadRequest(error);
        }
        if (ParseSort(sort) is not { } order)
        {
            return Problems.BadRequest("sort must be one of -createdAt, createdAt, -totalReplies, totalReplies.");
        }
        var video = await repo.FindAsync(id, ct);
        if (video is null || !VideoAccess.CanView(video, user))
        {
            return Problems.NotFound("Video not found.");
        }
        if (video.Video.CommentsPolicy == CommentsPolicies.Disabled)
        {
            // PeerTube answers an empty list when comments are disabled.
            return TypedResults.Ok(new CommentThreadList(0, 0, []));
        }
        var reader = await ReaderAsync(video, user, actors, ct);
        var (total, notDeleted, items) = await comments.ListThreadsAsync(video.Video.Id, video.Account.Id, reader, order, start ?? 0, count ?? 15, ct);
        return TypedResults.Ok(new CommentThreadList(total, notDeleted, items.Select(c => Format(c, instance.Value.Host, video)).ToList()));
    }

    private static async Task<Results<Ok<CommentTreeDto>, ProblemHttpResult>> ThreadAsync(string id, long threadId, ClaimsPrincipal user,
        VideoRepository repo, ActorRepository actors, CommentRepository comments, IOptions<InstanceOptions> instance, CancellationToken ct)
    {
        var video = await repo.FindAsync(id, ct);
        if (video is null || !VideoAccess.CanView(video, user))
        {
            return Problems.NotFound("Video not found.");
        }
        var reader = await ReaderAsync(video, user, actors, ct);
        var tree = video.Video.CommentsPolicy == CommentsPolicies.Disabled
            ? null
            : CommentTree.Build(await comments.ThreadAsync(video.Video.Id, threadId, reader, ct), threadId);
        if (tree is null)
        {
            return Problems.NotFound("Video comment thread not found.");
        }
        return TypedResults.Ok(FormatTree(tree, instance.Value.Host, video));
    }

    private static async Task<Results<Ok<CommentCreated>, ProblemHttpResult>> PostAsync(string id, long? inReplyTo, CreateCommentRequest? body,
        ClaimsPrincipal user, VideoRepository repo, ActorRepository actors, CommentCommands commands, InstanceOptions instance, CancellationToken ct)
    {
        var video = await repo.FindAsync(id, ct);
        if (video is null || !VideoAccess.CanView(video, user))
        {
            return Problems.NotFound("Video not found.");
        }
        var author = await actors.FindAccountOfUserAsync(user.UserId()!.Value, ct);
        if (author is null)
        {
            return Problems.Forbidden();
        }
        var (comment, refusal) = await commands.PostAsync(video, author, user, inReplyTo, body?.Text, ct);
        if (refusal is not null)
        {
            return Refuse(refusal);
        }
        return TypedResults.Ok(new CommentCreated(Format(comment!, instance.Host, video)));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, long commentId, ClaimsPrincipal user, VideoRepository repo,
        CommentRepository comments, CommentCommands commands, CancellationToken ct)
    {
        var (video, comment, problem) = await FindCommentAsync(id, commentId, user, repo, comments, ct);
        if (problem is not null)
        {
            return problem;
        }
        if (comment!.IsDeleted)
        {
            return Problems.Conflict("This comment is already deleted.");
        }
        if (!CommentCommands.CanDelete(comment, video!, user))
        {
            return Problems.Forbidden("Cannot delete a comment of another user on a video that is not yours.");
        }
        await commands.DeleteAsync(comment, video!, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ApproveAsync(string id, long commentId, ClaimsPrincipal user, VideoRepository repo,
        CommentRepository comments, CommentCommands commands, CancellationToken ct)
    {
        var (video, comment, problem) = await FindCommentAsync(id, commentId, user, repo, comments, ct);
        if (problem is not null)
        {
            return problem;
        }
        if (!VideoAccess.CanManage(video!, user))
        {
            return Problems.Forbidden("Only the video's owner or a moderator can approve its comments.");
        }
        if (!await commands.ApproveAsync(comment!, video!, ct))
        {
            return Problems.BadRequest("This comment is not held for review.");
        }
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<ListResult<CommentOfVideoDto>>, ProblemHttpResult>> MineAsync(int? start, int? count, bool? isHeldForReview,
        ClaimsPrincipal user, ActorRepository actors, CommentRepository comments, IOptions<InstanceOptions> instance, CancellationToken ct)
    {
        if (Paging.Validate(start, count) is { } error)
        {
            return Problems.BadRequest(error);
        }
        var account = await actors.FindAccountOfUserAsync(user.UserId()!.Value, ct);
        if (account is null)
        {
            return Problems.Forbidden();
        }
        var (total, items) = await comments.ListOnVideosOfAccountAsync(account.Id, isHeldForReview == true, start ?? 0, count ?? 15, ct);
        var host = instance.Value.Host;
        return TypedResults.Ok(new ListResult<CommentOfVideoDto>(total, items.Select(c => new CommentOfVideoDto(c.Id, c.Url, c.Text, c.HeldForReview,
            c.ThreadId, c.InReplyToId, ApiFormatter.Time(c.CreatedAt), ApiFormatter.Time(c.UpdatedAt), Author(c, host),
            new CommentVideoDto(c.VideoId, c.VideoUuid, c.VideoName), [])).ToList()));
    }

    private static async Task<(VideoWithOwners? Video, CommentRow? Comment, ProblemHttpResult? Problem)> FindCommentAsync(string id, long commentId,
        ClaimsPrincipal user, VideoRepository repo, CommentRepository comments, CancellationToken ct)
    {
        var video = await repo.FindAsync(id, ct);
        if (video is null || !VideoAccess.CanView(video, user))
        {
            return (null, null, Problems.NotFound("Video not found."));
        }
        var comment = await comments.FindAsync(video.Video.Id, commentId, ct);
        if (comment is null)
        {
            return (null, null, Problems.NotFound("Video comment not found."));
        }
        return (video, comment, null);
    }

    private static async Task<CommentReader> ReaderAsync(VideoWithOwners video, ClaimsPrincipal user, ActorRepository actors, CancellationToken ct) =>
        CommentCommands.ReaderOf(video, user, user.UserId() is { } userId ? await actors.FindAccountOfUserAsync(userId, ct) : null);

    private static ProblemHttpResult Refuse(CommentRefusal refusal) => Problems.Status(refusal.Status, refusal.Message);

    private static AccountSummary? Author(CommentRow c, string localHost) =>
        c.IsDeleted || c.AccountId is not { } accountId
            ? null
            : new AccountSummary(accountId, c.AccountName ?? "", c.AccountDisplayName ?? c.AccountName ?? "", c.AccountUrl ?? "", c.AccountHost ?? localHost, []);

    public static CommentDto Format(CommentRow c, string localHost, VideoWithOwners video) => new(c.Id, c.Url, c.IsDeleted ? "" : c.Text, c.ThreadId,
        c.InReplyToId, c.VideoId, ApiFormatter.Time(c.CreatedAt), ApiFormatter.Time(c.UpdatedAt),
        c.DeletedAt is { } d ? ApiFormatter.Time(d) : null, c.IsDeleted, c.TotalRepliesFromVideoAuthor, c.TotalReplies, Author(c, localHost),
        c.HeldForReview);

    /// <summary>Each node with the replies below it (all levels), as PeerTube counts them.</summary>
    private static CommentTreeDto FormatTree(CommentNode node, string localHost, VideoWithOwners video)
    {
        var below = CommentTree.Descendants(node).ToList();
        var comment = node.Comment with
        {
            TotalReplies = below.Count,
            TotalRepliesFromVideoAuthor = below.Count(r => r.AccountId == video.Account.Id),
        };
        return new(Format(comment, localHost, video), node.Children.Count > 0, node.Children.Select(child => FormatTree(child, localHost, video)).ToList());
    }
}
