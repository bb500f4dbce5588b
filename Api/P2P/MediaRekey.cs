using System.Globalization;
using VideoPlatform.Api.P2P;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Core.Storage;
using VideoPlatform.Core.Videos;
using VideoPlatform.Transcoder.Hls;

namespace VideoPlatform.Api.P2P;

/// <summary>Payload of the <c>rekey-media</c> job, queued when a video's privacy crosses the shared (public, unlisted) line.</summary>
public sealed record RekeyMediaJob(long VideoId) : IJobPayload
{
    public static string JobType => "rekey-media";

    /// <summary>
    /// Re-keys of one video run one at a time, in order. A transcode only works on a video waiting for it (state 2) and a
    /// re-key only on a published one; should both meet, the switch checks the playlist it started from and the loser drops its files.
    /// </summary>
    public static Task<long> EnqueueAsync(JobQueue queue, long videoId, CancellationToken ct) =>
        queue.EnqueueAsync(new RekeyMediaJob(videoId),
            new EnqueueOptions { OrderingKey = "rekey:" + videoId.ToString(CultureInfo.InvariantCulture), MaxAttempts = 8 }, ct);
}

/// <summary>
/// Job <c>rekey-media</c>: gives a published video's HLS files new names (a new random id), so that every URL, torrent
/// and info hash known while it had another privacy is dead. Crash-safe as publication is: the new files are written
/// beside the old ones (in the tree its privacy asks for), one transaction switches the rows (and clears torrents and
/// swarm ids, queuing new torrents if the video is shared), then the old files, torrents and peers go.
/// A job taken up again after a crash starts over: leftovers of the dead attempt are not in the rows and are removed.
/// </summary>
public sealed partial class MediaRekeyJobHandler(
    VideoRepository videos,
    VideoMediaRepository media,
    MediaStore store,
    JobQueue queue,
    P2PRevocation revocation,
    VideoChangeNotifier notifier,
    StorageMoves moves,
    ILogger<MediaRekeyJobHandler> logger) : IJobHandler<RekeyMediaJob>
{
    public async Task HandleAsync(RekeyMediaJob payload, JobContext context, CancellationToken ct)
    {
        var found = await videos.FindAsync(payload.VideoId.ToString(CultureInfo.InvariantCulture), ct);
        if (found is null || !found.Video.IsLocal || found.Video.State != VideoState.Published)
        {
            // Deleted, or not published yet: the coming transcode writes fresh names in the right tree.
            return;
        }
        var video = found.Video;
        var playlist = await videos.PlaylistAsync(video.Id, ct);
        if (playlist?.MasterName is null)
        {
            return;
        }
        // Media in object storage is re-keyed on the local disk: it comes back first (same crash-safe move), and goes
        // back to object storage under its new names once the re-key committed.
        var wasInObjectStorage = playlist.Storage == FileStorage.ObjectStorage;
        if (wasInObjectStorage)
        {
            await moves.MoveAsync(video.Id, FileStorage.FileSystem, null, ct);
            playlist = await videos.PlaylistAsync(video.Id, ct);
            if (playlist?.MasterName is null || playlist.Storage != FileStorage.FileSystem)
            {
                return;
            }
        }
        var files = await videos.FilesAsync(video.Id, ct);
        var shared = VideoAccess.IsShared(video.Privacy);
        var folder = store.HlsFolder(video.Uuid, MediaStore.IsPrivateMedia(video.Privacy));
        var otherTree = store.HlsFolder(video.Uuid, !MediaStore.IsPrivateMedia(video.Privacy));
        // Moved between the trees when the privacy changed; after a crash before that move, moved now.
        if (!store.Exists(Path.Combine(folder, playlist.MasterName)) && !store.MoveHls(video.Uuid, MediaStore.IsPrivateMedia(video.Privacy)))
        {
            throw new FileNotFoundException($"The HLS files of video {video.Uuid} are missing ({playlist.MasterName}).");
        }

        var oldId = HlsRekey.IdOf(playlist.MasterName);
        var newId = Guid.NewGuid().ToString("D");
        var oldNames = new List<string> { playlist.MasterName };
        if (playlist.SegmentsSha256Name is not null)
        {
            oldNames.Add(playlist.SegmentsSha256Name);
        }
        oldNames.AddRange(files.SelectMany(f => new[] { f.FileName, f.PlaylistName }).OfType<string>());
        var newNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in oldNames.Distinct(StringComparer.Ordinal))
        {
            var renamed = HlsRekey.Rename(name, oldId, newId);
            await WriteRenamedAsync(Path.Combine(folder, name), Path.Combine(folder, renamed), oldId, newId, ct);
            newNames.Add(renamed);
        }

        var hashes = await revocation.HashesOfAsync(video.Id, ct);
        var rekeyed = new RekeyedMedia(
            HlsRekey.Rename(playlist.MasterName, oldId, newId),
            playlist.SegmentsSha256Name is null ? null : HlsRekey.Rename(playlist.SegmentsSha256Name, oldId, newId),
            files.Select(f => new RekeyedFile(f.Id,
                f.FileName is null ? null : HlsRekey.Rename(f.FileName, oldId, newId),
                f.PlaylistName is null ? null : HlsRekey.Rename(f.PlaylistName, oldId, newId))).ToList());
        var switched = await media.RekeyAsync(video.Id, playlist.MasterName, rekeyed,
            // The outbox: a shared video gets its new torrents if and only if the switch commits (and goes back to object storage).
            async (c, t) =>
            {
                if (shared)
                {
                    await queue.EnqueueAsync(c, t, new CreateTorrentsJob(video.Id), CreateTorrentsJob.Options(video.Id));
                }
                if (wasInObjectStorage)
                {
                    await queue.EnqueueAsync(c, t, new MoveToObjectStorageJob(video.Id), StorageMoves.Options(video.Id));
                }
            },
            CancellationToken.None);
        if (!switched)
        {
            // A transcode or another re-key changed the media meanwhile: ours is not referenced, drop it.
            foreach (var name in newNames)
            {
                store.Delete(Path.Combine(folder, name));
            }
            return;
        }
        queue.Signal();

        // The old names are dead from here: their torrents, swarms and peers, then their files.
        foreach (var file in files.Where(f => f.TorrentName is not null))
        {
            store.Delete(store.TorrentPath(file.TorrentName!));
        }
        revocation.Revoke(hashes);
        foreach (var stale in store.ListFiles(folder).Where(n => !newNames.Contains(n)))
        {
            store.Delete(Path.Combine(folder, stale));
        }
        if (store.ListFiles(otherTree).Count == 0)
        {
            store.Delete(otherTree);
        }
        LogRekeyed(logger, video.Uuid, oldId, newId, shared);
        // Its files have new URLs: the listeners that publish them (federation's Update, the listing cache) are told.
        await notifier.UpdatedAsync(video.Id, video.Privacy, ct);
    }

    /// <summary>A copy under the new name (text files rewritten), each written atomically: a crash never leaves half a file.</summary>
    private async Task WriteRenamedAsync(string from, string to, string oldId, string newId, CancellationToken ct)
    {
        if (HlsRekey.IsText(from))
        {
            var text = HlsRekey.Rewrite(await store.ReadAllTextAsync(from, ct), oldId, newId);
            await store.WriteAsync(to, System.Text.Encoding.UTF8.GetBytes(text), ct);
        }
        else
        {
            await store.CopyAsync(from, to, ct);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Media of video {Uuid} re-keyed {OldId} → {NewId} (shared: {Shared})")]
    private static partial void LogRekeyed(ILogger logger, string uuid, string oldId, string newId, bool shared);
}
