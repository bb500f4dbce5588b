using System.Text.Json;
using System.Text.Json.Nodes;
using VideoPlatform.Federation.ActivityStreams;

namespace VideoPlatform.Tests.Federation;

public class VideoObjectTests
{
    private static readonly Uri Base = new("https://lyon.example");
    private static readonly Guid Uuid = Guid.Parse("5f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b");

    internal static VideoPublication Sample(bool isPublic = true) => new()
    {
        Uuid = Uuid,
        Name = "Les fractions en CM1",
        Description = "Une *introduction* aux fractions.",
        DurationSeconds = 123,
        Published = new DateTimeOffset(2026, 9, 1, 8, 0, 0, TimeSpan.Zero),
        Updated = new DateTimeOffset(2026, 9, 2, 8, 0, 0, TimeSpan.Zero),
        IsPublic = isPublic,
        AccountName = "mdupont",
        ChannelName = "maths_cm1",
        Views = 42,
        Category = new IdentifierObject("13", "Education"),
        Licence = new IdentifierObject("1", "Attribution"),
        Language = new IdentifierObject("fr", "French"),
        Tags = ["maths", "fractions"],
        Thumbnails = [new Thumbnail("https://lyon.example/lazy-static/thumbnails/a.jpg", 280, 157), new Thumbnail("https://lyon.example/lazy-static/previews/a.jpg", 850, 480)],
        Hls = new HlsPlaylist(
            "https://lyon.example/static/streaming-playlists/hls/5f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b/11-master.m3u8",
            "https://lyon.example/static/streaming-playlists/hls/5f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b/12-segments-sha256.json",
            [
                new HlsRendition(720, 1280, 1_000_000, 30, "https://lyon.example/static/streaming-playlists/hls/5f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b/13-720-fragmented.mp4", "https://lyon.example/lazy-static/torrents/14-720-hls.torrent", "0123456789ABCDEF0123456789abcdef01234567"),
                new HlsRendition(360, 640, 300_000, 30, "https://lyon.example/static/streaming-playlists/hls/5f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b/15-360-fragmented.mp4", "https://lyon.example/lazy-static/torrents/16-360-hls.torrent", "fedcba9876543210fedcba9876543210fedcba98"),
            ]),
        TrackerHttpUrl = "https://lyon.example/tracker/announce",
        TrackerWebSocketUrl = "wss://lyon.example/tracker/socket",
    };

    private static JsonElement Serialize(VideoObject video) =>
        JsonDocument.Parse(ActivityJson.Serialize(video)).RootElement.Clone();

