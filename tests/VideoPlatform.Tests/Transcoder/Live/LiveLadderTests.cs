using VideoPlatform.Transcoder.Live;

namespace VideoPlatform.Tests.Transcoder.Live;

public class LiveLadderTests
{
    [TestCase(1280, 720, new[] { 720, 360 }, new[] { 720, 360 }, TestName = "720p source, 720 and 360 asked")]
    [TestCase(854, 480, new[] { 720, 360 }, new[] { 480, 360 }, TestName = "480p source: no upscale, source kept")]
    [TestCase(320, 240, new[] { 144 }, new[] { 240, 144 }, TestName = "240p source with a 144p rung")]
    [TestCase(1920, 1080, new int[0], new[] { 1080 }, TestName = "no rungs configured: the source only")]
    [TestCase(0, 0, new[] { 360 }, new[] { 720, 360 }, TestName = "no metadata: 720p assumed")]
    public void Plans_without_upscale_and_keeps_the_source(int width, int height, int[] asked, int[] expected)
    {
        var rungs = LiveLadder.Plan(width, height, 25, asked);
        Assert.That(rungs.Select(r => r.Height), Is.EqualTo(expected));
        Assert.That(rungs.Select(r => r.Index), Is.EqualTo(Enumerable.Range(0, expected.Length)));
        Assert.That(rungs.All(r => r.Width % 2 == 0 && r.MaxBitrate > 0), Is.True);
    }

    [Test]
    public void One_decode_split_into_every_rung_with_the_audio_once_and_aligned_key_frames()
    {
        var video = LiveLadder.Plan(1280, 720, 30, [360]);
        var rungs = (IReadOnlyList<LiveRung>)[.. video, LiveLadder.AudioRung(video)];
        Assert.That(rungs[^1], Is.EqualTo(new LiveRung(2, 0, 0, LiveLadder.AudioBitrate)));
        var args = LiveLadder.FfmpegArguments(rungs, hasAudio: true, latencyMode: 1, new LiveTranscodingOptions { PlaylistSize = 6 });
        string After(string flag) => args[args.ToList().IndexOf(flag) + 1];

        Assert.That(args.Count(a => a == "-i"), Is.EqualTo(1));
        Assert.That(After("-i"), Is.EqualTo("pipe:0"));
        Assert.That(After("-filter_complex"), Does.StartWith("[0:v]split=2[s0][s1];"));
        Assert.That(After("-force_key_frames"), Is.EqualTo("expr:gte(t,n_forced*2)"));
        Assert.That(After("-hls_time"), Is.EqualTo("2"));
        Assert.That(After("-hls_list_size"), Is.EqualTo("6"));
        Assert.That(After("-hls_segment_type"), Is.EqualTo("fmp4"));
        // The audio is encoded once, its own rendition in the group every video rung names (EXT-X-MEDIA TYPE=AUDIO).
        Assert.That(args.Where((a, i) => i > 0 && args[i - 1] == "-map"), Is.EqualTo(new[] { "[v0]", "[v1]", "0:a:0" }));
        Assert.That(args.Count(a => a == "-c:a"), Is.EqualTo(1));
        Assert.That(After("-var_stream_map"), Is.EqualTo("v:0,agroup:audio v:1,agroup:audio a:0,agroup:audio,name:2"));
        Assert.That(After("-master_pl_name"), Is.EqualTo("master.m3u8"));
        Assert.That(args[^1], Is.EqualTo("%v.m3u8"));
    }

    [Test]
    public void Small_latency_uses_one_second_segments_and_no_audio_maps_video_only()
    {
        var args = LiveLadder.FfmpegArguments(LiveLadder.Plan(640, 360, 30, []), hasAudio: false, latencyMode: 3, new LiveTranscodingOptions());
        Assert.That(args[args.ToList().IndexOf("-hls_time") + 1], Is.EqualTo("1"));
        Assert.That(args[args.ToList().IndexOf("-var_stream_map") + 1], Is.EqualTo("v:0"));
        Assert.That(args, Does.Not.Contain("0:a:0"));
    }

