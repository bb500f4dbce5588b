using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using VideoPlatform.Federation.ActivityStreams;
using VideoPlatform.IntegrationTests.Infrastructure;

namespace VideoPlatform.IntegrationTests.Federation;

/// <summary>WebFinger, NodeInfo, actors, outbox and Video objects answer as PeerTube's do.</summary>
[Category("Federation")]
[Category("Http")]
public sealed class DiscoveryEndpointTests
{
    private TestInstance _instance = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _instance = await FederationHarness.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _instance.DisposeAsync();

    private async Task<(HttpResponseMessage Response, JsonElement Json)> GetActivityAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("application/activity+json");
        var response = await _instance.Http.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), path);
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/activity+json"));
        return (response, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    [Test]
    public async Task WebFinger_resolves_the_server_actor_accounts_and_channels()
    {
        foreach (var (name, path) in new[] { ("peertube", "/accounts/peertube"), ("root", "/accounts/root"), ("root_channel", "/video-channels/root_channel") })
        {
            var resource = $"acct:{name}@{_instance.Host}";
            using var response = await _instance.Http.GetAsync("/.well-known/webfinger?resource=" + Uri.EscapeDataString(resource));
            Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/jrd+json"));
            var json = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.That(json.GetProperty("subject").GetString(), Is.EqualTo(resource));
            var self = json.GetProperty("links").EnumerateArray().First(l => l.GetProperty("rel").GetString() == "self");
            Assert.That(self.GetProperty("type").GetString(), Is.EqualTo("application/activity+json"));
            Assert.That(self.GetProperty("href").GetString(), Is.EqualTo(_instance.BaseUrl + path));
        }
        using var unknown = await _instance.Http.GetAsync($"/.well-known/webfinger?resource=acct:nobody@{_instance.Host}");
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        using var otherHost = await _instance.Http.GetAsync("/.well-known/webfinger?resource=acct:peertube@example.org");
        Assert.That(otherHost.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task NodeInfo_links_both_schemas_and_the_instance_actor()
    {
        var discovery = await _instance.Http.GetFromJsonAsync<JsonElement>("/.well-known/nodeinfo");
        var links = discovery.GetProperty("links").EnumerateArray().ToDictionary(l => l.GetProperty("rel").GetString()!, l => l.GetProperty("href").GetString()!);
        Assert.That(links["http://nodeinfo.diaspora.software/ns/schema/2.0"], Is.EqualTo(_instance.BaseUrl + "/nodeinfo/2.0.json"));
        Assert.That(links["https://www.w3.org/ns/activitystreams#Application"], Is.EqualTo(_instance.BaseUrl + "/accounts/peertube"));
        foreach (var version in new[] { "2.0", "2.1" })
        {
            using var response = await _instance.Http.GetAsync($"/nodeinfo/{version}.json");
            Assert.That(response.Content.Headers.ContentType!.ToString(), Does.Contain($"schema/{version}#"));
            var doc = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.That(doc.GetProperty("version").GetString(), Is.EqualTo(version));
            Assert.That(doc.GetProperty("protocols")[0].GetString(), Is.EqualTo("activitypub"));
            Assert.That(doc.GetProperty("software").GetProperty("name").GetString(), Is.EqualTo("videoplatform"));
            Assert.That(doc.GetProperty("usage").GetProperty("users").GetProperty("total").GetInt64(), Is.GreaterThanOrEqualTo(1));
        }
        using var unknown = await _instance.Http.GetAsync("/nodeinfo/1.0.json");
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        using var hostMeta = await _instance.Http.GetAsync("/.well-known/host-meta");
        Assert.That(await hostMeta.Content.ReadAsStringAsync(), Does.Contain("/.well-known/webfinger?resource={uri}"));
    }

    [Test]
    public async Task Actors_follow_PeerTubes_layout_and_browsers_are_not_served_json()
    {
        var (_, server) = await GetActivityAsync("/accounts/peertube");
        Assert.Multiple(() =>
        {
            Assert.That(server.GetProperty("type").GetString(), Is.EqualTo("Application"));
            Assert.That(server.GetProperty("preferredUsername").GetString(), Is.EqualTo("peertube"));
            Assert.That(server.GetProperty("inbox").GetString(), Is.EqualTo(_instance.BaseUrl + "/accounts/peertube/inbox"));
            Assert.That(server.GetProperty("endpoints").GetProperty("sharedInbox").GetString(), Is.EqualTo(_instance.BaseUrl + "/inbox"));
            Assert.That(server.GetProperty("publicKey").GetProperty("id").GetString(), Is.EqualTo(_instance.BaseUrl + "/accounts/peertube#main-key"));
            Assert.That(server.GetProperty("publicKey").GetProperty("publicKeyPem").GetString(), Does.StartWith("-----BEGIN PUBLIC KEY-----"));
        });
        var (_, channel) = await GetActivityAsync("/video-channels/root_channel");
        Assert.That(channel.GetProperty("type").GetString(), Is.EqualTo("Group"));
        Assert.That(channel.GetProperty("attributedTo")[0].GetProperty("id").GetString(), Is.EqualTo(_instance.BaseUrl + "/accounts/root"));
        Assert.That(ActorReader.Read(channel, out var error), Is.Not.Null, error);

        using var browser = new HttpRequestMessage(HttpMethod.Get, "/accounts/peertube");
        browser.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        using var page = await _instance.Http.SendAsync(browser);
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.NotAcceptable));
    }

    [Test]
    public async Task Published_Video_objects_pass_PeerTubes_validator_and_the_outbox_pages_them()
    {
        var video = await _instance.PublishVideoAsync("root_channel", "Objet vidéo conforme", description: "Une leçon de **mathématiques**.", tags: ["maths"]);
        var (_, json) = await GetActivityAsync($"/videos/watch/{video.Uuid}");
        Assert.That(new VideoObjectValidator(requireTld: false).Validate(json), Is.Empty);
        Assert.That(VideoObjectReader.Read(json, out _)!.Files, Has.Count.EqualTo(1));

        var (_, outbox) = await GetActivityAsync("/accounts/peertube/outbox");
        Assert.That(outbox.GetProperty("type").GetString(), Is.EqualTo("OrderedCollection"));
        Assert.That(outbox.GetProperty("totalItems").GetInt64(), Is.GreaterThanOrEqualTo(1));
        var (_, page) = await GetActivityAsync(outbox.GetProperty("first").GetString()!);
        var items = page.GetProperty("orderedItems").EnumerateArray().ToArray();
        Assert.That(items.Select(i => i.GetProperty("object").GetString()), Does.Contain(video.Url));
        Assert.That(items.All(i => i.GetProperty("type").GetString() == "Announce"), Is.True);

        var (_, likes) = await GetActivityAsync($"/videos/watch/{video.Uuid}/likes");
        Assert.That(likes.GetProperty("totalItems").GetInt64(), Is.Zero);
    }
}