    [Test]
    public void Our_video_serializes_in_PeerTube_shape()
    {
        var json = Serialize(VideoObjectBuilder.Build(Base, Sample()));
        var url = json.GetProperty("url");
        var hls = url[1];
        var tag = hls.GetProperty("tag").EnumerateArray().ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("type").GetString(), Is.EqualTo("Video"));
            Assert.That(json.GetProperty("id").GetString(), Is.EqualTo("https://lyon.example/videos/watch/5f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b"));
            Assert.That(json.GetProperty("duration").GetString(), Is.EqualTo("PT123S"));
            Assert.That(json.GetProperty("mediaType").GetString(), Is.EqualTo("text/markdown"));
            Assert.That(json.GetProperty("isLiveBroadcast").GetBoolean(), Is.False);
            Assert.That(json.GetProperty("commentsPolicy").GetInt32(), Is.EqualTo(1));
            Assert.That(json.GetProperty("category").GetProperty("identifier").GetString(), Is.EqualTo("13"));
            Assert.That(json.GetProperty("to")[0].GetString(), Is.EqualTo(ActivityJson.PublicAddress));
            Assert.That(json.GetProperty("cc")[0].GetString(), Is.EqualTo("https://lyon.example/accounts/mdupont/followers"));
            Assert.That(json.GetProperty("@context")[1].GetString(), Is.EqualTo("https://w3id.org/security/v1"));
            Assert.That(url[0].GetProperty("mediaType").GetString(), Is.EqualTo("text/html"));
            Assert.That(url[0].GetProperty("href").GetString(), Is.EqualTo(json.GetProperty("id").GetString()));
            Assert.That(hls.GetProperty("mediaType").GetString(), Is.EqualTo("application/x-mpegURL"));
            Assert.That(tag.Count(t => t.GetProperty("type").GetString() == "Infohash"), Is.EqualTo(2));
            Assert.That(tag.Single(t => t.TryGetProperty("name", out var n) && n.GetString() == "sha256").GetProperty("rel")[0].GetString(), Is.EqualTo("sha256"));
            var mp4 = tag.First(t => t.TryGetProperty("mediaType", out var m) && m.GetString() == "video/mp4");
            Assert.That(mp4.GetProperty("height").GetInt32(), Is.EqualTo(720));
            Assert.That(mp4.GetProperty("width").GetInt32(), Is.EqualTo(1280));
            Assert.That(mp4.GetProperty("size").GetInt64(), Is.EqualTo(1_000_000));
            Assert.That(mp4.GetProperty("fps").GetInt32(), Is.EqualTo(30));
            Assert.That(tag.Count(t => t.TryGetProperty("mediaType", out var m) && m.GetString() == "application/x-bittorrent;x-scheme-handler/magnet"), Is.EqualTo(2));
            Assert.That(json.GetProperty("attributedTo")[0].GetProperty("type").GetString(), Is.EqualTo("Person"));
            Assert.That(json.GetProperty("attributedTo")[1].GetProperty("id").GetString(), Is.EqualTo("https://lyon.example/video-channels/maths_cm1"));
            Assert.That(json.GetProperty("icon")[0].GetProperty("mediaType").GetString(), Is.EqualTo("image/jpeg"));
            Assert.That(json.GetProperty("likes").GetString(), Does.EndWith("/likes"));
            Assert.That(json.GetProperty("shares").GetString(), Does.EndWith("/announces"));
        });
    }

    [Test]
    public void Our_video_passes_PeerTube_validator_rules()
    {
        var errors = new VideoObjectValidator().Validate(Serialize(VideoObjectBuilder.Build(Base, Sample())));
        Assert.That(errors, Is.Empty);
    }

    [Test]
    public void Unlisted_video_has_empty_audience()
    {
        var video = VideoObjectBuilder.Build(Base, Sample(isPublic: false));
        Assert.Multiple(() =>
        {
            Assert.That(video.To, Is.Empty);
            Assert.That(video.Cc, Is.Empty);
            Assert.That(VideoObjectReader.Read(Serialize(video), out _)!.Privacy, Is.EqualTo(RemotePrivacy.Unlisted));
        });
    }

    [Test]
    public void Our_video_reads_back()
    {
        var remote = VideoObjectReader.Read(Serialize(VideoObjectBuilder.Build(Base, Sample())), out var error);
        Assert.That(remote, Is.Not.Null, error);
        Assert.Multiple(() =>
        {
            Assert.That(remote!.Uuid, Is.EqualTo(Uuid));
            Assert.That(remote.Name, Is.EqualTo("Les fractions en CM1"));
            Assert.That(remote.Description, Is.EqualTo("Une *introduction* aux fractions."));
            Assert.That(remote.DurationSeconds, Is.EqualTo(123));
            Assert.That(remote.Privacy, Is.EqualTo(RemotePrivacy.Public));
            Assert.That(remote.Views, Is.EqualTo(42));
            Assert.That(remote.Tags, Is.EqualTo(new[] { "maths", "fractions" }));
            Assert.That(remote.ThumbnailUrl, Is.EqualTo("https://lyon.example/lazy-static/previews/a.jpg"));
            Assert.That(remote.ChannelId, Is.EqualTo("https://lyon.example/video-channels/maths_cm1"));
            Assert.That(remote.AccountId, Is.EqualTo("https://lyon.example/accounts/mdupont"));
            Assert.That(remote.MasterPlaylistUrl, Does.EndWith("11-master.m3u8"));
            Assert.That(remote.SegmentsSha256Url, Does.EndWith("12-segments-sha256.json"));
            Assert.That(remote.Files, Has.Count.EqualTo(2));
            var file = remote.Files.Single(f => f.Resolution == 720);
            Assert.That(file.InfoHash, Is.EqualTo("0123456789abcdef0123456789abcdef01234567"));
            Assert.That(file.TorrentUrl, Is.EqualTo("https://lyon.example/lazy-static/torrents/14-720-hls.torrent"));
            Assert.That(file.Size, Is.EqualTo(1_000_000));
            Assert.That(remote.Category, Is.EqualTo(new IdentifierObject("13", "Education")));
        });
    }

    [Test]
    public void Separate_audio_file_federates_in_PeerTube_shape_and_reads_back()
    {
        var sample = Sample();
        var hls = sample.Hls!;
        sample = sample with
        {
            Hls = hls with
            {
                Renditions =
                [
                    hls.Renditions[0] with { HasAudio = false },
                    new HlsRendition(0, 0, 50_000, 0, "https://lyon.example/static/streaming-playlists/hls/5f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b/13-0-fragmented.mp4",
                        "https://lyon.example/lazy-static/torrents/17-0-hls.torrent", "00112233445566778899aabbccddeeff00112233", HasAudio: true, HasVideo: false),
                ],
            },
        };
        var json = Serialize(VideoObjectBuilder.Build(Base, sample));
        var tag = json.GetProperty("url")[1].GetProperty("tag").EnumerateArray().ToArray();
        string Attachment(JsonElement link) => string.Join(' ', link.GetProperty("attachment").EnumerateArray()
            .Select(a => $"{a.GetProperty("type").GetString()}:{a.GetProperty("name").GetString()}={a.GetProperty("value").GetString()}"));
        var files = tag.Where(t => t.TryGetProperty("mediaType", out var m) && m.GetString() == "video/mp4").ToArray();
        var audio = files.Single(t => t.GetProperty("href").GetString()!.EndsWith("-0-fragmented.mp4", StringComparison.Ordinal));
        var video = files.Single(t => t.GetProperty("href").GetString()!.EndsWith("-720-fragmented.mp4", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            // PeerTube's VideoFileModel.toActivityPubObject: height 0, the stream types it holds, the fragmented flag.
            Assert.That(audio.GetProperty("mediaType").GetString(), Is.EqualTo("video/mp4"));
            Assert.That(audio.GetProperty("height").GetInt32(), Is.EqualTo(0));
            Assert.That(Attachment(audio), Is.EqualTo("PropertyValue:ffprobe_codec_type=audio PropertyValue:peertube_format_flag=fragmented"));
            Assert.That(Attachment(video), Is.EqualTo("PropertyValue:ffprobe_codec_type=video PropertyValue:peertube_format_flag=fragmented"));
            Assert.That(tag.Count(t => t.GetProperty("type").GetString() == "Link" && t.TryGetProperty("height", out var h) && h.GetInt32() == 0), Is.EqualTo(3),
                "the audio file has its own torrent and magnet Links");
            Assert.That(new VideoObjectValidator().Validate(json), Is.Empty);
        });

        var remote = VideoObjectReader.Read(json, out var error);
        Assert.That(remote, Is.Not.Null, error);
        Assert.That(remote!.Files.Select(f => (f.Resolution, f.HasAudio, f.HasVideo)), Is.EquivalentTo(new[] { (720, false, true), (0, true, false) }));
        Assert.That(remote.Files.Single(f => f.Resolution == 0).InfoHash, Is.EqualTo("00112233445566778899aabbccddeeff00112233"));
    }

    [Test]
    public void PeerTube_fixture_passes_validator_and_reads()
    {
        using var doc = ActivityJson.Parse(Fixtures.Bytes("peertube-video.json"));
        var video = doc.RootElement;
        Assert.That(new VideoObjectValidator().Validate(video), Is.Empty);

        var remote = VideoObjectReader.Read(video, out var error);
        Assert.That(remote, Is.Not.Null, error);
        Assert.Multiple(() =>
        {
            Assert.That(remote!.Uuid, Is.EqualTo(Guid.Parse("717c9d87-c912-4943-a392-49fadf2f235d")));
            Assert.That(remote.Name, Is.EqualTo("Titre de la vidéo"));
            Assert.That(remote.DurationSeconds, Is.EqualTo(31));
            Assert.That(remote.Published, Is.EqualTo(DateTimeOffset.Parse("2024-06-06T13:06:05.060Z", System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(remote.HtmlUrl, Is.EqualTo("http://peertube.test/videos/watch/717c9d87-c912-4943-a392-49fadf2f235d"));
            Assert.That(remote.MasterPlaylistUrl, Does.EndWith("-master.m3u8"));
            Assert.That(remote.SegmentsSha256Url, Does.EndWith("-segments-sha256.json"));
            Assert.That(remote.InfoHashes, Has.Count.EqualTo(8));
            Assert.That(remote.Files.Select(f => f.Resolution), Does.Contain(1080).And.Contain(2160));
            var hd = remote.Files.Single(f => f.Resolution == 1080);
            Assert.That(hd.Size, Is.EqualTo(2074477));
            Assert.That(hd.Fps, Is.EqualTo(50));
            Assert.That(hd.Width, Is.EqualTo(1920));
            Assert.That(hd.InfoHash, Is.EqualTo("86b34386d6fa99aae7d6a7efcab5f424cce72d00"));
            Assert.That(hd.TorrentUrl, Does.EndWith("-1080-hls.torrent"));
            Assert.That(remote.ThumbnailUrl, Does.Contain("/previews/"));
            // PeerTube's own choice: smallest JPEG wider than 150 px as miniature, largest wider than 400 px as preview.
            Assert.That(remote.MiniatureUrl, Is.EqualTo("http://peertube.test/lazy-static/thumbnails/ae29b949-2ed5-424b-82c6-c4e0e2d75c5b.jpg"));
            Assert.That(remote.PreviewUrl, Is.EqualTo("http://peertube.test/lazy-static/previews/cdcb5319-eb33-4fa8-bc01-9c41553632dd.jpg"));
            Assert.That(remote.AccountId, Is.EqualTo("http://peertube.test/accounts/root"));
            Assert.That(remote.ChannelId, Is.EqualTo("http://peertube.test/video-channels/root_channel"));
            Assert.That(remote.Privacy, Is.EqualTo(RemotePrivacy.Public));
            Assert.That(remote.Category!.Identifier, Is.EqualTo("11"));
            Assert.That(remote.Licence!.Identifier, Is.EqualTo("1"));
            Assert.That(remote.Language!.Identifier, Is.EqualTo("fr"));
            Assert.That(remote.Tags, Is.EqualTo(new[] { "etiquette1", "etiquette2" }));
            Assert.That(remote.Nsfw, Is.True);
            Assert.That(remote.State, Is.EqualTo(1));
        });
    }

    [Test]
    public void Update_audience_overrides_the_object_audience()
    {
        using var doc = ActivityJson.Parse(Fixtures.Bytes("peertube-video.json"));
        var remote = VideoObjectReader.Read(doc.RootElement, out _, activityTo: ["http://peertube.test/accounts/root/followers"]);
        Assert.That(remote!.Privacy, Is.EqualTo(RemotePrivacy.Unlisted));
    }

    private static IEnumerable<TestCaseData> BrokenVideos()
    {
        TestCaseData Case(string name, Action<JsonObject> breakIt, string error) => new TestCaseData(breakIt, error).SetName(name);
        yield return Case("uuid v7", v => v["uuid"] = "019300a0-0000-7000-8000-000000000000", "uuid");
        yield return Case("name too short", v => v["name"] = "ab", "name");
        yield return Case("duration in minutes form missing S", v => v["duration"] = "PT2M", "duration");
        yield return Case("views missing", v => v.Remove("views"), "views");
        yield return Case("published not a date", v => v["published"] = "hier", "published");
        yield return Case("to as bare string", v => v["to"] = ActivityJson.PublicAddress, "to");
        yield return Case("png-only icon", v => v["icon"] = new JsonArray(new JsonObject { ["type"] = "Image", ["url"] = "https://lyon.example/a.png", ["mediaType"] = "image/png", ["width"] = 1, ["height"] = 1 }), "icon");
        yield return Case("url not an array", v => v["url"] = "https://lyon.example/videos/watch/x", "url");
        yield return Case("no channel", v => v["attributedTo"] = new JsonArray(new JsonObject { ["type"] = "Person", ["id"] = "https://lyon.example/accounts/mdupont" }), "Group");
        yield return Case("channel on another host", v => v["attributedTo"]![1]!["id"] = "https://evil.example/video-channels/x", "Group");
        yield return Case("content with html mediaType missing", v => v["mediaType"] = "text/plain", "mediaType");
        yield return Case("category not an integer", v => v["category"]!["identifier"] = "maths", "category");
        yield return Case("HLS without sha256", v =>
        {
            var tag = v["url"]![1]!["tag"]!.AsArray();
            tag.Remove(tag.First(t => t!["name"]?.GetValue<string>() == "sha256"));
        }, "sha256");
        yield return Case("magnet without info hash", v =>
        {
            foreach (var t in v["url"]![1]!["tag"]!.AsArray().Where(t => t!["mediaType"]?.GetValue<string>() == "application/x-bittorrent;x-scheme-handler/magnet"))
            {
                t!["href"] = "magnet:?xt=urn:btih:nothex";
            }
        }, "magnet");
    }

    [TestCaseSource(nameof(BrokenVideos))]
    public void Validator_rejects_what_PeerTube_rejects(Action<JsonObject> breakIt, string expectedError)
    {
        var node = JsonNode.Parse(ActivityJson.Serialize(VideoObjectBuilder.Build(Base, Sample())))!.AsObject();
        breakIt(node);
        using var doc = JsonDocument.Parse(node.ToJsonString());
        Assert.That(new VideoObjectValidator().Validate(doc.RootElement), Has.Some.Contains(expectedError));
    }

    [TestCase("PT31S", 31)]
    [TestCase("PT0S", 0)]
    [TestCase("PT1M5S", 15)]
    [TestCase("31", null)]
    [TestCase("P1D", null)]
    public void Duration_is_read_as_PeerTube_reads_it(string text, int? seconds) =>
        Assert.That(VideoObjectReader.ParseDuration(text), Is.EqualTo(seconds));
}

public class VideoObjectCaptionTests
{
    [Test]
    public void Captions_and_chapters_are_federated_as_PeerTube_does_and_read_back()
    {
        var publication = VideoObjectTests.Sample() with
        {
            Subtitles = [new SubtitleObject("fr", "French", "https://lyon.example/lazy-static/video-captions/0b5e-fr.vtt")],
        };
        var json = JsonDocument.Parse(ActivityJson.Serialize(VideoObjectBuilder.Build(new Uri("https://lyon.example"), publication))).RootElement;
        var subtitle = json.GetProperty("subtitleLanguage")[0];
        Assert.That(subtitle.GetProperty("identifier").GetString(), Is.EqualTo("fr"));
        Assert.That(subtitle.GetProperty("name").GetString(), Is.EqualTo("French"));
        Assert.That(subtitle.GetProperty("url").GetString(), Is.EqualTo("https://lyon.example/lazy-static/video-captions/0b5e-fr.vtt"));
        Assert.That(json.GetProperty("hasParts").GetString(), Is.EqualTo("https://lyon.example/videos/watch/5f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b/chapters"));
        Assert.That(new VideoObjectValidator().Validate(json), Is.Empty);
        var read = VideoObjectReader.Read(json, out var error);
        Assert.That(read, Is.Not.Null, error);
        Assert.That(read!.Captions, Is.EqualTo(new[] { new VideoPlatform.Core.Data.Repositories.RemoteCaption("fr", "https://lyon.example/lazy-static/video-captions/0b5e-fr.vtt") }));
    }

    [Test]
    public void Reads_PeerTube_captions_as_url_strings_or_links_and_drops_unsafe_ones()
    {
        using var doc = ActivityJson.Parse(Fixtures.Bytes("peertube-video.json"));
        Assert.That(VideoObjectReader.Read(doc.RootElement, out _)!.Captions, Is.EqualTo(new[]
        {
            new VideoPlatform.Core.Data.Repositories.RemoteCaption("ab", "http://peertube.test/lazy-static/video-captions/a2beedfa-5334-4bb9-98c3-04b701ea1e71-ab.vtt"),
        }));
        var video = JsonNode.Parse(ActivityJson.Serialize(VideoObjectBuilder.Build(new Uri("https://lyon.example"), VideoObjectTests.Sample())))!.AsObject();
        video["subtitleLanguage"] = JsonNode.Parse("""
            [
              {"identifier": "fr", "name": "French", "url": [
                {"type": "Link", "mediaType": "application/x-mpegURL", "href": "https://lyon.example/fr.m3u8"},
                {"type": "Link", "mediaType": "text/vtt", "href": "https://lyon.example/fr.vtt"}]},
              {"identifier": "en", "url": "javascript:alert(1)"},
              {"identifier": "\"><script>", "url": "https://lyon.example/x.vtt"},
              {"identifier": "fr", "url": "https://lyon.example/second-fr.vtt"},
              {"name": "no identifier", "url": "https://lyon.example/y.vtt"}
            ]
            """);
        using var changed = JsonDocument.Parse(video.ToJsonString());
        Assert.That(VideoObjectReader.Read(changed.RootElement, out _)!.Captions, Is.EqualTo(new[]
        {
            new VideoPlatform.Core.Data.Repositories.RemoteCaption("fr", "https://lyon.example/fr.vtt"),
        }));
    }

    [Test]
    public void Chapters_object_ends_each_part_where_the_next_starts()
    {
        var json = JsonDocument.Parse(ActivityJson.Serialize(ChaptersObject.Build("https://lyon.example/videos/watch/u",
            [(0, "Introduction"), (90, "Exercices")], 300))).RootElement;
        Assert.That(json.GetProperty("id").GetString(), Is.EqualTo("https://lyon.example/videos/watch/u/chapters"));
        var parts = json.GetProperty("hasPart");
        Assert.That(parts.GetArrayLength(), Is.EqualTo(2));
        Assert.That((parts[0].GetProperty("name").GetString(), parts[0].GetProperty("startOffset").GetInt32(), parts[0].GetProperty("endOffset").GetInt32()),
            Is.EqualTo(("Introduction", 0, 90)));
        Assert.That((parts[1].GetProperty("startOffset").GetInt32(), parts[1].GetProperty("endOffset").GetInt32()), Is.EqualTo((90, 300)));
    }

    [Test]
    public void Reads_the_chapters_url_and_PeerTube_chapters_objects()
    {
        using var doc = ActivityJson.Parse(Fixtures.Bytes("peertube-video.json"));
        Assert.That(VideoObjectReader.Read(doc.RootElement, out _)!.ChaptersUrl,
            Is.EqualTo("http://peertube.test/videos/watch/717c9d87-c912-4943-a392-49fadf2f235d/chapters"));
        var video = JsonNode.Parse(ActivityJson.Serialize(VideoObjectBuilder.Build(new Uri("https://lyon.example"), VideoObjectTests.Sample())))!.AsObject();
        video["hasParts"] = "javascript:alert(1)";
        using (var unsafeUrl = JsonDocument.Parse(video.ToJsonString()))
        {
            Assert.That(VideoObjectReader.Read(unsafeUrl.RootElement, out _)!.ChaptersUrl, Is.Null);
        }

        var built = JsonDocument.Parse(ActivityJson.Serialize(ChaptersObject.Build("https://lyon.example/videos/watch/u",
            [(0, "Introduction"), (90, " Exercices ")], 300))).RootElement;
        Assert.That(VideoPlatform.Federation.Videos.RemoteCaptionsJobHandler.ReadChapters(built),
            Is.EqualTo(new[] { new VideoPlatform.Core.Captions.Chapter(0, "Introduction"), new VideoPlatform.Core.Captions.Chapter(90, "Exercices") }));
        using var unordered = JsonDocument.Parse("""{"hasPart": [{"name": "B", "startOffset": 60}, {"name": "A", "startOffset": 0}]}""");
        Assert.That(VideoPlatform.Federation.Videos.RemoteCaptionsJobHandler.ReadChapters(unordered.RootElement)!.Select(c => c.Title), Is.EqualTo(new[] { "A", "B" }));
        using var broken = JsonDocument.Parse("""{"hasPart": [{"name": "A", "startOffset": -1}]}""");
        Assert.That(VideoPlatform.Federation.Videos.RemoteCaptionsJobHandler.ReadChapters(broken.RootElement), Is.Null);
        using var untitled = JsonDocument.Parse("""{"hasPart": [{"startOffset": 3}]}""");
        Assert.That(VideoPlatform.Federation.Videos.RemoteCaptionsJobHandler.ReadChapters(untitled.RootElement), Is.Null);
    }
}
