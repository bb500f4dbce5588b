using System.Globalization;
using FFMpegCore;
using Microsoft.Extensions.Logging;
using VideoPlatform.Transcoder.Ffmpeg;

namespace VideoPlatform.Transcoder.Probing;

/// <summary>What the door decided about an upload: the probed media (null when unreadable) and the verdict.</summary>
public sealed record UploadInspection(SourceMedia? Media, ValidationResult Result);

/// <summary>
/// Runs ffprobe on a file and maps its answer to <see cref="SourceMedia"/>: null when ffprobe read the file and refused it,
/// <see cref="ProbeUnavailableException"/> when ffprobe could not judge it (not started, killed, out of time or resources).
/// </summary>
public sealed partial class MediaProber(ILogger<MediaProber> logger, string? binaryFolder = null, TimeProvider? timeProvider = null,
    TimeSpan? probeTimeout = null)
{
    /// <summary>How long ffprobe may take on one file before the probe counts as not done (not as an unreadable file).</summary>
    public static readonly TimeSpan DefaultProbeTimeout = TimeSpan.FromMinutes(1);

    /// <summary>How much of the start of an upload is decoded at the door.</summary>
    public static readonly TimeSpan DecodeCheckLength = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan DecodeCheckTimeout = TimeSpan.FromMinutes(2);

    private readonly TimeProvider _clock = timeProvider ?? TimeProvider.System;

    /// <summary>
    /// The door of an upload, cheapest check first: ffprobe and the validator's rules, then for MP4/MOV the sample
    /// tables against the file size (a cut-off transfer), then a decode of the first seconds with error detection.
    /// Throws <see cref="ProbeUnavailableException"/> when ffprobe could not judge the file.
    /// </summary>
    public async Task<UploadInspection> InspectUploadAsync(string path, string fileName, CancellationToken cancellationToken)
    {
        var started = _clock.GetTimestamp();
        var media = await ProbeAsync(path, cancellationToken).ConfigureAwait(false);
        var result = UploadValidator.Validate(media, fileName);
        if (result.IsValid)
        {
            Mp4Check container;
            await using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.RandomAccess))
            {
                container = Mp4SampleTables.Inspect(file);
            }
            result = UploadValidator.ValidateContainer(container);
            if (result.IsValid)
            {
                result = UploadValidator.ValidateDecoding(await FirstDecodeErrorAsync(path, DecodeCheckLength, cancellationToken).ConfigureAwait(false));
            }
        }
        LogInspected(logger, fileName, _clock.GetElapsedTime(started).TotalMilliseconds, result.Error);
        return new UploadInspection(media, result);
    }

    /// <summary>
    /// Decodes the first <paramref name="length"/> of every video and audio stream with error detection on; returns
    /// the decoder's first error line, or null when they decode (or when ffmpeg failed for a reason not the file's).
    /// </summary>
    public async Task<string?> FirstDecodeErrorAsync(string path, TimeSpan length, CancellationToken cancellationToken)
    {
        var folder = binaryFolder ?? ResolveBinaryFolder();
        var ffmpeg = folder.Length > 0 ? Path.Combine(folder, "ffmpeg") : "ffmpeg";
        string[] arguments =
        [
            "-hide_banner", "-nostats", "-loglevel", "error", "-xerror", "-err_detect", "explode", "-threads", "2",
            "-t", length.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture), "-i", Path.GetFullPath(path),
            "-map", "0:v:0?", "-map", "0:a:0?", "-f", "null", "-",
        ];
        try
        {
            await new FfmpegRunner(logger, _clock).RunAsync(ffmpeg, arguments, Path.GetDirectoryName(Path.GetFullPath(path))!, TimeSpan.Zero, null,
                DecodeCheckTimeout, TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (FfmpegException ex) when (ex.DecoderError is { } error)
        {
            return error;
        }
        catch (Exception ex) when (ex is FfmpegException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            // Not the file's fault (no ffmpeg, killed, too slow a machine): the transcode will judge it.
            LogDecodeCheckFailed(logger, path, ex.Message);
            return null;
        }
    }

    public async Task<SourceMedia?> ProbeAsync(string path, CancellationToken cancellationToken)
    {
        var size = new FileInfo(path).Length;
        if (size == 0)
        {
            return null;
        }

        IMediaAnalysis analysis;
        using var timeout = new CancellationTokenSource(probeTimeout ?? DefaultProbeTimeout, _clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var options = new FFOptions { BinaryFolder = binaryFolder ?? ResolveBinaryFolder() };
            analysis = await FFProbe.AnalyseAsync(path, options, customArguments: null, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ProbeFailure.NotTheFiles(ex, timeout.IsCancellationRequested) is { } reason)
        {
            LogProbeUnavailable(logger, path, reason);
            throw new ProbeUnavailableException(reason, ex);
        }
        catch (Exception ex)
        {
            // ffprobe refuses truncated containers and non-media files: both are "unreadable" to the uploader.
            LogProbeFailed(logger, path, ex.Message);
            return null;
        }

        return Map(analysis, size);
    }

    /// <summary>
    /// ffprobe's own JSON for a file (<c>streams</c>, <c>format</c>, <c>chapters</c>): what PeerTube answers at a file's
    /// <c>metadataUrl</c>. Null when ffprobe ran and could not read the file (the file's fault); throws
    /// <see cref="ProbeUnavailableException"/> when ffprobe gave no verdict for a reason of ours (it could not start, was
    /// killed, ran out of time or resources), as <see cref="ProbeAsync"/> does.
    /// </summary>
    public async Task<string?> ProbeJsonAsync(string path, CancellationToken cancellationToken)
    {
        var folder = binaryFolder ?? ResolveBinaryFolder();
        var info = new System.Diagnostics.ProcessStartInfo(string.IsNullOrEmpty(folder) ? "ffprobe" : Path.Combine(folder, "ffprobe"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-v", "error", "-print_format", "json", "-show_format", "-show_streams", "-show_chapters", path })
        {
            info.ArgumentList.Add(arg);
        }
        System.Diagnostics.Process process;
        try
        {
            process = System.Diagnostics.Process.Start(info) ?? throw new System.ComponentModel.Win32Exception("ffprobe did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw Unavailable(path, ProbeFailure.NotTheFiles(ex, timedOut: false)!, ex);
        }
        using (process)
        {
            using var timeout = new CancellationTokenSource(probeTimeout ?? DefaultProbeTimeout, _clock);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            // The pipes close when ffprobe ends, killed or not: the reads need no token of their own.
            var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
            try
            {
                await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex)
            {
                process.Kill(entireProcessTree: true);
                if (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                throw Unavailable(path, ProbeFailure.NotTheFiles(ex, timedOut: true)!, ex);
            }
            var json = await output.ConfigureAwait(false);
            var stderr = await errors.ConfigureAwait(false);
            if (process.ExitCode == 0)
            {
                return json;
            }
            if (FfmpegFailure.IsMachineFailure(process.ExitCode, stderr))
            {
                var detail = stderr.Trim();
                detail = detail.Length > 200 ? detail[..200] + "…" : detail;
                throw Unavailable(path, string.Create(CultureInfo.InvariantCulture, $"ffprobe failed with status {process.ExitCode}: {detail}"), null);
            }
            LogProbeFailed(logger, path, stderr);
            return null;
        }
    }

    private ProbeUnavailableException Unavailable(string path, string reason, Exception? inner)
    {
        LogProbeUnavailable(logger, path, reason);
        return new ProbeUnavailableException(reason, inner);
    }

    internal static SourceMedia Map(IMediaAnalysis analysis, long size)
    {
        // Cover art in audio files is a one-picture "video" stream: the upload is audio-only.
        var v = analysis.VideoStreams.FirstOrDefault(s => s.Disposition is null
            || !s.Disposition.TryGetValue("attached_pic", out var attached) || !attached);
        var a = analysis.PrimaryAudioStream;
        var video = v is null
            ? null
            : new SourceVideo(
                v.CodecName ?? "",
                v.Width ?? 0,
                v.Height ?? 0,
                NormaliseRotation(v.Rotation),
                v.AverageFrameRate,
                v.RealFrameRate,
                v.PixelFormat,
                v.BitsPerRawSample is > 0 ? v.BitsPerRawSample.Value : BitDepthFromPixelFormat(v.PixelFormat),
                v.BitRate > 0 ? v.BitRate : null,
                FrameCount(v));
        var audio = a is null
            ? null
            : new SourceAudio(a.CodecName ?? "", a.BitRate > 0 ? a.BitRate : null, a.Channels ?? 0, a.SampleRateHz ?? 0);
        var duration = analysis.Format.Duration > TimeSpan.Zero ? analysis.Format.Duration : analysis.Duration;
        return new SourceMedia(
            analysis.Format.FormatName ?? "",
            size,
            duration,
            analysis.Format.BitRate > 0 ? (long)analysis.Format.BitRate : null,
            video,
            audio);
    }

    internal static int NormaliseRotation(int rotation)
    {
        var r = rotation % 360;
        return r < 0 ? r + 360 : r;
    }

    internal static int BitDepthFromPixelFormat(string? pixelFormat)
    {
        if (string.IsNullOrEmpty(pixelFormat))
        {
            return 8;
        }

        foreach (var depth in new[] { 16, 14, 12, 10, 9 })
        {
            if (pixelFormat.Contains(depth.ToString(System.Globalization.CultureInfo.InvariantCulture) + "le", StringComparison.Ordinal)
                || pixelFormat.Contains(depth.ToString(System.Globalization.CultureInfo.InvariantCulture) + "be", StringComparison.Ordinal))
            {
                return depth;
            }
        }

        return 8;
    }

    private static long? FrameCount(VideoStream v) =>
        v.Tags is not null && v.Tags.TryGetValue("NUMBER_OF_FRAMES", out var n) && long.TryParse(n, out var count) ? count : null;

    private static string ResolveBinaryFolder() =>
        File.Exists("/usr/bin/ffprobe") ? "/usr/bin" : "";

    [LoggerMessage(Level = LogLevel.Information, Message = "Upload {FileName} inspected in {Milliseconds:0} ms: {Error}")]
    private static partial void LogInspected(ILogger logger, string fileName, double milliseconds, ValidationError error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The decode check of {Path} could not run: {Reason}")]
    private static partial void LogDecodeCheckFailed(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ffprobe could not judge {Path}, not the file's fault: {Reason}")]
    private static partial void LogProbeUnavailable(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "ffprobe could not read {Path}: {Reason}")]
    private static partial void LogProbeFailed(ILogger logger, string path, string reason);
}
