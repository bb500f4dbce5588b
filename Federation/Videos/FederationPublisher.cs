using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Videos;
using VideoPlatform.Federation.ActivityStreams;
using VideoPlatform.Federation.Actors;
using VideoPlatform.Federation.Delivery;

namespace VideoPlatform.Federation.Videos;

/// <summary>
/// Pushes local video changes to the remote followers of the server actor, the channel and the account: one Create
/// (by the owner account, the full object) per inbox and the channel's Announce to its followers, then Update or Delete.
/// Receivers dedupe by video URL, and the server actor's outbox still lists an Announce per video for backfill.
/// A video goes out only once it is complete (<see cref="LocalVideoObjects.IsCompleteAsync"/>): a publication whose
/// torrents are not made yet waits for them (<see cref="OnFilesChangedAsync"/>), and every later change of its files is
/// followed by an Update at once. The publication's Create is queued at most once per inbox, as the jobs that send it
/// may run more than once.
/// </summary>
public sealed class FederationPublisher(
    VideoRepository videos,
    LocalVideoObjects objects,
    ServerActor serverActor,
    FollowRepository follows,
    DeliveryQueue delivery) : IVideoChangeListener
{
    public async Task OnPublishedAsync(long videoId, CancellationToken ct)
    {
        if (await FindCompleteAsync(videoId, ct) is { } item)
        {
            await SendAsync(item, ActivityTypes.Create, ct);
        }
    }

    /// <summary>
    /// Torrents were made (after a publication, a re-key, a new transcode): inboxes that never had the Create get it now,
    /// those that had it get an Update with the new files.
    /// </summary>
    public async Task OnFilesChangedAsync(long videoId, CancellationToken ct)
    {
        if (await FindCompleteAsync(videoId, ct) is not { } item)
        {
            return;
        }
        var hadCreate = await SendAsync(item, ActivityTypes.Create, ct);
        if (hadCreate.Count > 0)
        {
            await SendAsync(item, ActivityTypes.Update, ct, fresh: true, only: hadCreate);
        }
    }

    public async Task OnUpdatedAsync(long videoId, VideoPrivacy previousPrivacy, CancellationToken ct)
    {
        var item = await videos.FindAsync(videoId.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
        if (item is null || !item.Video.IsLocal)
        {
            return;
        }
        var wasPublic = previousPrivacy == VideoPrivacy.Public;
        if (LocalVideoObjects.Federates(item.Video))
        {
            // Files being remade (a privacy change re-keys them): the Create or Update goes when they are complete.
            if (await objects.IsCompleteAsync(item.Video, ct))
            {
                await SendAsync(item, wasPublic ? ActivityTypes.Update : ActivityTypes.Create, ct, fresh: !wasPublic);
            }
        }
        else if (wasPublic)
        {
            // No longer public: followers must forget it, as PeerTube does when a video turns private.
            await SendAsync(item, ActivityTypes.Delete, ct, fresh: true);
        }
    }

    public Task OnDeletingAsync(VideoWithOwners video, CancellationToken ct) =>
        video.Video.IsLocal && video.Video.Privacy == VideoPrivacy.Public ? SendAsync(video, ActivityTypes.Delete, ct) : Task.CompletedTask;

    private async Task<VideoWithOwners?> FindCompleteAsync(long videoId, CancellationToken ct)
    {
        var item = await videos.FindAsync(videoId.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
        return item is not null && LocalVideoObjects.Federates(item.Video) && await objects.IsCompleteAsync(item.Video, ct) ? item : null;
    }

    /// <param name="fresh">A second Create or Delete of the same video needs a new id, or receivers drop it as a replay.</param>
    /// <param name="only">Send to these inboxes instead of every follower's.</param>
    /// <returns>For the publication's Create, the inboxes that had already been given it.</returns>
    private async Task<IReadOnlyList<string>> SendAsync(VideoWithOwners item, string type, CancellationToken ct, bool fresh = false,
        IReadOnlyList<string>? only = null)
    {
        var server = await serverActor.GetAsync(ct);
        var inboxes = only ?? await follows.FollowerInboxesAsync([server.Id, item.Channel.Id, item.Account.Id], ct);
        if (inboxes.Count == 0)
        {
            return [];
        }
        var url = item.Video.Url;
        var account = item.Account.Url;
        var cc = LocalVideoObjects.Cc(item);
        string[] to = [ActivityJson.PublicAddress];
        var suffix = fresh ? "/" + Guid.NewGuid().ToString("N") : "";
        VideoObject? video = null;
        if (type is ActivityTypes.Create or ActivityTypes.Update)
        {
            // Built from the rows as they are now: if the files are being remade meanwhile, the files' change sends it later.
            video = await objects.BuildAsync(item, ct) is { } built ? built with { Context = null } : null;
            if (video is null)
            {
                return [];
            }
        }
        var activity = type switch
        {
            ActivityTypes.Create => Activity.Create(LocalVideoObjects.CreateId(url) + suffix, account, video!, to, cc),
            ActivityTypes.Update => Activity.Update(
                $"{url}/updates/{DateTimeOffset.FromUnixTimeMilliseconds(item.Video.UpdatedAt):yyyyMMddTHHmmssfffZ}{suffix}", account, video!, to, cc),
            _ => Activity.Delete(url + "/delete" + suffix, account, url, to, cc),
        };
        // The publication's Create has the video's fixed id and its jobs may run again (retry, crash): once per inbox.
        var given = await delivery.EnqueueAsync(activity, item.Account.Id, inboxes, oncePerInbox: type == ActivityTypes.Create && !fresh, ct);
        if (type == ActivityTypes.Create)
        {
            await AnnounceAsync(item, suffix, fresh, ct);
        }
        return given;
    }

    /// <summary>
    /// The channel shares each new video with its own followers, as PeerTube's channel does: an Announce whose actor is the
    /// channel, addressed to Public and the channel's followers collection. A Mastodon server keeps it for the users that
    /// follow the channel even when none follows the account that made the Create.
    /// </summary>
    private async Task AnnounceAsync(VideoWithOwners item, string suffix, bool fresh, CancellationToken ct)
    {
        var inboxes = await follows.FollowerInboxesAsync([item.Channel.Id], ct);
        if (inboxes.Count == 0)
        {
            return;
        }
        var channelFollowers = item.Channel.FollowersUrl ?? item.Channel.Url + "/followers";
        var announce = Activity.Announce(LocalVideoObjects.AnnounceId(item.Video.Url, item.Channel.Id) + suffix, item.Channel.Url, item.Video.Url,
            [ActivityJson.PublicAddress], [channelFollowers]);
        await delivery.EnqueueAsync(announce, item.Channel.Id, inboxes, oncePerInbox: !fresh, ct);
    }
}
