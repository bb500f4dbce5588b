using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Playlists;
using VideoPlatform.Federation.ActivityStreams;
using VideoPlatform.Federation.Actors;
using VideoPlatform.Federation.Delivery;

namespace VideoPlatform.Federation.Playlists;

/// <summary>
/// Sends local public playlists as PeerTube does: Create when one becomes public, Update on every change, Delete when it
/// is deleted or leaves public; by the owner account, to the followers of the server actor, the account and the channel.
/// </summary>
public sealed class PlaylistPublisher(PlaylistRepository playlists, LocalPlaylistObjects objects, ServerActor serverActor, FollowRepository follows,
    DeliveryQueue delivery) : IPlaylistChangeListener
{
    public async Task OnChangedAsync(long playlistId, bool becamePublic, CancellationToken ct)
    {
        var item = await playlists.FindAsync(playlistId.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
        if (item is null || !LocalPlaylistObjects.Federates(item.Playlist))
        {
            return;
        }
        var document = await objects.BuildAsync(item, null, ct) with { Context = null };
        var p = item.Playlist;
        string[] to = [ActivityJson.PublicAddress];
        var activity = becamePublic
            ? Activity.Create($"{p.Url}/activity/{Guid.NewGuid():N}", item.Account.Url, document, to, Cc(item))
            : Activity.Update($"{p.Url}/updates/{DateTimeOffset.FromUnixTimeMilliseconds(p.UpdatedAt):yyyyMMddTHHmmssfffZ}", item.Account.Url, document, to, Cc(item));
        await SendAsync(item, activity with { Context = PlaylistObject.PlaylistContext() }, ct);
    }

    public async Task OnDeletedAsync(PlaylistWithOwners playlist, CancellationToken ct)
    {
        if (!LocalPlaylistObjects.Federates(playlist.Playlist))
        {
            return;
        }
        var url = playlist.Playlist.Url;
        await SendAsync(playlist, Activity.Delete($"{url}/delete/{Guid.NewGuid():N}", playlist.Account.Url, url, [ActivityJson.PublicAddress], Cc(playlist)), ct);
    }

    private static string[] Cc(PlaylistWithOwners item) => [item.Account.FollowersUrl ?? item.Account.Url + "/followers"];

    private async Task SendAsync(PlaylistWithOwners item, Activity activity, CancellationToken ct)
    {
        var server = await serverActor.GetAsync(ct);
        long[] actors = item.Channel is null ? [server.Id, item.Account.Id] : [server.Id, item.Account.Id, item.Channel.Id];
        var inboxes = await follows.FollowerInboxesAsync(actors, ct);
        if (inboxes.Count > 0)
        {
            await delivery.EnqueueAsync(activity, item.Account.Id, inboxes, ct);
        }
    }
}
