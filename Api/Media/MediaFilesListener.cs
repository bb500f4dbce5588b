using VideoPlatform.Api.Videos;
using VideoPlatform.Api.Accounts;
using VideoPlatform.Api.Auth;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Videos;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Storage;

namespace VideoPlatform.Api.Media;

/// <summary>
/// Keeps files where their URLs say: a video turning private (or back) has its HLS folder moved between the public and
/// the private tree, as PeerTube does; a deleted video's files are removed (of a remote video: its cached images).
/// </summary>
public sealed class MediaFilesListener(VideoRepository videos, MediaStore store) : IVideoChangeListener
{
    public async Task OnUpdatedAsync(long videoId, VideoPrivacy previousPrivacy, CancellationToken ct)
    {
        var video = await videos.FindAsync(videoId.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
        if (video is null || !video.Video.IsLocal || MediaStore.IsPrivateMedia(video.Video.Privacy) == MediaStore.IsPrivateMedia(previousPrivacy))
        {
            return;
        }
        var from = store.HlsFolder(video.Video.Uuid, MediaStore.IsPrivateMedia(previousPrivacy));
        var to = store.HlsFolder(video.Video.Uuid, MediaStore.IsPrivateMedia(video.Video.Privacy));
        store.MoveFolder(from, to);
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
