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
/// The <c>transcode</c> job in process: the HLS pipeline into a work folder, then publication (<see cref="TranscodePublisher"/>).
/// With remote runners enabled this handler is not registered and runners take the job over HTTP (Api/Runners).
/// A job taken up again after a crash finds the video published (and stops) or starts over in a clean work folder.
/// </summary>
public sealed partial class TranscodeJobHandler(
    HlsPipeline pipeline,
    IOptions<TranscoderOptions> options,
    VideoRepository videos,
    VideoMediaRepository media,
    MediaStore store,
    VideoOriginals originals,
    TranscodePublisher publisher,
    VideoPlatform.Core.Settings.InstanceSettings instanceSettings,
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
        var original = await originals.FindAsync(video, ct);
        if (original is null)
        {
            const string missing = "The uploaded file is missing from storage; please upload the video again.";
            await media.MarkFailedAsync(video.Id, missing, CancellationToken.None);
            throw new PermanentJobFailureException(missing);
        }

        // Only the lease holder works here, so leftovers belong to a dead attempt.
        var work = store.CreateWorkFolder("transcode-" + video.Uuid);
        // An original kept in object storage (a re-transcode after the move) is read from a local copy, removed at the end.
        var sourceFolder = original.LocalPath is null ? store.CreateWorkFolder("source-" + video.Uuid) : null;
        try
        {
            await TranscodeAsync(video, await originals.LocalCopyAsync(original, sourceFolder ?? work, ct), original, work, context, ct);
        }
        finally
        {
            if (sourceFolder is not null)
            {
                store.Delete(sourceFolder);
            }
        }
    }

    private async Task TranscodeAsync(VideoRow video, string source, OriginalFile original, string work, JobContext context, CancellationToken ct)
    {
        // The ladder chosen on the admin settings page (else the default one), read for each video: applied without restart.
        var ladder = (await instanceSettings.CurrentAsync(ct)).TranscodingResolutions;
        var settings = new TranscodeSettings
        {
            Threads = Math.Max(1, options.Value.Threads), Preset = options.Value.Preset, WebVideos = options.Value.WebVideos, EnabledResolutions = ladder.ToHashSet(),
        };
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
                if (original.LocalPath is not null)
                {
                    store.Delete(source);
                }
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

        if (result.Report is { } report)
        {
            // Content analysis, rate control, size and SSIM per rendition: for administrators, on the jobs page.
            await context.SetDetailsAsync(report);
        }

        await publisher.PublishAsync(video, result.Output, result.Directory, alsoInTransaction: null, ct);
        store.Delete(work);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store the progress of video {VideoId}")]
    private static partial void LogProgressFailed(ILogger logger, Exception ex, long videoId);
}
