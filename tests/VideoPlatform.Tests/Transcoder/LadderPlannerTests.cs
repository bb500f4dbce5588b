using VideoPlatform.Transcoder;
using VideoPlatform.Transcoder.Planning;

namespace VideoPlatform.Tests.Transcoder;

public class LadderPlannerTests
{
    private static readonly TranscodeSettings Defaults = new();

    [TestCase(1920, 1080, 0, "1080:1920x1080 720:1280x720 480:854x480 360:640x360 240:426x240")]
    [TestCase(1280, 720, 0, "720:1280x720 480:854x480 360:640x360 240:426x240")]
    [TestCase(1080, 1920, 0, "1080:1080x1920 720:720x1280 480:480x854 360:360x640 240:240x426")]
    [TestCase(1920, 1080, 90, "1080:1080x1920 720:720x1280 480:480x854 360:360x640 240:240x426")]
    [TestCase(1920, 1080, 270, "1080:1080x1920 720:720x1280 480:480x854 360:360x640 240:240x426")]
    [TestCase(1920, 1080, 180, "1080:1920x1080 720:1280x720 480:854x480 360:640x360 240:426x240")]
    [TestCase(3840, 2160, 0, "2160:3840x2160 1080:1920x1080 720:1280x720 480:854x480 360:640x360 240:426x240")]
    [TestCase(1000, 600, 0, "600:1000x600 480:800x480 360:600x360 240:400x240")]
    [TestCase(639, 361, 0, "362:640x362 360:638x360 240:424x240")]
    [TestCase(200, 150, 0, "150:200x150")]
    [TestCase(1080, 1080, 0, "1080:1080x1080 720:720x720 480:480x480 360:360x360 240:240x240")]
    public void Ladder_never_upscales_keeps_aspect_and_is_even(int width, int height, int rotation, string expected)
    {
        var plan = LadderPlanner.Plan(Sources.Video(width, height, rotation: rotation), Defaults);

        var actual = string.Join(' ', plan.Renditions.Select(r => $"{r.Resolution}:{r.Width}x{r.Height}"));
        Assert.That(actual, Is.EqualTo(expected));
        Assert.That(plan.Renditions.All(r => r.Width % 2 == 0 && r.Height % 2 == 0));
    }

    [Test]
    public void Without_original_resolution_only_enabled_ones_are_made()
    {
        var settings = new TranscodeSettings { AlwaysTranscodeOriginalResolution = false };

        var plan = LadderPlanner.Plan(Sources.Video(3840, 2160), settings);

        Assert.That(plan.Renditions.Select(r => r.Resolution), Is.EqualTo(new[] { 1080, 720, 480, 360, 240 }));
    }

    [Test]
    public void A_source_below_every_enabled_resolution_is_kept_at_its_own()
    {
        var settings = new TranscodeSettings { AlwaysTranscodeOriginalResolution = false };

        var plan = LadderPlanner.Plan(Sources.Video(176, 144), settings);

        Assert.That(plan.Renditions.Select(r => r.Resolution), Is.EqualTo(new[] { 144 }));
    }

    // PeerTube's computeOutputFPS: origin resolution keeps its rate up to the max; lower ones under 720p go to a standard rate.
    [TestCase(30, 720, true, 30)]
    [TestCase(60, 1080, false, 60)]
    [TestCase(60, 720, false, 60)]
    [TestCase(60, 480, false, 30)]
    [TestCase(50, 480, false, 25)]
    [TestCase(48, 360, false, 24)]
    [TestCase(59, 480, false, 25)]
    [TestCase(60, 480, true, 60)]
    [TestCase(120, 1080, false, 60)]
    [TestCase(100, 1080, true, 50)]
    [TestCase(144, 480, false, 24)]
    [TestCase(25, 240, false, 25)]
    [TestCase(0, 240, false, 1)]
    public void Output_fps_follows_PeerTube(int input, int resolution, bool isOrigin, int expected) =>
        Assert.That(LadderPlanner.OutputFps(input, resolution, isOrigin, 60), Is.EqualTo(expected));

    [Test]
    public void Fps_is_capped_by_the_configured_max() =>
        Assert.That(LadderPlanner.OutputFps(60, 1080, true, 30), Is.EqualTo(30));

    [Test]
    public void Variable_frame_rate_is_detected_and_planned_at_the_average()
    {
        var source = Sources.Video(1280, 720, fps: 24.6, realFps: 60);

        var plan = LadderPlanner.Plan(source, Defaults);

        Assert.That(source.Video!.IsVariableFrameRate, Is.True);
        Assert.That(plan.Renditions[0].Fps, Is.EqualTo(25));
    }

    [Test]
    public void Audio_only_gives_the_0p_rendition()
    {
        var plan = LadderPlanner.Plan(Sources.AudioOnly("mp3", 192_000), Defaults);

        Assert.That(plan.SourceHasVideo, Is.False);
        Assert.That(plan.Renditions, Has.Count.EqualTo(1));
        Assert.That(plan.Renditions[0].IsAudioOnly, Is.True);
        Assert.That(plan.Renditions[0].AudioKbps, Is.EqualTo(192));
    }

    [Test]
    public void Video_without_audio_has_no_audio_bitrate()
    {
        var plan = LadderPlanner.Plan(Sources.Video(1280, 720, audio: false), Defaults);

        Assert.That(plan.SourceHasAudio, Is.False);
        Assert.That(plan.Renditions.All(r => !r.HasAudio));
    }

    // Values computed by hand from PeerTube's bits-per-pixel tables: floor(h * w * fps * bpp).
    [TestCase(1080, 16.0 / 9, 30, 6_220_800, 10_575_360)]
    [TestCase(720, 1.7778, 30, 3_041_318, 5_253_185)]
    [TestCase(240, 1.7778, 30, 522_246, 890_891)]
    [TestCase(1080, 0.5625, 30, 6_220_800, 10_575_360)]
    [TestCase(0, 0, 0, 192_000, 256_000)]
    public void Theoretical_bitrates_follow_PeerTube(int resolution, double ratio, int fps, long average, long max)
    {
        Assert.That(Bitrates.Average(resolution, ratio, fps), Is.EqualTo(average));
        Assert.That(Bitrates.Max(resolution, ratio, fps), Is.EqualTo(max));
    }

    [TestCase(null, 3_041_318)]
    [TestCase(1_000_000L, 1_300_000)]
    [TestCase(10_000L, 552_966)]
    public void Target_bitrate_is_capped_by_the_source_plus_30_percent(long? source, long expected) =>
        Assert.That(Bitrates.Target(720, 1.7778, 30, source), Is.EqualTo(expected).Within(1));

    [TestCase("aac", 128_000L, 128)]
    [TestCase("aac", 512_000L, 384)]
    [TestCase("mp3", null, 256)]
    [TestCase("flac", null, 384)]
    [TestCase("opus", 96_400L, 96)]
    public void Audio_bitrate_follows_PeerTube(string codec, long? bitrate, int expected) =>
        Assert.That(Bitrates.AudioKbps(codec, bitrate), Is.EqualTo(expected));
}
