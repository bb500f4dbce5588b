using System.Text;
using VideoPlatform.P2P.Hls;

namespace VideoPlatform.Tests.P2P;

public class HlsSwarmIdsTests
{
    // A master playlist of ours and the stream hashes p2p-media-loader 2.3.1 logged for it in Chromium
    // ("create new client; stream: main-…; hash: …") with the video's uuid as swarm id.
    private const string Uuid = "906b42e6-6b05-4a17-adc7-1f405ca4709f";
    private const string Master = """
        #EXTM3U
        #EXT-X-VERSION:3
        #EXT-X-STREAM-INF:BANDWIDTH=3621942,AVERAGE-BANDWIDTH=3188366,RESOLUTION=1280x720,FRAME-RATE=30,CODECS="avc1.64001f,mp4a.40.2"
        c71712df-720.m3u8
        #EXT-X-STREAM-INF:BANDWIDTH=290480,AVERAGE-BANDWIDTH=273736,RESOLUTION=426x240,FRAME-RATE=30,CODECS="avc1.640015,mp4a.40.2"
        c71712df-240.m3u8
        """;

    [Test]
    public void Loader_stream_ids_match_what_the_browser_player_announces()
    {
        var variants = HlsSwarmIds.Variants(Master);
        Assert.That(variants.Select(v => v.Uri), Is.EqualTo(new[] { "c71712df-720.m3u8", "c71712df-240.m3u8" }));
        Assert.That(Announced(HlsSwarmIds.ForLoaderStream(Uuid, variants[0])), Is.EqualTo("wvIlXZYdkSYG1BNPHDrZ"));
        Assert.That(Announced(HlsSwarmIds.ForLoaderStream(Uuid, variants[1])), Is.EqualTo("7XeO6BlFIYcWWHG5UB9C"));
    }

    [Test]
    public void Loader_stream_key_keeps_video_codecs_only_and_normalises_the_frame_rate() =>
        Assert.That(HlsSwarmIds.LoaderStreamKey(HlsSwarmIds.Variants(
                "#EXT-X-STREAM-INF:BANDWIDTH=100,RESOLUTION=640x360,FRAME-RATE=25.000,CODECS=\"mp4a.40.2,AVC1.4D401E\"\nx.m3u8")[0]),
            Is.EqualTo("100-avc1.4d401e-640-360----25-"));

    [Test]
    public void Separate_audio_is_a_secondary_stream_keyed_by_the_codecs_of_its_group()
    {
        const string master = """
            #EXTM3U
            #EXT-X-VERSION:3
            #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="Audio",AUTOSELECT=YES,DEFAULT=YES,URI="c71712df-0.m3u8"
            #EXT-X-STREAM-INF:BANDWIDTH=3750000,AVERAGE-BANDWIDTH=3300000,RESOLUTION=1280x720,FRAME-RATE=30,CODECS="avc1.64001f,mp4a.40.2",AUDIO="audio"
            c71712df-720.m3u8
            """;

        var audio = HlsSwarmIds.AudioRenditions(master);

        Assert.That(audio, Has.Count.EqualTo(1));
        Assert.That((audio[0].Uri, audio[0].Name), Is.EqualTo(("c71712df-0.m3u8", "Audio")));
        Assert.That(audio[0].Codecs, Is.EqualTo(new[] { "mp4a.40.2" }));
        // p2p-media-loader's generateStreamShortId for an hls.js audio track: bitrate 0, codecs, no size, language, channels, name.
        Assert.That(HlsSwarmIds.LoaderAudioKey(audio[0]), Is.EqualTo("0-mp4a.40.2-----audio--"));
        Assert.That(HlsSwarmIds.ForLoaderAudio(Uuid, audio[0]), Is.Not.EqualTo(HlsSwarmIds.ForLoaderStream(Uuid, HlsSwarmIds.Variants(master)[0])));
        Assert.That(HlsSwarmIds.AudioRenditions(Master), Is.Empty);
    }

    [Test]
    public void Attribute_lists_keep_commas_inside_quotes()
    {
        var attributes = HlsSwarmIds.Variants("#EXT-X-STREAM-INF:CODECS=\"a,b\",BANDWIDTH=5\nv.m3u8")[0].Attributes;
        Assert.That(attributes["CODECS"], Is.EqualTo("a,b"));
        Assert.That(attributes["BANDWIDTH"], Is.EqualTo("5"));
    }

    [Test]
    public void A_malformed_stream_line_is_an_error_not_a_guess() =>
        Assert.Throws<FormatException>(() => HlsSwarmIds.Variants("#EXT-X-STREAM-INF:CODECS=\"a,b\nv.m3u8"));

    private static string Announced(string hex) => Encoding.ASCII.GetString(Convert.FromHexString(hex));
}
