using System.Text.Json;
using Microsoft.Extensions.Options;
using VideoPlatform.Api.Videos;
using VideoPlatform.Api.Accounts;
using VideoPlatform.Api.Auth;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Videos;
using VideoPlatform.Core.Data;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Core.Storage;
using VideoPlatform.Core.Accounts;
using VideoPlatform.Api.P2P;
using VideoPlatform.Transcoder;
using VideoPlatform.Transcoder.Probing;

using VideoPlatform.Transcoder.Jobs;

namespace VideoPlatform.Api.Uploads;

/// <summary>
/// What both upload protocols share: the checks made before any byte is accepted (channel, extension, size, quota),
/// and the end of an upload: probe, validate, then create the video and its transcode job in one transaction.
/// </summary>
public sealed partial class UploadService(
    IOptions<UploadOptions> options,
    IOptions<InstanceOptions> instance,
    Database database,
    ActorRepository actors,
    VideoRepository videos,
    UploadSessionRepository sessions,
    JobQueue queue,
    MediaStore store,
    UploadQuota quota,
    TimeProvider clock,
    MediaProber prober,
    ILogger<UploadService> logger)
{
    public UploadOptions Options => options.Value;

    /// <summary>Everything that can be refused before the first byte; null when the upload may start.</summary>
    public async Task<IResult?> CheckBeforeBytesAsync(long userId, long channelId, string fileName, long size, string? exceptSessionId, CancellationToken ct)
    {
        var account = await actors.FindAccountOfUserAsync(userId, ct);
        var channel = await actors.FindByIdAsync(channelId, ct);
        if (account is null || channel is null || channel.Type != ActorTypes.Group || channel.AccountId != account.Id)
        {
            return Problems.BadRequest("Unknown video channel for this account.");
        }
        var extension = Path.GetExtension(fileName);
        if (string.IsNullOrEmpty(extension) || !Options.AllowedExtensions.Contains(extension, StringComparer.OrdinalIgnoreCase))
        {
            return Problems.Status(StatusCodes.Status415UnsupportedMediaType,
                $"This file is not supported. Please, make sure it is of the following type: {string.Join(", ", Options.AllowedExtensions)}");
        }
        if (size <= 0)
        {
            return Problems.Status(StatusCodes.Status422UnprocessableEntity, "The file is empty.", "empty_file");
        }
        if (size > Options.MaxFileSize)
        {
            return Problems.Status(StatusCodes.Status413PayloadTooLarge,
                "This file is too large. It exceeds the maximum file size authorized.", "max_file_size_reached");
        }
        if (!await quota.AllowsAsync(userId, size, exceptSessionId, ct))
        {
            return Problems.Status(StatusCodes.Status413PayloadTooLarge, "The user video quota is exceeded with this video.", "quota_reached");
        }
        return null;
    }

    /// <summary>
    /// Ends an upload whose bytes are all in <paramref name="uploadedPath"/>: a file that is not a usable video is refused
    /// and removed; a good one becomes a video in state "to transcode" with its job, atomically.
    /// </summary>
    public async Task<IResult> CompleteAsync(long userId, UpdateVideoRequest metadata, string fileName, string uploadedPath, string? sessionId, CancellationToken ct)
    {
        // Held until published or refused: the sweep of abandoned uploads leaves a file in use alone.
        using var held = UploadStaging.Hold(uploadedPath);
        if (held is null)
        {
            return Problems.NotFound("The uploaded file is gone: the upload expired or was cancelled.");
        }
        var size = store.Length(uploadedPath);
        UploadInspection inspection;
        try
        {
            inspection = size == 0
                ? new UploadInspection(null, new ValidationResult(ValidationError.Unreadable, "The file is empty."))
                : await prober.InspectUploadAsync(uploadedPath, fileName, ct);
        }
        catch (ProbeUnavailableException ex)
        {
            // Not the file's fault: keep the bytes (and the resumable session) so that the client retries the completion.
            LogProbeUnavailable(logger, fileName, ex.Message);
            return new RateLimits.RetryAfterResult(Problems.Status(StatusCodes.Status503ServiceUnavailable,
                "The server could not inspect the video right now; nothing was lost: retry in a moment.", "probe_unavailable"), ProbeUnavailableException.RetryAfter);
        }
        var (probe, validation) = (inspection.Media, inspection.Result);
        if (!validation.IsValid)
        {
            LogRejected(logger, fileName, validation.Message ?? "");
            store.Delete(uploadedPath);
            if (sessionId is not null)
            {
                await sessions.DeleteAsync(sessionId, ct);
            }
            return Problems.Status(StatusCodes.Status422UnprocessableEntity, validation.Message ?? "The file is not a usable video.", "invalid_video_file");
        }

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var audience = VideoCommands.ResolveAudience(null, metadata).Audience!;
        var row = NewVideos.Row(metadata, audience, instance.Value.PublicUrl, now) with
        {
            State = VideoState.ToTranscode,
            Duration = (int)Math.Round(probe!.Duration.TotalSeconds),
            WaitTranscoding = metadata.WaitTranscoding ?? true,
            OriginalSize = size,
            TranscodeProgress = 0,
        };
        var uuidText = row.Uuid;
        var original = store.OriginalPath(uuidText, Path.GetExtension(fileName));
        store.PublishFile(uploadedPath, original);
        long id;
        try
        {
            id = await database.WriteAsync(async (c, t) =>
            {
                var videoId = await videos.CreateAsync(c, t, row);
                // As PeerTube: the original is the video's first file (files[0]) with a torrent, until the transcode replaces it.
                await VideoMediaRepository.AddSourceFileAsync(c, t, videoId, SourceFile(probe, Path.GetFileName(original), size, now));
                if (audience.Passwords is { Count: > 0 } passwords)
                {
                    await VideoPasswordRepository.ReplaceAsync(c, t, videoId, passwords, now);
                }
                await queue.EnqueueAsync(c, t, new CreateTorrentsJob(videoId), CreateTorrentsJob.Options(videoId));
                await queue.EnqueueAsync(c, t, new TranscodeJob(videoId),
                    new EnqueueOptions { OrderingKey = TranscodeJob.OrderingKey(videoId), MaxAttempts = 5 });
                if (sessionId is not null)
                {
                    await sessions.DeleteAsync(c, t, sessionId);
                }
                return videoId;
            }, ct);
        }
        catch
        {
            store.Delete(original);
            throw;
        }
        queue.Signal();
        LogAccepted(logger, id, uuidText, size);
        return TypedResults.Ok(new { video = new { id, uuid = uuidText, shortUUID = row.ShortUuid } });
    }

    private static VideoFileRow SourceFile(SourceMedia probe, string fileName, long size, long now)
    {
        var v = probe.Video;
        var width = v?.DisplayWidth ?? 0;
        var height = v?.DisplayHeight ?? 0;
        return new VideoFileRow
        {
            // PeerTube's resolution of a file is its smaller side (0 for audio only).
            Resolution = Math.Min(width, height),
            Width = width,
            Height = height,
            Fps = v?.Fps ?? 0,
            Size = size,
            Bitrate = probe.Duration.TotalSeconds > 0 ? (long)(size * 8 / probe.Duration.TotalSeconds) : 0,
            FileName = fileName,
            Kind = VideoFileKinds.Source,
            HasAudio = probe.HasAudio,
            HasVideo = probe.HasVideo,
            CreatedAt = now,
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upload {FileName} kept for a retry: the probe could not run ({Reason})")]
    private static partial void LogProbeUnavailable(ILogger logger, string fileName, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Upload {FileName} refused: {Reason}")]
    private static partial void LogRejected(ILogger logger, string fileName, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Upload accepted as video {Id} ({Uuid}), {Size} bytes; transcode queued")]
    private static partial void LogAccepted(ILogger logger, long id, string uuid, long size);

}

/// <summary>Where ffprobe lives, as the transcoder's settings default to it.</summary>

