using System.Globalization;
using VideoPlatform.Api.Auth;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Core.Storage;

namespace VideoPlatform.Api.Media;

/// <summary>The body of <c>POST /api/v1/server/storage-moves</c>.</summary>
public sealed record StorageMoveRequest(string? To, IReadOnlyList<string>? Videos, bool AllVideos);

/// <summary>
/// The administrator's move of existing videos between the local disk and object storage (PeerTube's
/// <c>create-move-video-storage-job --to-object-storage|--to-file-system</c> script, as an API): queues one
/// <c>move-to-object-storage</c> or <c>move-to-file-system</c> job per published local video named (by id, uuid or
/// short uuid) or, with <c>allVideos</c>, per video not there yet. Answers 202 with the videos queued.
/// </summary>
public static class StorageMoveEndpoints
{
    public const string ToObjectStorage = "object-storage";
    public const string ToFileSystem = "file-system";

    public static IEndpointRouteBuilder MapStorageMoves(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/server/storage-moves", MoveAsync).RequireAuthorization(Policies.Admin).WithTags("Server");
        return app;
    }

    private static async Task<IResult> MoveAsync(StorageMoveRequest? request, VideoRepository videos, VideoMediaRepository media, ObjectStore objects,
        JobQueue queue, CancellationToken ct)
    {
        FileStorage to;
        switch (request?.To)
        {
            case ToObjectStorage:
                to = FileStorage.ObjectStorage;
                break;
            case ToFileSystem:
                to = FileStorage.FileSystem;
                break;
            default:
                return Problems.BadRequest($"'to' must be '{ToObjectStorage}' or '{ToFileSystem}'.");
        }
        if (to == FileStorage.ObjectStorage && !objects.Enabled)
        {
            return Problems.Conflict("Object storage is not enabled on this instance (ObjectStorage:Enabled).");
        }
        if (request.AllVideos == (request.Videos is { Count: > 0 }))
        {
            return Problems.BadRequest("Name the videos to move in 'videos', or set 'allVideos' to true (not both).");
        }
        var ids = new List<long>();
        if (request.AllVideos)
        {
            ids.AddRange(await media.PublishedVideosInStorageAsync(to == FileStorage.ObjectStorage ? FileStorage.FileSystem : FileStorage.ObjectStorage, ct));
        }
        else
        {
            foreach (var id in request.Videos!.Distinct(StringComparer.Ordinal))
            {
                var video = await videos.FindAsync(id, ct);
                if (video is null || !video.Video.IsLocal)
                {
                    return Problems.NotFound($"Local video '{id}' not found.");
                }
                if (video.Video.State != VideoState.Published)
                {
                    return Problems.Conflict($"Video '{id}' is not published yet: its media moves once it is.");
                }
                ids.Add(video.Video.Id);
            }
        }
        // Recorded first: the automatic moves that follow publications and re-keys respect it.
        await media.SetWantedStorageAsync(ids, to, ct);
        foreach (var id in ids)
        {
            if (to == FileStorage.ObjectStorage)
            {
                await MoveToObjectStorageJob.EnqueueAsync(queue, id, ct);
            }
            else
            {
                await queue.EnqueueAsync(new MoveToFileSystemJob(id), StorageMoves.Options(id), ct);
            }
        }
        return TypedResults.Accepted((string?)null, new { to = request.To, total = ids.Count, videos = ids.Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList() });
    }
}
