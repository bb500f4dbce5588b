using System.Globalization;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Core.Storage;
using VideoPlatform.Core.Videos;

namespace VideoPlatform.Api.Media;

/// <summary>
/// Object storage's side of a video's life: a published video's media is queued for the move to object storage; when
/// its privacy crosses the shared line, its objects move at once between the public and the private folder (the re-key
/// that follows brings them back under new names, <see cref="P2P.MediaRekeyJobHandler"/>); a deleted video's objects go (its kept original's too).
/// </summary>
public sealed class ObjectStorageListener(VideoRepository videos, ObjectStore objects, JobQueue queue) : IVideoChangeListener
{
    /// <summary>
    /// Safe to run twice: a move finds the media already moved and only cleans up. A live is published at its creation
    /// with no media yet; what it gets are sliding playlists its ffmpeg rewrites on the disk: nothing to move (its replay
    /// is a video of its own, moved when it is published).
    /// </summary>
    public async Task OnPublishedAsync(long videoId, CancellationToken ct)
    {
        if (!objects.Enabled || await videos.FindAsync(videoId.ToString(CultureInfo.InvariantCulture), ct) is not { Video.IsLive: false })
        {
            return;
        }
        await MoveToObjectStorageJob.EnqueueAsync(queue, videoId, ct);
    }

    public async Task OnUpdatedAsync(long videoId, VideoPrivacy previousPrivacy, CancellationToken ct)
    {
        if (!objects.Enabled)
        {
            return;
        }
        var video = await videos.FindAsync(videoId.ToString(CultureInfo.InvariantCulture), ct);
        if (video is null || !video.Video.IsLocal || VideoAccess.IsShared(video.Video.Privacy) == VideoAccess.IsShared(previousPrivacy))
        {
            return;
        }
        var playlist = await videos.PlaylistAsync(videoId, ct);
        if (playlist?.Storage != FileStorage.ObjectStorage)
        {
            return;
        }
        var toPrivate = MediaStore.IsPrivateMedia(video.Video.Privacy);
        await objects.MoveVideoAsync(ObjectKind.StreamingPlaylist, video.Video.Uuid, toPrivate, ct);
        await objects.MoveVideoAsync(ObjectKind.WebVideo, video.Video.Uuid, toPrivate, ct);
    }

    public async Task OnDeletedAsync(VideoWithOwners video, CancellationToken ct)
    {
        if (!objects.Enabled || !video.Video.IsLocal)
        {
            return;
        }
        foreach (var kind in new[] { ObjectKind.StreamingPlaylist, ObjectKind.WebVideo })
        {
            foreach (var isPrivate in new[] { false, true })
            {
                await objects.DeleteFolderAsync(kind, ObjectStore.VideoFolder(video.Video.Uuid, isPrivate), ct);
            }
        }
        if (objects.Handles(ObjectKind.OriginalVideo))
        {
            // The kept original: always under the private folder of its bucket (the local copy goes in MediaFilesListener).
            await objects.DeleteFolderAsync(ObjectKind.OriginalVideo, ObjectStore.VideoFolder(video.Video.Uuid, isPrivate: true), ct);
        }
    }
}
