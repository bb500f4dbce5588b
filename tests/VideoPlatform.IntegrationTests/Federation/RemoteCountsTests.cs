using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Federation.Actors;
using VideoPlatform.Federation.Signatures;
using VideoPlatform.IntegrationTests.Infrastructure;
using static VideoPlatform.IntegrationTests.Federation.FederationHarness;

namespace VideoPlatform.IntegrationTests.Federation;

/// <summary>
/// Likes, dislikes and views sent by real instances to a local video: a server that only serves an actor document cannot
/// raise them, a rate is one per remote account, and views count only from servers we have a follow with.
/// </summary>
[TestFixture(DbKind.Sqlite)]
[TestFixture(DbKind.Postgres)]
[Category("Federation")]
[Category("Http")]
[NonParallelizable]
public sealed class RemoteCountsTests(DbKind kind)
{
    private TestInstance _origin = null!;
    private TestInstance _stranger = null!;
    private TestInstance _follower = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _origin = await FederationHarness.StartAsync(kind);
        _stranger = await FederationHarness.StartAsync(kind);
        _follower = await FederationHarness.StartAsync(kind);
        await FollowAsync(_follower, _origin);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _origin.DisposeAsync();
        await _stranger.DisposeAsync();
        await _follower.DisposeAsync();
    }

    private static string Activity(string type, string actor, object target, string? id = null) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["@context"] = "https://www.w3.org/ns/activitystreams",
        ["type"] = type,
        ["id"] = id ?? $"{actor}/{type.ToLowerInvariant()}s/{Guid.NewGuid():N}",
        ["actor"] = actor,
        ["object"] = target,
    });

    private static async Task<ActorRow> AccountAsync(TestInstance instance, string username)
    {
        if (username != "root")
        {
            (await instance.CreateUserAsync(username)).Dispose();
        }
        return await instance.Services.GetRequiredService<ActorRepository>().FindLocalAsync(ActorTypes.Person, username)
            ?? throw new InvalidOperationException("no account " + username);
    }

    private async Task SendAsync(string body, SigningKey key)
    {
        using var response = await PostSignedAsync(_origin, "/inbox", body, key);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
    }

    /// <summary>The stored counters (the API's video details are cached briefly for anonymous readers).</summary>
    private async Task<(long Likes, long Dislikes, long Views)> CountsAsync(VideoRow video) => (
        await CountAsync(_origin, $"SELECT likes FROM videos WHERE id = {video.Id}"),
        await CountAsync(_origin, $"SELECT dislikes FROM videos WHERE id = {video.Id}"),
        await CountAsync(_origin, $"SELECT views FROM videos WHERE id = {video.Id}"));

    [Test]
    public async Task Likes_and_views_forged_by_a_server_that_only_serves_an_actor_document_are_ignored()
    {
        var video = await _origin.SeedVideoAsync("root_channel", "Leçon convoitée");
        var strangerActor = await ServerActorUrlAsync(_stranger);
        var strangerKey = await ServerKeyAsync(_stranger);
        for (var i = 0; i < 21; i++)
        {
            await SendAsync(Activity("Like", strangerActor, video.Url), strangerKey);
        }
        for (var i = 0; i < 20; i++)
        {
            await SendAsync(Activity("View", strangerActor, video.Url), strangerKey);
        }
        // Even a real account of that server: it may rate (once), but its server's views do not count.
        var account = await AccountAsync(_stranger, "root");
        for (var i = 0; i < 5; i++)
        {
            await SendAsync(Activity("View", account.Url, video.Url), ServerActor.SigningKeyOf(account));
        }
        Assert.That(await CountsAsync(video), Is.EqualTo((0L, 0L, 0L)));
    }

    [Test]
    public async Task A_repeated_like_counts_once_and_undo_removes_only_that_actors_rate()
    {
        var video = await _origin.SeedVideoAsync("root_channel", "Leçon appréciée");
        var root = await AccountAsync(_stranger, "root");
        var alice = await AccountAsync(_stranger, "alice");
        var rootKey = ServerActor.SigningKeyOf(root);
        var aliceKey = ServerActor.SigningKeyOf(alice);

        var rootLike = Activity("Like", root.Url, video.Url);
        await SendAsync(rootLike, rootKey);
        await SendAsync(Activity("Like", root.Url, video.Url), rootKey);
        await SendAsync(Activity("Like", root.Url, video.Url), rootKey);
        Assert.That(await CountsAsync(video), Is.EqualTo((1L, 0L, 0L)), "three Likes of one account count once");

        await SendAsync(Activity("Like", alice.Url, video.Url), aliceKey);
        Assert.That(await CountsAsync(video), Is.EqualTo((2L, 0L, 0L)));

        var aliceDislike = Activity("Dislike", alice.Url, video.Url);
        await SendAsync(aliceDislike, aliceKey);
        Assert.That(await CountsAsync(video), Is.EqualTo((1L, 1L, 0L)), "a Dislike replaces the same account's Like");

        using (var rootLikeJson = JsonDocument.Parse(rootLike))
        {
            await SendAsync(Activity("Undo", root.Url, rootLikeJson.RootElement.Clone()), rootKey);
        }
        Assert.That(await CountsAsync(video), Is.EqualTo((0L, 1L, 0L)), "root's Undo removes root's Like only");

        // Undoing a Like that root no longer has (and a Dislike it never sent) leaves alice's Dislike alone.
        await SendAsync(Activity("Undo", root.Url, new { type = "Dislike", id = $"{root.Url}/dislikes/x", actor = root.Url, @object = video.Url }), rootKey);
        Assert.That(await CountsAsync(video), Is.EqualTo((0L, 1L, 0L)));

        using (var aliceDislikeJson = JsonDocument.Parse(aliceDislike))
        {
            await SendAsync(Activity("Undo", alice.Url, aliceDislikeJson.RootElement.Clone()), aliceKey);
        }
        Assert.That(await CountsAsync(video), Is.EqualTo((0L, 0L, 0L)));
        Assert.That(await CountAsync(_origin, $"SELECT COUNT(*) FROM video_rates WHERE video_id = {video.Id}"), Is.Zero);
    }

    [Test]
    public async Task A_view_from_a_followed_server_counts_once_per_activity_and_a_strangers_does_not()
    {
        var video = await _origin.SeedVideoAsync("root_channel", "Leçon regardée");
        var followerActor = await ServerActorUrlAsync(_follower);
        var followerKey = await ServerKeyAsync(_follower);
        var view = Activity("View", followerActor, video.Url, $"{followerActor}/views/videos/1/{Guid.NewGuid():N}");
        await SendAsync(view, followerKey);
        await SendAsync(view, followerKey);
        Assert.That(await CountsAsync(video), Is.EqualTo((0L, 0L, 1L)), "a View id counts once");

        await SendAsync(Activity("View", followerActor, video.Url), followerKey);
        Assert.That(await CountsAsync(video), Is.EqualTo((0L, 0L, 2L)), "another viewer of the followed server counts");

        await SendAsync(Activity("View", await ServerActorUrlAsync(_stranger), video.Url), await ServerKeyAsync(_stranger));
        Assert.That(await CountsAsync(video), Is.EqualTo((0L, 0L, 2L)), "a stranger's View is ignored");
    }

    [Test]
    public async Task The_inbox_limits_requests_per_source_ip_whatever_host_they_claim()
    {
        await using var limited = await FederationHarness.StartAsync(kind, "--Federation:InboxRequestsPerIpPerMinute", "5");
        var statuses = new List<HttpStatusCode>();
        var retryAfter = new List<string?>();
        for (var i = 0; i < 8; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/inbox")
            {
                Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/activity+json"),
            };
            // Every request claims another host, so the per-host limit never applies.
            request.Headers.TryAddWithoutValidation("Signature",
                $"keyId=\"https://host{i}.example/actor#main-key\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date digest\",signature=\"AAAA\"");
            using var response = await limited.Http.SendAsync(request);
            statuses.Add(response.StatusCode);
            retryAfter.Add(response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        Assert.Multiple(() =>
        {
            Assert.That(statuses.Take(5), Has.None.EqualTo(HttpStatusCode.TooManyRequests), string.Join(',', statuses));
            Assert.That(statuses.Skip(5), Is.All.EqualTo(HttpStatusCode.TooManyRequests), string.Join(',', statuses));
            Assert.That(retryAfter.Skip(5), Is.All.EqualTo("60"), "429 says when to come back");
        });
    }
}
