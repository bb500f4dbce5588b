using System.Text;
using System.Text.Json;
using VideoPlatform.Federation.ActivityStreams;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Tests.Federation;

public class ActivityStreamsTests
{
    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [TestCase("""{"to":"https://a.example/x"}""", 1)]
    [TestCase("""{"to":["https://a.example/x","https://a.example/y"]}""", 2)]
    [TestCase("""{"to":[{"id":"https://a.example/x"},{"type":"Link","href":"https://a.example/y"}]}""", 2)]
    [TestCase("""{"to":null}""", 0)]
    [TestCase("""{}""", 0)]
    public void Value_or_array_and_link_or_object_are_all_read(string json, int count) =>
        Assert.That(Parse(json).Ids("to"), Has.Count.EqualTo(count));

    [TestCase("""{"actor":"https://a.example/u"}""")]
    [TestCase("""{"actor":{"type":"Person","id":"https://a.example/u"}}""")]
    [TestCase("""{"actor":["https://a.example/u"]}""")]
    public void Actor_as_string_object_or_array(string json) =>
        Assert.That(Parse(json).Id("actor"), Is.EqualTo("https://a.example/u"));

    [TestCase("""{"type":"Video"}""", true)]
    [TestCase("""{"type":["Video","sc:VideoObject"]}""", true)]
    [TestCase("""{"type":"Note"}""", false)]
    public void Type_may_be_an_array(string json, bool isVideo) =>
        Assert.That(Parse(json).IsType("Video"), Is.EqualTo(isVideo));

    [Test]
    public void Numbers_sent_as_strings_are_tolerated() =>
        Assert.That(Parse("""{"height":"1080"}""").Integer("height"), Is.EqualTo(1080));

