using Microsoft.Extensions.Logging.Abstractions;
using VideoPlatform.Transcoder;
using VideoPlatform.Transcoder.Probing;

namespace VideoPlatform.IntegrationTests.Transcoder;

[Category("Ffmpeg")]
public class UploadValidationTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        FfmpegTool.RequireFfmpeg();
        _dir = Path.Combine(Path.GetTempPath(), "vp-validation-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static async Task<ValidationResult> ValidateAsync(string path)
    {
        var media = await new MediaProber(NullLogger<MediaProber>.Instance, "/usr/bin").ProbeAsync(path, CancellationToken.None);
        return UploadValidator.Validate(media, Path.GetFileName(path));
    }

    [Test]
    public async Task Empty_file_is_unreadable()
    {
        var path = Path.Combine(_dir, "empty.mp4");
        await File.WriteAllBytesAsync(path, []);

        Assert.That((await ValidateAsync(path)).Error, Is.EqualTo(ValidationError.Unreadable));
    }

    [Test]
    public async Task Text_file_is_unreadable()
    {
        var path = Path.Combine(_dir, "notes.mp4");
        await File.WriteAllTextAsync(path, "Ceci n'est pas une vidéo.\n");

        Assert.That((await ValidateAsync(path)).Error, Is.EqualTo(ValidationError.Unreadable));
    }

    [Test]
    public async Task Truncated_mp4_is_unreadable()
    {
        var whole = Path.Combine(_dir, "whole.mp4");
        await FfmpegTool.MakeClipAsync(whole, "testsrc2=size=320x240:rate=25", 2);
        var bytes = await File.ReadAllBytesAsync(whole);
        var truncated = Path.Combine(_dir, "truncated.mp4");
        await File.WriteAllBytesAsync(truncated, bytes.AsSpan(0, bytes.Length / 2).ToArray());

        Assert.That((await ValidateAsync(truncated)).Error, Is.EqualTo(ValidationError.Unreadable));
    }

    [Test]
    public async Task Png_renamed_mp4_is_not_a_video()
    {
        var path = Path.Combine(_dir, "photo.mp4");
        await FfmpegTool.RunAsync("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240",
            "-frames:v", "1", "-c:v", "png", "-f", "image2", path);

        var result = await ValidateAsync(path);

        Assert.That(result.Error, Is.EqualTo(ValidationError.NotAVideo), result.Message);
    }

    [Test]
    public async Task Real_clip_is_valid_and_probed()
    {
        var path = Path.Combine(_dir, "clip.mp4");
        await FfmpegTool.MakeClipAsync(path, "testsrc2=size=320x240:rate=25", 2);

        var media = await new MediaProber(NullLogger<MediaProber>.Instance, "/usr/bin").ProbeAsync(path, CancellationToken.None);

        Assert.That(UploadValidator.Validate(media, "clip.mp4").IsValid, Is.True);
        Assert.That((media!.Video!.Width, media.Video.Height, media.Video.Fps, media.Video.Codec, media.Audio!.Codec),
            Is.EqualTo((320, 240, 25, "h264", "aac")));
        Assert.That(media.Duration.TotalSeconds, Is.EqualTo(2).Within(0.1));
    }

    [Test]
    public void Pipeline_rejects_a_bad_upload_before_running_ffmpeg()
    {
        var path = Path.Combine(_dir, "notes.mp4");
        File.WriteAllText(path, "hello");
        var pipeline = new HlsPipeline(NullLogger<HlsPipeline>.Instance, NullLoggerFactory.Instance, TimeProvider.System);

        var ex = Assert.ThrowsAsync<UploadRejectedException>(() =>
            pipeline.RunAsync(path, Path.Combine(_dir, "work"), new TranscodeSettings(), null, CancellationToken.None));

        Assert.That(ex!.Validation.Error, Is.EqualTo(ValidationError.Unreadable));
        Assert.That(Directory.Exists(Path.Combine(_dir, "work")), Is.False);
    }
}
