using VideoPlatform.Transcoder.Hls;

namespace VideoPlatform.Tests.Transcoder;

/// <summary>The names and texts of a re-key: one id swapped everywhere a transcode wrote it, nothing else touched.</summary>
public class HlsRekeyTests
{
    private const string Old = "0f8e2f5c-1111-4222-8333-944445555666";
    private const string New = "7a1b2c3d-aaaa-4bbb-8ccc-dddddddddddd";

    [Test]
    public void The_id_is_read_from_the_master_playlist_name()
    {
        Assert.That(HlsRekey.IdOf(Old + "-master.m3u8"), Is.EqualTo(Old));
        Assert.Throws<InvalidDataException>(() => HlsRekey.IdOf(Old + "-720.m3u8"));
        Assert.Throws<InvalidDataException>(() => HlsRekey.IdOf("-master.m3u8"));
    }

    [TestCase(Old + "-master.m3u8", New + "-master.m3u8")]
    [TestCase(Old + "-720.m3u8", New + "-720.m3u8")]
    [TestCase(Old + "-720-fragmented.mp4", New + "-720-fragmented.mp4")]
    [TestCase(Old + "-segments-sha256.json", New + "-segments-sha256.json")]
    public void Every_file_of_the_set_gets_the_new_id(string name, string expected) =>
        Assert.That(HlsRekey.Rename(name, Old, New), Is.EqualTo(expected));

    [Test]
    public void A_file_of_another_set_is_refused()
    {
        Assert.Throws<InvalidDataException>(() => HlsRekey.Rename("11111111-2222-4333-8444-555555555555-720.m3u8", Old, New));
        Assert.Throws<InvalidDataException>(() => HlsRekey.Rename(Old + ".m3u8", Old, New));
    }

    [Test]
    public void Playlists_and_the_hash_file_point_to_the_new_names_only()
    {
        var master = $"#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-STREAM-INF:BANDWIDTH=900000,AVERAGE-BANDWIDTH=700000,RESOLUTION=640x360,CODECS=\"avc1.64001e,mp4a.40.2\",FRAME-RATE=25\n{Old}-360.m3u8\n"
            + $"#EXT-X-STREAM-INF:BANDWIDTH=400000,RESOLUTION=426x240\n{Old}-240.m3u8\n";
        var media = $"#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:2\n#EXT-X-MAP:URI=\"{Old}-360-fragmented.mp4\",BYTERANGE=\"1200@0\"\n"
            + $"#EXTINF:2.000000,\n#EXT-X-BYTERANGE:50000@1200\n{Old}-360-fragmented.mp4\n#EXT-X-ENDLIST\n";
        var sha = $"{{\"{Old}-360-fragmented.mp4\":{{\"1200-51199\":\"ab\"}},\"{Old}-240-fragmented.mp4\":{{\"900-20899\":\"cd\"}}}}";
        Assert.Multiple(() =>
        {
            Assert.That(HlsRekey.Rewrite(master, Old, New), Is.EqualTo(master.Replace(Old, New, StringComparison.Ordinal)));
            Assert.That(HlsRekey.Rewrite(media, Old, New), Does.Not.Contain(Old).And.Contain($"URI=\"{New}-360-fragmented.mp4\",BYTERANGE=\"1200@0\"")
                .And.Contain($"#EXT-X-BYTERANGE:50000@1200\n{New}-360-fragmented.mp4\n"));
            Assert.That(HlsRekey.Rewrite(sha, Old, New), Is.EqualTo($"{{\"{New}-360-fragmented.mp4\":{{\"1200-51199\":\"ab\"}},\"{New}-240-fragmented.mp4\":{{\"900-20899\":\"cd\"}}}}"));
        });
        Assert.That(HlsRekey.IsText(Old + "-master.m3u8") && HlsRekey.IsText(Old + "-segments-sha256.json"), Is.True);
        Assert.That(HlsRekey.IsText(Old + "-360-fragmented.mp4"), Is.False);
    }
}