    [Test]
    public void Too_deep_json_is_refused()
    {
        var deep = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 40)) + "1" + new string('}', 40));
        Assert.That(() => ActivityJson.Parse(deep), Throws.TypeOf<ActivityJsonException>());
    }

    [Test]
    public void Too_large_json_is_refused()
    {
        var big = Encoding.UTF8.GetBytes("{\"a\":\"" + new string('x', 2000) + "\"}");
        Assert.That(() => ActivityJson.Parse(big, maxBytes: 1000), Throws.TypeOf<ActivityJsonException>().With.Message.Contains("limit"));
    }

    [TestCase("[1,2]")]
    [TestCase("not json")]
    public void Non_object_json_is_refused(string json) =>
        Assert.That(() => ActivityJson.Parse(Encoding.UTF8.GetBytes(json)), Throws.TypeOf<ActivityJsonException>());

    [Test]
    public void PeerTube_announce_fixture_reads()
    {
        using var doc = ActivityJson.Parse(Fixtures.Bytes("peertube-announce.json"));
        var announce = doc.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(announce.IsType(ActivityTypes.Announce), Is.True);
            Assert.That(announce.Id("actor"), Is.EqualTo("http://peertube.test/accounts/peertube"));
            Assert.That(announce.Id("object"), Is.EqualTo("http://peertube.test/videos/watch/717c9d87-c912-4943-a392-49fadf2f235d"));
            Assert.That(announce.Ids("to").Any(JsonLd.IsPublicAddress), Is.True);
        });
    }

    [Test]
    public void PeerTube_actor_fixture_yields_its_key()
    {
        using var doc = ActivityJson.Parse(Fixtures.Bytes("peertube-application-actor.json"));
        var actor = doc.RootElement;
        var key = actor.Property("publicKey")!.Value;
        Assert.Multiple(() =>
        {
            Assert.That(actor.IsType(ActorTypes.Application), Is.True);
            Assert.That(actor.Property("endpoints")!.Value.String("sharedInbox"), Is.EqualTo("http://peertube.test/inbox"));
            Assert.That(key.String("id"), Is.EqualTo("http://peertube.test/accounts/peertube#main-key"));
            Assert.That(key.String("publicKeyPem"), Does.StartWith("-----BEGIN PUBLIC KEY-----"));
            using var rsa = VideoPlatform.Federation.Signatures.RsaKeys.ImportPem(key.String("publicKeyPem")!);
            Assert.That(rsa.KeySize, Is.EqualTo(1024));
        });
    }

    [Test]
    public void Our_actor_has_PeerTube_layout()
    {
        var actor = ActorDocument.Create(ActorTypes.Application, new Uri("https://lyon.example/"), "/accounts/peertube", "peertube", "Académie de Lyon", TestKeys.APublic);
        var json = Parse(ActivityJson.Serialize(actor));
        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("@context")[0].GetString(), Is.EqualTo("https://www.w3.org/ns/activitystreams"));
            Assert.That(json.GetProperty("@context")[1].GetString(), Is.EqualTo("https://w3id.org/security/v1"));
            Assert.That(json.GetProperty("type").GetString(), Is.EqualTo("Application"));
            Assert.That(json.GetProperty("id").GetString(), Is.EqualTo("https://lyon.example/accounts/peertube"));
            Assert.That(json.GetProperty("inbox").GetString(), Is.EqualTo("https://lyon.example/accounts/peertube/inbox"));
            Assert.That(json.GetProperty("outbox").GetString(), Is.EqualTo("https://lyon.example/accounts/peertube/outbox"));
            Assert.That(json.GetProperty("followers").GetString(), Is.EqualTo("https://lyon.example/accounts/peertube/followers"));
            Assert.That(json.GetProperty("following").GetString(), Is.EqualTo("https://lyon.example/accounts/peertube/following"));
            Assert.That(json.GetProperty("preferredUsername").GetString(), Is.EqualTo("peertube"));
            Assert.That(json.GetProperty("name").GetString(), Is.EqualTo("Académie de Lyon"));
            Assert.That(json.GetProperty("endpoints").GetProperty("sharedInbox").GetString(), Is.EqualTo("https://lyon.example/inbox"));
            Assert.That(json.GetProperty("publicKey").GetProperty("id").GetString(), Is.EqualTo("https://lyon.example/accounts/peertube#main-key"));
            Assert.That(json.GetProperty("publicKey").GetProperty("owner").GetString(), Is.EqualTo("https://lyon.example/accounts/peertube"));
            Assert.That(json.GetProperty("publicKey").GetProperty("publicKeyPem").GetString(), Does.StartWith("-----BEGIN PUBLIC KEY-----"));
        });
    }

    [Test]
    public void Accept_embeds_the_follow_without_its_context()
    {
        var follow = Activity.Follow("https://paris.example/follows/1", "https://paris.example/accounts/peertube", "https://lyon.example/accounts/peertube");
        var accept = Parse(ActivityJson.Serialize(Activity.Accept("https://lyon.example/accepts/1", "https://lyon.example/accounts/peertube", follow)));
        var inner = accept.GetProperty("object");
        Assert.Multiple(() =>
        {
            Assert.That(accept.GetProperty("type").GetString(), Is.EqualTo("Accept"));
            Assert.That(inner.GetProperty("type").GetString(), Is.EqualTo("Follow"));
            Assert.That(inner.GetProperty("object").GetString(), Is.EqualTo("https://lyon.example/accounts/peertube"));
            Assert.That(inner.TryGetProperty("@context", out _), Is.False);
        });
    }

    [Test]
    public void Create_of_a_video_embeds_the_video_and_array_audience()
    {
        var video = VideoObjectBuilder.Build(new Uri("https://lyon.example"), VideoObjectTests.Sample()) with { Context = null };
        var create = Parse(ActivityJson.Serialize(Activity.Create(video.Id + "/activity", "https://lyon.example/accounts/mdupont", video, video.To, video.Cc)));
        Assert.Multiple(() =>
        {
            Assert.That(create.GetProperty("object").GetProperty("type").GetString(), Is.EqualTo("Video"));
            Assert.That(create.GetProperty("to").ValueKind, Is.EqualTo(JsonValueKind.Array));
            Assert.That(create.GetProperty("cc").ValueKind, Is.EqualTo(JsonValueKind.Array));
        });
    }

    [TestCase(1, 10, 25, "https://lyon.example/accounts/peertube/outbox?page=2", null)]
    [TestCase(2, 10, 25, "https://lyon.example/accounts/peertube/outbox?page=3", "https://lyon.example/accounts/peertube/outbox?page=1")]
    [TestCase(3, 10, 25, null, "https://lyon.example/accounts/peertube/outbox?page=2")]
    [TestCase(1, 10, 10, null, null)]
    public void Pages_link_next_only_while_items_remain(int page, int size, long total, string? next, string? prev)
    {
        var p = OrderedCollectionPage.Create("https://lyon.example/accounts/peertube/outbox", page, size, total, []);
        Assert.Multiple(() =>
        {
            Assert.That(p.Next, Is.EqualTo(next));
            Assert.That(p.Prev, Is.EqualTo(prev));
            Assert.That(p.PartOf, Is.EqualTo("https://lyon.example/accounts/peertube/outbox"));
        });
    }

    [Test]
    public void Collection_root_points_to_the_first_page()
    {
        var json = Parse(ActivityJson.Serialize(OrderedCollection.Paged("https://lyon.example/accounts/peertube/outbox", 25)));
        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("type").GetString(), Is.EqualTo("OrderedCollection"));
            Assert.That(json.GetProperty("totalItems").GetInt64(), Is.EqualTo(25));
            Assert.That(json.GetProperty("first").GetString(), Is.EqualTo("https://lyon.example/accounts/peertube/outbox?page=1"));
        });
    }
}
