using System.ComponentModel;
using FFMpegCore.Exceptions;
using VideoPlatform.Transcoder.Probing;

namespace VideoPlatform.Tests.Transcoder;

/// <summary>Which ffprobe failures at the upload door are the file's (422, the file refused) and which the machine's (503, retried).</summary>
public class ProbeFailureTests
{
    // FFMpegCore's message for a failed ffprobe run, with the process's stderr lines (its FFProbeProcessException has no public constructor).
    private static FFProbeException Failed(int exitCode, params string[] stderr) =>
        new($"ffprobe exited with non-zero exit-code ({exitCode} - {string.Join("\n", stderr)})", null);

    private static IEnumerable<TestCaseData> FilesFault()
    {
        yield return new TestCaseData(Failed(1, "notes.mp4: Invalid data found when processing input")).SetName("Not media");
        yield return new TestCaseData(Failed(1, "[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55d9b146d2c0] moov atom not found", "cut.mp4: Invalid data found when processing input"))
            .SetName("Truncated MP4");
        yield return new TestCaseData(Failed(1, "[matroska,webm @ 0x5600] EBML header parsing failed", "broken.webm: Invalid data found when processing input"))
            .SetName("Damaged WebM");
        yield return new TestCaseData(Failed(1)).SetName("Failure without output");
        yield return new TestCaseData(new System.Text.Json.JsonException("The input does not contain any JSON tokens.")).SetName("No JSON from ffprobe");
        yield return new TestCaseData(new OperationCanceledException()).SetName("Cancelled, not by the probe's time limit");
    }

    [TestCaseSource(nameof(FilesFault))]
    public void Ffprobe_refusing_the_data_blames_the_file(Exception failure) =>
        Assert.That(ProbeFailure.NotTheFiles(failure, timedOut: false), Is.Null);

    private static IEnumerable<TestCaseData> MachinesFault()
    {
        yield return new TestCaseData(Failed(137), "status 137").SetName("Killed by SIGKILL (out-of-memory killer)");
        yield return new TestCaseData(Failed(143), "status 143").SetName("Killed by SIGTERM");
        yield return new TestCaseData(Failed(-9), "status -9").SetName("Negative status");
        yield return new TestCaseData(Failed(1, "lesson.mp4: Cannot allocate memory"), "Cannot allocate memory").SetName("Out of memory");
        yield return new TestCaseData(Failed(1, "lesson.mp4: Too many open files"), "Too many open files").SetName("Out of file handles");
        yield return new TestCaseData(Failed(1, "[mov,mp4,m4a,3gp,3g2,mj2 @ 0x1] lesson.mp4: Resource temporarily unavailable"), "Resource temporarily unavailable")
            .SetName("Out of processes or threads");
        yield return new TestCaseData(Failed(1, "lesson.mp4: Permission denied"), "Permission denied").SetName("Upload folder unreadable");
        yield return new TestCaseData(Failed(1, "lesson.mp4: Input/output error"), "Input/output error").SetName("Disk read error");
        yield return new TestCaseData(new Win32Exception(13, "Permission denied"), "could not start: Permission denied").SetName("ffprobe not executable");
        yield return new TestCaseData(new Win32Exception(2, "No such file or directory"), "could not start").SetName("ffprobe missing");
        yield return new TestCaseData(new Win32Exception(11, "Resource temporarily unavailable"), "could not start").SetName("No process could be made");
    }

    [TestCaseSource(nameof(MachinesFault))]
    public void Ffprobe_failing_for_the_machine_does_not_blame_the_file(Exception failure, string reason) =>
        Assert.That(ProbeFailure.NotTheFiles(failure, timedOut: false), Does.Contain(reason));

    [Test]
    public void A_probe_stopped_by_its_time_limit_does_not_blame_the_file()
    {
        Assert.That(ProbeFailure.NotTheFiles(new OperationCanceledException(), timedOut: true), Does.Contain("did not answer in time"));
        Assert.That(ProbeFailure.NotTheFiles(new TaskCanceledException(), timedOut: true), Does.Contain("did not answer in time"));
    }

    [TestCase("ffprobe exited with non-zero exit-code (1 - notes.mp4: Invalid data)", 1)]
    [TestCase("ffprobe exited with non-zero exit-code (137 - )", 137)]
    [TestCase("ffprobe exited with non-zero exit-code (-11 - )", -11)]
    [TestCase("ffprobe exited with non-zero exit-code (", null)]
    [TestCase("ffprobe failed", null)]
    public void Reads_the_exit_status_from_ffmpegcores_message(string message, int? expected) =>
        Assert.That(ProbeFailure.ExitCode(message), Is.EqualTo(expected));
}
