using VideoPlatform.Transcoder.Ffmpeg;

namespace VideoPlatform.Tests.Transcoder;

/// <summary>Which ffmpeg failures are the input's (never retried) and which are the machine's (retried with backoff).</summary>
public class FfmpegFailureTests
{
    private static IEnumerable<TestCaseData> InputErrors()
    {
        yield return new TestCaseData(1, "[h264 @ 0x555fed7a7b80] corrupted macroblock 30 14 (total_coeff=-1)\n[h264 @ 0x555fed7a7b80] error while decoding MB 30 14\n",
            "h264: corrupted macroblock 30 14 (total_coeff=-1)").SetName("Corrupted H.264 macroblock");
        yield return new TestCaseData(1, "[aac @ 0x555fed756b40] Prediction is not allowed in AAC-LC.\n", "aac: Prediction is not allowed in AAC-LC.")
            .SetName("Damaged AAC frame");
        yield return new TestCaseData(1, "Error while decoding stream #0:1: Invalid data found when processing input\n",
            "Error while decoding stream #0:1: Invalid data found when processing input").SetName("Decoder error without context");
        yield return new TestCaseData(1, "[NULL @ 0x563273e48f80] Invalid NAL unit size (9319 > 3683).\ncut60.mp4: corrupt input packet in stream 0\n",
            "NULL: Invalid NAL unit size (9319 > 3683).").SetName("Truncated packet");
        yield return new TestCaseData(69, "[mov,mp4,m4a,3gp,3g2,mj2 @ 0x564211c088c0] stream 1, offset 0x6107: partial file\n",
            "mov,mp4,m4a,3gp,3g2,mj2: stream 1, offset 0x6107: partial file").SetName("Partial file");
    }

    [TestCaseSource(nameof(InputErrors))]
    public void Decoder_errors_blame_the_input(int exitCode, string stderr, string expected) =>
        Assert.That(FfmpegFailure.DecoderError(exitCode, stderr), Is.EqualTo(expected));

    private static IEnumerable<TestCaseData> MachineErrors()
    {
        yield return new TestCaseData(0, "[h264 @ 0x1] error while decoding MB 1 1\n").SetName("Success with concealed errors");
        yield return new TestCaseData(137, "[h264 @ 0x1] error while decoding MB 1 1\n").SetName("Killed by SIGKILL");
        yield return new TestCaseData(143, "").SetName("Killed by SIGTERM");
        yield return new TestCaseData(-9, "").SetName("Negative status");
        yield return new TestCaseData(1, "[hls @ 0x1] ID-720-fragmented.mp4: No space left on device\nError while decoding stream #0:0: Invalid data found when processing input\n")
            .SetName("Disk full");
        yield return new TestCaseData(1, "[hls @ 0x1] Failed to open file 'ID-720.m3u8': Permission denied\n").SetName("Unwritable work folder");
        yield return new TestCaseData(1, "Error initializing output stream 0:0 -- Cannot allocate memory\n").SetName("Out of memory");
        yield return new TestCaseData(1, "Unknown encoder 'libx264'\n").SetName("Unclassified failure");
        yield return new TestCaseData(1, "").SetName("No output");
    }

    [TestCaseSource(nameof(MachineErrors))]
    public void Other_failures_do_not_blame_the_input(int exitCode, string stderr) =>
        Assert.That(FfmpegFailure.DecoderError(exitCode, stderr), Is.Null);

    [Test]
    public void Long_lines_are_shortened_for_the_teacher()
    {
        var error = FfmpegFailure.DecoderError(1, "Error while decoding stream #0:0: " + new string('x', 500));
        Assert.That(error, Has.Length.EqualTo(201).And.EndWith("…"));
    }
}
