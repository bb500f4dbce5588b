using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using VideoPlatform.Core.Domain;
using VideoPlatform.IntegrationTests.Infrastructure;

namespace VideoPlatform.IntegrationTests.Api;

[TestFixture(DbKind.Sqlite)]
[TestFixture(DbKind.Postgres)]
[Category("Http")]
[Category("Db")]
public sealed class ApiTests(DbKind kind)
{
    private TestInstance _instance = null!;

    [OneTimeSetUp]
    public async Task Start() => _instance = await TestInstance.StartAsync(kind);

    [OneTimeTearDown]
    public async Task Stop() => await _instance.DisposeAsync();

    private static async Task<JsonElement> Json(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    private async Task<JsonElement> ClientAsync() => await _instance.Http.GetFromJsonAsync<JsonElement>("/api/v1/oauth-clients/local");

    private async Task<HttpResponseMessage> TokenRequestAsync(Dictionary<string, string> form)
    {
        var client = await ClientAsync();
        form["client_id"] = client.GetProperty("client_id").GetString()!;
        form["client_secret"] = client.GetProperty("client_secret").GetString()!;
        return await _instance.Http.PostAsync("/api/v1/users/token", new FormUrlEncodedContent(form));
    }

    [Test]
    public async Task Login_refresh_and_revoke()
    {
        using var login = await TokenRequestAsync(new() { ["grant_type"] = "password", ["username"] = "root", ["password"] = TestInstance.AdminPassword });
        Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var tokens = await Json(login);
        Assert.That(tokens.GetProperty("token_type").GetString(), Is.EqualTo("Bearer"));
        Assert.That(tokens.GetProperty("expires_in").GetInt64(), Is.GreaterThan(0));
        var access = tokens.GetProperty("access_token").GetString()!;

        using (var me = _instance.Authed(access))
        {
            var user = await me.GetFromJsonAsync<JsonElement>("/api/v1/users/me");
            Assert.That(user.GetProperty("username").GetString(), Is.EqualTo("root"));
            Assert.That(user.GetProperty("role").GetProperty("id").GetInt32(), Is.EqualTo(0));
            Assert.That(user.GetProperty("videoChannels").GetArrayLength(), Is.EqualTo(1));
            Assert.That(user.GetProperty("videoQuota").GetInt64(), Is.EqualTo(-1));
        }

        using var refresh = await TokenRequestAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()! });
        Assert.That(refresh.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var refreshed = (await Json(refresh)).GetProperty("access_token").GetString()!;
        using (var old = _instance.Authed(access))
        {
            Assert.That((await old.GetAsync("/api/v1/users/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "a refresh rotates the pair");
        }
        using (var reused = await TokenRequestAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()! }))
        {
            Assert.That(reused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "a used refresh token is spent");
        }

        using var client = _instance.Authed(refreshed);
        Assert.That((await client.PostAsync("/api/v1/users/revoke-token", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await client.GetAsync("/api/v1/users/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Wrong_password_is_400_in_PeerTube_error_shape()
    {
        using var response = await TokenRequestAsync(new() { ["grant_type"] = "password", ["username"] = "root", ["password"] = "nope" });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        var body = await Json(response);
        Assert.That(body.GetProperty("code").GetString(), Is.EqualTo("invalid_grant"));
        Assert.That(body.GetProperty("status").GetInt32(), Is.EqualTo(400));
        Assert.That(body.GetProperty("detail").GetString(), Does.Contain("credentials are invalid"));
        Assert.That(body.GetProperty("error").GetString(), Is.EqualTo(body.GetProperty("detail").GetString()));
    }

    [Test]
    public async Task Anonymous_writes_are_401()
    {
        var video = await _instance.SeedVideoAsync("root_channel", "Anonymous target");
        Assert.That((await _instance.Http.PutAsJsonAsync($"/api/v1/videos/{video.Uuid}", new { name = "changed" })).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await _instance.Http.DeleteAsync($"/api/v1/videos/{video.Uuid}")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await _instance.Http.PostAsJsonAsync("/api/v1/video-channels", new { name = "x_chan", displayName = "X" })).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await _instance.Http.GetAsync("/api/v1/users/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        using var bogus = _instance.Authed("not-a-token");
        var response = await bogus.GetAsync("/api/v1/users/me");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await Json(response)).GetProperty("code").GetString(), Is.EqualTo("invalid_token"));
    }

    [Test]
    public async Task Another_users_video_is_403_and_the_owner_can_update_and_delete()
    {
        using var alice = await _instance.CreateUserAsync("alice_" + kind.ToString().ToLowerInvariant());
        using var bob = await _instance.CreateUserAsync("bob_" + kind.ToString().ToLowerInvariant());
        var video = await _instance.SeedVideoAsync($"alice_{kind.ToString().ToLowerInvariant()}_channel", "Cours de physique");

        Assert.That((await bob.PutAsJsonAsync($"/api/v1/videos/{video.Uuid}", new { name = "Piraté" })).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await bob.DeleteAsync($"/api/v1/videos/{video.ShortUuid}")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));

        var update = await alice.PutAsJsonAsync($"/api/v1/videos/{video.Id}", new { name = "Cours de chimie", tags = new[] { "chimie", "lycée" }, category = 13 });
        Assert.That(update.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await update.Content.ReadAsStringAsync());
        var details = await _instance.Http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{video.ShortUuid}");
        Assert.That(details.GetProperty("name").GetString(), Is.EqualTo("Cours de chimie"));
        Assert.That(details.GetProperty("tags").EnumerateArray().Select(t => t.GetString()), Is.EqualTo(new[] { "chimie", "lycée" }));
        Assert.That(details.GetProperty("category").GetProperty("label").GetString(), Is.EqualTo("Education"));

        var invalid = await alice.PutAsJsonAsync($"/api/v1/videos/{video.Id}", new { category = 999 });
        Assert.That(invalid.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));

        using var admin = _instance.Authed(await _instance.TokenAsync());
        Assert.That((await admin.DeleteAsync($"/api/v1/videos/{video.Uuid}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent), "admins manage every video");
        Assert.That((await _instance.Http.GetAsync($"/api/v1/videos/{video.Uuid}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Removing_a_user_deletes_each_of_its_videos_with_their_files_and_leaves_an_audit_line()
    {
        var name = "leaving_" + kind.ToString().ToLowerInvariant();
        using var leaving = await _instance.CreateUserAsync(name);
        var videos = new[] { await _instance.SeedVideoAsync(name + "_channel", "Cours 1"), await _instance.SeedVideoAsync(name + "_channel", "Cours 2", VideoPrivacy.Private) };
        var store = _instance.Services.GetRequiredService<VideoPlatform.Core.Storage.MediaStore>();
        var folders = videos.Select(v => store.HlsFolder(v.Uuid, v.Privacy != VideoPrivacy.Public)).ToList();
        foreach (var folder in folders)
        {
            Directory.CreateDirectory(folder);
            await File.WriteAllTextAsync(Path.Combine(folder, "master.m3u8"), "#EXTM3U\n");
        }
        var me = await leaving.GetFromJsonAsync<JsonElement>("/api/v1/users/me");
        var userId = me.GetProperty("id").GetInt64();
        var adminToken = await _instance.TokenAsync();
        using var admin = _instance.Authed(adminToken);
        var self = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/users/me")).GetProperty("id").GetInt64();

        Assert.That((await leaving.DeleteAsync($"/api/v1/users/{self}")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "users do not remove users");
        Assert.That((await admin.DeleteAsync($"/api/v1/users/{self}")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "an administrator cannot remove himself");
        Assert.That((await admin.DeleteAsync("/api/v1/users/987654321")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await admin.PostAsync($"/api/v1/users/{userId}/block", null)).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await leaving.GetAsync("/api/v1/users/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "a blocked user's token stops working");
        Assert.That((await admin.PostAsync($"/api/v1/users/{userId}/unblock", null)).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));

        var removed = await admin.DeleteAsync($"/api/v1/users/{userId}");
        Assert.That(removed.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await removed.Content.ReadAsStringAsync());
        foreach (var video in videos)
        {
            Assert.That((await admin.GetAsync($"/api/v1/videos/{video.Uuid}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }
        Assert.That(folders.Where(Directory.Exists), Is.Empty, "the videos went the way of a deletion by their owner: files removed");
        Assert.That((await _instance.Http.GetAsync($"/api/v1/accounts/{name}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var audit = await _instance.Services.GetRequiredService<VideoPlatform.Core.Data.Database>().ReadAsync(c =>
            Dapper.SqlMapper.ExecuteScalarAsync<long>(c, "SELECT COUNT(*) FROM audit_log WHERE action = 'user.delete' AND target = @name", new { name }));
        Assert.That(audit, Is.EqualTo(1));
    }

    [Test]
    public async Task Malformed_json_is_400_and_oversized_body_is_413()
    {
        using var admin = _instance.Authed(await _instance.TokenAsync());
        using var malformed = await admin.PostAsync("/api/v1/users", new StringContent("{\"username\": ", Encoding.UTF8, "application/json"));
        Assert.That(malformed.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await Json(malformed)).GetProperty("detail").GetString(), Does.Contain("JSON"));

        var huge = new string('a', 3 * 1024 * 1024);
        // Expect: 100-continue lets the server refuse on the declared length before the client sends 3 MiB into a closed socket.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/users")
        {
            Content = new StringContent($"{{\"username\":\"{huge}\"}}", Encoding.UTF8, "application/json"),
        };
        request.Headers.ExpectContinue = true;
        using var oversized = await admin.SendAsync(request);
        Assert.That(oversized.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That((await _instance.Http.GetAsync("/health")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the server keeps serving");
    }

    [Test]
    public async Task Unknown_video_is_404_with_problem_details()
    {
        foreach (var id in new[] { "999999", Guid.NewGuid().ToString(), "kkGMgK9ZtnKfYAgnEtQxbv", "not-an-id" })
        {
            using var response = await _instance.Http.GetAsync($"/api/v1/videos/{id}");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), id);
            Assert.That((await Json(response)).GetProperty("status").GetInt32(), Is.EqualTo(404));
        }
    }

    [Test]
    public async Task Privacy_rules_for_each_privacy_value()
    {
        var suffix = kind.ToString().ToLowerInvariant();
        using var owner = await _instance.CreateUserAsync("owner_" + suffix);
        using var other = await _instance.CreateUserAsync("other_" + suffix);
        using var admin = _instance.Authed(await _instance.TokenAsync());
        var channel = $"owner_{suffix}_channel";
        var tag = "privacy" + suffix;
        var pub = await _instance.SeedVideoAsync(channel, "Public lesson " + tag, VideoPrivacy.Public);
        var unlisted = await _instance.SeedVideoAsync(channel, "Unlisted lesson " + tag, VideoPrivacy.Unlisted);
        var priv = await _instance.SeedVideoAsync(channel, "Private lesson " + tag, VideoPrivacy.Private);
        var internalVideo = await _instance.SeedVideoAsync(channel, "Internal lesson " + tag, VideoPrivacy.Internal);

        async Task<HttpStatusCode> Get(HttpClient client, VideoRow v) => (await client.GetAsync($"/api/v1/videos/{v.Uuid}")).StatusCode;
        Assert.Multiple(async () =>
        {
            Assert.That(await Get(_instance.Http, pub), Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await Get(_instance.Http, unlisted), Is.EqualTo(HttpStatusCode.OK), "unlisted: by link");
            Assert.That(await Get(_instance.Http, priv), Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await Get(other, priv), Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(await Get(owner, priv), Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await Get(admin, priv), Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await Get(_instance.Http, internalVideo), Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await Get(other, internalVideo), Is.EqualTo(HttpStatusCode.OK), "internal: any logged-in user");
        });

        async Task<string[]> Listed(HttpClient client) =>
            (await client.GetFromJsonAsync<JsonElement>($"/api/v1/search/videos?search={tag}&count=100")).GetProperty("data")
                .EnumerateArray().Select(v => v.GetProperty("uuid").GetString()!).ToArray();
        Assert.That(await Listed(_instance.Http), Is.EquivalentTo(new[] { pub.Uuid }), "anonymous listings: public only");
        Assert.That(await Listed(other), Is.EquivalentTo(new[] { pub.Uuid, internalVideo.Uuid }), "logged in: public and internal");
        var mine = await owner.GetFromJsonAsync<JsonElement>("/api/v1/users/me/videos?count=100");
        Assert.That(mine.GetProperty("total").GetInt64(), Is.EqualTo(4), "the owner sees all of theirs");
    }

    [Test]
    public async Task Paging_sorting_filters_and_accent_insensitive_search()
    {
        var suffix = kind.ToString().ToLowerInvariant();
        using var teacher = await _instance.CreateUserAsync("teacher_" + suffix);
        var channel = $"teacher_{suffix}_channel";
        var baseTime = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
        for (var i = 0; i < 12; i++)
        {
            await _instance.SeedVideoAsync(channel, $"Leçon {i:D2} sur l'Élasticité", publishedAt: baseTime + (i * 1000), views: 100 - i);
        }

        var page = await _instance.Http.GetFromJsonAsync<JsonElement>($"/api/v1/video-channels/{channel}/videos?start=5&count=5&sort=-publishedAt");
        Assert.That(page.GetProperty("total").GetInt64(), Is.EqualTo(12));
        Assert.That(page.GetProperty("data").EnumerateArray().Select(v => v.GetProperty("name").GetString()),
            Is.EqualTo(Enumerable.Range(0, 5).Select(i => $"Leçon {6 - i:D2} sur l'Élasticité")));

        var byName = await _instance.Http.GetFromJsonAsync<JsonElement>($"/api/v1/video-channels/{channel}/videos?count=3&sort=name");
        Assert.That(byName.GetProperty("data")[0].GetProperty("name").GetString(), Is.EqualTo("Leçon 00 sur l'Élasticité"));
        var byViews = await _instance.Http.GetFromJsonAsync<JsonElement>($"/api/v1/accounts/teacher_{suffix}/videos?count=1&sort=-views");
        Assert.That(byViews.GetProperty("data")[0].GetProperty("views").GetInt64(), Is.EqualTo(100));

        var search = await _instance.Http.GetFromJsonAsync<JsonElement>("/api/v1/search/videos?search=" + Uri.EscapeDataString("LECON 03 SUR L'ELASTICITE"));
        Assert.That(search.GetProperty("total").GetInt64(), Is.EqualTo(1), "case- and accent-insensitive");
        var local = await _instance.Http.GetFromJsonAsync<JsonElement>("/api/v1/videos?isLocal=false");
        Assert.That(local.GetProperty("total").GetInt64(), Is.EqualTo(0));

        Assert.That((await _instance.Http.GetAsync("/api/v1/videos?count=101")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await _instance.Http.GetAsync("/api/v1/videos?sort=-bogus")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await _instance.Http.GetAsync("/api/v1/search/videos")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Search_index_follows_renames_deletions_and_matches_any_substring()
    {
        var suffix = kind.ToString().ToLowerInvariant();
        using var teacher = await _instance.CreateUserAsync("indexer_" + suffix);
        var video = await _instance.SeedVideoAsync($"indexer_{suffix}_channel", $"Géométrie dans l'espace {suffix}", tags: ["Pyramide_100%"]);
        async Task<string[]> Found(string q) => (await _instance.Http.GetFromJsonAsync<JsonElement>("/api/v1/search/videos?count=100&search=" + Uri.EscapeDataString(q)))
            .GetProperty("data").EnumerateArray().Select(v => v.GetProperty("uuid").GetString()!).ToArray();

        Assert.Multiple(async () =>
        {
            Assert.That(await Found($"OMETRIE DANS L'ESPACE {suffix}"), Is.EqualTo(new[] { video.Uuid }), "a substring across words, folded");
            Assert.That(await Found("pyramide_100%"), Is.EqualTo(new[] { video.Uuid }), "LIKE's wildcards are plain characters");
            Assert.That(await Found("pyramideX100%"), Is.Empty, "'_' is not a wildcard");
            Assert.That(await Found("é"), Does.Contain(video.Uuid), "a query shorter than a trigram still matches");
        });

        using var renamed = await teacher.PutAsJsonAsync($"/api/v1/videos/{video.Uuid}", new { name = $"Volumes des solides {suffix}" });
        Assert.That(renamed.IsSuccessStatusCode, Is.True, await renamed.Content.ReadAsStringAsync());
        Assert.Multiple(async () =>
        {
            Assert.That(await Found($"volumes des solides {suffix}"), Is.EqualTo(new[] { video.Uuid }), "the new name is indexed");
            Assert.That(await Found($"géométrie dans l'espace {suffix}"), Is.Empty, "the old name left the index");
        });

        using var deleted = await teacher.DeleteAsync($"/api/v1/videos/{video.Uuid}");
        Assert.That(deleted.IsSuccessStatusCode, Is.True);
        Assert.That(await Found($"volumes des solides {suffix}"), Is.Empty, "a deleted video left the index");
    }

    [Test]
    public async Task Users_channels_accounts_and_config()
    {
        var suffix = kind.ToString().ToLowerInvariant();
        using var user = await _instance.CreateUserAsync("chan_" + suffix);
        var created = await user.PostAsJsonAsync("/api/v1/video-channels", new { name = "svt_" + suffix, displayName = "SVT au lycée", description = "Sciences" });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.OK), await created.Content.ReadAsStringAsync());
        Assert.That((await user.PostAsJsonAsync("/api/v1/video-channels", new { name = "svt_" + suffix, displayName = "again" })).StatusCode, Is.EqualTo(HttpStatusCode.Conflict));

        var channel = await _instance.Http.GetFromJsonAsync<JsonElement>($"/api/v1/video-channels/svt_{suffix}");
        Assert.That(channel.GetProperty("displayName").GetString(), Is.EqualTo("SVT au lycée"));
        Assert.That(channel.GetProperty("ownerAccount").GetProperty("name").GetString(), Is.EqualTo("chan_" + suffix));
        var me = await user.GetFromJsonAsync<JsonElement>("/api/v1/users/me");
        Assert.That(me.GetProperty("videoChannels").GetArrayLength(), Is.EqualTo(2));
        var account = await _instance.Http.GetFromJsonAsync<JsonElement>($"/api/v1/accounts/chan_{suffix}");
        Assert.That(account.GetProperty("url").GetString(), Is.EqualTo($"{_instance.BaseUrl}/accounts/chan_{suffix}"));

        Assert.That((await user.PostAsJsonAsync("/api/v1/users", new { username = "nope", password = "password1", email = "n@e.org" })).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "only admins create users");
        Assert.That((await _instance.Http.PostAsJsonAsync("/api/v1/users/register", new { username = "self", password = "password1", email = "s@e.org" })).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "sign-up is off by default");

        var config = await _instance.Http.GetFromJsonAsync<JsonElement>("/api/v1/config");
        Assert.That(config.GetProperty("signup").GetProperty("allowed").GetBoolean(), Is.False);
        var categories = await _instance.Http.GetFromJsonAsync<JsonElement>("/api/v1/videos/categories");
        Assert.That(categories.GetProperty("13").GetString(), Is.EqualTo("Education"));
        var privacies = await _instance.Http.GetFromJsonAsync<JsonElement>("/api/v1/videos/privacies");
        Assert.That(privacies.GetProperty("3").GetString(), Is.EqualTo("Private"));
    }

    [Test]
    public async Task Health_metrics_and_openapi()
    {
        Assert.That((await _instance.Http.GetAsync("/health")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await _instance.Http.GetAsync("/api/v1/videos");
        var metrics = await _instance.Http.GetStringAsync("/metrics");
        Assert.That(metrics, Does.Contain("http_requests_total{route=\"/api/v1/videos/\",method=\"GET\",status=\"200\"}"));
        Assert.That(metrics, Does.Contain("http_request_duration_seconds_bucket"));
        var openapi = await _instance.Http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        Assert.That(openapi.GetProperty("paths").TryGetProperty("/api/v1/videos/{id}", out _), Is.True);
        // Typed results give the document response schemas, not just paths.
        foreach (var (path, method, status) in new[]
        {
            ("/api/v1/videos", "get", "200"), ("/api/v1/videos/{id}", "get", "200"), ("/api/v1/users/me", "get", "200"),
            ("/api/v1/users/token", "post", "200"), ("/api/v1/oauth-clients/local", "get", "200"), ("/api/v1/video-channels/{handle}", "get", "200"),
            ("/api/v1/accounts/{name}", "get", "200"), ("/api/v1/search/videos", "get", "200"),
        })
        {
            var response = openapi.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("responses");
            Assert.That(response.TryGetProperty(status, out var ok) && ok.TryGetProperty("content", out var content)
                && content.EnumerateObject().Any(c => c.Value.TryGetProperty("schema", out _)), Is.True, $"{method} {path} documents its {status} schema");
        }
        var docs = await _instance.Http.GetStringAsync("/api-docs/");
        Assert.That(docs, Does.Contain("\"url\":\"../openapi/v1.json\""), "the browsable UI reads our document (relative to /api-docs/)");
        Assert.That((await _instance.Http.GetAsync("/api-docs/scalar.js")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "served by the instance, no CDN");
    }
}
