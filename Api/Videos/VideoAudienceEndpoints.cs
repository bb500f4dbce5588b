using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Api.Videos;

public sealed record VideoPasswordDto(long Id, string Password, long VideoId, DateTimeOffset CreatedAt);

public sealed record VideoPasswordsRequest(IReadOnlyList<string>? Passwords);

/// <summary>
/// Who may get a video: PeerTube's password-protected videos (the <c>x-peertube-video-password</c> header, its error
/// codes, <c>/api/v1/videos/{id}/passwords</c>) and our class audiences (a clear refusal naming the groups).
/// </summary>
public static class VideoAudienceEndpoints
{
    public const string PasswordHeader = "x-peertube-video-password";
    public const string RequiresPasswordCode = "video_requires_password";
    public const string IncorrectPasswordCode = "incorrect_video_password";
    public const string OutsideAudienceCode = "video_restricted_to_groups";

    /// <summary>
    /// Null when <paramref name="user"/> may get the video (with the request's password for a protected one), else
    /// the refusal as PeerTube words it (403 with <c>video_requires_password</c> or <c>incorrect_video_password</c>,
    /// which its clients answer with a password form).
    /// </summary>
    public static async Task<ProblemHttpResult?> RefusalAsync(VideoWithOwners video, ClaimsPrincipal user, HttpRequest request,
        VideoPasswordRepository passwords, CancellationToken ct)
    {
        if (VideoAccess.NeedsPassword(video, user))
        {
            string? given = request.Headers[PasswordHeader];
            if (string.IsNullOrEmpty(given))
            {
                return Problems.Status(StatusCodes.Status403Forbidden, "Please provide a password to access this password protected video", RequiresPasswordCode);
            }
            return VideoAudience.MatchesAny(await passwords.PasswordsAsync(video.Video.Id, ct), given)
                ? null
                : Problems.Status(StatusCodes.Status403Forbidden, "Incorrect video password. Access to the video is denied.", IncorrectPasswordCode);
        }
        if (VideoAccess.CanView(video, user))
        {
            return null;
        }
        if (user.Identity?.IsAuthenticated != true)
        {
            return Problems.Unauthorized("Cannot get this video without being authenticated.");
        }
        return !video.Video.Blacklisted && VideoAccess.IsOutsideAudience(video, user)
            ? Problems.Status(StatusCodes.Status403Forbidden,
                "This video is restricted to the groups: " + string.Join(", ", VideoAudience.Groups(video.Video)) + ".", OutsideAudienceCode)
            : Problems.Forbidden("Cannot get this private video of another user.");
    }

    public static IEndpointRouteBuilder MapVideoAudienceEndpoints(this IEndpointRouteBuilder app)
    {
        var passwords = app.MapGroup("/api/v1/videos/{id}/passwords").WithTags("Video Passwords").RequireAuthorization();
        passwords.MapGet("/", async Task<Results<Ok<ListResult<VideoPasswordDto>>, ProblemHttpResult>> (string id, int? start, int? count,
            ClaimsPrincipal user, VideoRepository videos, VideoPasswordRepository repo, CancellationToken ct) =>
        {
            if (Paging.Validate(start, count) is { } error)
            {
                return Problems.BadRequest(error);
            }
            var (video, refusal) = await ManagedProtectedAsync(id, user, videos, ct);
            if (refusal is not null)
            {
                return refusal;
            }
            var (total, rows) = await repo.ListAsync(video!.Video.Id, start ?? 0, count ?? 15, ct);
            return TypedResults.Ok(new ListResult<VideoPasswordDto>(total,
                rows.Select(r => new VideoPasswordDto(r.Id, r.Password, r.VideoId, DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt))).ToList()));
        });
        passwords.MapPut("/", async Task<Results<NoContent, ProblemHttpResult>> (string id, HttpRequest request, ClaimsPrincipal user,
            VideoRepository videos, VideoPasswordRepository repo, CancellationToken ct) =>
        {
            var (video, refusal) = await ManagedProtectedAsync(id, user, videos, ct);
            if (refusal is not null)
            {
                return refusal;
            }
            VideoPasswordsRequest? body;
            try
            {
                body = await request.ReadFromJsonAsync<VideoPasswordsRequest>(ct);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException)
            {
                return Problems.BadRequest("The request body is not valid: " + ex.Message);
            }
            if (body?.Passwords is not { Count: > 0 } list)
            {
                return Problems.BadRequest("passwords: at least one password is required.");
            }
            if (VideoAudience.ValidatePasswords(list) is { } error)
            {
                return Problems.BadRequest(error.Replace("videoPasswords", "passwords", StringComparison.Ordinal));
            }
            await repo.ReplaceAsync(video!.Video.Id, list, ct);
            return TypedResults.NoContent();
        }).DisableAntiforgery();
        passwords.MapDelete("/{passwordId:long}", async Task<Results<NoContent, ProblemHttpResult>> (string id, long passwordId, ClaimsPrincipal user,
            VideoRepository videos, VideoPasswordRepository repo, CancellationToken ct) =>
        {
            var (video, refusal) = await ManagedProtectedAsync(id, user, videos, ct);
            if (refusal is not null)
            {
                return refusal;
            }
            return await repo.DeleteAsync(video!.Video.Id, passwordId, ct) switch
            {
                null => Problems.NotFound("Video password not found."),
                false => Problems.Forbidden("Cannot delete the last password of the protected video"),
                true => TypedResults.NoContent(),
            };
        });
        return app;
    }

    private static async Task<(VideoWithOwners? Video, ProblemHttpResult? Refusal)> ManagedProtectedAsync(string id, ClaimsPrincipal user,
        VideoRepository videos, CancellationToken ct)
    {
        var video = await videos.FindAsync(id, ct);
        if (video is null)
        {
            return (null, Problems.NotFound("Video not found."));
        }
        if (!VideoAccess.CanManage(video, user))
        {
            return (null, Problems.Forbidden("Cannot manage the passwords of a video of another user."));
        }
        return video.Video.Privacy != VideoPrivacy.PasswordProtected
            ? (null, Problems.BadRequest("Video is not password protected"))
            : (video, null);
    }
}
