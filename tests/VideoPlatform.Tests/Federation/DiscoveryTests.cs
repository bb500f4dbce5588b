using System.Text.Json;
using VideoPlatform.Federation.ActivityStreams;
using VideoPlatform.Federation.NodeInfo;
using VideoPlatform.Federation.WebFinger;

namespace VideoPlatform.Tests.Federation;

public class DiscoveryTests
{
    private static readonly Uri Base = new("https://lyon.example");

    [TestCase("acct:peertube@lyon.example", "peertube", "lyon.example")]
    [TestCase("peertube@lyon.example", "peertube", "lyon.example")]
    [TestCase("@maths_cm1@lyon.example:8443", "maths_cm1", "lyon.example:8443")]
    [TestCase("https://lyon.example/accounts/mdupont", "mdupont", "lyon.example")]
    [TestCase("https://lyon.example/video-channels/maths_cm1", "maths_cm1", "lyon.example")]
    [TestCase("http://127.0.0.1:9000/accounts/root", "root", "127.0.0.1:9000")]
    public void Resource_forms_parse(string resource, string name, string host)
    {
        Assert.That(WebFingerResource.TryParse(resource, out var parsed), Is.True);
        Assert.That(parsed, Is.EqualTo(new WebFingerResource(name, host)));
    }

    [TestCase("")]
    [TestCase("acct:")]
    [TestCase("acct:@lyon.example")]
    [TestCase("acct:peertube@")]
    [TestCase("acct:pe ertube@lyon.example")]
    [TestCase("https://lyon.example/videos/watch/x")]
    [TestCase("mailto:a@lyon.example")]
    public void Bad_resources_are_refused(string resource) =>
        Assert.That(WebFingerResource.TryParse(resource, out _), Is.False);

    [Test]
    public void Local_host_is_recognised()
    {
        Assert.That(WebFingerResource.TryParse("acct:peertube@LYON.example", out var parsed), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(parsed!.IsLocal(Base), Is.True);
            Assert.That(parsed.IsLocal(new Uri("https://paris.example")), Is.False);
        });
    }

    [Test]
    public void WebFinger_document_matches_PeerTube()
    {
        var doc = WebFingerBuilder.Build("acct:peertube@lyon.example", "https://lyon.example/accounts/peertube", Base);
        var json = JsonDocument.Parse(ActivityJson.Serialize(doc)).RootElement;
        var self = json.GetProperty("links").EnumerateArray().Single(l => l.GetProperty("rel").GetString() == "self");
        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("subject").GetString(), Is.EqualTo("acct:peertube@lyon.example"));
            Assert.That(json.GetProperty("aliases")[0].GetString(), Is.EqualTo("https://lyon.example/accounts/peertube"));
            Assert.That(self.GetProperty("type").GetString(), Is.EqualTo("application/activity+json"));
            Assert.That(self.GetProperty("href").GetString(), Is.EqualTo("https://lyon.example/accounts/peertube"));
            Assert.That(json.GetProperty("links").EnumerateArray().Any(l => l.GetProperty("rel").GetString() == "http://webfinger.net/rel/profile-page"), Is.True);
            Assert.That(json.GetProperty("links")[2].GetProperty("template").GetString(), Is.EqualTo("https://lyon.example/remote-interaction?uri={uri}"));
            Assert.That(json.GetProperty("links")[2].TryGetProperty("href", out _), Is.False);
        });
    }

    [Test]
    public void Host_meta_points_to_webfinger() =>
        Assert.That(WebFingerBuilder.HostMeta(Base), Does.Contain("template=\"https://lyon.example/.well-known/webfinger?resource={uri}\"").And.Contain("rel=\"lrdd\""));

    [Test]
    public void NodeInfo_discovery_lists_both_versions_and_the_instance_actor()
    {
        var links = NodeInfoBuilder.Discovery(Base).Links;
        Assert.That(links.Select(l => (l.Rel, l.Href)), Is.EquivalentTo(new[]
        {
            ("http://nodeinfo.diaspora.software/ns/schema/2.0", "https://lyon.example/nodeinfo/2.0.json"),
            ("http://nodeinfo.diaspora.software/ns/schema/2.1", "https://lyon.example/nodeinfo/2.1.json"),
            ("https://www.w3.org/ns/activitystreams#Application", "https://lyon.example/accounts/peertube"),
        }));
    }

    [TestCase("2.0", false)]
    [TestCase("2.1", true)]
    public void NodeInfo_document(string version, bool hasRepository)
    {
        var doc = NodeInfoBuilder.Build(version, "1.0.0", "Académie de Lyon", null, false, new NodeStatistics(120, 40, 80, 300, 12), repository: "https://example.org/videoplatform");
        var json = JsonDocument.Parse(ActivityJson.Serialize(doc)).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("version").GetString(), Is.EqualTo(version));
            Assert.That(json.GetProperty("software").GetProperty("name").GetString(), Is.EqualTo("videoplatform"));
            Assert.That(json.GetProperty("software").TryGetProperty("repository", out _), Is.EqualTo(hasRepository));
            Assert.That(json.GetProperty("protocols")[0].GetString(), Is.EqualTo("activitypub"));
            Assert.That(json.GetProperty("usage").GetProperty("users").GetProperty("total").GetInt64(), Is.EqualTo(120));
            Assert.That(json.GetProperty("usage").GetProperty("users").GetProperty("activeMonth").GetInt64(), Is.EqualTo(40));
            Assert.That(json.GetProperty("usage").GetProperty("users").GetProperty("activeHalfyear").GetInt64(), Is.EqualTo(80));
            Assert.That(json.GetProperty("usage").GetProperty("localPosts").GetInt64(), Is.EqualTo(300));
            Assert.That(json.GetProperty("openRegistrations").GetBoolean(), Is.False);
            Assert.That(json.GetProperty("metadata").GetProperty("nodeName").GetString(), Is.EqualTo("Académie de Lyon"));
        });
    }

    [Test]
    public void Unknown_NodeInfo_version_is_null() =>
        Assert.That(NodeInfoBuilder.Build("1.0", "1", "x", null, false, new NodeStatistics(0, 0, 0, 0, 0)), Is.Null);
}
