using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Federation.Signatures;
using VideoPlatform.IntegrationTests.Infrastructure;
using static VideoPlatform.IntegrationTests.Federation.FederationHarness;

namespace VideoPlatform.IntegrationTests.Federation;

/// <summary>
/// A minimal Mastodon-like server, served by the test, whose one user follows a channel and not its account: it must
/// receive the channel's Announce of each new video, addressed to Public and the channel's followers; the channel's
/// followersCount and followers list (PeerTube's REST API and the ActivityPub collection) show the follow.
/// </summary>
[TestFixture(DbKind.Sqlite)]
[TestFixture(DbKind.Postgres)]
[Category("Federation")]
[Category("Http")]
[NonParallelizable]
public sealed class ChannelFollowersTests(DbKind kind)
{
    private const string ActivityJsonType = "application/activity+json";
    private WebApplication _mastodon = null!;
    private string _monaUrl = null!;
    private RsaKeyPair _monaKeys = null!;
    private readonly ConcurrentQueue<string> _received = new();
    private TestInstance _origin = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _monaKeys = RsaKeys.Generate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _mastodon = builder.Build();
        _mastodon.MapGet("/users/mona", () => Results.Text(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["@context"] = new[] { "https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1" },
            ["id"] = _monaUrl,
            ["type"] = "Person",
            ["preferredUsername"] = "mona",
            ["name"] = "Mona",
            ["inbox"] = _monaUrl + "/inbox",
            ["outbox"] = _monaUrl + "/outbox",
            ["followers"] = _monaUrl + "/followers",
            ["following"] = _monaUrl + "/following",
            ["endpoints"] = new { sharedInbox = new Uri(new Uri(_monaUrl), "/inbox").ToString() },
            ["publicKey"] = new { id = _monaUrl + "#main-key", owner = _monaUrl, publicKeyPem = _monaKeys.PublicKeyPem },
        }), ActivityJsonType));
        foreach (var path in new[] { "/inbox", "/users/mona/inbox" })
        {
            _mastodon.MapPost(path, async (HttpRequest request) =>
            {
                using var reader = new StreamReader(request.Body);
                _received.Enqueue(await reader.ReadToEndAsync());
                return Results.Accepted();
            });
        }
        await _mastodon.StartAsync();
        var address = _mastodon.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _monaUrl = address + "/users/mona";
        _origin = await FederationHarness.StartAsync(kind);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _origin.DisposeAsync();
        await _mastodon.DisposeAsync();
    }

    private IEnumerable<JsonElement> Received(string type) => _received
        .Select(body => JsonDocument.Parse(body).RootElement)
        .Where(a => a.GetProperty("type").GetString() == type);

    [Test]
    public async Task A_follower_of_the_channel_only_receives_an_announce_of_each_new_video_and_is_counted()
    {
        var actors = _origin.Services.GetRequiredService<ActorRepository>();
        var channel = (await actors.FindLocalAsync(ActorTypes.Group, "root_channel"))!;
        var follow = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["@context"] = "https://www.w3.org/ns/activitystreams",
            ["id"] = $"{_monaUrl}#follows/{Guid.NewGuid():N}",
            ["type"] = "Follow",
            ["actor"] = _monaUrl,
            ["object"] = channel.Url,
        });
        using (var response = await PostSignedAsync(_origin, "/inbox", follow, new SigningKey(_monaUrl + "#main-key", _monaKeys.PrivateKeyPem)))
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        }
        await EventuallyAsync(() => Task.FromResult(Received("Accept").Any()), "the channel's Accept");

        var first = await _origin.PublishVideoAsync("root_channel", "Les volcans d'Auvergne");
        var second = await _origin.PublishVideoAsync("root_channel", "Les glaciers alpins");
        foreach (var video in new[] { first, second })
        {
            var announce = await EventuallyAsync(() => Task.FromResult<object?>(
                Received("Announce").Where(a => a.GetProperty("object").GetString() == video.Url).Select(a => (object)a).FirstOrDefault()),
                "the channel's Announce of " + video.Name);
            var a = (JsonElement)announce;
            Assert.Multiple(() =>
            {
                Assert.That(a.GetProperty("actor").GetString(), Is.EqualTo(channel.Url), "the channel announces");
                Assert.That(a.GetProperty("id").GetString(), Does.StartWith(video.Url + "/announces/"));
                Assert.That(a.GetProperty("to").EnumerateArray().Select(x => x.GetString()), Does.Contain("https://www.w3.org/ns/activitystreams#Public"));
                Assert.That(a.GetProperty("cc").EnumerateArray().Select(x => x.GetString()), Does.Contain(channel.Url + "/followers"));
            });
        }
        Assert.That(Received("Announce").Count(), Is.EqualTo(2), "one Announce per video");

        // followersCount: the REST API and the ActivityPub collection.
        var channelDto = await _origin.Http.GetFromJsonAsync<JsonElement>("/api/v1/video-channels/root_channel");
        var accountDto = await _origin.Http.GetFromJsonAsync<JsonElement>("/api/v1/accounts/root");
        Assert.That(channelDto.GetProperty("followersCount").GetInt64(), Is.EqualTo(1));
        Assert.That(accountDto.GetProperty("followersCount").GetInt64(), Is.Zero, "mona follows the channel, not the account");
        using var apRequest = new HttpRequestMessage(HttpMethod.Get, "/video-channels/root_channel/followers");
        apRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(ActivityJsonType));
        using var apResponse = await _origin.Http.SendAsync(apRequest);
        var collection = JsonDocument.Parse(await apResponse.Content.ReadAsStringAsync()).RootElement;
        Assert.That(collection.GetProperty("totalItems").GetInt64(), Is.EqualTo(1));

        // PeerTube's channel followers list: owner or administrator only.
        using (var anonymous = await _origin.Http.GetAsync("/api/v1/video-channels/root_channel/followers"))
        {
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }
        using (var stranger = await _origin.CreateUserAsync("eve"))
        using (var refused = await stranger.GetAsync("/api/v1/video-channels/root_channel/followers"))
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), await refused.Content.ReadAsStringAsync());
        }
        using var admin = _origin.Authed(await _origin.TokenAsync());
        var list = await admin.GetFromJsonAsync<JsonElement>("/api/v1/video-channels/root_channel/followers?start=0&count=10");
        Assert.That(list.GetProperty("total").GetInt64(), Is.EqualTo(1));
        var row = list.GetProperty("data")[0];
        Assert.Multiple(() =>
        {
            Assert.That(row.GetProperty("follower").GetProperty("url").GetString(), Is.EqualTo(_monaUrl));
            Assert.That(row.GetProperty("follower").GetProperty("name").GetString(), Is.EqualTo("mona"));
            Assert.That(row.GetProperty("following").GetProperty("url").GetString(), Is.EqualTo(channel.Url));
            Assert.That(row.GetProperty("state").GetString(), Is.EqualTo("accepted"));
            Assert.That(row.GetProperty("id").GetInt64(), Is.Positive);
            Assert.That(row.GetProperty("createdAt").GetString(), Is.Not.Empty);
        });
        using (var bad = await admin.GetAsync("/api/v1/video-channels/root_channel/followers?count=abc"))
        {
            Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        }
        using (var missing = await admin.GetAsync("/api/v1/video-channels/nobody_channel/followers"))
        {
            Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }
    }
}