    [Test]
    public void The_audio_rendition_is_listed_once_as_media_not_as_a_variant()
    {
        const string master = "#EXTM3U\n#EXT-X-VERSION:7\n"
            + "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"group_audio\",NAME=\"audio_2\",DEFAULT=YES,URI=\"2.m3u8\"\n"
            + "#EXT-X-STREAM-INF:BANDWIDTH=1790800,RESOLUTION=1280x720,CODECS=\"avc1.64001f,mp4a.40.2\",AUDIO=\"group_audio\"\n0.m3u8\n\n"
            + "#EXT-X-STREAM-INF:BANDWIDTH=690800,RESOLUTION=640x360,CODECS=\"avc1.64001e,mp4a.40.2\",AUDIO=\"group_audio\"\n1.m3u8\n\n"
            + "#EXT-X-STREAM-INF:BANDWIDTH=140800,CODECS=\"mp4a.40.2\",AUDIO=\"group_audio\"\n2.m3u8\n\n";
        Assert.That(LiveLadder.WithoutAudioVariant(master, "2.m3u8"), Is.EqualTo("#EXTM3U\n#EXT-X-VERSION:7\n"
            + "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"group_audio\",NAME=\"audio_2\",DEFAULT=YES,URI=\"2.m3u8\"\n"
            + "#EXT-X-STREAM-INF:BANDWIDTH=1790800,RESOLUTION=1280x720,CODECS=\"avc1.64001f,mp4a.40.2\",AUDIO=\"group_audio\"\n0.m3u8\n\n"
            + "#EXT-X-STREAM-INF:BANDWIDTH=690800,RESOLUTION=640x360,CODECS=\"avc1.64001e,mp4a.40.2\",AUDIO=\"group_audio\"\n1.m3u8\n\n\n"));
        Assert.That(LiveLadder.WithoutAudioVariant("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n0.m3u8\n", "2.m3u8"), Is.EqualTo("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n0.m3u8\n"),
            "a master without audio rendition is unchanged");
    }

    [TestCase("master.m3u8", true)]
    [TestCase("0.m3u8", true)]
    [TestCase("12.m3u8", true)]
    [TestCase("segments-sha256.json", true)]
    [TestCase("0-000001.mp4", false)]
    [TestCase("0-init.mp4", false)]
    [TestCase("3f2c-720.m3u8", false)]
    [TestCase("3f2c-master.m3u8", false)]
    [TestCase(".m3u8", false)]
    public void Only_live_playlists_and_hashes_are_mutable(string name, bool mutable)
    {
        Assert.That(LiveLadder.IsMutableName(name), Is.EqualTo(mutable));
    }

    [Test]
    public void Reads_a_sliding_live_playlist()
    {
        const string playlist = """
            #EXTM3U
            #EXT-X-VERSION:7
            #EXT-X-TARGETDURATION:2
            #EXT-X-MEDIA-SEQUENCE:4
            #EXT-X-INDEPENDENT-SEGMENTS
            #EXT-X-MAP:URI="0-init.mp4"
            #EXT-X-PROGRAM-DATE-TIME:2026-11-30T06:00:00.000+0000
            #EXTINF:2.000000,
            0-000004.mp4
            #EXTINF:1.960000,
            0-000005.mp4

            """;
        Assert.That(LivePlaylist.Segments(playlist), Is.EqualTo(new[] { new LiveSegment("0-000004.mp4", 2.0), new LiveSegment("0-000005.mp4", 1.96) }));
        Assert.That(LivePlaylist.IsEnded(playlist), Is.False);
        Assert.That(LivePlaylist.IsEnded(playlist + "#EXT-X-ENDLIST\n"), Is.True);
    }

    [Test]
    public void Replay_playlist_addresses_the_concatenated_segments_by_byte_range()
    {
        var text = LiveReplays.VodPlaylist("id-240-fragmented.mp4", 800,
            [(new LiveSegment("0-000000.mp4", 2.0), new(800, 1000)), (new LiveSegment("0-000001.mp4", 1.5), new(1800, 500))]);
        Assert.That(text, Is.EqualTo("""
            #EXTM3U
            #EXT-X-VERSION:7
            #EXT-X-TARGETDURATION:2
            #EXT-X-MEDIA-SEQUENCE:0
            #EXT-X-PLAYLIST-TYPE:VOD
            #EXT-X-INDEPENDENT-SEGMENTS
            #EXT-X-MAP:URI="id-240-fragmented.mp4",BYTERANGE="800@0"
            #EXTINF:2.000000,
            #EXT-X-BYTERANGE:1000@800
            id-240-fragmented.mp4
            #EXTINF:1.500000,
            #EXT-X-BYTERANGE:500@1800
            id-240-fragmented.mp4
            #EXT-X-ENDLIST

            """.Replace("\r\n", "\n", StringComparison.Ordinal)));
        // The replay's playlist reads back with the VOD parser and its byte ranges (what segments-sha256.json keys on).
        var parsed = VideoPlatform.Transcoder.Hls.MediaPlaylist.Parse(text);
        Assert.That(parsed.Segments.Select(s => s.Range.Key), Is.EqualTo(new[] { "800-1799", "1800-2299" }));
    }
}
