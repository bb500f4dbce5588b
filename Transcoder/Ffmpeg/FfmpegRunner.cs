using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;

namespace VideoPlatform.Transcoder.Ffmpeg;

public sealed class FfmpegException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
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

            throw new FfmpegException($"ffmpeg exited with code {process.ExitCode}: {tail}", process.ExitCode);
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
