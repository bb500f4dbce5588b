using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using VideoPlatform.Transcoder;
using VideoPlatform.Transcoder.Probing;

namespace VideoPlatform.IntegrationTests.Transcoder;

[Category("Ffmpeg")]
[NonParallelizable]
public class HlsPipelineTests
{
    private static readonly TranscodeSettings Settings = new() { Threads = 2 };
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        FfmpegTool.RequireFfmpeg();
        _dir = Path.Combine(Path.GetTempPath(), "vp-transcoder-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static HlsPipeline Pipeline() =>
        new(NullLogger<HlsPipeline>.Instance, NullLoggerFactory.Instance, TimeProvider.System);

    private string WorkDir => Path.Combine(_dir, "work");

    [Test]
    public async Task Landscape_720p_gives_720_480_360_240_with_aligned_keyframes_and_hashes()
    {
        var source = Path.Combine(_dir, "landscape.mp4");
        await FfmpegTool.MakeClipAsync(source, "testsrc2=size=1280x720:rate=30,noise=alls=12:allf=t", 4);
        var reports = new List<double>();

        var result = await Pipeline().RunAsync(source, WorkDir, Settings, new SyncProgress(reports.Add), CancellationToken.None);

        Assert.That(result.Renditions.Select(r => (r.Resolution, r.Width, r.Height, r.Fps)), Is.EqualTo(new[]
        {
            (720, 1280, 720, 30), (480, 854, 480, 30), (360, 640, 360, 30), (240, 426, 240, 30), (0, 0, 0, 0),
        }), "the video rungs, then the audio once as its own rendition");
        Assert.That(result.Directory, Is.EqualTo(Path.Combine(WorkDir, result.Id)));
        Assert.That(Guid.TryParse(result.Id, out _), Is.True);
        Assert.That(Directory.GetDirectories(WorkDir), Is.EqualTo(new[] { result.Directory }), "no temp folder left");
        Assert.That(reports, Is.Not.Empty);
        Assert.That(reports[^1], Is.EqualTo(1.0));
        Assert.That(reports, Is.Ordered);

        await AssertRenditionsAsync(result);
        await AssertSha256Async(result);
        await AssertMasterAsync(result, expectAudio: true);
        await AssertImagesAsync(result);
        await AssertSeparateAudioAsync(result);
    }

    [Test]
    public async Task Portrait_1080x1920_keeps_portrait_and_uses_the_smaller_side_as_resolution()
    {
        var source = Path.Combine(_dir, "portrait.mp4");
        await FfmpegTool.MakeClipAsync(source, "testsrc2=size=1080x1920:rate=30", 2);

        var result = await Pipeline().RunAsync(source, WorkDir, Settings, null, CancellationToken.None);

        Assert.That(result.Renditions.Select(r => (r.Resolution, r.Width, r.Height)), Is.EqualTo(new[]
        {
            (1080, 1080, 1920), (720, 720, 1280), (480, 480, 854), (360, 360, 640), (240, 240, 426), (0, 0, 0),
        }));
        await AssertRenditionsAsync(result);
        await AssertSha256Async(result);
    }

    [Test]
    public async Task Rotation_metadata_is_applied_and_not_carried_over()
    {
        var plain = Path.Combine(_dir, "plain.mp4");
        var rotated = Path.Combine(_dir, "rotated.mp4");
        await FfmpegTool.MakeClipAsync(plain, "testsrc2=size=640x360:rate=25", 2);
        // ffmpeg 5.1 still writes the display matrix from the legacy "rotate" tag when stream copying.
        await FfmpegTool.RunAsync("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", plain, "-c", "copy", "-metadata:s:v", "rotate=90", rotated);

        var result = await Pipeline().RunAsync(rotated, WorkDir, Settings, null, CancellationToken.None);

        Assert.That(result.Source.Video!.IsQuarterTurn, Is.True);
        Assert.That(result.Renditions.Select(r => (r.Resolution, r.Width, r.Height)), Is.EqualTo(new[]
        {
            (360, 360, 640), (240, 240, 426), (0, 0, 0),
        }));
        await AssertRenditionsAsync(result);
        var stream = await FfmpegTool.ProbeStreamAsync(Path.Combine(result.Directory, result.Renditions[0].FragmentedName));
        Assert.That(stream.TryGetProperty("side_data_list", out _), Is.False, "the output must not be rotated a second time by players");
    }

    [Test]
    public async Task Audio_only_gives_the_0p_rendition_and_a_waveform_image()
    {
        var source = Path.Combine(_dir, "talk.m4a");
        await FfmpegTool.MakeClipAsync(source, "", 3, audio: true, "-c:a", "aac", "-b:a", "96k");

        var result = await Pipeline().RunAsync(source, WorkDir, Settings, null, CancellationToken.None);

        Assert.That(result.Renditions, Has.Count.EqualTo(1));
        var audio = result.Renditions[0];
        Assert.That((audio.Resolution, audio.Width, audio.Height, audio.Codecs), Is.EqualTo((0, 0, 0, "mp4a.40.2")));
        var stream = await FfmpegTool.ProbeStreamAsync(Path.Combine(result.Directory, audio.FragmentedName), "a:0");
        Assert.That(stream.GetProperty("codec_name").GetString(), Is.EqualTo("aac"));
        await AssertSha256Async(result);
        await AssertMasterAsync(result, expectAudio: true);
        await AssertImagesAsync(result);
    }

    [Test]
    public async Task Aac_up_to_384k_is_copied_packet_for_packet_into_the_audio_rendition_and_the_downloads()
    {
        var source = Path.Combine(_dir, "lesson-aac.mp4");
        await FfmpegTool.MakeClipAsync(source, "testsrc2=size=320x180:rate=25", 3, true, "-c:a", "aac", "-b:a", "128k", "-ac", "2");
        var settings = Settings with { EnabledResolutions = new HashSet<int> { 180 } };

        var result = await Pipeline().RunAsync(source, WorkDir, settings, null, CancellationToken.None);

        Assert.That(result.Source.Audio, Is.Not.Null.And.Property("Codec").EqualTo("aac"));
        Assert.That(result.Source.Audio!.BitRate, Is.LessThanOrEqualTo(384_000));
        var audio = result.Renditions.Single(r => r.Resolution == 0);
        var expected = await AudioPacketHashesAsync(source);
        Assert.That(expected, Has.Count.GreaterThan(100), "3 s of 48 kHz AAC");
        Assert.That(await AudioPacketHashesAsync(Path.Combine(result.Directory, audio.FragmentedName)), Is.EqualTo(expected),
            "the audio rendition holds the source's packets, not a new encode");
        var rung = result.Renditions.Single(r => r.Resolution == 180);
        Assert.That(await AudioPacketHashesAsync(Path.Combine(result.Directory, rung.WebVideoName!)), Is.EqualTo(expected));
        await AssertSha256Async(result);
        await AssertSeparateAudioAsync(result);
    }

    [Test]
    public async Task Mp3_audio_of_a_video_is_re_encoded_to_aac_once()
    {
        var source = Path.Combine(_dir, "lesson-mp3.mp4");
        await FfmpegTool.MakeClipAsync(source, "testsrc2=size=320x180:rate=25", 2, true, "-c:a", "libmp3lame", "-b:a", "96k");
        var settings = Settings with { EnabledResolutions = new HashSet<int> { 180 } };

        var result = await Pipeline().RunAsync(source, WorkDir, settings, null, CancellationToken.None);

        Assert.That(result.Source.Audio!.Codec, Is.EqualTo("mp3"));
        var audio = result.Renditions.Single(r => r.Resolution == 0);
        var stream = await FfmpegTool.ProbeStreamAsync(Path.Combine(result.Directory, audio.FragmentedName), "a:0");
        Assert.That((stream.GetProperty("codec_name").GetString(), stream.GetProperty("profile").GetString()), Is.EqualTo(("aac", "LC")));
        Assert.That(stream.GetProperty("channels").GetInt32(), Is.EqualTo(2));
        await AssertSha256Async(result);
        await AssertSeparateAudioAsync(result);
    }

    /// <summary>The MD5 of every audio packet's payload, in order (timestamps left out: the fMP4 drops the source's edit list).</summary>
    private static async Task<IReadOnlyList<string>> AudioPacketHashesAsync(string path)
    {
        var json = await FfmpegTool.RunAsync("ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries", "packet=data_hash",
            "-show_data_hash", "MD5", "-of", "json", path);
        return JsonDocument.Parse(json).RootElement.GetProperty("packets").EnumerateArray()
            .Select(p => p.GetProperty("data_hash").GetString()!).ToList();
    }

    [Test]
    public async Task Mp3_with_cover_art_is_audio_only()
    {
        var cover = Path.Combine(_dir, "cover.png");
        var source = Path.Combine(_dir, "song.mp3");
        await FfmpegTool.RunAsync("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=300x300", "-frames:v", "1", cover);
        await FfmpegTool.RunAsync("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
            "-i", cover, "-map", "0:a", "-map", "1:v", "-t", "2", "-c:a", "libmp3lame", "-b:a", "128k", "-c:v", "png",
            "-disposition:v", "attached_pic", "-id3v2_version", "3", source);

        var result = await Pipeline().RunAsync(source, WorkDir, Settings, null, CancellationToken.None);

        Assert.That(result.Source.HasVideo, Is.False);
        Assert.That(result.Renditions.Select(r => r.Resolution), Is.EqualTo(new[] { 0 }));
        await AssertSha256Async(result);
    }

    [Test]
    public async Task Variable_frame_rate_source_comes_out_at_a_constant_rate()
    {
        var source = Path.Combine(_dir, "vfr.mp4");
        // 30 fps for the first second, then one frame in three: avg_frame_rate and r_frame_rate disagree.
        await FfmpegTool.MakeClipAsync(source, "testsrc2=size=640x360:rate=30,select='lt(n\\,30)+not(mod(n\\,3))'", 4, true, "-fps_mode", "vfr");

        var result = await Pipeline().RunAsync(source, WorkDir, Settings, null, CancellationToken.None);

        Assert.That(result.Source.Video!.IsVariableFrameRate, Is.True, $"avg {result.Source.Video.AverageFps} r {result.Source.Video.RealFps}");
        await AssertRenditionsAsync(result);
        foreach (var r in Rungs(result))
        {
            var stream = await FfmpegTool.ProbeStreamAsync(Path.Combine(result.Directory, r.FragmentedName));
            Assert.That(stream.GetProperty("r_frame_rate").GetString(), Is.EqualTo($"{r.Fps}/1"));
        }
    }

    [Test]
    public async Task Hevc_10_bit_source_is_turned_into_8_bit_h264()
    {
        var source = Path.Combine(_dir, "hevc10.mp4");
        try
        {
            await FfmpegTool.MakeClipAsync(source, "testsrc2=size=640x360:rate=25", 2, true,
                "-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p10le", "-x265-params", "log-level=error", "-tag:v", "hvc1");
        }
        catch (InvalidOperationException ex)
        {
            Assert.Ignore("This ffmpeg cannot encode 10-bit HEVC: " + ex.Message);
        }

        var result = await Pipeline().RunAsync(source, WorkDir, Settings, null, CancellationToken.None);

        Assert.That((result.Source.Video!.Codec, result.Source.Video.BitDepth), Is.EqualTo(("hevc", 10)));
        await AssertRenditionsAsync(result);
        var stream = await FfmpegTool.ProbeStreamAsync(Path.Combine(result.Directory, result.Renditions[0].FragmentedName));
        Assert.That(stream.GetProperty("pix_fmt").GetString(), Is.EqualTo("yuv420p"));
    }

    [Test]
    public async Task Cancellation_stops_ffmpeg_and_leaves_nothing_behind()
    {
        var source = Path.Combine(_dir, "long.mp4");
        await FfmpegTool.MakeClipAsync(source, "testsrc2=size=1280x720:rate=30", 20, true);
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(f =>
        {
            if (f > 0)
            {
                cts.Cancel();
            }
        });

        Assert.That(
            async () => await Pipeline().RunAsync(source, WorkDir, Settings, progress, cts.Token),
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(Directory.GetDirectories(WorkDir), Is.Empty);
    }

    [Test]
    public async Task Timeout_stops_ffmpeg_and_leaves_nothing_behind()
    {
        var source = Path.Combine(_dir, "long.mp4");
        await FfmpegTool.MakeClipAsync(source, "testsrc2=size=1280x720:rate=30", 20, true);

        Assert.That(
            async () => await Pipeline().RunAsync(source, WorkDir, Settings with { Timeout = TimeSpan.FromMilliseconds(300) }, null, CancellationToken.None),
            Throws.InstanceOf<TimeoutException>());
        Assert.That(Directory.GetDirectories(WorkDir), Is.Empty);
    }

    /// <summary>The video renditions (the audio rendition, resolution 0, is checked by <see cref="AssertSeparateAudioAsync"/>).</summary>
    private static IEnumerable<RenditionResult> Rungs(TranscodeResult result) => result.Renditions.Where(r => r.Resolution > 0);

    private static async Task<IReadOnlyList<string>> CodecTypesAsync(string path) =>
        (await FfmpegTool.RunAsync("ffprobe", "-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0", path))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// The audio is stored once: one AAC rendition (resolution 0, no web video) in the master as #EXT-X-MEDIA, every video rung's
    /// HLS file without audio and its variant pointing to the audio group, and every web video (the download) with both streams.
    /// </summary>
    private static async Task AssertSeparateAudioAsync(TranscodeResult result)
    {
        var audio = result.Renditions.Single(r => r.Resolution == 0);
        Assert.That((audio.Width, audio.Height, audio.Fps, audio.HasAudio, audio.WebVideoName), Is.EqualTo((0, 0, 0, true, (string?)null)));
        Assert.That(audio.Codecs, Is.EqualTo("mp4a.40.2"));
        Assert.That(await CodecTypesAsync(Path.Combine(result.Directory, audio.FragmentedName)), Is.EqualTo(new[] { "audio" }));
        Assert.That(result.Output.HasSeparateAudio, Is.True);
        Assert.That(result.Output.FileNames, Does.Contain(audio.PlaylistName).And.Contain(audio.FragmentedName));
        foreach (var r in Rungs(result))
        {
            Assert.That(r.HasAudio, Is.False, r.PlaylistName);
            Assert.That(await CodecTypesAsync(Path.Combine(result.Directory, r.FragmentedName)), Is.EqualTo(new[] { "video" }), r.FragmentedName);
            Assert.That(r.WebVideoName, Is.Not.Null);
            Assert.That(await CodecTypesAsync(Path.Combine(result.Directory, r.WebVideoName!)), Is.EquivalentTo(new[] { "video", "audio" }),
                "the download keeps its audio");
        }

        var master = await File.ReadAllTextAsync(Path.Combine(result.Directory, result.MasterPlaylistName));
        Assert.That(master, Does.Contain($"#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\",NAME=\"Audio\",AUTOSELECT=YES,DEFAULT=YES,URI=\"{audio.PlaylistName}\"\n"));
        Assert.That(master.Split('\n').Count(l => l.StartsWith("#EXT-X-STREAM-INF:", StringComparison.Ordinal)), Is.EqualTo(Rungs(result).Count()),
            "the audio rendition is not a variant of its own");
        Assert.That(master.Split('\n').Where(l => l.StartsWith("#EXT-X-STREAM-INF:", StringComparison.Ordinal)),
            Has.All.EndsWith(",mp4a.40.2\",AUDIO=\"audio\""));
    }

    private static async Task AssertRenditionsAsync(TranscodeResult result)
    {
        IReadOnlyList<double>? first = null;
        foreach (var r in Rungs(result))
        {
            var path = Path.Combine(result.Directory, r.FragmentedName);
            Assert.That(File.Exists(Path.Combine(result.Directory, r.PlaylistName)), r.PlaylistName);
            Assert.That(new FileInfo(path).Length, Is.EqualTo(r.SizeBytes));
            var stream = await FfmpegTool.ProbeStreamAsync(path);
            Assert.That((stream.GetProperty("width").GetInt32(), stream.GetProperty("height").GetInt32()), Is.EqualTo((r.Width, r.Height)), r.FragmentedName);
            Assert.That(r.Codecs, Does.StartWith("avc1.64"));

            // fMP4 without an edit list shows the B-frame delay as a start offset: compare intervals from the first keyframe.
            var times = await FfmpegTool.KeyframeTimesAsync(path);
            Assert.That(times, Is.Not.Empty);
            Assert.That(times[0], Is.LessThan(0.2));
            var keyframes = times.Select(t => t - times[0]).ToList();
            var expected = Enumerable.Range(0, (int)Math.Ceiling(result.Duration.TotalSeconds / 2)).Select(i => i * 2.0).ToList();
            Assert.That(keyframes, Is.EqualTo(expected).Within(0.001), $"keyframes of {r.FragmentedName}");
            first ??= keyframes;
            Assert.That(keyframes, Is.EqualTo(first).Within(0.001), "keyframes aligned across renditions");
        }
    }

    private static async Task AssertSha256Async(TranscodeResult result)
    {
        var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(result.Directory, result.SegmentsSha256Name))).RootElement;
        Assert.That(json.EnumerateObject().Select(p => p.Name), Is.EquivalentTo(result.Renditions.Select(r => r.FragmentedName)));
        foreach (var file in json.EnumerateObject())
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(result.Directory, file.Name));
            var ranges = file.Value.EnumerateObject().ToList();
            Assert.That(ranges, Is.Not.Empty);
            long covered = 0;
            foreach (var range in ranges)
            {
                var parts = range.Name.Split('-');
                var start = long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
                var end = long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
                var hash = Convert.ToHexStringLower(SHA256.HashData(bytes.AsSpan((int)start, (int)(end - start + 1))));
                Assert.That(hash, Is.EqualTo(range.Value.GetString()), $"{file.Name} {range.Name}");
                covered = end + 1;
            }

