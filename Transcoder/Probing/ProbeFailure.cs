using System.ComponentModel;
using System.Globalization;
using FFMpegCore.Exceptions;
using VideoPlatform.Transcoder.Ffmpeg;

namespace VideoPlatform.Transcoder.Probing;

/// <summary>
/// ffprobe gave no verdict on a file for a reason that is not the file's (it could not start, was killed, timed out, or the
/// machine ran short of memory, processes or file handles): the file must be kept and the probe tried again later.
/// </summary>
public sealed class ProbeUnavailableException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The <c>Retry-After</c> of a request answered 503 because its probe could not run (an upload's completion, file metadata).</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);
}

/// <summary>Tells an ffprobe failure caused by the file (unreadable, damaged, not media) from one caused by the machine.</summary>
public static class ProbeFailure
{
    private const string ExitCodeMarker = "exit-code (";

    /// <summary>
    /// Why a failed probe is not the file's fault, or null when it is (ffprobe ran and refused the data).
    /// <paramref name="timedOut"/> tells that the probe was stopped by its own time limit.
    /// </summary>
    public static string? NotTheFiles(Exception failure, bool timedOut)
    {
        switch (failure)
        {
            case OperationCanceledException when timedOut:
                return "ffprobe did not answer in time";
            case Win32Exception start:
                // ENOENT, EACCES (not executable), EAGAIN or ENOMEM (no process could be made).
                return "ffprobe could not start: " + start.Message;
            case FFMpegException process when ExitCode(process.Message) is { } exitCode:
                // FFMpegCore puts ffprobe's status and stderr in the message: "ffprobe exited with non-zero exit-code (N - stderr)".
                return FfmpegFailure.IsMachineFailure(exitCode, process.Message)
                    ? string.Create(CultureInfo.InvariantCulture, $"ffprobe failed with status {exitCode}: {Shorten(process.Message)}")
                    : null;
            default:
                return null;
        }
    }

    /// <summary>The exit status in FFMpegCore's message "ffprobe exited with non-zero exit-code (N - stderr)"; null when absent.</summary>
    public static int? ExitCode(string message)
    {
        var start = message.IndexOf(ExitCodeMarker, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }
        start += ExitCodeMarker.Length;
        var end = start;
        if (end < message.Length && message[end] == '-')
        {
            end++;
        }
        while (end < message.Length && char.IsAsciiDigit(message[end]))
        {
            end++;
        }
        return int.TryParse(message.AsSpan(start, end - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code) ? code : null;
    }

    private static string Shorten(string text)
    {
        var line = text.Trim();
        return line.Length > 200 ? line[..200] + "…" : line;
    }
}
