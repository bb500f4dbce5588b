using Microsoft.AspNetCore.Authentication;
using VideoPlatform.Transcoder.Jobs;
using System.Security.Claims;
using VideoPlatform.Api.Videos;
using VideoPlatform.Api.Accounts;
using VideoPlatform.Api.Auth;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Videos;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Storage;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Api.Media;

/// <summary>The media URLs of DESIGN.md, served from the media store; plus the file token and job progress of a video.</summary>
public static class MediaEndpoints
{
    private static readonly string[] GetHead = [HttpMethods.Get, HttpMethods.Head];

    public static IEndpointRouteBuilder MapMediaFiles(this IEndpointRouteBuilder app)
    {
        app.MapMethods(MediaUrls.HlsPrefix + "/{video}/{file}", GetHead, (HttpContext context, string video, string file, MediaStore store, ObjectStore objects) =>
            !Guid.TryParse(video, out _) || !IsSafe(file)
                ? Problems.NotFound("File not found.").ExecuteAsync(context)
                // A live's playlists and hash file change as segments appear (and stay on the local disk): never cached as immutable.
                : Transcoder.Live.LiveLadder.IsMutableName(file)
                    ? FileResponder.ServeAsync(context, Path.Combine(store.HlsFolder(video, isPrivate: false), file), MediaCache.Private)
                    : ServePublicAsync(context, store, Path.Combine(store.HlsFolder(video, isPrivate: false), file), objects, ObjectKind.StreamingPlaylist,
                        ObjectStore.VideoKey(video, file, isPrivate: false)))
            .ExcludeFromDescription();

        app.MapMethods(MediaUrls.PrivateHlsPrefix + "/{video}/{file}", GetHead, ServePrivateAsync).ExcludeFromDescription();

        // Web videos and the source listed as one, by file name as PeerTube serves them; same Range/ETag/cache rules as HLS.
        app.MapMethods(MediaUrls.WebVideosPrefix + "/{name}", GetHead, (HttpContext context, string name, ClaimsPrincipal user, VideoRepository repo,
            VideoFileTokens tokens, MediaStore store, ObjectStore objects) => ServeWebVideoAsync(context, name, WebVideoRoute.Public, user, repo, tokens, store, objects))
            .ExcludeFromDescription();
        app.MapMethods(MediaUrls.PrivateWebVideosPrefix + "/{name}", GetHead, (HttpContext context, string name, ClaimsPrincipal user, VideoRepository repo,
            VideoFileTokens tokens, MediaStore store, ObjectStore objects) => ServeWebVideoAsync(context, name, WebVideoRoute.Private, user, repo, tokens, store, objects))
            .ExcludeFromDescription();
        app.MapMethods("/download/web-videos/{name}", GetHead, (HttpContext context, string name, ClaimsPrincipal user, VideoRepository repo,
            VideoFileTokens tokens, MediaStore store, ObjectStore objects) => ServeWebVideoAsync(context, name, WebVideoRoute.Download, user, repo, tokens, store, objects))
            .ExcludeFromDescription();

        app.MapMethods(MediaUrls.ThumbnailsPrefix + "/{name}", GetHead, (HttpContext context, string name, MediaStore store, RestrictedImages restricted,
            VideoRepository repo, VideoFileTokens tokens) => ServeImageAsync(context, name, preview: false, store, restricted, repo, tokens)).ExcludeFromDescription();
        app.MapMethods(MediaUrls.PreviewsPrefix + "/{name}", GetHead, (HttpContext context, string name, MediaStore store, RestrictedImages restricted,
            VideoRepository repo, VideoFileTokens tokens) => ServeImageAsync(context, name, preview: true, store, restricted, repo, tokens)).ExcludeFromDescription();
        app.MapMethods(MediaUrls.TorrentsPrefix + "/{name}", GetHead, (HttpContext context, string name, MediaStore store, TorrentRepository torrents) =>
            ServeTorrentAsync(context, name, store, torrents, attachment: false)).ExcludeFromDescription();
        app.MapMethods("/download/torrents/{name}", GetHead, (HttpContext context, string name, MediaStore store, TorrentRepository torrents) =>
            ServeTorrentAsync(context, name, store, torrents, attachment: true)).ExcludeFromDescription();
        return app;
    }

    /// <summary>ffprobe's JSON with <c>format.filename</c> set to the file's name (not the signed URL it read); null stays null.</summary>
    private static string? NameFile(string? json, string fileName)
    {
        if (json is null || System.Text.Json.Nodes.JsonNode.Parse(json) is not System.Text.Json.Nodes.JsonObject root)
        {
            return json;
        }
        if (root["format"] is System.Text.Json.Nodes.JsonObject format)
        {
            format["filename"] = fileName;
        }
        return root.ToJsonString();
    }

