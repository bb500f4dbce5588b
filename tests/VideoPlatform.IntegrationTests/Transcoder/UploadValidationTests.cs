using Microsoft.Extensions.Logging.Abstractions;
using VideoPlatform.Transcoder;
using VideoPlatform.IntegrationTests.Media;
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

    [Test]
    public async Task A_probe_out_of_time_is_not_the_files_fault()
    {
        var path = await Uploader.ClipAsync(_dir, "lesson.mp4", seconds: 2);
        var prober = new MediaProber(NullLogger<MediaProber>.Instance, "/usr/bin", probeTimeout: TimeSpan.FromMilliseconds(1));

        var ex = Assert.ThrowsAsync<ProbeUnavailableException>(() => prober.InspectUploadAsync(path, "lesson.mp4", CancellationToken.None));
        Assert.That(ex!.Message, Does.StartWith("ffprobe"));
        Assert.That(await new MediaProber(NullLogger<MediaProber>.Instance, "/usr/bin").ProbeAsync(path, CancellationToken.None), Is.Not.Null,
            "the same file probes with time to do it");
    }

    [Test]
    public async Task A_metadata_probe_out_of_time_is_not_the_files_fault_and_an_unreadable_file_is()
    {
        var path = await Uploader.ClipAsync(_dir, "lesson.mp4", seconds: 2);
        var text = Path.Combine(_dir, "notes.mp4");
        await File.WriteAllTextAsync(text, "pas une vidéo\n");
        var hurried = new MediaProber(NullLogger<MediaProber>.Instance, "/usr/bin", probeTimeout: TimeSpan.FromMilliseconds(1));
        var prober = new MediaProber(NullLogger<MediaProber>.Instance, "/usr/bin");

        var ex = Assert.ThrowsAsync<ProbeUnavailableException>(() => hurried.ProbeJsonAsync(path, CancellationToken.None));
        Assert.That(ex!.Message, Does.StartWith("ffprobe did not answer in time"));
        Assert.That(await prober.ProbeJsonAsync(path, CancellationToken.None), Does.Contain("\"streams\""), "the same file probes with time to do it");
        Assert.That(await prober.ProbeJsonAsync(text, CancellationToken.None), Is.Null, "ffprobe ran and refused the file");
        Assert.ThrowsAsync<ProbeUnavailableException>(() => new MediaProber(NullLogger<MediaProber>.Instance, Path.Combine(_dir, "no-such-folder"))
            .ProbeJsonAsync(path, CancellationToken.None), "no ffprobe is not the file's fault");
    }

    private static Task<UploadInspection> InspectAsync(string path) =>
        new MediaProber(NullLogger<MediaProber>.Instance, "/usr/bin").InspectUploadAsync(path, Path.GetFileName(path), CancellationToken.None);

    [Test]
    public async Task Door_accepts_whole_files_and_refuses_cut_or_damaged_ones()
    {
        var faststart = await DamagedClips.FaststartClipAsync(_dir, "phone.mp4");
        var whole = await File.ReadAllBytesAsync(faststart);
        var indexAtEnd = await Uploader.ClipAsync(_dir, "camera.mp4", seconds: 3);
        Assert.That((await InspectAsync(faststart)).Result.IsValid, Is.True, "whole, index at the front");
        Assert.That((await InspectAsync(indexAtEnd)).Result.IsValid, Is.True, "whole, index at the end");

        async Task<ValidationResult> Of(string name, byte[] bytes)
        {
            var path = Path.Combine(_dir, name);
            await File.WriteAllBytesAsync(path, bytes);
            var inspection = await InspectAsync(path);
            return inspection.Result;
        }

        var cut20k = await Of("cut-20k.mp4", whole[..20_000]);
        Assert.That(cut20k.Error, Is.EqualTo(ValidationError.Truncated), cut20k.Message);
        Assert.That(cut20k.Message, Does.StartWith("Le fichier est incomplet : il ne contient que 0,"));

        var cut60 = await Of("cut-60.mp4", whole[..(whole.Length * 6 / 10)]);
        Assert.That(cut60.Error, Is.EqualTo(ValidationError.Truncated), cut60.Message);
        Assert.That(cut60.Message, Does.Contain("60 %").And.Contain($"({whole.Length * 6 / 10} octets sur {whole.Length})"));

        var damagedStart = await Of("damaged-start.mp4", DamagedClips.Corrupt(whole, 0.05));
        Assert.That(damagedStart.Error, Is.EqualTo(ValidationError.Undecodable), damagedStart.Message);
        Assert.That(damagedStart.Message, Does.StartWith("Le début de la vidéo ne peut pas être décodé : le fichier est endommagé ("));

        var damagedMiddle = await Of("damaged-middle.mp4", DamagedClips.Corrupt(whole, 0.6));
        Assert.That(damagedMiddle.IsValid, Is.True, "damage past the seconds decoded at the door is the transcode's to find");
    }

    [Test]
    public async Task Pipeline_fails_on_a_damaged_stream_with_the_decoder_error_and_leaves_nothing()
    {
        var whole = await File.ReadAllBytesAsync(await DamagedClips.FaststartClipAsync(_dir, "phone.mp4"));
        var path = Path.Combine(_dir, "damaged.mp4");
        await File.WriteAllBytesAsync(path, DamagedClips.Corrupt(whole, 0.6));
        var work = Path.Combine(_dir, "work");
        var pipeline = new HlsPipeline(NullLogger<HlsPipeline>.Instance, NullLoggerFactory.Instance, TimeProvider.System);

        var ex = Assert.ThrowsAsync<UploadRejectedException>(() =>
            pipeline.RunAsync(path, work, new TranscodeSettings { Threads = 1, EnabledResolutions = new HashSet<int> { 240 } }, null, CancellationToken.None));

        Assert.That(ex!.Validation.Error, Is.EqualTo(ValidationError.Undecodable));
        Assert.That(ex.Message, Does.StartWith("La vidéo est endommagée"));
        Assert.That(Directory.GetFileSystemEntries(work), Is.Empty, "the unfinished output is removed");
    }

    /// <summary>The door's cost on a one-minute 1080p upload (printed; the bound only catches a decode of the whole file).</summary>
    [Test]
    public async Task Door_check_of_a_one_minute_1080p_file_is_fast()
    {
        var path = Path.Combine(_dir, "minute-1080p.mp4");
        await FfmpegTool.MakeClipAsync(path, "testsrc2=size=1920x1080:rate=30", 60, true, "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "16M",
            "-pix_fmt", "yuv420p", "-movflags", "+faststart");
        var prober = new MediaProber(NullLogger<MediaProber>.Instance, "/usr/bin");
        await prober.InspectUploadAsync(path, "minute-1080p.mp4", CancellationToken.None); // warm the file cache

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var probed = await prober.ProbeAsync(path, CancellationToken.None);
        var probeTime = clock.Elapsed;
        Mp4Check tables;
        await using (var file = File.OpenRead(path))
        {
            tables = Mp4SampleTables.Inspect(file);
        }
        var tablesTime = clock.Elapsed - probeTime;
        var decodeError = await prober.FirstDecodeErrorAsync(path, MediaProber.DecodeCheckLength, CancellationToken.None);
        var decodeTime = clock.Elapsed - probeTime - tablesTime;
        clock.Restart();
        var inspection = await prober.InspectUploadAsync(path, "minute-1080p.mp4", CancellationToken.None);
        var total = clock.Elapsed;

        TestContext.Out.WriteLine($"1 min 1080p, {new FileInfo(path).Length / 1e6:0.0} MB: ffprobe {probeTime.TotalMilliseconds:0} ms, sample tables {tablesTime.TotalMilliseconds:0.0} ms, "
            + $"decode of the first {MediaProber.DecodeCheckLength.TotalSeconds:0} s {decodeTime.TotalMilliseconds:0} ms; whole door {total.TotalMilliseconds:0} ms");
        Assert.That(probed!.Duration.TotalSeconds, Is.EqualTo(60).Within(0.5));
        Assert.That(tables.Verdict, Is.EqualTo(Mp4Verdict.Complete));
        Assert.That(decodeError, Is.Null);
        Assert.That(inspection.Result.IsValid, Is.True);
        Assert.That(tablesTime, Is.LessThan(TimeSpan.FromSeconds(1)), "the index is read, not the media");
        Assert.That(total, Is.LessThan(TimeSpan.FromSeconds(20)), "far from decoding the whole minute");
    }
}
