using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Federation.Playlists;

namespace VideoPlatform.Api.Federation;

/// <summary>
/// PeerTube's playlist URLs for other instances: <c>/video-playlists/{uuid}</c> (the Playlist, paged with <c>?page=N</c>)
/// and <c>/video-playlists/{uuid}/videos/{elementId}</c> (a PlaylistElement), as activity+json. Browsers asking for
/// HTML at the playlist's URL get the playlist page (Web's route).
/// </summary>
public static class PlaylistActivityPubEndpoints
{
    public static IEndpointRouteBuilder MapPlaylistActivityPub(this IEndpointRouteBuilder app)
    {
        app.MapGet("/video-playlists/{uuid}", async (string uuid, int? page, HttpContext http, PlaylistRepository playlists, LocalPlaylistObjects objects,
            CancellationToken ct) =>
        {
            if (!ActivityPubEndpoints.WantsActivityJson(http.Request))
            {
                return NotActivityJson();
            }
            var item = await playlists.FindAsync(uuid, ct);
            return item is null || !LocalPlaylistObjects.Serves(item.Playlist)
                ? Hosting.Problems.NotFound("Video playlist not found.")
                : ActivityPubEndpoints.Json(await objects.BuildAsync(item, page, ct));
        });
        app.MapGet("/video-playlists/{uuid}/videos/{elementId:long}", async (string uuid, long elementId, HttpContext http, PlaylistRepository playlists,
            LocalPlaylistObjects objects, CancellationToken ct) =>
        {
            if (!ActivityPubEndpoints.WantsActivityJson(http.Request))
            {
                return NotActivityJson();
            }
            var item = await playlists.FindAsync(uuid, ct);
            var element = item is null || !LocalPlaylistObjects.Serves(item.Playlist) ? null : await objects.BuildElementAsync(item, elementId, ct);
            return element is null ? Hosting.Problems.NotFound("Video playlist element not found.") : ActivityPubEndpoints.Json(element);
        });
        return app;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotActivityJson() =>
        Hosting.Problems.Status(StatusCodes.Status406NotAcceptable, "This URL serves ActivityPub JSON: ask for Accept: application/activity+json.");
}
