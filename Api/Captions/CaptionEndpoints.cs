using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using VideoPlatform.Api.Auth;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Api.Media;
using VideoPlatform.Core.Captions;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Videos;

namespace VideoPlatform.Api.Captions;

public sealed record CaptionLanguageDto(string Id, string Label);

/// <summary>PeerTube's VideoCaption: <c>captionPath</c> (PeerTube ≤ 6 clients) and <c>fileUrl</c> (PeerTube 7) name the same WebVTT.</summary>
public sealed record CaptionDto(CaptionLanguageDto Language, string CaptionPath, string FileUrl, DateTimeOffset UpdatedAt, bool AutomaticallyGenerated);

public sealed record CaptionList(int Total, IReadOnlyList<CaptionDto> Data);

public sealed record ChapterDto(int Timecode, string Title);

public sealed record ChapterList(IReadOnlyList<ChapterDto>? Chapters);

/// <summary>Captions and chapters of a video, with PeerTube's paths, shapes and status codes; the caption files themselves.</summary>
public static class CaptionEndpoints
{
    private static readonly string[] GetHead = [HttpMethods.Get, HttpMethods.Head];

    public static IEndpointRouteBuilder MapCaptionEndpoints(this IEndpointRouteBuilder app)
    {
        var videos = app.MapGroup("/api/v1/videos").WithTags("Video Captions");
        videos.MapGet("/{id}/captions", async Task<Results<Ok<CaptionList>, ProblemHttpResult>> (string id, ClaimsPrincipal user, VideoRepository repo,
            CaptionRepository captions, IOptions<InstanceOptions> instance, CancellationToken ct) =>
        {
            var video = await repo.FindAsync(id, ct);
            if (video is null || !VideoAccess.CanView(video, user))
            {
                return Problems.NotFound("Video not found.");
            }
            var rows = await captions.ListAsync(video.Video.Id, ct);
            var data = rows.Select(r => Format(r, instance.Value.PublicUrl)).ToList();
            return TypedResults.Ok(new CaptionList(data.Count, data));
        }).AllowSameOriginSession();

        videos.MapPut("/{id}/captions/{language}", PutAsync).RequireAuthorization().DisableAntiforgery()
            .WithMetadata(new LargeBodyAttribute(CaptionFile.MaxBytes + (64 * 1024)));
        videos.MapDelete("/{id}/captions/{language}", async Task<Results<NoContent, ProblemHttpResult>> (string id, string language, ClaimsPrincipal user,
            VideoRepository repo, CaptionRepository captions, VideoChangeNotifier notifier, CancellationToken ct) =>
        {
            var (video, problem) = await ManagedAsync(id, user, repo, ct);
            if (problem is not null)
            {
                return problem;
            }
            if (!await captions.DeleteAsync(video!.Video.Id, language, ct))
            {
                return Problems.NotFound($"This video has no caption in '{language}'.");
            }
            repo.InvalidateCounts(); // the lessons a search matches changed with the caption
            await notifier.UpdatedAsync(video.Video.Id, video.Video.Privacy, ct);
            return TypedResults.NoContent();
        }).RequireAuthorization();

        var chapters = app.MapGroup("/api/v1/videos").WithTags("Video Chapters");
        chapters.MapGet("/{id}/chapters", async Task<Results<Ok<ChapterList>, ProblemHttpResult>> (string id, ClaimsPrincipal user, VideoRepository repo,
            CaptionRepository captions, CancellationToken ct) =>
        {
            var video = await repo.FindAsync(id, ct);
            if (video is null || !VideoAccess.CanView(video, user))
            {
                return Problems.NotFound("Video not found.");
            }
            var list = await captions.ChaptersOfAsync(video.Video, ct);
            return TypedResults.Ok(new ChapterList(list.Select(c => new ChapterDto(c.Timecode, c.Title)).ToList()));
        }).AllowSameOriginSession();
        chapters.MapPut("/{id}/chapters", async Task<Results<NoContent, ProblemHttpResult>> (string id, ClaimsPrincipal user, VideoRepository repo,
            CaptionRepository captions, VideoChangeNotifier notifier, [FromBody] ChapterList? body, CancellationToken ct) =>
        {
            var (video, problem) = await ManagedAsync(id, user, repo, ct);
            if (problem is not null)
            {
                return problem;
            }
            if (body?.Chapters is null || body.Chapters.Any(c => c is null))
            {
                return Problems.BadRequest("A body {\"chapters\": [{\"timecode\": seconds, \"title\": \"…\"}]} is required.");
            }
            var list = body.Chapters.Select(c => new Chapter(c.Timecode, c.Title?.Trim() ?? "")).OrderBy(c => c.Timecode).ToList();
            if (Chapters.Validate(list) is { } error)
            {
                return Problems.BadRequest(error);
            }
            await captions.ReplaceChaptersAsync(video!.Video.Id, list, ct);
            await notifier.UpdatedAsync(video.Video.Id, video.Video.Privacy, ct);
            return TypedResults.NoContent();
        }).RequireAuthorization();

        // The WebVTT files, as PeerTube serves them: CORS open (players on other sites and instances), immutable names.
        app.MapMethods(MediaUrls.CaptionsPrefix + "/{name}", GetHead, async Task<IResult> (string name, HttpContext context, ClaimsPrincipal user,
            VideoRepository repo, CaptionRepository captions, VideoFileTokens tokens, CancellationToken ct) =>
        {
            var caption = name.EndsWith(".vtt", StringComparison.Ordinal) ? await captions.FindContentAsync(name, ct) : null;
            var video = caption is null ? null : await repo.FindAsync(caption.VideoId.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
            // A private video's player (whose track requests carry the cookie but no API credentials) adds its file token, as for the media.
            if (caption is null || video is null
                || !(VideoAccess.CanView(video, user) || tokens.IsValid(context.Request.Query["videoFileToken"], video.Video.Uuid)))
            {
                return Problems.NotFound("Caption not found.");
            }
            var headers = context.Response.Headers;
            headers.AccessControlAllowOrigin = "*";
            headers.CacheControl = VideoAccess.IsShared(video.Video.Privacy) ? "public, max-age=31536000, immutable" : "private, no-cache";
            return Results.Text(caption.Content, "text/vtt; charset=utf-8");
        }).AllowSameOriginSession().ExcludeFromDescription();
        return app;
    }

    public static CaptionDto Format(CaptionRow row, string publicUrl)
    {
        var path = row.FileName is not null ? MediaUrls.Caption(row.FileName) : row.RemoteUrl ?? "";
        return new CaptionDto(new CaptionLanguageDto(row.Language, VideoConstants.Languages.GetValueOrDefault(row.Language, row.Language)),
            path, path.StartsWith('/') ? publicUrl + path : path, DateTimeOffset.FromUnixTimeMilliseconds(row.UpdatedAt), false);
    }

    private static async Task<(VideoWithOwners? Video, ProblemHttpResult? Problem)> ManagedAsync(string id, ClaimsPrincipal user, VideoRepository repo, CancellationToken ct)
    {
        var video = await repo.FindAsync(id, ct);
        if (video is null)
        {
            return (null, Problems.NotFound("Video not found."));
        }
        if (!VideoAccess.CanManage(video, user) || !video.Video.IsLocal)
        {
            return (null, Problems.Forbidden("Cannot edit the captions or chapters of a video of another user."));
        }
        return (video, null);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> PutAsync(string id, string language, HttpRequest request, ClaimsPrincipal user,
        VideoRepository repo, CaptionRepository captions, VideoChangeNotifier notifier, CancellationToken ct)
    {
        var (video, problem) = await ManagedAsync(id, user, repo, ct);
        if (problem is not null)
        {
            return problem;
        }
        if (!VideoConstants.Languages.ContainsKey(language))
        {
            return Problems.NotFound($"Language '{language}' is unknown (see /api/v1/videos/languages).");
        }
        if (!request.HasFormContentType)
        {
            return Problems.BadRequest("Send the caption as multipart/form-data in the field 'captionfile'.");
        }
        var form = await request.ReadFormAsync(ct);
        var file = form.Files.GetFile("captionfile");
        if (file is null || file.Length == 0)
        {
            return Problems.BadRequest("The field 'captionfile' with a WebVTT (.vtt) or SubRip (.srt) file is required.");
        }
        if (file.Length > CaptionFile.MaxBytes)
        {
            return Problems.Status(StatusCodes.Status413PayloadTooLarge, $"The caption file is larger than {CaptionFile.MaxBytes / 1024 / 1024} MiB.");
        }
        byte[] bytes;
        await using (var stream = file.OpenReadStream())
        {
            using var buffer = new MemoryStream((int)file.Length);
            await stream.CopyToAsync(buffer, ct);
            bytes = buffer.ToArray();
        }
        ParsedCaption parsed;
        try
        {
            parsed = CaptionFile.Parse(bytes);
        }
        catch (CaptionFormatException ex)
        {
            return Problems.BadRequest("The caption file is not valid: " + ex.Message, "invalid_caption_file");
        }
        var fileName = $"{Guid.NewGuid():D}-{language}.vtt";
        await captions.ReplaceAsync(video!.Video.Id, language, fileName, parsed, ct);
        repo.InvalidateCounts(); // the lessons a search matches changed with the caption
        await notifier.UpdatedAsync(video.Video.Id, video.Video.Privacy, ct);
        return TypedResults.NoContent();
    }
}
