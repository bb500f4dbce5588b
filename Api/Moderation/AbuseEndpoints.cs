using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using VideoPlatform.Api.Auth;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Api.Videos;

namespace VideoPlatform.Api.Moderation;

public sealed record AbuseVideoRef(JsonElement? Id, int? StartAt, int? EndAt);

public sealed record AbuseAccountRef(long? Id);

public sealed record AbuseCommentRef(long? Id);

/// <summary>PeerTube's <c>POST /api/v1/abuses</c> body: exactly one of video, comment or account.</summary>
public sealed record CreateAbuseRequest(string? Reason, string[]? PredefinedReasons, AbuseVideoRef? Video, AbuseAccountRef? Account, AbuseCommentRef? Comment);

public sealed record UpdateAbuseRequest(int? State, string? ModerationComment);

public sealed record AbuseCreated(AbuseId Abuse);

public sealed record AbuseId(long Id);

public sealed record AbuseVideoDto(long Id, string Uuid, string Name);

public sealed record AbuseAccountDto(long Id, string Name);

/// <summary>PeerTube's abuse <c>comment</c>: the reported text, and whether the comment has gone since.</summary>
public sealed record AbuseCommentDto(long? Id, string Text, bool Deleted);

/// <summary>PeerTube's admin Abuse (the fields we have).</summary>
public sealed record AbuseDto(long Id, string Reason, IReadOnlyList<string> PredefinedReasons, AbuseAccountDto? ReporterAccount,
    IdLabel<int> State, string? ModerationComment, AbuseVideoDto? Video, AbuseAccountDto? FlaggedAccount, AbuseCommentDto? Comment,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt, [property: JsonPropertyName("updatedAt")] DateTimeOffset UpdatedAt);

/// <summary>PeerTube's abuse API: anyone signed in reports a video or an account; moderators list and resolve reports.</summary>
public static class AbuseEndpoints
{
    /// <summary>PeerTube's predefined reasons.</summary>
    public static readonly IReadOnlySet<string> PredefinedReasons = new HashSet<string>(StringComparer.Ordinal)
    {
        "violentOrAbusive", "hatefulOrAbusive", "spamOrMisleading", "privacy", "rights", "serverRules", "thumbnails", "captions",
    };

