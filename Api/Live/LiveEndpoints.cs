using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Data;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Storage;
using VideoPlatform.Core.Videos;
using VideoPlatform.Transcoder.Live;

namespace VideoPlatform.Api.Live;

/// <summary>PeerTube's <c>replaySettings</c>.</summary>
public sealed record LiveReplaySettings(int Privacy);

/// <summary>The body of <c>POST /api/v1/videos/live</c> (JSON or multipart, PeerTube's names) and of its PUT (the live fields only).</summary>
public sealed record LiveRequest
{
    public long? ChannelId { get; init; }
    public string? Name { get; init; }
    public string? Description { get; init; }
    public string? Support { get; init; }
    public int? Privacy { get; init; }
    public int? Category { get; init; }
    public int? Licence { get; init; }
    public string? Language { get; init; }
    public IReadOnlyList<string>? Tags { get; init; }
    public bool? Nsfw { get; init; }
    public bool? CommentsEnabled { get; init; }
    public int? CommentsPolicy { get; init; }
    public bool? DownloadEnabled { get; init; }
    public bool? PermanentLive { get; init; }
    public bool? SaveReplay { get; init; }
    public LiveReplaySettings? ReplaySettings { get; init; }
    public int? LatencyMode { get; init; }
}

/// <summary>PeerTube's LiveVideo; the URLs and key only for those who manage the live.</summary>
public sealed record LiveVideoDto
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RtmpUrl { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RtmpsUrl { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StreamKey { get; init; }

    public bool SaveReplay { get; init; }
    public LiveReplaySettings? ReplaySettings { get; init; }
    public bool PermanentLive { get; init; }
    public int LatencyMode { get; init; }
}

/// <summary><c>/api/v1/videos/live…</c> as PeerTube's OpenAPI describes them.</summary>
public static class LiveEndpoints
{
    public static IEndpointRouteBuilder MapLiveEndpoints(this IEndpointRouteBuilder app)
    {
        var live = app.MapGroup("/api/v1/videos/live").WithTags("Live Videos");
        live.MapPost("/", CreateAsync).RequireAuthorization().DisableAntiforgery();
        live.MapGet("/{id}", GetAsync);
        live.MapPut("/{id}", UpdateAsync).RequireAuthorization().DisableAntiforgery();
        live.MapGet("/{id}/sessions", SessionsAsync).RequireAuthorization();
        return app;
    }

    private static async Task<LiveRequest> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            string? Text(string key) => form.TryGetValue(key, out var v) && v.Count > 0 ? v.ToString() : null;
            int? Int(string key) => Text(key) is { } t
                ? int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : throw Invalid(key, "an integer") : null;
            bool? Bool(string key) => Text(key) is { } t ? bool.TryParse(t, out var b) ? b : throw Invalid(key, "true or false") : null;
            var tags = form.TryGetValue("tags[]", out var t1) ? t1 : form.TryGetValue("tags", out var t2) ? t2 : default;
            return new LiveRequest
            {
                ChannelId = Int("channelId"),
                Name = Text("name"),
                Description = Text("description"),
                Support = Text("support"),
                Privacy = Int("privacy"),
                Category = Int("category"),
                Licence = Int("licence"),
                Language = Text("language"),
                Tags = tags.Count > 0 ? tags.Where(x => x is not null).Select(x => x!).ToList() : null,
                Nsfw = Bool("nsfw"),
                CommentsEnabled = Bool("commentsEnabled"),
                CommentsPolicy = Int("commentsPolicy"),
                DownloadEnabled = Bool("downloadEnabled"),
                PermanentLive = Bool("permanentLive"),
                SaveReplay = Bool("saveReplay"),
                ReplaySettings = Int("replaySettings[privacy]") is { } p ? new LiveReplaySettings(p) : null,
                LatencyMode = Int("latencyMode"),
            };
        }
        try
        {
            return await request.ReadFromJsonAsync<LiveRequest>(ct) ?? throw Invalid("body", "a JSON object");
        }
        catch (JsonException e)
        {
            throw new BadHttpRequestException("The body is not valid JSON for a live: " + e.Message, StatusCodes.Status400BadRequest);
        }
    }

    private static BadHttpRequestException Invalid(string key, string expected) => new($"{key} must be {expected}.", StatusCodes.Status400BadRequest);

    /// <summary>Rules of the live fields; null when valid.</summary>
    public static string? ValidateLiveFields(LiveRequest body, LiveOptions options)
    {
        if (body.LatencyMode is { } mode && mode is < 1 or > 3)
        {
            return "latencyMode must be 1 (default), 2 (high latency) or 3 (small latency).";
        }
        if (body.ReplaySettings is { } replay && !Enum.IsDefined((VideoPrivacy)replay.Privacy))
        {
            return "replaySettings.privacy must be a video privacy (1 to 5).";
        }
        if (body.SaveReplay == true && !options.AllowReplay)
        {
            return "Saving live replay is not enabled on this instance.";
        }
        return null;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, ClaimsPrincipal user, LiveCreation creation, CancellationToken ct)
    {
        if (!(await creation.CurrentAsync(ct)).Enabled)
        {
            return Problems.Forbidden("Live is not enabled on this instance.");
        }
        var body = await ReadAsync(request, ct);
        var result = await creation.CreateAsync(body, user.UserId()!.Value, ct);
        return result.Refusal switch
        {
            null => (IResult)TypedResults.Ok(new { video = new { id = result.Id, uuid = result.Uuid, shortUUID = result.ShortUuid } }),
            LiveCreationRefusal.Invalid or LiveCreationRefusal.UnknownChannel => Problems.BadRequest(result.Message!),
            _ => Problems.Forbidden(result.Message!),
        };
    }

    private static async Task<(VideoWithOwners? Video, LiveRow? Live)> FindAsync(string id, VideoRepository videos, LiveRepository lives, CancellationToken ct)
    {
        var video = await videos.FindAsync(id, ct);
        if (video is null || !video.Video.IsLive || !video.Video.IsLocal)
        {
            return (null, null);
        }
        return (video, await lives.FindAsync(video.Video.Id, ct));
    }

    private static async Task<IResult> GetAsync(string id, ClaimsPrincipal user, VideoRepository videos, LiveRepository lives, IOptions<LiveOptions> options,
        IOptions<InstanceOptions> instance, IServiceProvider services, CancellationToken ct)
    {
        var (video, live) = await FindAsync(id, videos, lives, ct);
        if (video is null || live is null || !VideoAccess.CanView(video, user))
        {
            return Problems.NotFound("Live video not found.");
        }
        var manage = VideoAccess.CanManage(video, user);
        return TypedResults.Ok(new LiveVideoDto
        {
            RtmpUrl = manage ? LiveModule.RtmpUrl(options.Value, instance.Value, services.GetService<RtmpIngest>()) : null,
            RtmpsUrl = manage ? options.Value.RtmpsUrl : null,
            StreamKey = manage ? live.StreamKey : null,
            SaveReplay = live.SaveReplay,
            ReplaySettings = live.ReplayPrivacy is { } p ? new LiveReplaySettings((int)p) : null,
            PermanentLive = live.PermanentLive,
            LatencyMode = live.LatencyMode,
        });
    }

    private static async Task<IResult> UpdateAsync(string id, HttpRequest request, ClaimsPrincipal user, VideoRepository videos, LiveRepository lives,
        LiveSettings liveSettings, CancellationToken ct)
    {
        var o = await liveSettings.CurrentAsync(ct);
        var (video, live) = await FindAsync(id, videos, lives, ct);
        if (video is null || live is null || !VideoAccess.CanView(video, user))
        {
            return Problems.NotFound("Live video not found.");
        }
        if (!VideoAccess.CanManage(video, user))
        {
            return Problems.Forbidden("Only the owner of this live can change it.");
        }
        var body = await ReadAsync(request, ct);
        if (ValidateLiveFields(body, o) is { } invalid)
        {
            return body.SaveReplay == true && !o.AllowReplay ? Problems.Forbidden(invalid) : Problems.BadRequest(invalid);
        }
        if (video.Video.State == VideoState.LiveEnded && !live.PermanentLive)
        {
            return Problems.BadRequest("This live has ended and can no longer be changed.");
        }
        var saveReplay = body.SaveReplay ?? live.SaveReplay;
        var replayPrivacy = saveReplay ? body.ReplaySettings is { } r ? (VideoPrivacy)r.Privacy : live.ReplayPrivacy ?? video.Video.Privacy : (VideoPrivacy?)null;
        await lives.UpdateAsync(live.VideoId, body.PermanentLive ?? live.PermanentLive, saveReplay, replayPrivacy, body.LatencyMode ?? live.LatencyMode, ct);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> SessionsAsync(string id, ClaimsPrincipal user, VideoRepository videos, LiveRepository lives, CancellationToken ct)
    {
        var (video, live) = await FindAsync(id, videos, lives, ct);
        if (video is null || live is null || !VideoAccess.CanView(video, user))
        {
            return Problems.NotFound("Live video not found.");
        }
        if (!VideoAccess.CanManage(video, user))
        {
            return Problems.Forbidden("Only the owner of this live can list its sessions.");
        }
        var sessions = await lives.SessionsAsync(live.VideoId, ct);
        var data = new List<object>();
        foreach (var s in sessions)
        {
            var replay = s.ReplayVideoId is { } rid ? await videos.FindAsync(rid.ToString(CultureInfo.InvariantCulture), ct) : null;
            data.Add(new
            {
                id = s.Id,
                startDate = DateTimeOffset.FromUnixTimeMilliseconds(s.StartedAt),
                endDate = s.EndedAt is { } e ? DateTimeOffset.FromUnixTimeMilliseconds(e) : (DateTimeOffset?)null,
                error = s.Error,
                saveReplay = s.SaveReplay,
                endingProcessed = s.EndedAt is not null,
                replaySettings = s.ReplayPrivacy is { } p ? new LiveReplaySettings((int)p) : null,
                replayVideo = replay is null ? null : new { id = replay.Video.Id, uuid = replay.Video.Uuid, shortUUID = replay.Video.ShortUuid },
            });
        }
        return TypedResults.Ok(new { total = data.Count, data });
    }
}
