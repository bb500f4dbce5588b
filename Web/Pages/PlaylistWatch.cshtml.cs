using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Playlists;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Web.Pages;

/// <summary>The watch page in playlist mode (PeerTube's <c>/w/p/{id}?playlistPosition=</c>): a course sequence, lesson by lesson.</summary>
public sealed class PlaylistWatchModel(PlaylistRepository playlists, IPlaylistReadListener reads, ActorRepository actors, VideoRepository videos, CaptionRepository captions,
    IWebMedia media, IOptions<WebOptions> options, IOptions<InstanceOptions> instance, VideoPasswordRepository passwords, BlocklistRepository blocklists, LiveRepository lives)
    : PlaylistPageBase(playlists, reads, actors, videos, captions, media, options, instance, passwords, blocklists, lives)
{
    public Task<IActionResult> OnGetAsync(string id, int? playlistPosition, CancellationToken ct) => LoadPlaylistAsync(id, playlistPosition, ct);
}
