using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Core.Data;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.IntegrationTests.Infrastructure;

namespace VideoPlatform.IntegrationTests.Api;

/// <summary>
/// PeerTube's blocklists on both databases: the instance's accounts blocklist (moderators, audit-logged) and each user's
/// own accounts and servers blocklists, with their effects on listings, search, comment threads and the watch page, and
/// the shared listing cache never serving one user's filtered list to others.
/// </summary>
[TestFixture(DbKind.Sqlite)]
[TestFixture(DbKind.Postgres)]
[Category("Http")]
[Category("Db")]
public sealed class BlocklistTests(DbKind kind)
{
    private const string RemoteHost = "videos.ac-lyon.fr";

    private TestInstance _instance = null!;
    private HttpClient _admin = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _instance = await TestInstance.StartAsync(kind);
        _admin = _instance.Authed(await _instance.TokenAsync());
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _admin.Dispose();
        await _instance.DisposeAsync();
    }

    private static async Task<JsonElement> JsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{path}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task<string[]> NamesAsync(HttpClient client, string path) =>
        (await JsonAsync(client, path)).GetProperty("data").EnumerateArray().Select(v => v.GetProperty("name").GetString()!).ToArray();

    private static async Task<string[]> CommentsAsync(HttpClient client, string uuid) =>
        (await JsonAsync(client, $"/api/v1/videos/{uuid}/comment-threads?sort=createdAt")).GetProperty("data").EnumerateArray()
            .Select(c => c.GetProperty("text").GetString()!).ToArray();

    private static async Task ExpectAsync(Task<HttpResponseMessage> send, HttpStatusCode expected, string why)
    {
        using var response = await send;
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(expected), $"{why}: {body}");
        if ((int)expected >= 400)
        {
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), why);
        }
    }

    private static async Task CommentAsync(HttpClient client, string uuid, string text)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/videos/{uuid}/comment-threads", new { text });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    /// <summary>A remote account with a channel and one public video, as federation would have stored them.</summary>
    private async Task<VideoRow> RemoteVideoAsync(string account, string name)
    {
        var actors = _instance.Services.GetRequiredService<ActorRepository>();
        var origin = $"https://{RemoteHost}";
        var accountId = await actors.UpsertRemoteAsync(new ActorRow
        {
            Type = ActorTypes.Person, Name = account, DisplayName = account, Url = $"{origin}/accounts/{account}", InboxUrl = $"{origin}/accounts/{account}/inbox",
        });
        var channelId = await actors.UpsertRemoteAsync(new ActorRow
        {
            Type = ActorTypes.Group, Name = account + "_channel", DisplayName = account, Url = $"{origin}/video-channels/{account}_channel",
            InboxUrl = $"{origin}/video-channels/{account}_channel/inbox", AccountId = accountId,
        });
        var uuid = Guid.NewGuid().ToString("D");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var row = new VideoRow
        {
            Uuid = uuid, ShortUuid = ShortUuid.FromUuid(Guid.Parse(uuid)), Name = name, ChannelId = channelId, Privacy = VideoPrivacy.Public,
            State = VideoState.Published, Duration = 10, Tags = "[]", IsLocal = false, Url = $"{origin}/videos/watch/{uuid}",
            SearchText = SearchText.ForVideo(name, null, []), PublishedAt = now, CreatedAt = now, UpdatedAt = now,
        };
        var id = await _instance.Services.GetRequiredService<Database>()
            .WriteAsync((c, t) => _instance.Services.GetRequiredService<VideoRepository>().CreateAsync(c, t, row));
        return row with { Id = id };
    }

    private async Task<AuditRow> LastAuditAsync() =>
        (await _instance.Services.GetRequiredService<AuditRepository>().ListAsync(0, 1))[0];

    [Test]
    public async Task The_instance_blocks_an_account_everywhere_with_an_audit_line_and_unblocks_it()
    {
        using var teacher = await _instance.CreateUserAsync("prof.bloque");
        using var other = await _instance.CreateUserAsync("prof.libre");
        using var student = await _instance.CreateUserAsync("eleve.inst");
        var hidden = await _instance.PublishVideoAsync("prof.bloque_channel", "Cosinus interdit");
        var kept = await _instance.PublishVideoAsync("prof.libre_channel", "Cosinus permis");
        await CommentAsync(teacher, kept.Uuid, "Commentaire du compte bloqué");
        await CommentAsync(student, kept.Uuid, "Commentaire d'un élève");
        Assert.That(await NamesAsync(_instance.Http, "/api/v1/search/videos?search=cosinus"), Is.EquivalentTo(new[] { "Cosinus interdit", "Cosinus permis" }));

        await ExpectAsync(_instance.Http.PostAsJsonAsync("/api/v1/server/blocklist/accounts", new { accountName = "prof.bloque" }),
            HttpStatusCode.Unauthorized, "anonymous");
        await ExpectAsync(student.PostAsJsonAsync("/api/v1/server/blocklist/accounts", new { accountName = "prof.bloque" }),
            HttpStatusCode.Forbidden, "a student is no moderator");
        await ExpectAsync(_admin.PostAsJsonAsync("/api/v1/server/blocklist/accounts", new { accountName = "root" }), HttpStatusCode.Conflict, "oneself");
        await ExpectAsync(_admin.PostAsJsonAsync("/api/v1/server/blocklist/accounts", new { accountName = "personne" }), HttpStatusCode.NotFound, "unknown");
        await ExpectAsync(_admin.PostAsJsonAsync("/api/v1/server/blocklist/accounts", new { accountName = "prof bloque@" }), HttpStatusCode.BadRequest, "malformed");
        await ExpectAsync(_admin.PostAsJsonAsync("/api/v1/server/blocklist/accounts", new { }), HttpStatusCode.BadRequest, "missing");
        await ExpectAsync(_admin.DeleteAsync("/api/v1/server/blocklist/accounts/prof.libre"), HttpStatusCode.NotFound, "not blocked");
        await ExpectAsync(_admin.GetAsync("/api/v1/server/blocklist/accounts?sort=name"), HttpStatusCode.BadRequest, "unknown sort");

        await ExpectAsync(_admin.PostAsJsonAsync("/api/v1/server/blocklist/accounts", new { accountName = "prof.bloque" }), HttpStatusCode.NoContent, "block");
        await ExpectAsync(_admin.PostAsJsonAsync("/api/v1/server/blocklist/accounts", new { accountName = "prof.bloque" }), HttpStatusCode.NoContent, "again");
        var audit = await LastAuditAsync();
        Assert.That((audit.Actor, audit.Action, audit.Target), Is.EqualTo(("root", "account.block", "prof.bloque")), "one audit line, not two");

        var list = await JsonAsync(_admin, "/api/v1/server/blocklist/accounts");
        Assert.Multiple(() =>
        {
            Assert.That(list.GetProperty("total").GetInt64(), Is.EqualTo(1));
            var entry = list.GetProperty("data")[0];
            Assert.That(entry.GetProperty("blockedAccount").GetProperty("name").GetString(), Is.EqualTo("prof.bloque"));
            Assert.That(entry.GetProperty("blockedAccount").GetProperty("host").GetString(), Is.EqualTo(_instance.Host));
            Assert.That(entry.GetProperty("byAccount").GetProperty("name").GetString(), Is.EqualTo("peertube"));
            Assert.That(entry.GetProperty("createdAt").GetDateTimeOffset(), Is.GreaterThan(DateTimeOffset.UtcNow.AddMinutes(-5)));
        });

        foreach (var (who, client) in new[] { ("anonymous", _instance.Http), ("student", student), ("admin", _admin) })
        {
            Assert.That(await NamesAsync(client, "/api/v1/videos?count=100"), Does.Not.Contain("Cosinus interdit").And.Contain("Cosinus permis"), who);
            Assert.That(await NamesAsync(client, "/api/v1/search/videos?search=cosinus"), Is.EqualTo(new[] { "Cosinus permis" }), who);
            Assert.That(await NamesAsync(client, "/api/v1/accounts/prof.bloque/videos"), Is.Empty, who);
            Assert.That(await CommentsAsync(client, kept.Uuid), Is.EqualTo(new[] { "Commentaire d'un élève" }), who);
        }
        using (var page = new HttpRequestMessage(HttpMethod.Get, $"/w/{hidden.Uuid}"))
        {
            page.Headers.Accept.ParseAdd("text/html");
            using var response = await _instance.Http.SendAsync(page);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("Les vidéos du compte prof.bloque sont masquées"));
        }

        await ExpectAsync(_admin.DeleteAsync("/api/v1/server/blocklist/accounts/prof.bloque"), HttpStatusCode.NoContent, "unblock");
        audit = await LastAuditAsync();
        Assert.That((audit.Actor, audit.Action, audit.Target), Is.EqualTo(("root", "account.unblock", "prof.bloque")));
        Assert.That(await NamesAsync(_instance.Http, "/api/v1/search/videos?search=cosinus"), Is.EquivalentTo(new[] { "Cosinus interdit", "Cosinus permis" }));
        Assert.That(await CommentsAsync(_instance.Http, kept.Uuid), Has.Length.EqualTo(2));
        Assert.That((await JsonAsync(_admin, "/api/v1/server/blocklist/accounts")).GetProperty("total").GetInt64(), Is.Zero);
    }

    [Test]
    public async Task A_users_own_blocklists_hide_accounts_and_servers_from_them_alone()
    {
        using var teacher = await _instance.CreateUserAsync("prof.masque");
        using var student = await _instance.CreateUserAsync("eleve.masque");
        using var classmate = await _instance.CreateUserAsync("eleve.voisin");
        await _instance.PublishVideoAsync("prof.masque_channel", "Géologie masquée");
        await RemoteVideoAsync("lea", "Géologie lyonnaise");
        var discussed = await _instance.PublishVideoAsync("eleve.voisin_channel", "Géologie du voisin");
        await CommentAsync(teacher, discussed.Uuid, "Commentaire du professeur masqué");
        await CommentAsync(classmate, discussed.Uuid, "Commentaire du voisin");
        // The signed-in audience's shared cache entry exists before the student blocks anything.
        Assert.That(await NamesAsync(classmate, "/api/v1/videos?count=100"), Does.Contain("Géologie masquée").And.Contain("Géologie lyonnaise"));

        await ExpectAsync(student.PostAsJsonAsync("/api/v1/users/me/blocklist/accounts", new { accountName = "eleve.masque" }), HttpStatusCode.Conflict, "oneself");
        await ExpectAsync(student.PostAsJsonAsync("/api/v1/users/me/blocklist/servers", new { host = _instance.Host }), HttpStatusCode.Conflict, "own server");
        await ExpectAsync(student.PostAsJsonAsync("/api/v1/users/me/blocklist/servers", new { host = "https://x" }), HttpStatusCode.BadRequest, "bad host");
        await ExpectAsync(student.DeleteAsync($"/api/v1/users/me/blocklist/servers/{RemoteHost}"), HttpStatusCode.NotFound, "not blocked");
        await ExpectAsync(_instance.Http.GetAsync("/api/v1/users/me/blocklist/accounts"), HttpStatusCode.Unauthorized, "anonymous");

        await ExpectAsync(student.PostAsJsonAsync("/api/v1/users/me/blocklist/accounts", new { accountName = "prof.masque" }), HttpStatusCode.NoContent, "block");
        await ExpectAsync(student.PostAsJsonAsync("/api/v1/users/me/blocklist/servers", new { host = RemoteHost.ToUpperInvariant() }), HttpStatusCode.NoContent, "block");
        var accounts = await JsonAsync(student, "/api/v1/users/me/blocklist/accounts");
        var servers = await JsonAsync(student, "/api/v1/users/me/blocklist/servers?sort=createdAt");
        Assert.Multiple(() =>
        {
            Assert.That(accounts.GetProperty("total").GetInt64(), Is.EqualTo(1));
            Assert.That(accounts.GetProperty("data")[0].GetProperty("byAccount").GetProperty("name").GetString(), Is.EqualTo("eleve.masque"));
            Assert.That(accounts.GetProperty("data")[0].GetProperty("blockedAccount").GetProperty("name").GetString(), Is.EqualTo("prof.masque"));
            Assert.That(servers.GetProperty("total").GetInt64(), Is.EqualTo(1));
            Assert.That(servers.GetProperty("data")[0].GetProperty("blockedServer").GetProperty("host").GetString(), Is.EqualTo(RemoteHost));
            Assert.That(servers.GetProperty("data")[0].GetProperty("byAccount").GetProperty("name").GetString(), Is.EqualTo("eleve.masque"));
        });
        Assert.That((await JsonAsync(_admin, "/api/v1/server/blocklist/accounts")).GetProperty("data").EnumerateArray()
            .Select(e => e.GetProperty("blockedAccount").GetProperty("name").GetString()), Does.Not.Contain("prof.masque"), "a user's block is not the instance's");

        Assert.That(await NamesAsync(student, "/api/v1/videos?count=100"), Does.Not.Contain("Géologie masquée").And.Not.Contain("Géologie lyonnaise"));
        Assert.That(await NamesAsync(student, "/api/v1/search/videos?search=geologie"), Is.EqualTo(new[] { "Géologie du voisin" }));
        Assert.That(await CommentsAsync(student, discussed.Uuid), Is.EqualTo(new[] { "Commentaire du voisin" }), "the blocked teacher's comment is hidden");
        // Everyone else, signed in (the shared cache entry) or not, still sees everything.
        foreach (var (who, client) in new[] { ("classmate", classmate), ("anonymous", _instance.Http) })
        {
            Assert.That(await NamesAsync(client, "/api/v1/videos?count=100"), Does.Contain("Géologie masquée").And.Contain("Géologie lyonnaise"), who);
            Assert.That(await NamesAsync(client, "/api/v1/search/videos?search=geologie"), Has.Length.EqualTo(3), who);
            Assert.That(await CommentsAsync(client, discussed.Uuid), Has.Length.EqualTo(2), who);
        }
        await ExpectAsync(student.DeleteAsync("/api/v1/users/me/blocklist/accounts/prof.masque"), HttpStatusCode.NoContent, "unblock");
        await ExpectAsync(student.DeleteAsync($"/api/v1/users/me/blocklist/servers/{RemoteHost}"), HttpStatusCode.NoContent, "unblock");
        Assert.That(await NamesAsync(student, "/api/v1/search/videos?search=geologie"), Has.Length.EqualTo(3), "shown again");
        Assert.That(await CommentsAsync(student, discussed.Uuid), Has.Length.EqualTo(2));
    }
}
