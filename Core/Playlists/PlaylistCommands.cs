using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Core.Playlists;

/// <summary>A playlist's fields as a create or an update gives them; null leaves a field as it is (on update).</summary>
public sealed record PlaylistInput
{
    public string? DisplayName { get; init; }
    public string? Description { get; init; }
    public int? Privacy { get; init; }
    public long? VideoChannelId { get; init; }

    /// <summary>The channel was given (null then means "no channel"), as PeerTube tells an absent field from a null one.</summary>
    public bool VideoChannelIdSet { get; init; }
}

/// <summary>Why a playlist change was refused: an HTTP-like status (400, 403, 404) and a message in PeerTube's words.</summary>
public sealed record PlaylistError(int Status, string Message);

/// <summary>Told of changes to local playlists (federation sends them to followers).</summary>
public interface IPlaylistChangeListener
{
    /// <param name="becamePublic">Created public, or public now and not before: followers get a Create rather than an Update.</param>
    Task OnChangedAsync(long playlistId, bool becamePublic, CancellationToken ct);
    Task OnDeletedAsync(PlaylistWithOwners playlist, CancellationToken ct);
}

/// <summary>
/// Told when a playlist is read by the API or a page (federation queues the refresh of a stale remote one, as PeerTube's
/// <c>refreshVideoPlaylistIfNeeded</c>). Returns at once: the reader never waits on the refresh.
/// </summary>
public interface IPlaylistReadListener
{
    Task OnReadAsync(PlaylistRow playlist, CancellationToken ct);
}

/// <summary>
/// The changes to a local playlist, written once for the REST API and the pages: PeerTube's field and privacy rules, the
/// owner's channel, who may add which video, and the positions. The caller checks who may manage the playlist.
/// </summary>
public sealed class PlaylistCommands(PlaylistRepository playlists, ActorRepository actors, IEnumerable<IPlaylistChangeListener> listeners, Microsoft.Extensions.Options.IOptions<InstanceOptions> instance)
{
    /// <summary>The owner of a local playlist; administrators and moderators may also delete one (PeerTube's REMOVE_ANY_VIDEO_PLAYLIST).</summary>
    public static bool IsOwner(PlaylistWithOwners playlist, long? accountId) => playlist.Playlist.IsLocal && accountId == playlist.Playlist.AccountId;

    public async Task<(PlaylistRow? Playlist, PlaylistError? Error)> CreateAsync(long accountId, PlaylistInput input, CancellationToken ct)
    {
        var name = input.DisplayName?.Trim();
        var description = Blank(input.Description);
        var privacy = input.Privacy ?? (int)PlaylistPrivacy.Public;
        if (await ChannelErrorAsync(accountId, input.VideoChannelId, ct) is { } channelError)
        {
            return (null, channelError);
        }
        if (PlaylistRules.Validate(name, description, privacy, input.VideoChannelId is not null) is { } error)
        {
            return (null, new PlaylistError(400, error));
        }
        var uuid = Guid.NewGuid().ToString("D");
        var row = new PlaylistRow
        {
            Uuid = uuid,
            Name = name!,
            Description = description,
            Privacy = (PlaylistPrivacy)privacy,
            AccountId = accountId,
            ChannelId = input.VideoChannelId,
            IsLocal = true,
            Url = LocalUrls.Playlist(instance.Value.PublicUrl, uuid),
        };
        var id = await playlists.CreateAsync(row, ct);
        await NotifyChangedAsync(id, ct, becamePublic: row.Privacy == PlaylistPrivacy.Public);
        return (row with { Id = id }, null);
    }

    public async Task<PlaylistError?> UpdateAsync(PlaylistWithOwners playlist, PlaylistInput input, CancellationToken ct)
    {
        var p = playlist.Playlist;
        if (p.Type == PlaylistType.WatchLater)
        {
            return new PlaylistError(400, "Cannot update a watch later playlist.");
        }
        var name = input.DisplayName?.Trim() ?? p.Name;
        var description = input.Description is null ? p.Description : Blank(input.Description);
        var privacy = input.Privacy ?? (int)p.Privacy;
        var channelId = input.VideoChannelIdSet ? input.VideoChannelId : p.ChannelId;
        if (input.VideoChannelIdSet && await ChannelErrorAsync(p.AccountId, channelId, ct) is { } channelError)
        {
            return channelError;
        }
        if (PlaylistRules.Validate(name, description, privacy, channelId is not null) is { } error)
        {
            return new PlaylistError(400, error);
        }
        await playlists.UpdateAsync(p.Id, name, description, (PlaylistPrivacy)privacy, channelId, ct);
        if (p.Privacy == PlaylistPrivacy.Public && privacy != (int)PlaylistPrivacy.Public)
        {
            // No longer public: followers forget it, as PeerTube sends a Delete when a playlist leaves public.
            await NotifyDeletedAsync(playlist, ct);
        }
        else
        {
            await NotifyChangedAsync(p.Id, ct, becamePublic: p.Privacy != PlaylistPrivacy.Public && privacy == (int)PlaylistPrivacy.Public);
        }
        return null;
    }