    public static IEndpointRouteBuilder MapMediaApi(this IEndpointRouteBuilder app)
    {
        var videos = app.MapGroup("/api/v1/videos").WithTags("Video");
        // PeerTube's video file token: lets a player fetch a private video's files with ?videoFileToken=; for a
        // password-protected video, anyone giving its password (x-peertube-video-password) gets one, as in PeerTube.
        videos.MapPost("/{id}/token", async (string id, HttpRequest request, ClaimsPrincipal user, VideoRepository repo, VideoFileTokens tokens,
            VideoPasswordRepository passwords, CancellationToken ct) =>
        {
            var video = await repo.FindAsync(id, ct);
            if (video is null)
            {
                return Problems.NotFound("Video not found.");
            }
            if (VideoAccess.NeedsPassword(video, user))
            {
                if (await VideoAudienceEndpoints.RefusalAsync(video, user, request, passwords, ct) is { } refusal)
                {
                    return refusal;
                }
            }
            else if (user.Identity?.IsAuthenticated != true)
            {
                return Problems.Unauthorized();
            }
            else if (!VideoAccess.CanView(video, user))
            {
                return Problems.Forbidden("Cannot get a file token for this video.");
            }
            var (token, expires) = tokens.Issue(video.Video.Uuid);
            return Results.Ok(new { files = new { token, expires } });
        }).AllowAnonymous();

        // PeerTube's file metadata: ffprobe's JSON of one of the video's files, for those who may view the video.
        videos.MapGet("/{id}/metadata/{fileId:long}", async (string id, long fileId, ClaimsPrincipal user, VideoRepository repo, MediaStore store,
            ObjectStore objects, TimeProvider clock, Transcoder.Probing.MediaProber prober, CancellationToken ct) =>
        {
            var video = await repo.FindAsync(id, ct);
            if (video is null || !VideoAccess.CanView(video, user))
            {
                return Problems.NotFound("Video not found.");
            }
            var file = await repo.FindFileAsync(video.Video.Id, fileId, ct);
            if (file?.FileName is null || file.RemoteFileUrl is not null)
            {
                return Problems.NotFound("Video file not found.");
            }
            var isPrivate = MediaStore.IsPrivateMedia(video.Video.Privacy);
            string? source;
            if (file.Storage == FileStorage.ObjectStorage)
            {
                // ffprobe reads the object through a short-lived signed URL (it reads the header and a few packets, with ranges).
                var key = ObjectStore.VideoKey(video.Video.Uuid, file.FileName, isPrivate);
                var kind = VideoMediaFiles.KindOf(file.Kind);
                source = await objects.HeadAsync(kind, key, ct) is null ? null : objects.PresignedGetUrl(kind, key, clock.GetUtcNow().AddMinutes(5));
            }
            else
            {
                var path = store.VideoFilePath(video.Video.Uuid, isPrivate, file.Kind, file.FileName);
                source = store.Exists(path) ? path : null;
            }
            if (source is null)
            {
                return Problems.NotFound("Video file not found.");
            }
            string? json;
            try
            {
                json = await prober.ProbeJsonAsync(source, ct);
            }
            catch (Transcoder.Probing.ProbeUnavailableException)
            {
                // Not the file's fault (ffprobe missing, killed, out of time): logged by the prober; the same request will do later.
                return new RateLimits.RetryAfterResult(Problems.Status(StatusCodes.Status503ServiceUnavailable,
                    "The server could not read this file's metadata right now: retry in a moment.", "probe_unavailable"), Transcoder.Probing.ProbeUnavailableException.RetryAfter);
            }
            return json is null
                ? Problems.Status(StatusCodes.Status422UnprocessableEntity, "This file's metadata cannot be read: ffprobe does not recognise it as media.", "unreadable_media")
                : Results.Text(file.Storage == FileStorage.ObjectStorage ? NameFile(json, file.FileName) : json, "application/json");
        });

        // Our extension: the transcode jobs of a video with their progress, for its owner (and moderators).
        videos.MapGet("/{id}/jobs", async (string id, ClaimsPrincipal user, VideoRepository repo, VideoMediaRepository media, CancellationToken ct) =>
        {
            var video = await repo.FindAsync(id, ct);
            if (video is null)
            {
                return Problems.NotFound("Video not found.");
            }
            if (!VideoAccess.CanManage(video, user))
            {
                return Problems.Forbidden("Only the owner of this video can see its jobs.");
            }
            var jobs = await media.JobsAsync(TranscodeJob.OrderingKey(video.Video.Id), ct);
            var data = jobs.Select(j => new
            {
                id = j.Id,
                type = j.Type,
                state = j.State switch
                {
                    Core.Jobs.JobState.Pending => "waiting",
                    Core.Jobs.JobState.Running => "active",
                    Core.Jobs.JobState.Completed => "completed",
                    _ => "failed",
                },
                progress = j.Progress ?? 0,
                attempts = j.Attempts,
                maxAttempts = j.MaxAttempts,
                error = j.LastError,
                createdAt = DateTimeOffset.FromUnixTimeMilliseconds(j.CreatedAt),
                updatedAt = DateTimeOffset.FromUnixTimeMilliseconds(j.UpdatedAt),
                finishedAt = j.FinishedAt is { } f ? DateTimeOffset.FromUnixTimeMilliseconds(f) : (DateTimeOffset?)null,
            }).ToList();
            return Results.Ok(new { total = data.Count, data });
        }).RequireAuthorization();
        return app;
    }

