using VideoPlatform.Transcoder;
using VideoPlatform.Transcoder.Planning;

namespace VideoPlatform.Tests.Transcoder;

public class FfmpegArgumentsTests
{
    // The HLS-only shape (Transcoding:WebVideos off); the tee outputs of web videos are tested below.
    private static readonly TranscodeSettings Settings = new() { EnabledResolutions = new HashSet<int> { 240, 720 }, Threads = 2, WebVideos = false };

    [Test]
    public void Web_videos_are_written_from_the_same_encoder_output_by_the_tee_muxer()
    {
        var settings = Settings with { WebVideos = true };
        var plan = LadderPlanner.Plan(Sources.Video(1280, 720, fps: 60, bitrate: 2_000_000), settings);

        var args = FfmpegArguments.Ladder("/in/src.mp4", plan, "ID", settings);

        // Still one run, one decode, one encoder per rendition: the same arguments up to the output, then one tee output.
        Assert.That(args.Count(a => a == "-i"), Is.EqualTo(1));
        Assert.That(args.Count(a => a == "libx264"), Is.EqualTo(2));
        Assert.That(args.Count(a => a == "tee"), Is.EqualTo(2));
        Assert.That(args.Count(a => a == "hls"), Is.EqualTo(1), "only the audio rendition's HLS output is not a tee (it has no web video)");
        var line = string.Join(' ', args);
        // The web video keeps the audio muxed in; the rung's HLS file takes only the video (select=v).
        Assert.That(line, Does.Contain(
            "-c:a copy -threads 2 -map_metadata -1 -flags +global_header -f tee "
            + "[select=v:f=hls:hls_time=4:hls_list_size=0:hls_playlist_type=vod:hls_segment_type=fmp4:hls_flags=single_file:hls_segment_filename=ID-720-fragmented.mp4]ID-720.m3u8"
            + "|[f=mp4:movflags=+faststart]ID-720.mp4"));
        Assert.That(line, Does.Contain("select=v:f=hls:hls_time=4:hls_list_size=0:hls_playlist_type=vod:hls_segment_type=fmp4:hls_flags=single_file:hls_segment_filename=ID-240-fragmented.mp4]ID-240.m3u8|[f=mp4:movflags=+faststart]ID-240.mp4"));
        Assert.That(line, Does.EndWith("-map 0:a:0 -vn -c:a copy -threads 2 -map_metadata -1 "
            + "-f hls -hls_time 4 -hls_list_size 0 -hls_playlist_type vod -hls_segment_type fmp4 -hls_flags single_file "
            + "-hls_segment_filename ID-0-fragmented.mp4 ID-0.m3u8 "
            // The copied audio is still decoded once (to nothing), so that damage in it stops the run (-xerror).
            + "-map 0:a:0 -vn -c:a pcm_s16le -f null -"));
        Assert.That(FfmpegArguments.WebVideoName("ID", 720), Is.EqualTo("ID-720.mp4"));
    }

    [Test]
    public void Segment_length_reaches_the_tee_hls_output()
    {
        var settings = Settings with { WebVideos = true, SegmentSeconds = 2 };
        var plan = LadderPlanner.Plan(Sources.Video(426, 240, fps: 25), settings);

        var line = string.Join(' ', FfmpegArguments.Ladder("in.mp4", plan, "ID", settings));

        Assert.That(line, Does.Contain("[select=v:f=hls:hls_time=2:"));
        Assert.That(line, Does.Contain("-hls_time 2 -hls_list_size 0 -hls_playlist_type vod -hls_segment_type fmp4 -hls_flags single_file "
            + "-hls_segment_filename ID-0-fragmented.mp4"), "the audio rendition is segmented as the video rungs");
    }

    [Test]
    public void Ladder_is_one_run_with_split_scale_and_one_hls_output_per_rendition_and_the_audio_once()
    {
        var plan = LadderPlanner.Plan(Sources.Video(1280, 720, fps: 60, bitrate: 2_000_000, audioCodec: "mp3"), Settings);

        var args = FfmpegArguments.Ladder("/in/src.mp4", plan, "ID", Settings);

        var expected = new[]
        {
            "-hide_banner", "-nostats", "-loglevel", "error", "-y", "-progress", "pipe:1", "-xerror", "-err_detect", "explode", "-threads", "2", "-i", "/in/src.mp4",
            "-filter_complex",
            "[0:v:0]split=2[s0][s1];[s0]fps=60,scale=1280:720,setsar=1,format=yuv420p[v0];[s1]fps=30,scale=426:240,setsar=1,format=yuv420p[v1]",
            "-map", "[v0]",
            "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-crf", "23",
            "-maxrate", "2600000", "-bufsize", "5200000", "-g", "120", "-keyint_min", "120", "-sc_threshold", "0",
            "-threads", "2", "-map_metadata", "-1",
            "-f", "hls", "-hls_time", "4", "-hls_list_size", "0", "-hls_playlist_type", "vod", "-hls_segment_type", "fmp4",
            "-hls_flags", "single_file", "-hls_segment_filename", "ID-720-fragmented.mp4", "ID-720.m3u8",
            "-map", "[v1]",
            "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-crf", "23",
            "-maxrate", "522246", "-bufsize", "1044492", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0",
            "-threads", "2", "-map_metadata", "-1",
            "-f", "hls", "-hls_time", "4", "-hls_list_size", "0", "-hls_playlist_type", "vod", "-hls_segment_type", "fmp4",
            "-hls_flags", "single_file", "-hls_segment_filename", "ID-240-fragmented.mp4", "ID-240.m3u8",
            // The audio once, its own rendition (MP3 is re-encoded to AAC).
            "-map", "0:a:0", "-vn",
            "-c:a", "aac", "-b:a", "128k", "-ac", "2", "-threads", "2", "-map_metadata", "-1",
            "-f", "hls", "-hls_time", "4", "-hls_list_size", "0", "-hls_playlist_type", "vod", "-hls_segment_type", "fmp4",
            "-hls_flags", "single_file", "-hls_segment_filename", "ID-0-fragmented.mp4", "ID-0.m3u8",
        };
        Assert.That(args, Is.EqualTo(expected));
    }

