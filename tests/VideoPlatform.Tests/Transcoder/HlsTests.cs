using System.Security.Cryptography;
using System.Text;
using VideoPlatform.Transcoder.Ffmpeg;
using VideoPlatform.P2P.Hls;
using VideoPlatform.Transcoder.Hls;

namespace VideoPlatform.Tests.Transcoder;

public class HlsTests
{
    // As ffmpeg 5.1 writes it for -hls_segment_type fmp4 -hls_flags single_file.
    private const string FfmpegPlaylist = """
        #EXTM3U
        #EXT-X-VERSION:7
        #EXT-X-TARGETDURATION:4
        #EXT-X-MEDIA-SEQUENCE:0
        #EXT-X-PLAYLIST-TYPE:VOD
        #EXT-X-MAP:URI="id-720-fragmented.mp4",BYTERANGE="1353@0"
        #EXTINF:4.000000,
        #EXT-X-BYTERANGE:1506484@1353
        id-720-fragmented.mp4
        #EXTINF:2.500000,
        #EXT-X-BYTERANGE:400000@1507837
        id-720-fragmented.mp4
        #EXT-X-ENDLIST

        """;

    [Test]
    public void Parses_map_and_byte_range_segments()
    {
        var playlist = MediaPlaylist.Parse(FfmpegPlaylist);

        Assert.That(playlist.TargetDuration, Is.EqualTo(4));
        Assert.That(playlist.Segments.Select(s => (s.Duration, s.Uri, s.Range)), Is.EqualTo(new[]
        {
            (4.0, "id-720-fragmented.mp4", new ByteRange(1353, 1506484)),
            (2.5, "id-720-fragmented.mp4", new ByteRange(1507837, 400000)),
        }));
        Assert.That(playlist.Duration, Is.EqualTo(6.5));
    }

    /// <summary>The init section's line, read with the one attribute-list parser (the transcoder itself does not need it).</summary>
    [Test]
    public void The_map_line_reads_with_the_attribute_list_parser()
    {
        var map = HlsAttributeList.Parse("URI=\"id-720-fragmented.mp4\",BYTERANGE=\"1353@0\"");
        Assert.That(map["URI"], Is.EqualTo("id-720-fragmented.mp4"));
        Assert.That(MediaPlaylist.ParseRange(map["BYTERANGE"], 0), Is.EqualTo(new ByteRange(0, 1353)));
    }

    [Test]
    public void Parses_crlf_and_ranges_without_offset()
    {
        var content = "#EXTM3U\r\n#EXT-X-MAP:URI=\"f.mp4\",BYTERANGE=\"100@0\"\r\n#EXTINF:4,\r\n#EXT-X-BYTERANGE:50@100\r\nf.mp4\r\n#EXTINF:4,\r\n#EXT-X-BYTERANGE:70\r\nf.mp4\r\n";

        var playlist = MediaPlaylist.Parse(content);

        Assert.That(playlist.Segments.Select(s => s.Range), Is.EqualTo(new[] { new ByteRange(100, 50), new ByteRange(150, 70) }));
    }

    [Test]
    public void A_segment_without_range_is_an_error() =>
        Assert.Throws<FormatException>(() => MediaPlaylist.Parse("#EXTM3U\n#EXTINF:4,\nf.mp4\n"));

    [TestCase(0, 1, "0-0")]
    [TestCase(1353, 1506484, "1353-1507836")]
    public void Range_keys_have_an_inclusive_end_as_PeerTube(long offset, long length, string key) =>
        Assert.That(new ByteRange(offset, length).Key, Is.EqualTo(key));

    [Test]
    public void Peak_bitrate_is_the_densest_segment_and_never_below_average()
    {
        var playlist = MediaPlaylist.Parse(FfmpegPlaylist);

        Assert.That(playlist.PeakBitrate(1000), Is.EqualTo(3_012_968));
        Assert.That(playlist.PeakBitrate(5_000_000), Is.EqualTo(5_000_000));
    }

    [Test]
    public void Master_playlist_is_shaped_as_PeerTube()
    {
        var master = MasterPlaylist.Write(
        [
            new VariantStream("id-720.m3u8", 3_100_000, 2_000_000, 1280, 720, 30, "avc1.64001f,mp4a.40.2"),
            new VariantStream("id-0.m3u8", 130_000, 128_000, 0, 0, 0, "mp4a.40.2"),
        ]);

        Assert.That(master, Is.EqualTo(
            "#EXTM3U\n#EXT-X-VERSION:3\n"
            + "#EXT-X-STREAM-INF:BANDWIDTH=3100000,AVERAGE-BANDWIDTH=2000000,RESOLUTION=1280x720,FRAME-RATE=30,CODECS=\"avc1.64001f,mp4a.40.2\"\n"
            + "id-720.m3u8\n"
            + "#EXT-X-STREAM-INF:BANDWIDTH=130000,AVERAGE-BANDWIDTH=128000,CODECS=\"mp4a.40.2\"\n"
            + "id-0.m3u8\n"));
    }

