using System.Globalization;
using Microsoft.Extensions.Logging;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Core.Videos;

namespace VideoPlatform.Core.Storage;

/// <summary>Payload of the <c>move-to-object-storage</c> job (PeerTube's name): a published video's media to object storage.</summary>
public sealed record MoveToObjectStorageJob(long VideoId) : IJobPayload
{
    public static string JobType => "move-to-object-storage";

    public static Task<long> EnqueueAsync(JobQueue queue, long videoId, CancellationToken ct) =>
        queue.EnqueueAsync(new MoveToObjectStorageJob(videoId), StorageMoves.Options(videoId), ct);
}

/// <summary>Payload of the <c>move-to-file-system</c> job (PeerTube's name): a video's media back to the instance's disk.</summary>
public sealed record MoveToFileSystemJob(long VideoId) : IJobPayload
{
    public static string JobType => "move-to-file-system";
}

/// <summary>
/// Moves a published local video's media (HLS playlists, fragmented MP4s, <c>segments-sha256.json</c>, web videos, and
/// the kept original when <c>ObjectStorage:OriginalVideoFiles</c> names a bucket: <see cref="VideoOriginals"/>)
/// between the local disk and object storage. Crash-safe in three steps: copy every file to the other store (uploads
/// verified by their ETag), switch the rows in ONE transaction (which clears the files' torrents: their web seeds
/// named the old place), then delete the old copies and tell the change listeners (new torrents are made; the start-up
/// sweep of videos lacking torrents covers a crash before that). Before the switch the old copy serves, after it the new one; a job
/// taken up again starts over (copies are replaced, deletions of missing files are fine). Moves of one video run in
/// the order of its re-keys (same ordering key), so a re-key never renames files that a move is copying.
/// </summary>
public sealed partial class StorageMoves(
    VideoRepository videos,
    VideoMediaRepository media,
    MediaStore store,
    ObjectStore objects,
    VideoOriginals originals,
    VideoChangeNotifier notifier,
    ILogger<StorageMoves> logger) : IJobHandler<MoveToObjectStorageJob>, IJobHandler<MoveToFileSystemJob>
{
    /// <summary>The re-key's ordering key: one video's moves and re-keys never overlap.</summary>
    public static EnqueueOptions Options(long videoId) =>
        new() { OrderingKey = "rekey:" + videoId.ToString(CultureInfo.InvariantCulture), MaxAttempts = 10 };

    // Uploads heartbeat at a third of this; a big file's single part may take a while on a slow link.
    public TimeSpan Lease => TimeSpan.FromMinutes(5);

    public TimeSpan InitialBackoff => TimeSpan.FromSeconds(2);

    public Task HandleAsync(MoveToObjectStorageJob payload, JobContext context, CancellationToken ct) =>
        MoveAsync(payload.VideoId, FileStorage.ObjectStorage, context, ct);

    public Task HandleAsync(MoveToFileSystemJob payload, JobContext context, CancellationToken ct) =>
        MoveAsync(payload.VideoId, FileStorage.FileSystem, context, ct);

    /// <summary>Moves a video's media to <paramref name="to"/>; true when it is there at the end (moved now or before).</summary>
    public async Task<bool> MoveAsync(long videoId, FileStorage to, JobContext? context, CancellationToken ct)
    {
        if (to == FileStorage.ObjectStorage && !objects.Enabled)
        {
            throw new PermanentJobFailureException("Object storage is not enabled (ObjectStorage:Enabled).");
        }
        var found = await videos.FindAsync(videoId.ToString(CultureInfo.InvariantCulture), ct);
        if (found is null || !found.Video.IsLocal || found.Video.State != VideoState.Published)
        {
            return false;
        }
        var video = found.Video;
        var playlist = await videos.PlaylistAsync(video.Id, ct);
        if (playlist?.MasterName is null)
        {
            return false;
        }
        if (to == FileStorage.ObjectStorage && playlist.Storage != to && await media.WantedStorageAsync(video.Id, ct) == FileStorage.FileSystem)
        {
            // An administrator moved it back to the disk: the automatic moves (publication, re-transcode, re-key) leave it there.
            LogKeptOnDisk(logger, video.Uuid);
            return false;
        }
        var files = (await videos.FilesAsync(video.Id, ct)).Where(f => f.Kind != VideoFileKinds.Source && f.FileName is not null).ToList();
        var names = MediaNames(playlist, files);
        var isPrivate = MediaStore.IsPrivateMedia(video.Privacy);
        var original = await OriginalToMoveAsync(video, to, ct);
        if (playlist.Storage != to)
        {
            if (to == FileStorage.ObjectStorage)
            {
                await UploadAsync(video, names, isPrivate, context, ct);
            }
            else
            {
                await DownloadAsync(video, names, isPrivate, context, ct);
            }
            await CopyOriginalAsync(video, original, to, ct);
            var switched = await media.SwitchStorageAsync(video.Id, playlist.MasterName, to, original?.Name, CancellationToken.None);
            if (!switched)
            {
                // A transcode replaced the media meanwhile: what we copied is referenced by nothing.
                await RemoveCopiesAsync(video, names, removeFrom: to, ct);
                await RemoveOriginalCopyAsync(video, original, removeFrom: to, ct);
                return false;
            }
            foreach (var file in files.Where(f => f.TorrentName is not null))
            {
                store.Delete(store.TorrentPath(file.TorrentName!));
            }
            LogMoved(logger, video.Uuid, to);
        }
        else if (original is not null)
        {
            // The media is there already (moved before the originals' bucket was set, or by an attempt that died): the original alone.
            await CopyOriginalAsync(video, original, to, ct);
            await media.SwitchOriginalStorageAsync(video.Id, to, original.Name, CancellationToken.None);
            LogOriginalMoved(logger, video.Uuid, to);
        }
        // Switched (now, or by an attempt that died before its cleanup): the old copies go.
        var from = to == FileStorage.ObjectStorage ? FileStorage.FileSystem : FileStorage.ObjectStorage;
        await RemoveCopiesAsync(video, names, removeFrom: from, ct);
        var stored = await media.OriginalAsync(video.Id, ct);
        if (stored.Storage == to && stored.Name is not null)
        {
            await RemoveOriginalCopyAsync(video, new OriginalMove(stored.Name, null), removeFrom: from, ct);
        }
        if (to == FileStorage.ObjectStorage)
        {
            await RemoveStrayObjectsAsync(video, names, stored.Name, isPrivate, ct);
        }
        // Safe to run twice (a retried job): listeners only queue work (torrents for files that lack them).
        await notifier.StorageChangedAsync(video.Id, ct);
        return true;
    }

    /// <summary>The kept original when it has to move with the media: to object storage when its bucket is set, back when it is there.</summary>
    private async Task<OriginalMove?> OriginalToMoveAsync(VideoRow video, FileStorage to, CancellationToken ct)
    {
        var stored = await media.OriginalAsync(video.Id, ct);
        if (stored.Storage == to)
        {
            return null;
        }
        if (to == FileStorage.ObjectStorage)
        {
            return originals.InObjectStorage && store.FindOriginal(video.Uuid) is { } local ? new OriginalMove(Path.GetFileName(local), local) : null;
        }
        return stored.Name is null ? null : new OriginalMove(stored.Name, null);
    }

    private async Task CopyOriginalAsync(VideoRow video, OriginalMove? original, FileStorage to, CancellationToken ct)
    {
        if (original is null)
        {
            return;
        }
        if (to == FileStorage.ObjectStorage)
        {
            await originals.UploadAsync(video.Uuid, original.LocalPath!, ct);
        }
        else
        {
            await originals.DownloadAsync(video.Uuid, original.Name, ct);
        }
    }

    private async Task RemoveOriginalCopyAsync(VideoRow video, OriginalMove? original, FileStorage removeFrom, CancellationToken ct)
    {
        if (original is null)
        {
            return;
        }
        if (removeFrom == FileStorage.FileSystem)
        {
            originals.DeleteLocal(video.Uuid);
        }
        else
        {
            await originals.DeleteObjectAsync(video.Uuid, original.Name, ct);
        }
    }

    /// <summary>
    /// Objects of the video's folder that its media no longer names (an earlier transcode's, replaced by a re-transcode
    /// while in object storage) go once the switch is done; the original, which may share the bucket, stays.
    /// </summary>
    private async Task RemoveStrayObjectsAsync(VideoRow video, List<(string Name, ObjectKind Kind)> names, string? originalName, bool isPrivate,
        CancellationToken ct)
    {
        var keep = names.Select(n => ObjectStore.VideoKey(video.Uuid, n.Name, isPrivate)).ToHashSet(StringComparer.Ordinal);
        if (originalName is not null)
        {
            keep.Add(VideoOriginals.Key(video.Uuid, originalName));
        }
        var folder = ObjectStore.VideoFolder(video.Uuid, isPrivate);
        foreach (var kind in new[] { ObjectKind.StreamingPlaylist, ObjectKind.WebVideo })
        {
            foreach (var key in (await objects.ListAsync(kind, folder, ct)).Where(k => !keep.Contains(k)))
            {
                try
                {
                    await objects.DeleteAsync(kind, key, ct);
                }
                catch (Amazon.Runtime.AmazonServiceException ex)
                {
                    LogDeleteFailed(logger, key, video.Uuid, ex.Message);
                }
            }
        }
    }

    /// <summary>An original to move: its file name, and where it is on the disk when it moves to object storage.</summary>
    private sealed record OriginalMove(string Name, string? LocalPath);

    /// <summary>The files of a video's media by name, and which kind of object each is.</summary>
    private static List<(string Name, ObjectKind Kind)> MediaNames(StreamingPlaylistRow playlist, IReadOnlyList<VideoFileRow> files)
    {
        var names = new List<(string, ObjectKind)> { (playlist.MasterName!, ObjectKind.StreamingPlaylist) };
        if (playlist.SegmentsSha256Name is not null)
        {
            names.Add((playlist.SegmentsSha256Name, ObjectKind.StreamingPlaylist));
        }
        foreach (var f in files)
        {
            names.Add((f.FileName!, VideoMediaFiles.KindOf(f.Kind)));
            if (f.PlaylistName is not null)
            {
                names.Add((f.PlaylistName, ObjectKind.StreamingPlaylist));
            }
        }
        return names.Distinct().ToList();
    }

    private async Task UploadAsync(VideoRow video, List<(string Name, ObjectKind Kind)> names, bool isPrivate, JobContext? context, CancellationToken ct)
    {
        // Objects under the other privacy's folder can only be leftovers of an attempt that ran before a privacy change.
        foreach (var kind in names.Select(n => n.Kind).Distinct())
        {
            await objects.DeleteFolderAsync(kind, ObjectStore.VideoFolder(video.Uuid, !isPrivate), ct);
        }
        var folder = store.HlsFolder(video.Uuid, isPrivate);
        for (var i = 0; i < names.Count; i++)
        {
            var (name, kind) = names[i];
            var path = Path.Combine(folder, name);
            if (!store.Exists(path))
            {
                throw new FileNotFoundException($"The media file {name} of video {video.Uuid} is missing from {folder}.");
            }
            await objects.UploadAsync(kind, ObjectStore.VideoKey(video.Uuid, name, isPrivate), path, isPrivate, ct);
            if (context is not null)
            {
                await context.ReportProgressAsync((i + 1) * 100 / names.Count);
            }
        }
    }

    private async Task DownloadAsync(VideoRow video, List<(string Name, ObjectKind Kind)> names, bool isPrivate, JobContext? context, CancellationToken ct)
    {
        var folder = store.HlsFolder(video.Uuid, isPrivate);
        for (var i = 0; i < names.Count; i++)
        {
            var (name, kind) = names[i];
            // Under the folder of the video's privacy; under the other one if a privacy change's move did not finish.
            var key = ObjectStore.VideoKey(video.Uuid, name, isPrivate);
            if (await objects.HeadAsync(kind, key, ct) is null)
            {
                key = ObjectStore.VideoKey(video.Uuid, name, !isPrivate);
            }
            await objects.DownloadAsync(kind, key, Path.Combine(folder, name), ct);
            if (context is not null)
            {
                await context.ReportProgressAsync((i + 1) * 100 / names.Count);
            }
        }
    }

    /// <summary>Deletes the copies a store holds of these names (both privacy folders of object storage); failures are logged, never thrown.</summary>
    private async Task RemoveCopiesAsync(VideoRow video, List<(string Name, ObjectKind Kind)> names, FileStorage removeFrom, CancellationToken ct)
    {
        if (removeFrom == FileStorage.FileSystem)
        {
            foreach (var isPrivate in new[] { false, true })
            {
                var folder = store.HlsFolder(video.Uuid, isPrivate);
                var present = store.ListFiles(folder);
                foreach (var (name, _) in names.Where(n => present.Contains(n.Name, StringComparer.Ordinal)))
                {
                    store.Delete(Path.Combine(folder, name));
                }
                if (present.Count > 0 && store.ListFiles(folder).Count == 0)
                {
                    store.Delete(folder);
                }
            }
            return;
        }
        if (!objects.Enabled)
        {
            return;
        }
        foreach (var (name, kind) in names)
        {
            foreach (var isPrivate in new[] { false, true })
            {
                try
                {
                    await objects.DeleteAsync(kind, ObjectStore.VideoKey(video.Uuid, name, isPrivate), ct);
                }
                catch (Amazon.Runtime.AmazonServiceException ex)
                {
                    LogDeleteFailed(logger, name, video.Uuid, ex.Message);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Media of video {Uuid} moved to {Storage}")]
    private static partial void LogMoved(ILogger logger, string uuid, FileStorage storage);

    [LoggerMessage(Level = LogLevel.Information, Message = "Original of video {Uuid} moved to {Storage}")]
    private static partial void LogOriginalMoved(ILogger logger, string uuid, FileStorage storage);

    [LoggerMessage(Level = LogLevel.Information, Message = "Media of video {Uuid} stays on the disk, where an administrator moved it")]
    private static partial void LogKeptOnDisk(ILogger logger, string uuid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete the object {Name} of video {Uuid}: {Reason}")]
    private static partial void LogDeleteFailed(ILogger logger, string name, string uuid, string reason);
}