            Assert.That(covered, Is.EqualTo(bytes.Length), "the last segment ends at the end of the file");
        }
    }

    private static async Task AssertMasterAsync(TranscodeResult result, bool expectAudio)
    {
        var master = await File.ReadAllTextAsync(Path.Combine(result.Directory, result.MasterPlaylistName));
        Assert.That(master, Does.StartWith("#EXTM3U\n"));
        // With separate audio, a video variant's bandwidth includes the audio played with it (HLS: BANDWIDTH covers every rendition).
        var separate = result.Output.HasSeparateAudio ? result.Renditions.Single(r => r.Resolution == 0) : null;
        foreach (var r in result.Renditions)
        {
            Assert.That(r.PeakBitrate, Is.GreaterThanOrEqualTo(r.AverageBitrate));
            if (r == separate)
            {
                Assert.That(master, Does.Contain($"URI=\"{r.PlaylistName}\"\n"));
                continue;
            }

            Assert.That(master, Does.Contain("\n" + r.PlaylistName + "\n"));
            Assert.That(master, Does.Contain($"BANDWIDTH={r.PeakBitrate + (separate?.PeakBitrate ?? 0)},AVERAGE-BANDWIDTH={r.AverageBitrate + (separate?.AverageBitrate ?? 0)}"));
        }

        Assert.That(master.Contains("mp4a.40.2", StringComparison.Ordinal), Is.EqualTo(expectAudio));
        // ffprobe reads the whole ladder through the master playlist.
        var probe = await FfmpegTool.RunAsync("ffprobe", "-v", "error", "-show_entries", "format=nb_streams", "-of", "csv=p=0",
            Path.Combine(result.Directory, result.MasterPlaylistName));
        Assert.That(int.Parse(probe.Trim(), System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThanOrEqualTo(result.Renditions.Count));
    }

    private static async Task AssertImagesAsync(TranscodeResult result)
    {
        var thumbnail = await FfmpegTool.ProbeStreamAsync(Path.Combine(result.Directory, result.ThumbnailName));
        var preview = await FfmpegTool.ProbeStreamAsync(Path.Combine(result.Directory, result.PreviewName));
        Assert.That((thumbnail.GetProperty("width").GetInt32(), thumbnail.GetProperty("height").GetInt32()), Is.EqualTo((280, 157)));
        Assert.That((preview.GetProperty("width").GetInt32(), preview.GetProperty("height").GetInt32()), Is.EqualTo((850, 480)));
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; tests want reports in order and before RunAsync returns.</summary>
    private sealed class SyncProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