    [Test]
    public void Separate_audio_is_one_audio_media_shared_by_every_video_variant_as_PeerTube()
    {
        var master = MasterPlaylist.Write(
        [
            new VariantStream("id-720.m3u8", 3_230_000, 2_128_000, 1280, 720, 30, "avc1.64001f,mp4a.40.2", MasterPlaylist.AudioGroupId),
            new VariantStream("id-240.m3u8", 430_000, 328_000, 426, 240, 30, "avc1.64000d,mp4a.40.2", MasterPlaylist.AudioGroupId),
        ], new AudioMedia("id-0.m3u8"));

        Assert.That(master, Is.EqualTo(
            "#EXTM3U\n#EXT-X-VERSION:3\n"
            + "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\",NAME=\"Audio\",AUTOSELECT=YES,DEFAULT=YES,URI=\"id-0.m3u8\"\n"
            + "#EXT-X-STREAM-INF:BANDWIDTH=3230000,AVERAGE-BANDWIDTH=2128000,RESOLUTION=1280x720,FRAME-RATE=30,CODECS=\"avc1.64001f,mp4a.40.2\",AUDIO=\"audio\"\n"
            + "id-720.m3u8\n"
            + "#EXT-X-STREAM-INF:BANDWIDTH=430000,AVERAGE-BANDWIDTH=328000,RESOLUTION=426x240,FRAME-RATE=30,CODECS=\"avc1.64000d,mp4a.40.2\",AUDIO=\"audio\"\n"
            + "id-240.m3u8\n"));
    }

    [TestCase("LC", "mp4a.40.2")]
    [TestCase("HE-AAC", "mp4a.40.5")]
    [TestCase("HE-AACv2", "mp4a.40.29")]
    [TestCase(null, "mp4a.40.2")]
    public void Aac_codec_string_from_profile(string? profile, string expected) =>
        Assert.That(CodecStrings.Aac(profile), Is.EqualTo(expected));

    [TestCase("High", 31, "avc1.64001f")]
    [TestCase("High", 40, "avc1.640028")]
    [TestCase("Main", 30, "avc1.4d401e")]
    [TestCase("Constrained Baseline", 21, "avc1.42e015")]
    [TestCase("High", 13, "avc1.64000d")]
    public void Avc_codec_string_from_profile_and_level(string profile, int level, string expected) =>
        Assert.That(CodecStrings.Avc(profile, level), Is.EqualTo(expected));

    [Test]
    public void Sha256_json_is_PeerTube_shaped_and_compact()
    {
        var json = SegmentsSha256.Serialize(
        [
            new("a-720-fragmented.mp4", [new(new ByteRange(1353, 100), "ab"), new(new ByteRange(1453, 50), "cd")]),
            new("a-240-fragmented.mp4", [new(new ByteRange(900, 10), "ef")]),
        ]);

        Assert.That(json, Is.EqualTo(
            "{\"a-720-fragmented.mp4\":{\"1353-1452\":\"ab\",\"1453-1502\":\"cd\"},\"a-240-fragmented.mp4\":{\"900-909\":\"ef\"}}"));
    }

    [Test]
    public async Task Hashing_reads_exactly_each_range()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, Encoding.ASCII.GetBytes("0123456789"));

            var hashes = await SegmentsSha256.HashRangesAsync(path, [new ByteRange(2, 3), new ByteRange(9, 1)], CancellationToken.None);

            Assert.That(hashes[0].Value, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData("234"u8))));
            Assert.That(hashes[1].Value, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData("9"u8))));
            Assert.ThrowsAsync<InvalidDataException>(() => SegmentsSha256.HashRangesAsync(path, [new ByteRange(8, 5)], CancellationToken.None));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestCase("out_time_us=1500000", 0.5)]
    [TestCase("out_time_us=9000000", 1.0)]
    [TestCase("out_time_us=N/A", null)]
    [TestCase("progress=end", 1.0)]
    [TestCase("progress=continue", null)]
    [TestCase("frame=12", null)]
    public void Progress_lines(string line, double? expected) =>
        Assert.That(FfmpegProgress.Parse(line, TimeSpan.FromSeconds(3)), Is.EqualTo(expected));
}
