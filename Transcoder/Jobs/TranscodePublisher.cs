using System.Data.Common;
using Microsoft.Extensions.Logging;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Core.Storage;
using VideoPlatform.Core.Videos;

namespace VideoPlatform.Transcoder.Jobs;

/// <summary>
/// Publication of a finished transcode, wherever it ran (the in-process worker or a remote runner): files are moved into
/// place first (new names, so nothing served changes), then one transaction switches the video to them and queues the
/// <see cref="VideoPublishedJob"/> (the outbox), then the files of the replaced transcode go.
/// </summary>
public sealed partial class TranscodePublisher(
    VideoRepository videos,
    VideoMediaRepository media,
    MediaStore store,
    JobQueue queue,
    ILogger<TranscodePublisher> logger)
{
    /// <summary>
    /// Publishes the files of <paramref name="output"/> found in <paramref name="directory"/>. <paramref name="alsoInTransaction"/>
    /// runs inside the publishing transaction (a remote runner's job completes there, so a stale runner's result never
    /// publishes); it throws to roll back. False when the video was settled meanwhile (deleted or published): our copy is dropped.
    /// </summary>
    public async Task<bool> PublishAsync(VideoRow video, TranscodeOutput output, string directory,
        Func<DbConnection, DbTransaction, Task>? alsoInTransaction, CancellationToken ct)
    {
        store.PublishFile(Path.Combine(directory, output.ThumbnailName), store.ThumbnailPath(output.ThumbnailName));
        store.PublishFile(Path.Combine(directory, output.PreviewName), store.PreviewPath(output.PreviewName));

        var isPrivate = MediaStore.IsPrivateMedia(video.Privacy);
        var target = store.HlsFolder(video.Uuid, isPrivate);
        // Files of an older transcode stay served until the database points to the new ones.
        var names = store.PublishFolder(directory, target);
        // The rows this publication replaces (the source listed until now, an older transcode's): their torrents go with them.
        var replaced = await videos.FilesAsync(video.Id, ct);

        bool published;
        try
        {
            published = await media.PublishAsync(video.Id, new PublishedMedia(
                output.MasterPlaylistName,
                output.SegmentsSha256Name,
                output.ThumbnailName,
                output.PreviewName,
                (int)Math.Round(output.DurationSeconds),
                output.Renditions.SelectMany(r => FileRows(r, output.HasSeparateAudio)).ToList()),
                // The outbox: federation, torrents and cache eviction are queued with the publication, so a crash after
                // this commit (or a failing listener) cannot leave a published video that is never federated.
                async (c, t) =>
                {
                    if (alsoInTransaction is not null)
                    {
                        await alsoInTransaction(c, t);
                    }
                    await VideoPublishedJob.EnqueueAsync(queue, c, t, video.Id);
                }, CancellationToken.None);
        }
        catch
        {
            DropCopy(target, names, output);
            throw;
        }

        if (!published)
        {
            DropCopy(target, names, output);
            return false;
        }
        queue.Signal();

        // Older renditions and anything an attempt that died mid-publication left behind.
        foreach (var stale in store.ListFiles(target).Where(name => !names.Contains(name)))
        {
            store.Delete(Path.Combine(target, stale));
        }
        store.DeleteImages(video.ThumbnailName == output.ThumbnailName ? null : video.ThumbnailName,
            video.PreviewName == output.PreviewName ? null : video.PreviewName);
        foreach (var torrent in replaced.Select(f => f.TorrentName).OfType<string>())
        {
            store.Delete(store.TorrentPath(torrent));
        }
        LogPublished(logger, video.Id, output.Renditions.Count, output.Id);
        return true;
    }

    /// <summary>Someone else settled this video meanwhile (deleted, or published by another attempt): drop our copy.</summary>
    private void DropCopy(string target, IReadOnlySet<string> names, TranscodeOutput output)
    {
        foreach (var name in names)
        {
            store.Delete(Path.Combine(target, name));
        }
        store.DeleteImages(output.ThumbnailName, output.PreviewName);
    }

    /// <summary>
    /// A rendition's rows: its HLS file and, when made, its web video (the same streams in a faststart MP4, plus the audio
    /// when the HLS audio is a separate rendition).
    /// </summary>
    private static IEnumerable<VideoFileRow> FileRows(RenditionResult r, bool separateAudio)
    {
        var hls = new VideoFileRow
        {
            Resolution = r.Resolution,
            Width = r.Width,
            Height = r.Height,
            Fps = r.Fps,
            Size = r.SizeBytes,
            Bitrate = r.AverageBitrate,
            FileName = r.FragmentedName,
            PlaylistName = r.PlaylistName,
            Kind = VideoFileKinds.Hls,
            HasAudio = r.HasAudio,
            HasVideo = r.Resolution > 0,
        };
        yield return hls;
        if (r.WebVideoName is not null)
        {
            yield return hls with
            {
                FileName = r.WebVideoName, PlaylistName = null, Size = r.WebVideoSizeBytes, Kind = VideoFileKinds.WebVideo,
                HasAudio = r.HasAudio || separateAudio,
            };
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Video {VideoId} published with {Count} renditions ({TranscodeId})")]
    private static partial void LogPublished(ILogger logger, long videoId, int count, string transcodeId);
}
