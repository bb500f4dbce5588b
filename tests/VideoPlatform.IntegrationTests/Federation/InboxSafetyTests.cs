using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using VideoPlatform.Federation.Signatures;
using VideoPlatform.IntegrationTests.Infrastructure;
using static VideoPlatform.IntegrationTests.Federation.FederationHarness;

namespace VideoPlatform.IntegrationTests.Federation;

/// <summary>Inbox requests that must be refused (or ignored) with nothing stored; a real sender instance provides the keys.</summary>
[Category("Federation")]
[Category("Http")]
[NonParallelizable]
public sealed class InboxSafetyTests
{
    private TestInstance _receiver = null!;
    private TestInstance _sender = null!;
    private SigningKey _senderKey = null!;
    private string _senderActor = null!;
    private string _receiverActor = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _receiver = await FederationHarness.StartAsync();
        _sender = await FederationHarness.StartAsync();
        _senderKey = await ServerKeyAsync(_sender);
        _senderActor = await ServerActorUrlAsync(_sender);
        _receiverActor = await ServerActorUrlAsync(_receiver);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _receiver.DisposeAsync();
        await _sender.DisposeAsync();
    }

    private string Follow(string? actor = null, string? id = null) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["@context"] = "https://www.w3.org/ns/activitystreams",
        ["type"] = "Follow",
        ["id"] = id ?? $"{_senderActor}/follows/{Guid.NewGuid():N}",
        ["actor"] = actor ?? _senderActor,
        ["object"] = _receiverActor,
    });

    private Task<long> FollowsAsync() => CountAsync(_receiver, "SELECT COUNT(*) FROM follows");

    private async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        using (response)
        {
            Assert.That(response.StatusCode, Is.EqualTo(expected), await response.Content.ReadAsStringAsync());
        }
        Assert.That(await FollowsAsync(), Is.Zero, "nothing may be stored");
    }

    [Test, Order(1)]
    public async Task Forged_signature_is_refused()
    {
        var forger = new SigningKey(_senderKey.KeyId, RsaKeys.Generate().PrivateKeyPem);
        await AssertRefusedAsync(await PostSignedAsync(_receiver, "/inbox", Follow(), forger), HttpStatusCode.Unauthorized);
    }

    [Test, Order(1)]
    public async Task Digest_that_does_not_match_the_body_is_refused()
    {
        var body = Follow();
        await AssertRefusedAsync(await PostSignedAsync(_receiver, "/inbox", body, _senderKey, sentBody: body.Replace("Follow", "Folloq", StringComparison.Ordinal)),
            HttpStatusCode.Unauthorized);
    }

    [Test, Order(1)]
    public async Task Stale_date_is_refused()
    {
        var twoHoursAgo = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-2));
        await AssertRefusedAsync(await PostSignedAsync(_receiver, "/inbox", Follow(), _senderKey, twoHoursAgo), HttpStatusCode.Unauthorized);
    }

    [Test, Order(1)]
    public async Task RFC_9421_signature_over_another_body_or_path_is_refused()
    {
        var body = Follow();
        await AssertRefusedAsync(await PostSignedAsync(_receiver, "/inbox", body, _senderKey, rfc9421: true,
            sentBody: body.Replace("Follow", "Folloq", StringComparison.Ordinal)), HttpStatusCode.Unauthorized);
        await AssertRefusedAsync(await PostSignedAsync(_receiver, "/inbox", body, _senderKey, rfc9421: true, sentPath: "/accounts/peertube/inbox"),
            HttpStatusCode.Unauthorized);
        var forger = new SigningKey(_senderKey.KeyId, RsaKeys.Generate().PrivateKeyPem);
        await AssertRefusedAsync(await PostSignedAsync(_receiver, "/inbox", body, forger, rfc9421: true), HttpStatusCode.Unauthorized);
    }

    [Test, Order(1)]
    public async Task Activity_id_on_another_host_than_the_key_is_refused()
    {
        var body = Follow(id: _receiver.BaseUrl + "/forged/" + Guid.NewGuid().ToString("N"));
        await AssertRefusedAsync(await PostSignedAsync(_receiver, "/inbox", body, _senderKey), HttpStatusCode.Unauthorized);
    }

    [Test, Order(1)]
    public async Task Actor_that_does_not_own_the_key_is_refused()
    {
        var body = Follow(actor: _sender.BaseUrl + "/accounts/root");
        await AssertRefusedAsync(await PostSignedAsync(_receiver, "/inbox", body, _senderKey), HttpStatusCode.Unauthorized);
    }

    [Test, Order(1)]
    public async Task Oversized_body_is_refused()
    {
        var body = Follow()[..^1] + ",\"padding\":\"" + new string('x', 600 * 1024) + "\"}";
        await AssertRefusedAsync(await PostSignedAsync(_receiver, "/inbox", body, _senderKey), HttpStatusCode.RequestEntityTooLarge);
    }

    [Test, Order(1)]
    public async Task Unsigned_request_is_refused()
    {
        using var http = new HttpClient(new SocketsHttpHandler());
        using var response = await http.PostAsync(_receiver.BaseUrl + "/inbox", new StringContent(Follow(), System.Text.Encoding.UTF8, "application/activity+json"));
        await AssertRefusedAsync(response, HttpStatusCode.Unauthorized);
    }

    [Test, Order(1)]
    public async Task Unknown_activity_type_is_ignored_politely()
    {
        var body = Follow().Replace("\"Follow\"", "\"Bogus\"", StringComparison.Ordinal);
        await AssertRefusedAsync(await PostSignedAsync(_receiver, "/inbox", body, _senderKey), HttpStatusCode.Accepted);
    }

    [Test, Order(1)]
    public async Task Video_object_on_a_private_address_is_refused_when_not_allowed()
    {
        await using var strict = await TestInstance.StartAsync(DbKind.Sqlite);
        var body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["type"] = "Announce",
            ["id"] = $"{_senderActor}/announces/{Guid.NewGuid():N}",
            ["actor"] = _senderActor,
            ["object"] = _sender.BaseUrl + "/videos/watch/" + Guid.NewGuid(),
            ["to"] = new[] { "https://www.w3.org/ns/activitystreams#Public" },
        });
        // The SSRF guard refuses 127.0.0.1 for the key as for the object: nothing is fetched, nothing stored.
        using var response = await PostSignedAsync(strict, "/inbox", body, _senderKey);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await CountAsync(strict, "SELECT COUNT(*) FROM actors WHERE server_id IS NOT NULL"), Is.Zero);
        Assert.That(await CountAsync(strict, "SELECT COUNT(*) FROM videos"), Is.Zero);
    }

    [Test, Order(2)]
    public async Task Valid_follow_is_accepted_once_and_its_replay_does_nothing()
    {
        var body = Follow();
        using (var first = await PostSignedAsync(_receiver, "/inbox", body, _senderKey))
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await first.Content.ReadAsStringAsync());
        }
        Assert.That(await FollowsAsync(), Is.EqualTo(1));
        await CountAsync(_receiver, "DELETE FROM follows");
        using (var replay = await PostSignedAsync(_receiver, "/inbox", body, _senderKey))
        {
            Assert.That(replay.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        }
        Assert.That(await FollowsAsync(), Is.Zero, "a replayed activity must not be processed again");
    }

    [Test, Order(3)]
    public async Task RFC_9421_signed_follow_is_accepted()
    {
        await CountAsync(_receiver, "DELETE FROM follows");
        using (var response = await PostSignedAsync(_receiver, "/inbox", Follow(), _senderKey, rfc9421: true))
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        }
        Assert.That(await FollowsAsync(), Is.EqualTo(1));
    }
}