    public async Task DeleteAsync(PlaylistWithOwners playlist, CancellationToken ct)
    {
        await playlists.DeleteAsync(playlist.Playlist.Id, ct);
        await NotifyDeletedAsync(playlist, ct);
    }

    /// <summary>Adds a video the owner can see at the end of the playlist.</summary>
    public async Task<(PlaylistElementRow? Element, PlaylistError? Error)> AddVideoAsync(PlaylistWithOwners playlist, VideoWithOwners? video,
        System.Security.Claims.ClaimsPrincipal user, int? startTimestamp, int? stopTimestamp, CancellationToken ct)
    {
        if (video is null || !VideoAccess.CanView(video, user))
        {
            return (null, new PlaylistError(404, "Video not found."));
        }
        if (PlaylistRules.ValidateTimestamps(startTimestamp, stopTimestamp) is { } error)
        {
            return (null, new PlaylistError(400, error));
        }
        var element = await playlists.AddElementAsync(playlist.Playlist.Id, video.Video.Id, startTimestamp, stopTimestamp, ct: ct);
        await NotifyChangedAsync(playlist.Playlist.Id, ct);
        return (element, null);
    }

    public async Task<PlaylistError?> UpdateElementAsync(PlaylistWithOwners playlist, long elementId, int? startTimestamp, int? stopTimestamp, CancellationToken ct)
    {
        if (PlaylistRules.ValidateTimestamps(startTimestamp, stopTimestamp) is { } error)
        {
            return new PlaylistError(400, error);
        }
        if (!await playlists.UpdateElementAsync(playlist.Playlist.Id, elementId, startTimestamp, stopTimestamp, ct))
        {
            return new PlaylistError(404, "Video playlist element not found.");
        }
        await NotifyChangedAsync(playlist.Playlist.Id, ct);
        return null;
    }

    public async Task<PlaylistError?> RemoveElementAsync(PlaylistWithOwners playlist, long elementId, CancellationToken ct)
    {
        if (!await playlists.RemoveElementAsync(playlist.Playlist.Id, elementId, ct))
        {
            return new PlaylistError(404, "Video playlist element not found.");
        }
        await NotifyChangedAsync(playlist.Playlist.Id, ct);
        return null;
    }

    public async Task<PlaylistError?> ReorderAsync(PlaylistWithOwners playlist, int startPosition, int insertAfterPosition, int reorderLength, CancellationToken ct)
    {
        if (await playlists.ReorderAsync(playlist.Playlist.Id, startPosition, insertAfterPosition, reorderLength, ct) is { } error)
        {
            return new PlaylistError(400, error);
        }
        await NotifyChangedAsync(playlist.Playlist.Id, ct);
        return null;
    }

    private async Task<PlaylistError?> ChannelErrorAsync(long accountId, long? channelId, CancellationToken ct)
    {
        if (channelId is null)
        {
            return null;
        }
        var channel = await actors.FindByIdAsync(channelId.Value, ct);
        if (channel is null || channel.Type != ActorTypes.Group || !channel.IsLocal)
        {
            return new PlaylistError(404, "Video channel not found.");
        }
        return channel.AccountId == accountId ? null : new PlaylistError(403, "Cannot use the video channel of another user.");
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private async Task NotifyChangedAsync(long playlistId, CancellationToken ct, bool becamePublic = false)
    {
        foreach (var listener in listeners)
        {
            await listener.OnChangedAsync(playlistId, becamePublic, ct);
        }
    }

    private async Task NotifyDeletedAsync(PlaylistWithOwners playlist, CancellationToken ct)
    {
        foreach (var listener in listeners)
        {
            await listener.OnDeletedAsync(playlist, ct);
        }
    }
}
