using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
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
    private MinimalFollower _mona = null!;
    private TestInstance _origin = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _mona = await MinimalFollower.StartAsync();
        _origin = await FederationHarness.StartAsync(kind);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _origin.DisposeAsync();
        await _mona.DisposeAsync();
    }

    private IEnumerable<JsonElement> Received(string type) => _mona.Received(type);

    [Test]
    public async Task A_follower_of_the_channel_only_receives_an_announce_of_each_new_video_and_is_counted()
    {
        var actors = _origin.Services.GetRequiredService<ActorRepository>();
        var channel = (await actors.FindLocalAsync(ActorTypes.Group, "root_channel"))!;
        await _mona.FollowAsync(_origin, channel.Url);

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
        var (status, body) = await MinimalFollower.FetchAsync(_origin, channel.Url + "/followers");
        Assert.That(status, Is.EqualTo(200), body);
        var collection = JsonDocument.Parse(body).RootElement;
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
            Assert.That(row.GetProperty("follower").GetProperty("url").GetString(), Is.EqualTo(_mona.Url));
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