    private static async Task ServePrivateAsync(HttpContext context, string video, string file, ClaimsPrincipal user, VideoRepository repo,
        VideoFileTokens tokens, MediaStore store, ObjectStore objects)
    {
        if (!Guid.TryParse(video, out _) || !IsSafe(file))
        {
            await Problems.NotFound("File not found.").ExecuteAsync(context);
            return;
        }
        var allowed = tokens.IsValid(context.Request.Query["videoFileToken"], video);
        if (!allowed)
        {
            var found = await repo.FindAsync(video, context.RequestAborted);
            allowed = found is not null && MediaStore.IsPrivateMedia(found.Video.Privacy) && VideoAccess.CanView(found, user);
        }
        if (!allowed)
        {
            await (user.Identity?.IsAuthenticated == true
                ? Problems.Forbidden("Cannot access this private video file.")
                : Problems.Unauthorized("A videoFileToken or authentication is required for this private video file.")).ExecuteAsync(context);
            return;
        }
        var path = Path.Combine(store.HlsFolder(video, isPrivate: true), file);
        // In object storage, under the private folder: streamed from the bucket to the authorised client.
        await (!store.Exists(path) && objects.Enabled
            ? FileResponder.ServeObjectAsync(context, objects, ObjectKind.StreamingPlaylist, ObjectStore.VideoKey(video, file, isPrivate: true), MediaCache.Private)
            : FileResponder.ServeAsync(context, path, MediaCache.Private));
    }

    /// <summary>
    /// A public file from the local disk; once it moved to object storage, a redirect to its bucket (or CDN) URL, so that
    /// URLs handed out before the move keep working.
    /// </summary>
    private static Task ServePublicAsync(HttpContext context, MediaStore store, string path, ObjectStore objects, ObjectKind kind, string key,
        string? attachmentName = null)
    {
        if (!store.Exists(path) && objects.Enabled)
        {
            context.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.Redirect(objects.PublicUrl(kind, key)).ExecuteAsync(context);
        }
        return FileResponder.ServeAsync(context, path, MediaCache.PublicImmutable, attachmentName);
    }

    private enum WebVideoRoute
    {
        Public,
        Private,
        Download,
    }

