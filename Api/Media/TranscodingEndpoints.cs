using VideoPlatform.Api.Auth;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Core.Storage;
using VideoPlatform.Transcoder.Jobs;

namespace VideoPlatform.Api.Media;

/// <summary>The body of <c>POST /api/v1/videos/{id}/transcoding</c> (PeerTube's <c>VideoTranscodingCreate</c>).</summary>
public sealed record TranscodingCreateRequest(string? TranscodingType, bool? ForceTranscoding);

/// <summary>
/// PeerTube's <c>POST /api/v1/videos/{id}/transcoding</c> (administrators): transcodes a published local video again from
/// its kept original, wherever it lives (the disk, or the originals' bucket: <see cref="VideoOriginals"/>). The video goes
/// back to state 2 and the <c>transcode</c> job is queued in one transaction; the in-process worker or a remote runner
/// takes it, and the publication replaces the media as after an upload. Our transcode is the single-decode ladder, so
/// <c>hls</c> and <c>web-video</c> (or the older <c>webtorrent</c>) both make the whole ladder, web videos included when
/// <c>Transcoding:WebVideos</c> is on. Answers 204.
/// </summary>
public static class TranscodingEndpoints
{
    private static readonly string[] TranscodingTypes = ["hls", "web-video", "webtorrent"];

    public static IEndpointRouteBuilder MapTranscodingApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/videos/{id}/transcoding", CreateAsync).RequireAuthorization(Policies.Admin).WithTags("Video Transcoding");
        return app;
    }

    private static async Task<IResult> CreateAsync(string id, TranscodingCreateRequest? request, VideoRepository videos, VideoMediaRepository media,
        VideoOriginals originals, JobQueue queue, CancellationToken ct)
    {
        if (request?.TranscodingType is not { } type || !TranscodingTypes.Contains(type, StringComparer.Ordinal))
        {
            return Problems.BadRequest("transcodingType must be 'hls' or 'web-video'.");
        }
        var found = await videos.FindAsync(id, ct);
        if (found is null)
        {
            return Problems.NotFound("Video not found.");
        }
        var video = found.Video;
        if (!video.IsLocal)
        {
            return Problems.BadRequest("Only a video of this academy can be transcoded here.");
        }
        if (video.IsLive)
        {
            return Problems.BadRequest("A live video cannot be transcoded.");
        }
        if (video.State != VideoState.Published)
        {
            return Problems.Conflict("Cannot run a transcoding job: the video is not published (it may be transcoding already).");
        }
        if (await originals.FindAsync(video, ct) is null)
        {
            return Problems.Conflict("The original upload of this video is not kept: it cannot be transcoded again.");
        }
        var requested = await media.RequestTranscodeAsync(video.Id, (c, t) => queue.EnqueueAsync(c, t, new TranscodeJob(video.Id),
            new EnqueueOptions { OrderingKey = TranscodeJob.OrderingKey(video.Id), MaxAttempts = 5 }), ct);
        if (!requested)
        {
            return Problems.Conflict("Cannot run a transcoding job: the video changed meanwhile (it may be transcoding already).");
        }
        queue.Signal();
        return TypedResults.NoContent();
    }
}
