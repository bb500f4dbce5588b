using System.Text.Json;
using System.Text.Json.Nodes;
using VideoPlatform.Federation.ActivityStreams;

namespace VideoPlatform.Tests.Federation;

/// <summary>PeerTube's isPlaylistObjectValid / isPlaylistElementObjectValid and its privacy rule, on remote Playlist objects.</summary>
public class PlaylistObjectReaderTests
{
    private const string Uuid = "0b8c7f3e-8a4f-4c1e-9d2a-6f1b2c3d4e5f";

    private static JsonObject Playlist() => new()
    {
        ["type"] = "Playlist",
        ["id"] = "https://lyon.example/video-playlists/" + Uuid,
        ["name"] = " Séquence 3 : les fractions ",
        ["content"] = "Six leçons",
        ["mediaType"] = "text/markdown",
        ["uuid"] = Uuid,
        ["totalItems"] = 6,
        ["attributedTo"] = new JsonArray("https://lyon.example/video-channels/maths"),
        ["published"] = "2026-11-30T10:00:00.000Z",
        ["updated"] = "2026-11-30T11:00:00.000Z",
        ["to"] = new JsonArray("https://www.w3.org/ns/activitystreams#Public"),
        ["first"] = "https://lyon.example/video-playlists/" + Uuid + "?page=1",
    };

    private static RemotePlaylist? Read(JsonObject json, out string? error)
    {
        using var document = JsonDocument.Parse(json.ToJsonString());
        return PlaylistObjectReader.Read(document.RootElement, requireTld: true, out error);
    }

    [Test]
    public void A_public_peertube_playlist_is_read()
    {
        var playlist = Read(Playlist(), out var error);
        Assert.That(error, Is.Null);
        Assert.That(playlist, Is.EqualTo(new RemotePlaylist("https://lyon.example/video-playlists/" + Uuid, "Séquence 3 : les fractions", "Six leçons",
            Guid.Parse(Uuid), DateTimeOffset.Parse("2026-11-30T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.Parse("2026-11-30T11:00:00Z", System.Globalization.CultureInfo.InvariantCulture), "https://lyon.example/video-channels/maths", IsPublic: true)));
    }

    [Test]
    public void The_icon_is_the_thumbnail_and_an_unusable_one_is_ignored()
    {
        var json = Playlist();
        Assert.That(Read(json, out _)!.IconUrl, Is.Null, "no icon");
        json["icon"] = new JsonObject { ["type"] = "Image", ["url"] = "https://lyon.example/lazy-static/thumbnails/p.jpg", ["mediaType"] = "image/jpeg", ["width"] = 280 };
        Assert.That(Read(json, out _)!.IconUrl, Is.EqualTo("https://lyon.example/lazy-static/thumbnails/p.jpg"));
        json["icon"] = new JsonArray(new JsonObject { ["type"] = "Image", ["url"] = "https://lyon.example/lazy-static/thumbnails/q.png" });
        Assert.That(Read(json, out _)!.IconUrl, Is.EqualTo("https://lyon.example/lazy-static/thumbnails/q.png"), "an array of one Image");
        foreach (var unusable in new[] { "\"https://lyon.example/p.jpg\"", "{\"url\": \"file:///etc/passwd\"}", "{\"url\": \"https://localhost/p.jpg\"}", "{\"url\": 3}" })
        {
            json["icon"] = JsonNode.Parse(unusable);
            var playlist = Read(json, out var error);
            Assert.That(error, Is.Null, unusable);
            Assert.That(playlist!.IconUrl, Is.Null, unusable);
        }
    }

    [Test]
    public void A_playlist_not_addressed_to_public_is_unlisted()
    {
        var json = Playlist();
        json["to"] = new JsonArray("https://lyon.example/accounts/prof/followers");
        Assert.That(Read(json, out _)!.IsPublic, Is.False);
        json.Remove("to");
        Assert.That(Read(json, out _)!.IsPublic, Is.False);
    }

    [TestCase("type", "\"Video\"", "type must be Playlist")]
    [TestCase("id", "\"ftp://lyon.example/p\"", "id must be an http(s) URL")]
    [TestCase("totalItems", "\"six\"", "totalItems must be an integer")]
    [TestCase("name", "\"\"", "name must have 1 to 120 characters")]
    [TestCase("uuid", "\"0b8c7f3e-8a4f-7c1e-9d2a-6f1b2c3d4e5f\"", "uuid must be a version-4 UUID")]
    [TestCase("updated", "\"hier\"", "published and updated must be dates")]
    [TestCase("attributedTo", "[]", "attributedTo must name exactly one channel")]
    [TestCase("attributedTo", "[\"https://a.example/c/1\", \"https://lyon.example/c/2\"]", "attributedTo must name exactly one channel")]
    [TestCase("attributedTo", "[\"https://evil.example/video-channels/maths\"]", "the channel must be on the playlist's host")]
    public void Invalid_playlists_are_refused(string field, string value, string expected)
    {
        var json = Playlist();
        json[field] = JsonNode.Parse(value);
        Assert.That(Read(json, out var error), Is.Null);
        Assert.That(error, Is.EqualTo(expected));
    }

    [Test]
    public void A_name_longer_than_120_characters_is_refused()
    {
        var json = Playlist();
        json["name"] = new string('a', 121);
        Assert.That(Read(json, out var error), Is.Null);
        Assert.That(error, Is.EqualTo("name must have 1 to 120 characters"));
    }

    private static RemotePlaylistElementObject? ReadElement(string json, out string? error)
    {
        using var document = JsonDocument.Parse(json);
        return PlaylistObjectReader.ReadElement(document.RootElement, requireTld: true, out error);
    }

    [Test]
    public void An_element_is_read_with_its_times_and_zero_means_none()
    {
        var element = ReadElement("""
            {"type":"PlaylistElement","id":"https://lyon.example/video-playlists/x/videos/7","url":"https://lyon.example/videos/watch/v1",
             "position":"3","startTimestamp":0,"stopTimestamp":42}
            """, out var error);
        Assert.That(error, Is.Null);
        Assert.That(element, Is.EqualTo(new RemotePlaylistElementObject("https://lyon.example/video-playlists/x/videos/7", "https://lyon.example/videos/watch/v1", 3, null, 42)));
    }

    [TestCase("""{"type":"Note","id":"https://lyon.example/e/1","url":"https://lyon.example/v/1","position":1}""", "type must be PlaylistElement")]
    [TestCase("""{"type":"PlaylistElement","id":"https://lyon.example/e/1","url":"https://lyon.example/v/1","position":-1}""", "position must be a non-negative integer")]
    [TestCase("""{"type":"PlaylistElement","id":"https://lyon.example/e/1","url":"https://lyon.example/v/1"}""", "position must be a non-negative integer")]
    [TestCase("""{"type":"PlaylistElement","id":"https://lyon.example/e/1","url":"javascript:alert(1)","position":1}""", "url must be the video's URL")]
    [TestCase("""{"type":"PlaylistElement","url":"https://lyon.example/v/1","position":1}""", "id must be an http(s) URL")]
    public void Invalid_elements_are_refused(string json, string expected)
    {
        Assert.That(ReadElement(json, out var error), Is.Null);
        Assert.That(error, Is.EqualTo(expected));
    }
}