    [Test]
    public void Audio_only_maps_the_audio_without_filters()
    {
        var plan = LadderPlanner.Plan(Sources.AudioOnly("mp3", 128_000), Settings);

        var args = FfmpegArguments.Ladder("in.mp3", plan, "ID", Settings);

        Assert.That(string.Join(' ', args), Is.EqualTo(
            "-hide_banner -nostats -loglevel error -y -progress pipe:1 -xerror -err_detect explode -threads 2 -i in.mp3 "
            + "-map 0:a:0 -vn -c:a aac -b:a 128k -ac 2 -threads 2 -map_metadata -1 "
            + "-f hls -hls_time 4 -hls_list_size 0 -hls_playlist_type vod -hls_segment_type fmp4 -hls_flags single_file "
            + "-hls_segment_filename ID-0-fragmented.mp4 ID-0.m3u8"));
    }

    [TestCase("aac", 128_000L, 2, "-c:a copy")]
    [TestCase("aac", 384_000L, 1, "-c:a copy")]
    [TestCase("aac", 448_000L, 2, "-c:a aac -b:a 384k -ac 2")]
    [TestCase("aac", null, 2, "-c:a aac -b:a 256k -ac 2")]
    [TestCase("aac", 128_000L, 6, "-c:a aac -b:a 128k -ac 2")]
    [TestCase("mp3", 128_000L, 2, "-c:a aac -b:a 128k -ac 2")]
    [TestCase("opus", 96_000L, 2, "-c:a aac -b:a 96k -ac 2")]
    public void Aac_up_to_384k_is_copied_anything_else_encoded(string codec, long? bitrate, int channels, string expected)
    {
        var source = Sources.Video(640, 360) with { Audio = new VideoPlatform.Transcoder.Probing.SourceAudio(codec, bitrate, channels, 48_000) };
        var plan = LadderPlanner.Plan(source, Settings);

        Assert.That(string.Join(' ', FfmpegArguments.AudioCodec(plan.Audio!)), Is.EqualTo(expected));
        var ladder = string.Join(' ', FfmpegArguments.Ladder("in.mp4", plan, "ID", Settings));
        Assert.That(ladder.EndsWith(" -map 0:a:0 -vn -c:a pcm_s16le -f null -", StringComparison.Ordinal), Is.EqualTo(plan.Audio!.Copy),
            "a copied stream is decoded to nothing so that damage in it is found; an encoded one is decoded anyway");
        Assert.That(plan.SeparateAudio, Is.True);
        Assert.That(LadderPlanner.AudioRendition(plan)!.Resolution, Is.EqualTo(0));
    }

    [Test]
    public void Video_without_audio_maps_no_audio()
    {
        var plan = LadderPlanner.Plan(Sources.Video(426, 240, audio: false), Settings);

        var args = FfmpegArguments.Ladder("in.mp4", plan, "ID", Settings);

        Assert.That(args, Does.Not.Contain("0:a:0").And.Not.Contain("aac").And.Not.Contain("ID-0.m3u8"));
        Assert.That(plan.SeparateAudio, Is.False);
    }

    [Test]
    public void Keyframe_interval_and_segment_length_come_from_settings()
    {
        var settings = Settings with { KeyframeIntervalSeconds = 1, SegmentSeconds = 2, Preset = "ultrafast" };
        var plan = LadderPlanner.Plan(Sources.Video(426, 240, fps: 25), settings);

        var line = string.Join(' ', FfmpegArguments.Ladder("in.mp4", plan, "ID", settings));

        Assert.That(line, Does.Contain("-g 25 -keyint_min 25").And.Contain("-hls_time 2").And.Contain("-preset ultrafast"));
    }

    [Test]
    public void Images_seek_then_fill_both_sizes()
    {
        var args = FfmpegArguments.Images("/in/src.mp4", true, 12.5, "t.jpg", "p.jpg", Settings);

        Assert.That(string.Join(' ', args), Is.EqualTo(
            "-hide_banner -nostats -loglevel error -y -threads 2 -ss 12.5 -i /in/src.mp4 -filter_complex "
            + "[0:v:0]split=2[a][b];"
            + "[a]scale=280:157:force_original_aspect_ratio=increase,format=yuvj444p,crop=280:157,setsar=1[t];"
            + "[b]scale=850:480:force_original_aspect_ratio=increase,format=yuvj444p,crop=850:480,setsar=1[p] "
            + "-map [t] -frames:v 1 -q:v 2 t.jpg -map [p] -frames:v 1 -q:v 2 p.jpg"));
    }

    [Test]
    public void Images_of_audio_draw_the_waveform() =>
        Assert.That(
            FfmpegArguments.Images("a.mp3", false, 5, "t.jpg", "p.jpg", Settings),
            Has.Some.StartsWith("[0:a:0]showwavespic=s=850x480"));
}