    public static IEndpointRouteBuilder MapAbuseEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/abuses").WithTags("Abuses");
        api.MapPost("/", CreateAsync).RequireAuthorization();
        api.MapGet("/", ListAsync).RequireAuthorization(Policies.Moderator);
        api.MapPut("/{id:long}", UpdateAsync).RequireAuthorization(Policies.Moderator);
        return app;
    }

    private static async Task<Results<Ok<AbuseCreated>, ProblemHttpResult>> CreateAsync(CreateAbuseRequest body, ClaimsPrincipal principal,
        AbuseRepository abuses, ActorRepository actors, VideoRepository videos, CommentRepository comments, TimeProvider clock, CancellationToken ct)
    {
        if (body.Reason is not { Length: >= 2 and <= 3000 })
        {
            return Problems.BadRequest("reason must be 2 to 3000 characters.");
        }
        if (body.PredefinedReasons?.FirstOrDefault(r => !PredefinedReasons.Contains(r)) is { } unknown)
        {
            return Problems.BadRequest($"Unknown predefined reason '{unknown}'.");
        }
        if ((body.Video is null ? 0 : 1) + (body.Account is null ? 0 : 1) + (body.Comment is null ? 0 : 1) != 1)
        {
            return Problems.BadRequest("Report exactly one of video, comment or account.");
        }
        var reporter = await actors.FindAccountOfUserAsync(principal.UserId()!.Value, ct);
        if (reporter is null)
        {
            return Problems.Forbidden();
        }
        long? videoId = null;
        string? videoName = null;
        long? flagged = null;
        CommentRow? comment = null;
        if (body.Comment is { } commentRef)
        {
            comment = commentRef.Id is { } commentId ? await comments.FindByIdAsync(commentId, ct) : null;
            var video = comment is null ? null : await videos.FindAsync(comment.VideoId.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
            if (comment is null || comment.IsDeleted || video is null || !VideoAccess.CanView(video, principal)
                || (comment.HeldForReview && comment.AccountId != reporter.Id && !VideoAccess.CanManage(video, principal)))
            {
                return Problems.NotFound("Video comment not found.");
            }
            flagged = comment.AccountId;
        }
        else if (body.Video is { } videoRef)
        {
            var key = videoRef.Id is { ValueKind: JsonValueKind.Number } n ? n.GetRawText() : videoRef.Id?.ValueKind == JsonValueKind.String ? videoRef.Id.Value.GetString() : null;
            var video = key is null ? null : await videos.FindAsync(key, ct);
            if (video is null || !VideoAccess.CanView(video, principal))
            {
                return Problems.NotFound("Video not found.");
            }
            (videoId, videoName, flagged) = (video.Video.Id, video.Video.Name, video.Account.Id);
        }
        else
        {
            var account = body.Account!.Id is { } accountId ? await actors.FindByIdAsync(accountId, ct) : null;
            if (account is null || account.Type != ActorTypes.Person)
            {
                return Problems.NotFound("Account not found.");
            }
            flagged = account.Id;
        }
        if (flagged == reporter.Id)
        {
            return Problems.BadRequest("You cannot report your own video, comment or account.");
        }
        var id = await abuses.CreateAsync(reporter.Id, body.Reason, JsonSerializer.Serialize(body.PredefinedReasons ?? []), videoId, videoName, flagged,
            clock.GetUtcNow().ToUnixTimeMilliseconds(), comment?.Id, comment?.Text, ct);
        return TypedResults.Ok(new AbuseCreated(new AbuseId(id)));
    }

    private static async Task<Results<Ok<ListResult<AbuseDto>>, ProblemHttpResult>> ListAsync(int? start, int? count, int? state, AbuseRepository abuses, CancellationToken ct)
    {
        if (Paging.Validate(start, count) is { } error)
        {
            return Problems.BadRequest(error);
        }
        if (state is not (null or AbuseStates.Pending or AbuseStates.Rejected or AbuseStates.Accepted))
        {
            return Problems.BadRequest("state must be 1 (pending), 2 (rejected) or 3 (accepted).");
        }
        var (total, items) = await abuses.ListAsync(state, start ?? 0, count ?? 15, ct);
        return TypedResults.Ok(new ListResult<AbuseDto>(total, items.Select(Format).ToList()));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> UpdateAsync(long id, UpdateAbuseRequest body, ClaimsPrincipal principal,
        AbuseRepository abuses, TimeProvider clock, CancellationToken ct)
    {
        if (body.State is not (null or AbuseStates.Pending or AbuseStates.Rejected or AbuseStates.Accepted))
        {
            return Problems.BadRequest("state must be 1 (pending), 2 (rejected) or 3 (accepted).");
        }
        if (body.ModerationComment is { Length: > 3000 })
        {
            return Problems.BadRequest("moderationComment must be at most 3000 characters.");
        }
        var abuse = await abuses.FindAsync(id, ct);
        if (abuse is null)
        {
            return Problems.NotFound("Abuse not found.");
        }
        await abuses.ResolveAsync(id, body.State ?? abuse.State, body.ModerationComment ?? abuse.ModerationComment, principal.Identity!.Name!,
            clock.GetUtcNow().ToUnixTimeMilliseconds(), ct);
        return TypedResults.NoContent();
    }

    public static AbuseDto Format(AbuseRow a) => new(a.Id, a.Reason, JsonSerializer.Deserialize<string[]>(a.PredefinedReasons) ?? [],
        a.ReporterAccountId is { } r ? new AbuseAccountDto(r, a.ReporterName ?? "") : null,
        new IdLabel<int>(a.State, AbuseStates.Label(a.State)), a.ModerationComment,
        a.VideoId is { } v ? new AbuseVideoDto(v, a.VideoUuid ?? "", a.VideoName ?? "") : null,
        a.FlaggedAccountId is { } f ? new AbuseAccountDto(f, a.FlaggedAccountName ?? "") : null,
        a.CommentText is { } text ? new AbuseCommentDto(a.CommentId, text, a.CommentId is null) : null,
        DateTimeOffset.FromUnixTimeMilliseconds(a.CreatedAt), DateTimeOffset.FromUnixTimeMilliseconds(a.UpdatedAt));
}
