using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using VideoPlatform.Api.Auth;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Api.Videos;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Videos;

namespace VideoPlatform.Api.Moderation;

public sealed record BlacklistRequest(string? Reason, bool? Unfederate);

/// <summary>PeerTube's VideoBlacklist (the fields we have): a blocked video is always unfederated here.</summary>
public sealed record BlacklistDto(long Id, long VideoId, string? Reason, bool Unfederated, DateTimeOffset CreatedAt, VideoDto? Video);

/// <summary>
/// PeerTube's video blacklist: a moderator blocks a video (hidden from everyone but its owner and moderators, and a
/// Delete sent to the followers that had it) and unblocks it (sent again as a new Create).
/// </summary>
public static class BlacklistEndpoints
{
    public static IEndpointRouteBuilder MapBlacklistEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/videos").WithTags("Video Blocks");
        api.MapGet("/blacklist", ListAsync).RequireAuthorization(Policies.Moderator);
        api.MapPost("/{id}/blacklist", AddAsync).RequireAuthorization(Policies.Moderator);
        api.MapDelete("/{id}/blacklist", RemoveAsync).RequireAuthorization(Policies.Moderator);
        return app;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> AddAsync(string id, BlacklistRequest? body, ClaimsPrincipal principal,
        VideoRepository videos, VideoModeration moderation, CancellationToken ct)
    {
        if (body?.Reason is { Length: > 300 })
        {
            return Problems.BadRequest("reason must be at most 300 characters.");
        }
        var video = await videos.FindAsync(id, ct);
        if (video is null)
        {
            return Problems.NotFound("Video not found.");
        }
        return await moderation.BlockAsync(video, body?.Reason, principal.Identity!.Name!, ct)
            ? TypedResults.NoContent()
            : Problems.Conflict("This video is already blocked.");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveAsync(string id, ClaimsPrincipal principal,
        VideoRepository videos, VideoModeration moderation, CancellationToken ct)
    {
        var video = await videos.FindAsync(id, ct);
        if (video is null)
        {
            return Problems.NotFound("Video not found.");
        }
        return await moderation.UnblockAsync(video, principal.Identity!.Name!, ct)
            ? TypedResults.NoContent()
            : Problems.NotFound("This video is not blocked.");
    }

    private static async Task<Results<Ok<ListResult<BlacklistDto>>, ProblemHttpResult>> ListAsync(int? start, int? count, BlacklistRepository blacklist,
        VideoRepository videos, ApiFormatter format, CancellationToken ct)
    {
        if (Paging.Validate(start, count) is { } error)
        {
            return Problems.BadRequest(error);
        }
        var (total, items) = await blacklist.ListAsync(start ?? 0, count ?? 15, ct);
        var data = new List<BlacklistDto>(items.Count);
        foreach (var item in items)
        {
            var video = await videos.FindAsync(item.VideoId.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
            data.Add(new BlacklistDto(item.VideoId, item.VideoId, item.Reason, Unfederated: true, DateTimeOffset.FromUnixTimeMilliseconds(item.CreatedAt),
                video is null ? null : format.Video(video)));
        }
        return TypedResults.Ok(new ListResult<BlacklistDto>(total, data));
    }
}
