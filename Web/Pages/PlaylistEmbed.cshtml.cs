using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Playlists;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Web.Pages;

/// <summary>A playlist in an iframe (PeerTube's <c>/video-playlists/embed/{id}</c>): the player and the sequence, for ENTs and Moodle.</summary>
public sealed class PlaylistEmbedModel(PlaylistRepository playlists, IPlaylistReadListener reads, ActorRepository actors, VideoRepository videos, CaptionRepository captions,
    IWebMedia media, IOptions<WebOptions> options, IOptions<InstanceOptions> instance, VideoPasswordRepository passwords, BlocklistRepository blocklists, LiveRepository lives)
    : PlaylistPageBase(playlists, reads, actors, videos, captions, media, options, instance, passwords, blocklists, lives)
{
    public Task<IActionResult> OnGetAsync(string id, int? playlistPosition, CancellationToken ct) => LoadPlaylistAsync(id, playlistPosition, ct);
}
