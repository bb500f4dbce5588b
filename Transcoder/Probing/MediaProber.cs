using FFMpegCore;
using Microsoft.Extensions.Logging;

namespace VideoPlatform.Transcoder.Probing;

/// <summary>Runs ffprobe on a file and maps its answer to <see cref="SourceMedia"/>; null when ffprobe cannot read it.</summary>
public sealed partial class MediaProber(ILogger<MediaProber> logger, string? binaryFolder = null)
{
    public async Task<SourceMedia?> ProbeAsync(string path, CancellationToken cancellationToken)
    {
        var size = new FileInfo(path).Length;
        if (size == 0)
        {
            return null;
        }

        IMediaAnalysis analysis;
        try
        {
            var options = new FFOptions { BinaryFolder = binaryFolder ?? ResolveBinaryFolder() };
            analysis = await FFProbe.AnalyseAsync(path, options, customArguments: null, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception ex)
        {
            // ffprobe refuses truncated containers and non-media files: both are "unreadable" to the uploader.
            LogProbeFailed(logger, path, ex.Message);
            return null;
        }

        return Map(analysis, size);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "ffprobe could not read {Path}: {Reason}")]
    private static partial void LogProbeFailed(ILogger logger, string path, string reason);
}
