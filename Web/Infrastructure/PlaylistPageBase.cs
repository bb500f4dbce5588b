using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Playlists;

namespace VideoPlatform.Web.Infrastructure;

/// <summary>An element of a playlist as a viewer sees it: its video only when <see cref="Type"/> is regular.</summary>
public sealed record PlaylistItem(PlaylistElementRow Element, VideoWithOwners? Video, PlaylistElementType Type)
{
    public bool Playable => Type == PlaylistElementType.Regular;

    /// <summary>The first <see cref="PlaylistPageBase.MaxElements"/> elements of a playlist, in order, as <paramref name="user"/> may see them.</summary>
    public static async Task<IReadOnlyList<PlaylistItem>> ListAsync(PlaylistRepository playlists, VideoRepository videos, long playlistId, ClaimsPrincipal user,
        CancellationToken ct)
    {
        var (_, elements) = await playlists.ListElementsAsync(playlistId, 0, PlaylistPageBase.MaxElements, ct);
        var byId = (await videos.FindManyAsync(elements.Select(e => e.VideoId).OfType<long>().Distinct().ToArray(), ct)).ToDictionary(v => v.Video.Id);
        return elements.Select(e =>
        {
            var video = e.VideoId is { } videoId ? byId.GetValueOrDefault(videoId) : null;
            return new PlaylistItem(e, video, PlaylistRules.ElementType(video, user));
        }).ToList();
    }
}

/// <summary>
/// Shared by the playlist watch page (<c>/w/p/{id}</c>) and the playlist embed: finds the playlist, applies its privacy,
/// lists its elements as the viewer may see them, and loads the player of the element at <c>?playlistPosition=</c>
/// (PeerTube's parameter, from 1), starting at the element's start time. A stale remote playlist is shown as it is, and
/// its refresh queued (<see cref="IPlaylistReadListener"/>).
/// </summary>
public abstract class PlaylistPageBase(PlaylistRepository playlists, IPlaylistReadListener reads, ActorRepository actors, VideoRepository videos,
    CaptionRepository captions, IWebMedia media, IOptions<WebOptions> options, IOptions<InstanceOptions> instance, VideoPasswordRepository passwords,
    BlocklistRepository blocklists, LiveRepository lives)
    : VideoPageBase(videos, captions, media, options, instance, passwords, blocklists, lives)
{
    /// <summary>A sequence is a course: a few dozen lessons at most are shown.</summary>
    public const int MaxElements = 200;

    public PlaylistWithOwners Playlist { get; private set; } = null!;
    public IReadOnlyList<PlaylistItem> Items { get; private set; } = [];

    /// <summary>The position shown (1-based); 0 when the playlist is empty.</summary>
    public int Position { get; private set; }

    public PlaylistItem? Current => Position >= 1 && Position <= Items.Count ? Items[Position - 1] : null;
    public int? PreviousPosition => Enumerable.Range(1, Math.Max(0, Position - 1)).Reverse().Cast<int?>().FirstOrDefault(p => Items[p!.Value - 1].Playable);
    public int? NextPosition => Enumerable.Range(Position + 1, Math.Max(0, Items.Count - Position)).Cast<int?>().FirstOrDefault(p => Items[p!.Value - 1].Playable);

    protected async Task<IActionResult> LoadPlaylistAsync(string id, int? playlistPosition, CancellationToken ct)
    {
        var found = await playlists.FindAsync(id, ct);
        if (found is null)
        {
            return Refuse(StatusCodes.Status404NotFound, Text.L("Playlist_NotFoundTitle"), Text.L("Playlist_NotFound"));
        }
        var accountId = User.UserId() is { } userId ? (await actors.FindAccountOfUserAsync(userId, ct))?.Id : null;
        if (!PlaylistRules.CanView(found.Playlist.Privacy, PlaylistCommands.IsOwner(found, accountId)))
        {
            return User.Identity?.IsAuthenticated == true
                ? Refuse(StatusCodes.Status403Forbidden, Text.L("Playlist_ForbiddenTitle"), Text.L("Playlist_Forbidden"))
                : Challenge(WebSessionHandler.SchemeName);
        }
        Playlist = found;
        await reads.OnReadAsync(found.Playlist, ct);
        Items = await PlaylistItem.ListAsync(playlists, Videos, found.Playlist.Id, User, ct);
        Position = Items.Count == 0 ? 0 : Math.Clamp(playlistPosition ?? 1, 1, Items.Count);
        if (Current is { Playable: true } current)
        {
            var result = await LoadAsync(current.Video!.Video.Uuid, ct);
            if (Player is not null && Player.Start is null && current.Element.StartTimestamp is > 0)
            {
                Player = Player with { Start = current.Element.StartTimestamp };
            }
            return result;
        }
        return Page();
    }
}
