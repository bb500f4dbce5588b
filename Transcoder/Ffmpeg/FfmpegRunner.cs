using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;

namespace VideoPlatform.Transcoder.Ffmpeg;

public sealed class FfmpegException(string message, int exitCode, string? decoderError = null) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>The first line of ffmpeg's output that blames the input (a decoder or demuxer error); null when the failure is not the input's.</summary>
    public string? DecoderError { get; } = decoderError;
}

/// <summary>
/// Tells a failure caused by the input (damaged or truncated media: retrying cannot help) from one caused by the
/// machine (killed process, full or unwritable disk, memory: a retry may succeed), from ffmpeg's exit status and stderr.
/// </summary>
public static partial class FfmpegFailure
{
    // Errors of the system under ffmpeg: whatever the decoder said too, the run is worth retrying.
    private static readonly string[] TransientMarkers =
    [
        "No space left on device", "Permission denied", "Cannot allocate memory", "Input/output error", "Read-only file system",
        "Too many open files", "Resource temporarily unavailable", "Disk quota exceeded",
    ];

    // What ffmpeg's decoders and demuxers print about damaged input (libavcodec, libavformat).
    private static readonly string[] DecoderMarkers =
    [
        "Error while decoding", "error while decoding", "Invalid data found when processing input", "corrupt", "Invalid NAL unit size",
        "partial file", "Error splitting the input into NAL units", "decode_slice_header error", "missing picture in access unit",
        "is not allowed in AAC", "is not allocated", "moov atom not found", "Invalid frame", "Packet corrupt", "concealing",
        "Truncating packet", "Error submitting packet to decoder", "stream ends prematurely",
    ];

    /// <summary>The decoder error line when the input is to blame, else null (success, signal, timeout, disk or memory trouble).</summary>
    public static string? DecoderError(int exitCode, string stderr)
    {
        if (exitCode == 0 || string.IsNullOrEmpty(stderr) || IsMachineFailure(exitCode, stderr))
        {
            return null;
        }
        foreach (var line in stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (DecoderMarkers.Any(m => line.Contains(m, StringComparison.Ordinal)))
            {
                var clean = ContextPrefix().Replace(line, "$1: ");
                return clean.Length > 200 ? clean[..200] + "…" : clean;
            }
        }
        return null;
    }

    /// <summary>
    /// Whether a failed ffmpeg or ffprobe run is the machine's doing rather than the input's: ended by a signal (killed,
    /// timed out) or short of disk, memory, file handles or processes. A retry may succeed.
    /// </summary>
    public static bool IsMachineFailure(int exitCode, string stderr) =>
        // A process ended by a signal reports 128 + the signal (137 = SIGKILL) or a negative status.
        exitCode is < 0 or >= 128 || TransientMarkers.Any(m => stderr.Contains(m, StringComparison.OrdinalIgnoreCase));

    // "[h264 @ 0x55d0c8a2e8c0] error while decoding MB 30 14" → "h264: error while decoding MB 30 14"
    [System.Text.RegularExpressions.GeneratedRegex(@"^\[([A-Za-z0-9_,\-]+) @ 0x[0-9a-fA-F]+\] ", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex ContextPrefix();
}

/// <summary>
/// Runs one ffmpeg process: reports -progress, stops it after a timeout, and on cancellation asks it to
/// quit ("q" on stdin, so it finalises what it can) before killing it after a grace period.
/// </summary>
internal sealed partial class FfmpegRunner(ILogger logger, TimeProvider timeProvider)
{
    private const int StderrTailChars = 4000;

    public async Task RunAsync(
        string ffmpegPath,
        IReadOnlyList<string> arguments,
        string workingDirectory,
        TimeSpan expectedDuration,
        IProgress<double>? progress,
        TimeSpan timeout,
        TimeSpan gracePeriod,
        CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(ffmpegPath)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var process = new Process { StartInfo = info };
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (stderr)
            {
                stderr.AppendLine(e.Data);
                if (stderr.Length > StderrTailChars * 2)
                {
                    stderr.Remove(0, stderr.Length - StderrTailChars);
                }
            }
        };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null && FfmpegProgress.Parse(e.Data, expectedDuration) is { } fraction)
            {
                progress?.Report(fraction);
            }
        };

        LogStarting(logger, string.Join(' ', arguments));
        var started = timeProvider.GetTimestamp();
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        using var timeoutSource = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await StopAsync(process, gracePeriod).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"ffmpeg did not finish within {timeout}.");
        }

        // WaitForExitAsync returns before the redirected streams are drained; this waits for them.
        process.WaitForExit();
        LogFinished(logger, process.ExitCode, timeProvider.GetElapsedTime(started).TotalSeconds);
        if (process.ExitCode != 0)
        {
            string tail;
            lock (stderr)
            {
                tail = stderr.ToString().Trim();
            }

            throw new FfmpegException($"ffmpeg exited with code {process.ExitCode}: {tail}", process.ExitCode,
                FfmpegFailure.DecoderError(process.ExitCode, tail));
        }
    }

    private async Task StopAsync(Process process, TimeSpan gracePeriod)
    {
        try
        {
            await process.StandardInput.WriteAsync("q").ConfigureAwait(false);
            await process.StandardInput.FlushAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // ffmpeg already closed its stdin: it is on its way out or stuck; the kill below settles it.
        }

        try
        {
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(gracePeriod, timeProvider).ConfigureAwait(false);
            LogQuit(logger);
        }
        catch (TimeoutException)
        {
            LogKilled(logger, gracePeriod.TotalSeconds);
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Starting ffmpeg {Arguments}")]
    private static partial void LogStarting(ILogger logger, string arguments);

    [LoggerMessage(Level = LogLevel.Information, Message = "ffmpeg exited with code {ExitCode} after {Seconds:0.0} s")]
    private static partial void LogFinished(ILogger logger, int exitCode, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "ffmpeg quit when asked")]
    private static partial void LogQuit(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ffmpeg ignored the quit request for {Seconds} s and was killed")]
    private static partial void LogKilled(ILogger logger, double seconds);
}
