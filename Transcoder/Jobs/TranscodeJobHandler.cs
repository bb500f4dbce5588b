using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Videos;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Core.Storage;
using VideoPlatform.Transcoder;

namespace VideoPlatform.Transcoder.Jobs;

/// <summary>Payload of the <c>transcode</c> job, queued when an upload completes.</summary>
public sealed record TranscodeJob(long VideoId) : IJobPayload
{
    public static string JobType => "transcode";

    /// <summary>One transcode of a video at a time.</summary>
    public static string OrderingKey(long videoId) => "transcode:" + videoId.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// The <c>transcode</c> job: the HLS pipeline into a work folder, then publication. Files are moved into place first
/// (new names, so nothing served changes), then one transaction switches the video to them, then the old files go.
/// A job taken up again after a crash finds the video published (and stops) or starts over in a clean work folder.
/// The publishing transaction also queues the <see cref="VideoPublishedJob"/> job that tells the listeners.
/// </summary>
public sealed partial class TranscodeJobHandler(
    HlsPipeline pipeline,
    IOptions<TranscoderOptions> options,
    VideoRepository videos,
    VideoMediaRepository media,
    MediaStore store,
    JobQueue queue,
    TimeProvider clock,
    ILogger<TranscodeJobHandler> logger) : IJobHandler<TranscodeJob>
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    public int Concurrency => Math.Max(1, options.Value.Concurrency);
    public TimeSpan Lease => options.Value.Lease;
    public TimeSpan InitialBackoff => options.Value.RetryBackoff;

    public async Task HandleAsync(TranscodeJob payload, JobContext context, CancellationToken ct)
    {
        var found = await videos.FindAsync(payload.VideoId.ToString(CultureInfo.InvariantCulture), ct);
        if (found is null || found.Video.State != VideoState.ToTranscode)
        {
            // Deleted meanwhile, or published by an earlier attempt that died before completing its job.
            LogNothingToDo(logger, payload.VideoId);
            return;
        }
        var video = found.Video;
        var source = store.FindOriginal(video.Uuid);
        if (source is null)
        {
            const string missing = "The uploaded file is missing from storage; please upload the video again.";
            await media.MarkFailedAsync(video.Id, missing, CancellationToken.None);
            throw new PermanentJobFailureException(missing);
        }

        // Only the lease holder works here, so leftovers belong to a dead attempt.
        var work = store.CreateWorkFolder("transcode-" + video.Uuid);
        var settings = new TranscodeSettings { Threads = Math.Max(1, options.Value.Threads), Preset = options.Value.Preset, WebVideos = options.Value.WebVideos };
        var sink = new LatestProgress();
        TranscodeResult result;
        using (var progressStop = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            var progressLoop = StoreProgressAsync(video.Id, sink, context, progressStop.Token);
            try
            {
                result = await pipeline.RunAsync(source, work, settings, sink, ct);
            }
            catch (UploadRejectedException ex)
            {
                await media.MarkFailedAsync(video.Id, ex.Message, CancellationToken.None);
                store.Delete(source);
                store.Delete(work);
                throw new PermanentJobFailureException(ex.Message);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && context.Job.Attempts >= context.Job.MaxAttempts)
            {
                await media.MarkFailedAsync(video.Id, "Transcoding failed: " + ex.Message, CancellationToken.None);
                store.Delete(work);
                throw;
            }
            finally
            {
                await progressStop.CancelAsync();
                await progressLoop;
            }
        }

        await PublishAsync(video, result, ct);
        store.Delete(work);
    }

    private async Task PublishAsync(VideoRow video, TranscodeResult result, CancellationToken ct)
    {
        store.PublishFile(Path.Combine(result.Directory, result.ThumbnailName), store.ThumbnailPath(result.ThumbnailName));
        store.PublishFile(Path.Combine(result.Directory, result.PreviewName), store.PreviewPath(result.PreviewName));

        var isPrivate = MediaStore.IsPrivateMedia(video.Privacy);
        var target = store.HlsFolder(video.Uuid, isPrivate);
        // Files of an older transcode stay served until the database points to the new ones.
        var names = store.PublishFolder(result.Directory, target);
        // The rows this publication replaces (the source listed until now, an older transcode's): their torrents go with them.
        var replaced = await videos.FilesAsync(video.Id, ct);

        var published = await media.PublishAsync(video.Id, new PublishedMedia(
            result.MasterPlaylistName,
            result.SegmentsSha256Name,
            result.ThumbnailName,
            result.PreviewName,
            (int)Math.Round(result.Duration.TotalSeconds),
            result.Renditions.SelectMany(FileRows).ToList()),
            // The outbox: federation, torrents and cache eviction are queued with the publication, so a crash after
            // this commit (or a failing listener) cannot leave a published video that is never federated.
            (c, t) => VideoPublishedJob.EnqueueAsync(queue, c, t, video.Id), CancellationToken.None);

        if (!published)
        {
            // Someone else settled this video meanwhile (deleted, or published by another attempt): drop our copy.
            foreach (var name in names)
            {
                store.Delete(Path.Combine(target, name));
            }
            store.DeleteImages(result.ThumbnailName, result.PreviewName);
            return;
        }
        queue.Signal();

        // Older renditions and anything an attempt that died mid-publication left behind.
        foreach (var stale in store.ListFiles(target).Where(name => !names.Contains(name)))
        {
            store.Delete(Path.Combine(target, stale));
        }
        store.DeleteImages(video.ThumbnailName == result.ThumbnailName ? null : video.ThumbnailName,
            video.PreviewName == result.PreviewName ? null : video.PreviewName);
        foreach (var torrent in replaced.Select(f => f.TorrentName).OfType<string>())
        {
            store.Delete(store.TorrentPath(torrent));
        }
        LogPublished(logger, video.Id, result.Renditions.Count, result.Id);
    }

    /// <summary>A rendition's rows: its HLS file and, when made, its web video (the same streams in a faststart MP4).</summary>
    private static IEnumerable<VideoFileRow> FileRows(RenditionResult r)
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
            yield return hls with { FileName = r.WebVideoName, PlaylistName = null, Size = r.WebVideoSizeBytes, Kind = VideoFileKinds.WebVideo };
        }
    }

    /// <summary>Copies the latest progress to the video row (what the API shows) and to the job, once a second while it changes.</summary>
    private async Task StoreProgressAsync(long videoId, LatestProgress sink, JobContext context, CancellationToken ct)
    {
        var stored = -1;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(ProgressInterval, clock, ct);
                var percent = sink.Percent;
                if (percent != stored)
                {
                    stored = percent;
                    await context.ReportProgressAsync(percent);
                    await videos.SetProgressAsync(videoId, percent, ct);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            LogProgressFailed(logger, ex, videoId);
        }
    }

    /// <summary>Keeps only the last value: the pipeline reports synchronously and often, the database is written once a second.</summary>
    private sealed class LatestProgress : IProgress<double>
    {
        private int _percent;

        public int Percent => Volatile.Read(ref _percent);

        public void Report(double value) => Volatile.Write(ref _percent, (int)Math.Clamp(Math.Floor(value * 100), 0, 100));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Transcode of video {VideoId}: nothing to do (deleted or already published)")]
    private static partial void LogNothingToDo(ILogger logger, long videoId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Video {VideoId} published with {Count} renditions ({TranscodeId})")]
    private static partial void LogPublished(ILogger logger, long videoId, int count, string transcodeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store the progress of video {VideoId}")]
    private static partial void LogProgressFailed(ILogger logger, Exception ex, long videoId);
}
