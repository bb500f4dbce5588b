using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Federation.Signatures;
using VideoPlatform.IntegrationTests.Infrastructure;
using static VideoPlatform.IntegrationTests.Federation.FederationHarness;

namespace VideoPlatform.IntegrationTests.Federation;

/// <summary>Manual approval of instance followers, and the admin block list of instances.</summary>
[Category("Federation")]
[Category("Http")]
[NonParallelizable]
public sealed class ModerationTests
{
    [Test]
    public async Task Manual_approval_waits_for_the_admin_then_backfills()
    {
        await using var versailles = await StartAsync("--Federation:ManualApproval", "true");
        await using var nice = await StartAsync();
        var video = await versailles.PublishVideoAsync("root_channel", "Leçon en attente d'approbation");

        using var niceAdmin = nice.Authed(await nice.TokenAsync());
        using (var follow = await niceAdmin.PostAsJsonAsync("/api/v1/server/following", new { hosts = new[] { versailles.Host } }))
        {
            Assert.That((int)follow.StatusCode, Is.EqualTo(204));
        }
        await EventuallyAsync(async () => await FollowStateAsync(versailles, "followers", nice.Host) == "pending", "a pending follower");
        Assert.That(await FollowStateAsync(nice, "following", versailles.Host), Is.EqualTo("pending"));

        using var versaillesAdmin = versailles.Authed(await versailles.TokenAsync());
        using (var anonymous = await versailles.Http.PostAsync($"/api/v1/server/followers/peertube@{nice.Host}/accept", null))
        {
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }
        using (var accept = await versaillesAdmin.PostAsync($"/api/v1/server/followers/peertube@{nice.Host}/accept", null))
        {
            Assert.That((int)accept.StatusCode, Is.EqualTo(204), await accept.Content.ReadAsStringAsync());
        }
        await EventuallyAsync(async () => await FollowStateAsync(nice, "following", versailles.Host) == "accepted", "the accepted follow");
        await EventuallyAsync(async () => await RemoteVideoAsync(nice, video.Name) is not null, "backfill after approval");
    }

    [Test]
    public async Task Blocked_instance_is_refused_at_the_inbox()
    {
        await using var rennes = await StartAsync();
        await using var nantes = await StartAsync();
        using var rennesAdmin = rennes.Authed(await rennes.TokenAsync());
        using (var block = await rennesAdmin.PostAsJsonAsync("/api/v1/server/blocklist/servers", new { host = nantes.Host }))
        {
            Assert.That((int)block.StatusCode, Is.EqualTo(204));
        }
        var nantesActor = await ServerActorUrlAsync(nantes);
        var body = $$"""{"type":"Follow","id":"{{nantesActor}}/follows/blocked","actor":"{{nantesActor}}","object":"{{await ServerActorUrlAsync(rennes)}}"}""";
        using var response = await PostSignedAsync(rennes, "/inbox", body, await ServerKeyAsync(nantes));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await CountAsync(rennes, "SELECT COUNT(*) FROM follows"), Is.Zero);
    }

    [Test]
    public async Task Activities_of_an_account_blocked_by_the_instance_are_refused_at_the_inbox()
    {
        await using var rennes = await StartAsync();
        await using var nantes = await StartAsync();
        (await nantes.CreateUserAsync("lea.nantes")).Dispose();
        var lea = (await nantes.Services.GetRequiredService<ActorRepository>().FindLocalAsync(ActorTypes.Person, "lea.nantes"))!;
        // Rennes knows the account as federation leaves it (a remote actor with its public key).
        await rennes.Services.GetRequiredService<ActorRepository>().UpsertRemoteAsync(lea with { Id = 0, PrivateKeyPem = null, UserId = null });
        var key = new SigningKey(lea.Url + "#main-key", lea.PrivateKeyPem!);
        string Follow(int n) =>
            $$"""{"type":"Follow","id":"{{lea.Url}}/follows/{{n}}","actor":"{{lea.Url}}","object":"{{rennes.BaseUrl}}/accounts/root"}""";
        using (var before = await PostSignedAsync(rennes, "/inbox", Follow(1), key))
        {
            Assert.That(before.StatusCode, Is.Not.EqualTo(HttpStatusCode.Forbidden), "not blocked yet: " + await before.Content.ReadAsStringAsync());
        }

        using var rennesAdmin = rennes.Authed(await rennes.TokenAsync());
        using (var block = await rennesAdmin.PostAsJsonAsync("/api/v1/server/blocklist/accounts", new { accountName = $"lea.nantes@{nantes.Host}" }))
        {
            Assert.That((int)block.StatusCode, Is.EqualTo(204), await block.Content.ReadAsStringAsync());
        }
        var follows = await CountAsync(rennes, "SELECT COUNT(*) FROM follows");
        using (var after = await PostSignedAsync(rennes, "/inbox", Follow(2), key))
        {
            Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(await after.Content.ReadAsStringAsync(), Does.Contain("account is blocked"));
        }
        Assert.That(await CountAsync(rennes, "SELECT COUNT(*) FROM follows"), Is.EqualTo(follows), "nothing processed");
        Assert.That(await CountAsync(rennes, "SELECT COUNT(*) FROM audit_log WHERE action = 'account.block'"), Is.EqualTo(1));
    }
}
