using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Core.Data;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Storage;
using VideoPlatform.IntegrationTests.Infrastructure;

namespace VideoPlatform.IntegrationTests.Api;

/// <summary>
/// Signed-in requests are served from the in-memory token cache and the per-audience listing cache, yet a revoked
/// token, a blocked user or a new role takes effect on the very next request, in the process that made the change and
/// in another process of the same instance (two instances on one database). The viewers now, whose heartbeats land on
/// either process behind nginx, are counted alike by both.
/// </summary>
[TestFixture(DbKind.Sqlite)]
[TestFixture(DbKind.Postgres)]
[Category("Http")]
[Category("Db")]
public sealed class SignedInSessionTests(DbKind kind)
{
    private TestInstance _first = null!;
    private TestInstance _second = null!;
    private HttpClient _admin = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _first = await TestInstance.StartAsync(kind);
        _second = await TestInstance.StartSharingAsync(_first);
        _admin = _first.Authed(await _first.TokenAsync());
        await _first.SeedVideoAsync("root_channel", "Leçon publique", VideoPrivacy.Public);
        await _first.SeedVideoAsync("root_channel", "Leçon interne", VideoPrivacy.Internal);
        await _first.SeedVideoAsync("root_channel", "Leçon privée", VideoPrivacy.Private);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _admin.Dispose();
        await _second.DisposeAsync();
        await _first.DisposeAsync();
    }

    private async Task<(string Token, long Id)> StudentAsync(string username)
    {
        (await _first.CreateUserAsync(username)).Dispose();
        var token = await _first.TokenAsync(username, "password123");
        using var me = _first.Authed(token);
        var id = (await me.GetFromJsonAsync<JsonElement>("/api/v1/users/me")).GetProperty("id").GetInt64();
        return (token, id);
    }

    private static async Task<HttpStatusCode> StatusAsync(TestInstance instance, string token, string path)
    {
        using var client = instance.Authed(token);
        using var response = await client.GetAsync(path);
        return response.StatusCode;
    }

    private static async Task<string[]> NamesAsync(HttpClient client, string path)
    {
        var list = await client.GetFromJsonAsync<JsonElement>(path);
        return [.. list.GetProperty("data").EnumerateArray().Select(v => v.GetProperty("name").GetString()!)];
    }

    [Test]
    public async Task Viewers_are_counted_once_across_the_processes_of_one_instance()
    {
        var video = await _first.SeedVideoAsync("root_channel", "Conseil de classe", VideoPrivacy.Public);
        async Task BeatAsync(TestInstance process, string session)
        {
            using var response = await process.Http.PostAsJsonAsync($"/api/v1/videos/{video.Uuid}/views", new { currentTime = 0, sessionId = session });
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await response.Content.ReadAsStringAsync());
        }
        // One viewer's heartbeats alternate between the processes (round robin), the two others stay on one each.
        await BeatAsync(_first, "eleve-c");
        await BeatAsync(_second, "eleve-c");
        await BeatAsync(_first, "eleve-a");
        await BeatAsync(_second, "eleve-b");

        async Task<int> ViewersAsync(TestInstance process) =>
            (await process.Http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{video.Uuid}")).GetProperty("viewers").GetInt32();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        (int First, int Second) seen;
        while ((seen = (await ViewersAsync(_first), await ViewersAsync(_second))) is not ( >= 3, >= 3) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.That(seen, Is.EqualTo((3, 3)), "each process counts the three viewers, the one heard by both once");
    }

    [Test]
    public async Task Revoked_token_fails_on_the_next_request_in_both_processes()
    {
        var (token, _) = await StudentAsync("revoked_student");
        // Both processes have the token cached.
        Assert.That(await StatusAsync(_first, token, "/api/v1/users/me"), Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await StatusAsync(_second, token, "/api/v1/users/me"), Is.EqualTo(HttpStatusCode.OK));

        using (var client = _first.Authed(token))
        {
            Assert.That((await client.PostAsync("/api/v1/users/revoke-token", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        Assert.That(await StatusAsync(_second, token, "/api/v1/users/me"), Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await StatusAsync(_first, token, "/api/v1/users/me"), Is.EqualTo(HttpStatusCode.Unauthorized));
        // The listing (cached per audience) serves the revoked token as an anonymous visitor: no internal lesson.
        using var revoked = _second.Authed(token);
        Assert.That(await NamesAsync(revoked, "/api/v1/videos?count=50"), Does.Not.Contain("Leçon interne"));
    }

    [Test]
    public async Task Blocked_user_is_refused_on_the_next_request_in_both_processes()
    {
        var (token, id) = await StudentAsync("blocked_student");
        Assert.That(await StatusAsync(_first, token, "/api/v1/users/me"), Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await StatusAsync(_second, token, "/api/v1/users/me"), Is.EqualTo(HttpStatusCode.OK));

        // Blocked by whatever writes the row (an admin page, OIDC, a script): the database's triggers see every path.
        var db = _first.Services.GetRequiredService<Database>();
        await db.WriteAsync((c, t) => c.ExecuteAsync("UPDATE users SET blocked = TRUE WHERE id = @id", new { id }, t));
        Assert.That(await StatusAsync(_second, token, "/api/v1/users/me"), Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await StatusAsync(_first, token, "/api/v1/users/me"), Is.EqualTo(HttpStatusCode.Unauthorized));

        await db.WriteAsync((c, t) => c.ExecuteAsync("UPDATE users SET blocked = FALSE WHERE id = @id", new { id }, t));
        Assert.That(await StatusAsync(_second, token, "/api/v1/users/me"), Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Role_change_applies_on_the_next_request_in_both_processes()
    {
        var (token, id) = await StudentAsync("promoted_student");
        Assert.That(await StatusAsync(_second, token, "/api/v1/users"), Is.EqualTo(HttpStatusCode.Forbidden));
        using var student = _second.Authed(token);
        Assert.That(await NamesAsync(student, "/api/v1/videos?count=50&privacyOneOf=3"), Is.Empty);

        using (var promote = await _admin.PutAsJsonAsync($"/api/v1/users/{id}", new { role = (int)UserRole.Moderator }))
        {
            Assert.That(promote.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }
        Assert.That(await StatusAsync(_second, token, "/api/v1/users/me"), Is.EqualTo(HttpStatusCode.OK));
        // A moderator sees private videos in listings at once: the listing cache varies by audience, not by token.
        Assert.That(await NamesAsync(student, "/api/v1/videos?count=50&privacyOneOf=3"), Is.EqualTo(new[] { "Leçon privée" }));

        using (var demote = await _admin.PutAsJsonAsync($"/api/v1/users/{id}", new { role = (int)UserRole.User }))
        {
            Assert.That(demote.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }
        Assert.That(await NamesAsync(student, "/api/v1/videos?count=50&privacyOneOf=3"), Is.Empty);
        Assert.That(await StatusAsync(_first, token, "/api/v1/users"), Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task Listings_are_shared_per_audience_and_never_across_audiences()
    {
        var (token, _) = await StudentAsync("listing_student");
        using var student = _first.Authed(token);
        const string path = "/api/v1/videos?count=50&sort=-publishedAt&search=Le%C3%A7on";
        const string privatePath = "/api/v1/videos?count=50&privacyOneOf=1&privacyOneOf=3&privacyOneOf=4";

        // Each audience fills its own entry first, then every other audience asks for the very same URL.
        Assert.That(await NamesAsync(student, path), Is.EquivalentTo(new[] { "Leçon publique", "Leçon interne" }));
        Assert.That(await NamesAsync(_first.Http, path), Is.EqualTo(new[] { "Leçon publique" }));
        Assert.That(await NamesAsync(_admin, privatePath), Is.EquivalentTo(new[] { "Leçon publique", "Leçon interne", "Leçon privée" }));
        Assert.That(await NamesAsync(student, privatePath), Is.EquivalentTo(new[] { "Leçon publique", "Leçon interne" }));
        Assert.That(await NamesAsync(_first.Http, privatePath), Is.EqualTo(new[] { "Leçon publique" }));

        // Another signed-in student is served the same answer as the first (same audience).
        var (other, _) = await StudentAsync("listing_student_2");
        using var otherClient = _first.Authed(other);
        Assert.That(await NamesAsync(otherClient, path), Is.EquivalentTo(new[] { "Leçon publique", "Leçon interne" }));
    }

    /// <summary>
    /// The images of class videos are known in memory in each process (no query per image); the set follows a class
    /// audience set or lifted in another process, and a class video's image renamed by a script, on the very next request.
    /// </summary>
    [Test]
    public async Task A_class_videos_images_are_restricted_and_public_again_at_once_in_both_processes()
    {
        using var teacher = await _first.CreateUserAsync("image_teacher");
        var (studentToken, _) = await StudentAsync("image_outsider");
        using var outsider = _first.Authed(studentToken);
        var video = await _first.SeedVideoAsync("image_teacher_channel", "Image de classe", VideoPrivacy.Internal);
        var store = _first.Services.GetRequiredService<MediaStore>();
        var thumbnail = Guid.NewGuid().ToString("D") + ".jpg";
        var preview = Guid.NewGuid().ToString("D") + ".jpg";
        var renamed = Guid.NewGuid().ToString("D") + ".jpg";
        foreach (var path in new[] { store.ThumbnailPath(thumbnail), store.PreviewPath(preview), store.ThumbnailPath(renamed) })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, [0xFF, 0xD8, 0xFF, 0xD9]);
        }
        var db = _first.Services.GetRequiredService<Database>();
        await db.WriteAsync((c, t) => c.ExecuteAsync("UPDATE videos SET thumbnail_name = @thumbnail, preview_name = @preview WHERE id = @id",
            new { thumbnail, preview, id = video.Id }, t));
        var urls = new[] { MediaUrls.Thumbnail(thumbnail), MediaUrls.Preview(preview) };

        // Public images (an internal lesson's, as PeerTube's), read by both processes: each holds its set in memory now.
        foreach (var instance in new[] { _first, _second })
        {
            foreach (var url in urls)
            {
                Assert.That(await AnonymousStatusAsync(instance, url), Is.EqualTo(HttpStatusCode.OK), $"public image {url} at {instance.BaseUrl}");
            }
        }

        // Restricted to a class through the second process: the first refuses them to others at once, serves them to the owner.
        var secondTeacher = _second.Authed(await _second.TokenAsync("image_teacher", "password123"));
        using (secondTeacher)
        {
            using (var restricted = await secondTeacher.PutAsJsonAsync($"/api/v1/videos/{video.Uuid}", new { audienceGroups = new[] { "5e B" } }))
            {
                Assert.That(restricted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await restricted.Content.ReadAsStringAsync());
            }
            foreach (var url in urls)
            {
                foreach (var instance in new[] { _first, _second })
                {
                    Assert.That(await AnonymousStatusAsync(instance, url), Is.EqualTo(HttpStatusCode.NotFound), $"anonymous, class image {url} at {instance.BaseUrl}");
                }
                using var other = await outsider.GetAsync(url);
                using var owner = await teacher.GetAsync(url);
                Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), $"another student, class image {url}");
                Assert.That(owner.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"the owner, class image {url}");
                Assert.That(owner.Headers.CacheControl?.Public, Is.Not.True, $"never kept by shared caches: {url}");
            }

            // A script gives the class video another thumbnail: the new name is restricted at once in both processes.
            await db.WriteAsync((c, t) => c.ExecuteAsync("UPDATE videos SET thumbnail_name = @renamed WHERE id = @id", new { renamed, id = video.Id }, t));
            Assert.That(await AnonymousStatusAsync(_second, MediaUrls.Thumbnail(renamed)), Is.EqualTo(HttpStatusCode.NotFound), "the class video's new thumbnail");
            Assert.That(await AnonymousStatusAsync(_first, MediaUrls.Thumbnail(renamed)), Is.EqualTo(HttpStatusCode.NotFound), "the class video's new thumbnail");

            // The class audience lifted through the second process: public again at once in the first.
            using (var lifted = await secondTeacher.PutAsJsonAsync($"/api/v1/videos/{video.Uuid}", new { audienceGroups = Array.Empty<string>() }))
            {
                Assert.That(lifted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await lifted.Content.ReadAsStringAsync());
            }
        }
        foreach (var url in new[] { MediaUrls.Thumbnail(renamed), MediaUrls.Preview(preview) })
        {
            Assert.That(await AnonymousStatusAsync(_first, url), Is.EqualTo(HttpStatusCode.OK), $"public again: {url}");
        }
        // The fixture's listings are left as they were.
        using var deleted = await teacher.DeleteAsync($"/api/v1/videos/{video.Uuid}");
        Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await deleted.Content.ReadAsStringAsync());
    }

    private static async Task<HttpStatusCode> AnonymousStatusAsync(TestInstance instance, string path)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = new Uri(instance.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        using var response = await client.GetAsync(path);
        return response.StatusCode;
    }
}
