using VideoPlatform.Transcoder.Probing;

namespace VideoPlatform.Tests.Transcoder;

public class UploadValidatorTests
{
    private static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData(Sources.Video(1280, 720), "clip.mp4", ValidationError.None).SetName("720p video is accepted");
        yield return new TestCaseData(Sources.AudioOnly(), "talk.mp3", ValidationError.None).SetName("audio file is accepted");
        yield return new TestCaseData(null, "clip.mp4", ValidationError.Unreadable).SetName("probe failure is unreadable");
        yield return new TestCaseData(
            new SourceMedia("mov,mp4,m4a,3gp,3g2,mj2", 10, TimeSpan.FromSeconds(3), null, null, null), "clip.mkv", ValidationError.NotAVideo)
            .SetName("no stream in a video-named file");
        yield return new TestCaseData(
            new SourceMedia("data", 10, TimeSpan.FromSeconds(3), null, null, null), "clip.bin", ValidationError.NoStreams)
            .SetName("no stream at all");
        yield return new TestCaseData(
            Sources.Video(800, 600, audio: false, seconds: 0.04, codec: "png", format: "png_pipe"), "photo.png", ValidationError.StillImage)
            .SetName("png is a still image");
        yield return new TestCaseData(
            Sources.Video(800, 600, audio: false, seconds: 0.04, codec: "png", format: "png_pipe"), "photo.mp4", ValidationError.NotAVideo)
            .SetName("png renamed mp4 is not a video");
        yield return new TestCaseData(
            Sources.Video(800, 600, audio: false, seconds: 0.04, codec: "mjpeg", format: "jpeg_pipe"), "photo.jpg", ValidationError.StillImage)
            .SetName("jpeg is a still image");
        yield return new TestCaseData(Sources.Video(640, 480, audio: true, codec: "mjpeg", seconds: 30), "camera.avi", ValidationError.None)
            .SetName("motion jpeg with sound is a video");
        yield return new TestCaseData(Sources.Video(8200, 4320), "big.mp4", ValidationError.TooLarge).SetName("wider than 8192");
        yield return new TestCaseData(Sources.Video(12, 12), "tiny.mp4", ValidationError.TooSmall).SetName("smaller than 16");
        yield return new TestCaseData(Sources.Video(1280, 720, seconds: 0), "zero.mp4", ValidationError.EmptyDuration).SetName("zero duration");
        yield return new TestCaseData(Sources.Video(1280, 720, seconds: 13 * 3600), "long.mp4", ValidationError.TooLong).SetName("longer than 12 h");
        yield return new TestCaseData(Sources.Video(1280, 720, seconds: 12 * 3600), "twelve.mp4", ValidationError.None).SetName("exactly 12 h");
        yield return new TestCaseData(Sources.Video(16, 16), "min.mp4", ValidationError.None).SetName("16x16 is the minimum");
    }

    [TestCaseSource(nameof(Cases))]
    public void Validate(SourceMedia? media, string fileName, ValidationError expected)
    {
        var result = UploadValidator.Validate(media, fileName);

        Assert.That(result.Error, Is.EqualTo(expected), result.Message);
        Assert.That(result.IsValid, Is.EqualTo(expected == ValidationError.None));
        if (!result.IsValid)
        {
            Assert.That(result.Message, Is.Not.Empty);
        }
    }

    [Test]
    public void Png_renamed_mp4_message_names_the_extension() =>
        Assert.That(
            UploadValidator.Validate(Sources.Video(800, 600, audio: false, seconds: 0.04, codec: "png", format: "png_pipe"), "x.mp4").Message,
            Does.Contain(".mp4").And.Contain("png"));
}