    private static async Task ServeWebVideoAsync(HttpContext context, string name, WebVideoRoute route, ClaimsPrincipal user, VideoRepository repo,
        VideoFileTokens tokens, MediaStore store, ObjectStore objects)
    {
        var file = IsSafe(name) ? await repo.FindWebFileAsync(name, context.RequestAborted) : null;
        var video = file is null ? null : await repo.FindAsync(file.VideoId.ToString(System.Globalization.CultureInfo.InvariantCulture), context.RequestAborted);
        if (file is null || video is null || !video.Video.IsLocal)
        {
            await Problems.NotFound("File not found.").ExecuteAsync(context);
            return;
        }
        var isPrivate = MediaStore.IsPrivateMedia(video.Video.Privacy);
        // A file is found only under the prefix its video's privacy gives it, as the HLS trees.
        if ((route == WebVideoRoute.Public && isPrivate) || (route == WebVideoRoute.Private && !isPrivate))
        {
            await Problems.NotFound("File not found.").ExecuteAsync(context);
            return;
        }
        if (route != WebVideoRoute.Public && !tokens.IsValid(context.Request.Query["videoFileToken"], video.Video.Uuid) && !VideoAccess.CanView(video, user))
        {
            await (user.Identity?.IsAuthenticated == true
                ? Problems.Forbidden("Cannot access this video file.")
                : Problems.Unauthorized("A videoFileToken or authentication is required for this video file.")).ExecuteAsync(context);
            return;
        }
        if (route == WebVideoRoute.Download && !video.Video.DownloadEnabled && !VideoAccess.CanManage(video, user))
        {
            await Problems.Forbidden("Download of this video is disabled.").ExecuteAsync(context);
            return;
        }
        var path = store.VideoFilePath(video.Video.Uuid, isPrivate, file.Kind, name);
        if (file.Storage == FileStorage.ObjectStorage && !store.Exists(path) && objects.Enabled)
        {
            var key = ObjectStore.VideoKey(video.Video.Uuid, name, isPrivate);
            // A public web video is at its bucket URL; a private one, or a download (named attachment), is streamed from the bucket.
            await (route == WebVideoRoute.Public
                ? ServePublicAsync(context, store, path, objects, ObjectKind.WebVideo, key)
                : FileResponder.ServeObjectAsync(context, objects, ObjectKind.WebVideo, key, isPrivate ? MediaCache.Private : MediaCache.PublicImmutable,
                    route == WebVideoRoute.Download ? name : null));
            return;
        }
        await FileResponder.ServeAsync(context, path, isPrivate ? MediaCache.Private : MediaCache.PublicImmutable,
            route == WebVideoRoute.Download ? name : null);
    }

    /// <summary>
    /// Only torrents of public and unlisted videos are served: a private video has none, and the file of a torrent it
    /// had while it was shared is not found (it is deleted by the re-key, and refused here until then).
    /// </summary>
    private static async Task ServeTorrentAsync(HttpContext context, string name, MediaStore store, TorrentRepository torrents, bool attachment)
    {
        if (!IsSafe(name) || !await torrents.IsServedTorrentAsync(name, context.RequestAborted))
        {
            await Problems.NotFound("Torrent not found.").ExecuteAsync(context);
            return;
        }
        await Serve(context, name, store.TorrentPath, attachment);
    }

    /// <summary>
    /// A thumbnail or preview. As PeerTube, the images of videos are public (a password-protected video is listed with a
    /// lock and its thumbnail), except those of a class video: served only to whoever may watch it (an API token, the
    /// pages' session cookie, which is all an <c>img</c> element sends, or a file token), never stored by shared caches;
    /// anyone else is told the file does not exist. Which images are a class video's is known in memory
    /// (<see cref="RestrictedImages"/>): a page of cards costs no query per image.
    /// </summary>
    private static async Task ServeImageAsync(HttpContext context, string name, bool preview, MediaStore store, RestrictedImages restricted,
        VideoRepository repo, VideoFileTokens tokens)
    {
        if (!IsSafe(name))
        {
            await Problems.NotFound("File not found.").ExecuteAsync(context);
            return;
        }
        var path = preview ? store.PreviewPath(name) : store.ThumbnailPath(name);
        if (await restricted.OwnerAsync(name, preview, context.RequestAborted) is not { } videoId)
        {
            await FileResponder.ServeAsync(context, path, MediaCache.PublicImmutable);
            return;
        }
        var video = await repo.FindAsync(videoId.ToString(System.Globalization.CultureInfo.InvariantCulture), context.RequestAborted);
        if (video is null || !(tokens.IsValid(context.Request.Query["videoFileToken"], video.Video.Uuid) || VideoAccess.CanView(video, await ViewerAsync(context))))
        {
            await Problems.NotFound("File not found.").ExecuteAsync(context);
            return;
        }
        await FileResponder.ServeAsync(context, path, MediaCache.Private);
    }

    /// <summary>The API's user (bearer token), else the pages' signed-in user from the session cookie, else anonymous.</summary>
    private static async Task<ClaimsPrincipal> ViewerAsync(HttpContext context)
    {
        if (context.User.Identity?.IsAuthenticated == true)
        {
            return context.User;
        }
        var session = await context.AuthenticateAsync(WebSessionHandler.SchemeName);
        return session.Succeeded ? session.Principal : context.User;
    }

    private static Task Serve(HttpContext context, string name, Func<string, string> pathOf, bool attachment = false) =>
        IsSafe(name)
            ? FileResponder.ServeAsync(context, pathOf(name), MediaCache.PublicImmutable, attachment ? name : null)
            : Problems.NotFound("File not found.").ExecuteAsync(context);

    /// <summary>Names come from URLs: anything that could leave its folder is simply not found.</summary>
    internal static bool IsSafe(string name)
    {
        try
        {
            MediaStore.SafeName(name);
            return !name.StartsWith('.');
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
