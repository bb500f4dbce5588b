using Microsoft.Extensions.Logging;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Core.Storage;

/// <summary>A local video's kept original, where it was found: a local file, or an object of the originals' bucket.</summary>
public sealed record OriginalFile(string Name, long Size, FileStorage Storage, string? LocalPath, string? ObjectKey);

/// <summary>
/// The kept original upload of a local video (PeerTube's "original video file"), wherever it lives: on the disk under
/// <c>originals/</c> until publication, then, when <c>ObjectStorage:OriginalVideoFiles</c> names a bucket, in that bucket
/// under its private folder (never a public URL; keyed <c>{Prefix}private/{uuid}/{file name}</c>). The storage moves
/// switch its row with the video's other files (<see cref="StorageMoves"/>); every reader of the original (transcodes,
/// the runners' source download, deletion) goes through here, so it reads the copy the row names, or the other one when
/// a move switched it meanwhile (one of the two always exists).
/// </summary>
public sealed partial class VideoOriginals(MediaStore store, ObjectStore objects, VideoMediaRepository media, ILogger<VideoOriginals> logger)
{
    /// <summary>Whether originals go to object storage (its bucket set).</summary>
    public bool InObjectStorage => objects.Handles(ObjectKind.OriginalVideo);

    /// <summary>The key of an original in its bucket (without the prefix): always under the private folder.</summary>
    public static string Key(string videoUuid, string fileName) => ObjectStore.VideoKey(videoUuid, fileName, isPrivate: true);

    /// <summary>The original of a local video, or null when neither the disk nor the bucket has it.</summary>
    public async Task<OriginalFile?> FindAsync(VideoRow video, CancellationToken ct)
    {
        // The row first; read again when the copy it named is gone: a move may have switched it in between.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var stored = await media.OriginalAsync(video.Id, ct);
            if (stored.Storage == FileStorage.ObjectStorage && stored.Name is not null && objects.Enabled
                && await FindObjectAsync(video.Uuid, stored.Name, ct) is { } remote)
            {
                return remote;
            }
            if (store.FindOriginal(video.Uuid) is { } local)
            {
                return new OriginalFile(Path.GetFileName(local), store.Length(local), FileStorage.FileSystem, local, null);
            }
        }
        return null;
    }

    private async Task<OriginalFile?> FindObjectAsync(string videoUuid, string name, CancellationToken ct)
    {
        var key = Key(videoUuid, name);
        var head = await objects.HeadAsync(ObjectKind.OriginalVideo, key, ct);
        return head is null ? null : new OriginalFile(name, head.ContentLength, FileStorage.ObjectStorage, null, key);
    }

    /// <summary>
    /// A local file of the original for a program to read (ffmpeg): the original itself when on the disk, else a copy
    /// downloaded from the bucket into <paramref name="workFolder"/> (the caller removes the folder).
    /// </summary>
    public async Task<string> LocalCopyAsync(OriginalFile original, string workFolder, CancellationToken ct)
    {
        if (original.LocalPath is not null)
        {
            return original.LocalPath;
        }
        var path = Path.Combine(workFolder, MediaStore.SafeName(original.Name));
        await objects.DownloadAsync(ObjectKind.OriginalVideo, original.ObjectKey!, path, ct);
        LogDownloaded(logger, original.ObjectKey!, original.Size);
        return path;
    }

    /// <summary>Uploads a local original to its bucket (private, verified); the caller switches the row, then removes the local copy.</summary>
    public Task UploadAsync(string videoUuid, string localPath, CancellationToken ct) =>
        objects.UploadAsync(ObjectKind.OriginalVideo, Key(videoUuid, Path.GetFileName(localPath)), localPath, isPrivate: true, ct);

    /// <summary>
    /// Downloads an original from its bucket back to the originals folder; the caller switches the row, then deletes the
    /// object. The bytes land in a work folder first and are renamed into place: the originals folder never holds a partial
    /// file that <see cref="MediaStore.FindOriginal"/> could take for the original.
    /// </summary>
    public async Task DownloadAsync(string videoUuid, string name, CancellationToken ct)
    {
        var work = store.CreateWorkFolder("original-" + videoUuid);
        try
        {
            var downloaded = Path.Combine(work, MediaStore.SafeName(name));
            await objects.DownloadAsync(ObjectKind.OriginalVideo, Key(videoUuid, name), downloaded, ct);
            store.PublishFile(downloaded, store.VideoFilePath(videoUuid, false, VideoFileKinds.Source, name));
        }
        finally
        {
            store.Delete(work);
        }
    }

    /// <summary>Removes the local copy of a video's original (after its row switched to the bucket).</summary>
    public void DeleteLocal(string videoUuid)
    {
        if (store.FindOriginal(videoUuid) is { } local)
        {
            store.Delete(local);
        }
    }

    /// <summary>Removes the object copy of a video's original (after its row switched to the disk, or the video's deletion); failures are logged.</summary>
    public async Task DeleteObjectAsync(string videoUuid, string name, CancellationToken ct)
    {
        if (!InObjectStorage)
        {
            return;
        }
        try
        {
            await objects.DeleteAsync(ObjectKind.OriginalVideo, Key(videoUuid, name), ct);
        }
        catch (Amazon.Runtime.AmazonServiceException ex)
        {
            LogDeleteFailed(logger, name, videoUuid, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Original {Key} ({Size} bytes) downloaded from object storage for a transcode")]
    private static partial void LogDownloaded(ILogger logger, string key, long size);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete the original {Name} of video {Uuid} from object storage: {Reason}")]
    private static partial void LogDeleteFailed(ILogger logger, string name, string uuid, string reason);
}
