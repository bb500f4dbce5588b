using VideoPlatform.Api.Videos;
using VideoPlatform.Api.Accounts;
using VideoPlatform.Api.Auth;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Videos;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Core.Storage;
using VideoPlatform.Api.P2P;

namespace VideoPlatform.Api.Media;

/// <summary>
/// Keeps files where their URLs say. A video whose privacy crosses the shared line (public, unlisted ↔ private, internal,
/// password) has its HLS folder moved between the public and the private tree at once, as PeerTube does, its swarms and
/// seeded peers dropped at once, and a re-key queued (<see cref="MediaRekeyJobHandler"/>: new names, new torrents).
/// A deleted video's files are removed (of a remote video: its cached images).
/// </summary>
public sealed class MediaFilesListener(VideoRepository videos, MediaStore store, JobQueue queue, P2PRevocation revocation) : IVideoChangeListener
{
    public async Task OnUpdatedAsync(long videoId, VideoPrivacy previousPrivacy, CancellationToken ct)
    {
        var video = await videos.FindAsync(videoId.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
        if (video is null || !video.Video.IsLocal || VideoAccess.IsShared(video.Video.Privacy) == VideoAccess.IsShared(previousPrivacy))
        {
            return;
        }
        store.MoveHls(video.Video.Uuid, MediaStore.IsPrivateMedia(video.Video.Privacy));
        // The repository no longer finds these (the privacy is committed): the tracker and the seeder let them go now.
        revocation.Revoke(await revocation.HashesOfAsync(videoId, ct));
        if (video.Video.State == VideoState.Published)
        {
            await RekeyMediaJob.EnqueueAsync(queue, videoId, ct);
        }
    }

    public Task OnDeletedAsync(VideoWithOwners video, CancellationToken ct)
    {
        var v = video.Video;
        if (v.IsLocal)
        {
            store.Delete(store.HlsFolder(v.Uuid, isPrivate: false));
            store.Delete(store.HlsFolder(v.Uuid, isPrivate: true));
            if (store.FindOriginal(v.Uuid) is { } original)
            {
                store.Delete(original);
            }
        }
        // A remote video has images too: our cached copies of the origin's.
        store.DeleteImages(v.ThumbnailName, v.PreviewName);
        return Task.CompletedTask;
    }
}
