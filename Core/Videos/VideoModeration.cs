using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Core.Videos;

/// <summary>
/// Blocking a video (PeerTube's blacklist), for the API and the reports page: the flag, entry and audit line in one
/// transaction, then the listeners (listing cache, federation: a Delete to the followers that had it).
/// </summary>
public sealed class VideoModeration(BlacklistRepository blacklist, VideoChangeNotifier notifier, TimeProvider clock)
{
    /// <summary>False when it was already blocked.</summary>
    public async Task<bool> BlockAsync(VideoWithOwners video, string? reason, string actor, CancellationToken ct)
    {
        if (!await blacklist.AddAsync(video.Video.Id, reason, actor, video.Video.Name, clock.GetUtcNow().ToUnixTimeMilliseconds(), ct))
        {
            return false;
        }
        await notifier.UpdatedAsync(video.Video.Id, video.Video.Privacy, ct);
        return true;
    }

    /// <summary>False when it was not blocked. Followers had forgotten it: announced as if it had just become public (a fresh Create).</summary>
    public async Task<bool> UnblockAsync(VideoWithOwners video, string actor, CancellationToken ct)
    {
        if (!await blacklist.RemoveAsync(video.Video.Id, actor, video.Video.Name, clock.GetUtcNow().ToUnixTimeMilliseconds(), ct))
        {
            return false;
        }
        await notifier.UpdatedAsync(video.Video.Id, VideoPrivacy.Private, ct);
        return true;
    }
}
