using VideoPlatform.Core.Videos;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using VideoPlatform.Api.Auth;
using VideoPlatform.Api.Videos;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Stats;

namespace VideoPlatform.Api.Videos;

/// <summary>Query parameters shared by every video listing (PeerTube's names).</summary>
public sealed record VideoListParameters(
    int? Start,
    int? Count,
    string? Sort,
    bool? IsLocal,
    int[]? PrivacyOneOf,
    int[]? CategoryOneOf,
    string[]? LanguageOneOf,
    string? Search);

public sealed record VideoDescription(string? Description);

public static class VideoEndpoints
{
    public static IEndpointRouteBuilder MapVideoEndpoints(this IEndpointRouteBuilder app)
    {
        var videos = app.MapGroup("/api/v1/videos").WithTags("Video");
        videos.MapGet("/", ([AsParameters] VideoListParameters query, ClaimsPrincipal user, VideoRepository repo, ApiFormatter format, CancellationToken ct) =>
            ListAsync(query, user, repo, format, q => q, ct)).CacheOutput(AudienceListingPolicy.Name);
        videos.MapGet("/categories", () => TypedResults.Ok(VideoConstants.Categories.ToDictionary(p => p.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), p => p.Value)));
        videos.MapGet("/licences", () => TypedResults.Ok(VideoConstants.Licences.ToDictionary(p => p.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), p => p.Value)));
        videos.MapGet("/languages", () => TypedResults.Ok(VideoConstants.Languages));
        videos.MapGet("/privacies", () => TypedResults.Ok(VideoConstants.Privacies.ToDictionary(p => p.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), p => p.Value)));
        videos.MapGet("/{id}", GetAsync).AllowSameOriginSession().CacheOutput(PublicListingCache.Policy);
        videos.MapGet("/{id}/description", async Task<Results<Ok<VideoDescription>, ProblemHttpResult>> (string id, ClaimsPrincipal user, VideoRepository repo,
            CancellationToken ct) =>
        {
            var video = await repo.FindAsync(id, ct);
            return video is null || !VideoAccess.CanView(video, user)
                ? Problems.NotFound("Video not found.")
                : TypedResults.Ok(new VideoDescription(video.Video.Description));
        });
        videos.MapPut("/{id}", UpdateAsync).RequireAuthorization().DisableAntiforgery();
        videos.MapDelete("/{id}", DeleteAsync).RequireAuthorization();
        videos.MapPost("/{id}/views", async Task<Results<NoContent, ProblemHttpResult>> (string id, ClaimsPrincipal user, HttpContext context, VideoRepository repo, ViewDeduplicator views,
            StatsRecorder recorder, ViewerSessions viewers, CancellationToken ct) =>
        {
            var video = await repo.FindAsync(id, ct);
            if (video is null || !VideoAccess.CanView(video, user))
            {
                return Problems.NotFound("Video not found.");
            }
            var (heartbeat, error) = await ViewHeartbeats.ReadAsync(context.Request, video.Video, ct);
            if (error is not null)
            {
                return Problems.BadRequest(error);
            }
            // As PeerTube: the same viewer's repeated views in the window answer 204 too, they are just not counted; a heartbeat
            // counts once the viewer is a few seconds in (the player's first one is sent when playback starts).
            if ((heartbeat is null || heartbeat.CurrentTime >= ViewHeartbeats.SecondsBeforeAView)
                && views.ShouldCount(video.Video.Id, user.UserId(), context.Connection.RemoteIpAddress))
            {
                await repo.IncrementViewsAsync(video.Video.Id, ct);
                recorder.View();
            }
            if (heartbeat is not null && video.Video.IsLocal)
            {
                await ViewHeartbeats.RecordAsync(heartbeat, video.Video, user.UserId(), context.Connection.RemoteIpAddress, repo, viewers, ct);
            }
            return TypedResults.NoContent();
        }).AllowSameOriginSession().DisableAntiforgery();

        app.MapGet("/api/v1/search/videos", async Task<Results<Ok<ListResult<VideoDto>>, ProblemHttpResult>> ([AsParameters] VideoListParameters query,
            ClaimsPrincipal user, VideoRepository repo, ApiFormatter format, CancellationToken ct) =>
            string.IsNullOrWhiteSpace(query.Search)
                ? Problems.BadRequest("search is required.")
                : await ListAsync(query with { Sort = query.Sort ?? "-publishedAt" }, user, repo, format, q => q, ct)).WithTags("Search")
            .CacheOutput(AudienceListingPolicy.Name);
        return app;
    }

    internal static async Task<Results<Ok<ListResult<VideoDto>>, ProblemHttpResult>> ListAsync(VideoListParameters p, ClaimsPrincipal user, VideoRepository repo, ApiFormatter format,
        Func<VideoQuery, VideoQuery> scope, CancellationToken ct)
    {
        if (Paging.Validate(p.Start, p.Count) is { } error)
        {
            return Problems.BadRequest(error);
        }
        if (p.Sort is not null && !VideoRepository.IsValidSort(p.Sort))
        {
            return Problems.BadRequest($"sort '{p.Sort}' is not supported.");
        }
        if (p.PrivacyOneOf is { Length: > 0 } && p.PrivacyOneOf.Any(x => !VideoConstants.Privacies.ContainsKey(x)))
        {
            return Problems.BadRequest("privacyOneOf has an unknown privacy.");
        }
        var query = scope(VideoAccess.ForViewer(new VideoQuery
        {
            Start = p.Start ?? 0,
            Count = p.Count ?? 15,
            Sort = p.Sort ?? "-publishedAt",
            IsLocal = p.IsLocal,
            CategoryOneOf = p.CategoryOneOf,
            LanguageOneOf = p.LanguageOneOf,
            Search = p.Search,
        }, user, p.PrivacyOneOf));
        if (query.Privacies.Count == 0)
        {
            return TypedResults.Ok(new ListResult<VideoDto>(0, []));
        }
        var (total, rows) = await repo.ListAsync(query, ct);
        return TypedResults.Ok(new ListResult<VideoDto>(total, rows.Select(format.Video).ToList()));
    }

    private static async Task<Results<Ok<VideoDto>, ProblemHttpResult>> GetAsync(string id, HttpRequest request, ClaimsPrincipal user, VideoRepository repo,
        TorrentRepository torrents, VideoPasswordRepository passwords, ApiFormatter format, VideoFileFormatter files, ViewerSessions viewers, CancellationToken ct)
    {
        var video = await repo.FindAsync(id, ct);
        if (video is null)
        {
            return Problems.NotFound("Video not found.");
        }
        if (await VideoAudienceEndpoints.RefusalAsync(video, user, request, passwords, ct) is { } refusal)
        {
            return refusal;
        }
        var playlist = await repo.PlaylistAsync(video.Video.Id, ct);
        var fileRows = await repo.FilesAsync(video.Video.Id, ct);
        var swarmIds = await torrents.SwarmIdsAsync(video.Video.Id, ct);
        var manages = VideoAccess.CanManage(video, user);
        // As PeerTube: no download URL for others when downloads are off (the owner keeps it; the route refuses others).
        var canDownload = video.Video.DownloadEnabled || manages;
        var details = format.VideoDetails(video, playlist, fileRows, files.TrackerUrls(), swarmIds,
            f => canDownload ? files.Format(video.Video, f) : files.Format(video.Video, f) with { FileDownloadUrl = null }) with
        {
            // PeerTube's viewers: those watching now, from the players' heartbeats (a live's audience, shown in its player).
            Viewers = viewers.Watching(video.Video.Id),
        };
        // Our own fields, for those who manage the video: its class audience and embed domains.
        return TypedResults.Ok(manages
            ? details with
            {
                AudienceGroups = VideoAudience.Groups(video.Video),
                EmbedAllowedDomains = VideoAudience.List(video.Video.EmbedAllowedDomains),
            }
            : details);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> UpdateAsync(string id, HttpRequest request, ClaimsPrincipal user, VideoRepository repo, VideoCommands commands,
        CancellationToken ct)
    {
        var video = await repo.FindAsync(id, ct);
        if (video is null)
        {
            return Problems.NotFound("Video not found.");
        }
        if (!VideoAccess.CanManage(video, user) || !video.Video.IsLocal)
        {
            return Problems.Forbidden("Cannot update a video of another user.");
        }
        UpdateVideoRequest? body;
        try
        {
            body = request.HasFormContentType
                ? VideoForm.ReadUpdate(await request.ReadFormAsync(ct))
                : await request.ReadFromJsonAsync<UpdateVideoRequest>(ct);
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            return Problems.BadRequest("The request body is not valid: " + ex.Message);
        }
        if (body is null)
        {
            return Problems.BadRequest("A JSON or form body is required.");
        }
        return await commands.UpdateAsync(video, body, ct) is { } error ? Problems.BadRequest(error.Message) : TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, ClaimsPrincipal user, VideoRepository repo, VideoCommands commands, CancellationToken ct)
    {
        var video = await repo.FindAsync(id, ct);
        if (video is null)
        {
            return Problems.NotFound("Video not found.");
        }
        if (!VideoAccess.CanManage(video, user))
        {
            return Problems.Forbidden("Cannot remove a video of another user.");
        }
        await commands.DeleteAsync(video, ct);
        return TypedResults.NoContent();
    }
}
