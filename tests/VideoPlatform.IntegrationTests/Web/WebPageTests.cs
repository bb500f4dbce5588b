using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.IntegrationTests.Infrastructure;

namespace VideoPlatform.IntegrationTests.Web;

/// <summary>Pages rendered by a real instance, read by Chromium (and by HttpClient where no browser is needed).</summary>
[TestFixture]
[Category("Browser")]
[NonParallelizable]
public sealed class WebPageTests : BrowserFixture
{
    private VideoRow _public = null!;
    private VideoRow _private = null!;
    private VideoRow _popular = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _chromium = await Chromium.LaunchAsync();
        _instance = await TestInstance.StartAsync();
        (await _instance.CreateUserAsync("alice", "alice-password")).Dispose();
        (await _instance.CreateUserAsync("bob", "bob-password")).Dispose();
        _public = await _instance.SeedVideoAsync("alice_channel", "Théorème de Pythagore", description: "Une leçon de géométrie pour la 4e.",
            tags: ["maths", "géométrie"]);
        _popular = await _instance.SeedVideoAsync("alice_channel", "La photosynthèse expliquée", views: 1234);
        _private = await _instance.SeedVideoAsync("alice_channel", "Conseil de classe (privé)", VideoPrivacy.Private);
    }

    [Test]
    public async Task Home_search_watch_channel_and_account_pages_show_their_content()
    {
        await using var context = await _chromium.ContextAsync(_instance.BaseUrl);
        var page = await context.NewPageAsync();
        var errors = Chromium.WatchErrors(page);

        var home = await page.GotoAsync("/");
        Assert.That(home!.Status, Is.EqualTo(200));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dernières vidéos de l'académie" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#latest + ul").GetByRole(AriaRole.Link, new() { Name = "Théorème de Pythagore" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#popular + ul li").First).ToContainTextAsync("La photosynthèse expliquée");
        Assert.That(await page.ContentAsync(), Does.Not.Contain("Conseil de classe"), "a private video is never listed to visitors");

        await page.GetByLabel("Rechercher des vidéos").FillAsync("pythagore");
        await page.GetByLabel("Rechercher des vidéos").PressAsync("Enter");
        await page.WaitForURLAsync("**/search?q=pythagore");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Résultats pour « pythagore »");
        await Assertions.Expect(page.Locator(".cards li")).ToHaveCountAsync(1);

        await page.GetByRole(AriaRole.Link, new() { Name = "Théorème de Pythagore" }).ClickAsync();
        await page.WaitForURLAsync("**/w/" + _public.ShortUuid, new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Théorème de Pythagore");
        await Assertions.Expect(page.Locator(".description")).ToContainTextAsync("Une leçon de géométrie pour la 4e.");
        await Assertions.Expect(page.Locator(".tags")).ToContainTextAsync("géométrie");

        await page.Locator("a.channel").ClickAsync();
        await page.WaitForURLAsync("**/c/alice_channel");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Main alice channel");
        await Assertions.Expect(page.Locator(".cards li")).ToHaveCountAsync(2);

        var account = await page.GotoAsync("/a/alice");
        Assert.That(account!.Status, Is.EqualTo(200));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Vidéos (2)" })).ToBeVisibleAsync();

        // The same watch page at PeerTube's long URL, for browsers only.
        var longUrl = await page.GotoAsync("/videos/watch/" + _public.Uuid);
        Assert.That(longUrl!.Status, Is.EqualTo(200));
        Assert.That(errors, Is.Empty);

        foreach (var width in (int[])[1280, 390])
        {
            await using var sized = await _chromium.ContextAsync(_instance.BaseUrl, width);
            var shot = await sized.NewPageAsync();
            await shot.GotoAsync("/");
            await Chromium.ScreenshotAsync(shot, $"home-{width}");
            await shot.GotoAsync("/w/" + _public.ShortUuid);
            await Chromium.ScreenshotAsync(shot, $"watch-{width}");
            // Phone width: nothing may scroll sideways.
            var overflow = await shot.EvaluateAsync<bool>("document.documentElement.scrollWidth > document.documentElement.clientWidth");
            Assert.That(overflow, Is.False, $"horizontal scroll at {width} px");
        }
    }

    [Test]
    public async Task Anonymous_visitor_is_sent_to_login_from_the_upload_page_and_comes_back_after_logging_in()
    {
        await using var context = await _chromium.ContextAsync(_instance.BaseUrl);
        var page = await context.NewPageAsync();
        var errors = Chromium.WatchErrors(page);
        await page.GotoAsync("/videos/upload");
        Assert.That(page.Url, Does.Contain("/login?returnUrl=%2Fvideos%2Fupload"));

        await page.GetByLabel("Identifiant ou adresse électronique").FillAsync("alice");
        await page.GetByLabel("Mot de passe").FillAsync("wrong-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Se connecter" }).ClickAsync();
        await Assertions.Expect(page.Locator("#login-error")).ToHaveTextAsync("Identifiant ou mot de passe incorrect.");

        await page.GetByLabel("Mot de passe").FillAsync("alice-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Se connecter" }).ClickAsync();
        await page.WaitForURLAsync("**/videos/upload");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Publier une vidéo" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Chaîne")).ToContainTextAsync("Main alice channel");
        await Assertions.Expect(page.GetByLabel("Titre")).ToBeEditableAsync();
        var cookies = await context.CookiesAsync();
        Assert.That(cookies.Single(c => c.Name == "vp_access").HttpOnly, Is.True, "scripts never read the session cookie");

        await Chromium.ScreenshotAsync(page, "upload-1280");
        await page.SetViewportSizeAsync(390, 844);
        await Chromium.ScreenshotAsync(page, "upload-390");

        // My videos lists the user's own videos, private included.
        await page.GotoAsync("/my-library/videos");
        await Assertions.Expect(page.Locator("table.mine")).ToContainTextAsync("Conseil de classe (privé)");

        await page.GetByRole(AriaRole.Button, new() { Name = "Se déconnecter (alice)" }).ClickAsync();
        await page.WaitForURLAsync(_instance.BaseUrl + "/");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Se connecter" })).ToBeVisibleAsync();
        Assert.That(errors, Is.Empty);
    }

    [Test]
    public async Task Private_video_page_is_refused_to_others_and_shown_to_its_owner()
    {
        using var anonymous = await _instance.Http.GetAsync("/w/" + _private.ShortUuid);
        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(anonymous.Headers.Location!.ToString(), Does.StartWith("/login?returnUrl="));

        await using var context = await _chromium.ContextAsync(_instance.BaseUrl);
        var page = await context.NewPageAsync();
        await Chromium.LoginAsync(page, "bob", "bob-password");
        var refused = await page.GotoAsync("/w/" + _private.ShortUuid);
        Assert.That(refused!.Status, Is.EqualTo(403));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Vidéo privée");
        Assert.That(await page.ContentAsync(), Does.Not.Contain("Conseil de classe"));
        var embed = await page.GotoAsync("/videos/embed/" + _private.Uuid);
        Assert.That(embed!.Status, Is.EqualTo(403));

        await using var ownerContext = await _chromium.ContextAsync(_instance.BaseUrl);
        var owner = await ownerContext.NewPageAsync();
        await Chromium.LoginAsync(owner, "alice", "alice-password");
        var shown = await owner.GotoAsync("/w/" + _private.ShortUuid);
        Assert.That(shown!.Status, Is.EqualTo(200));
        await Assertions.Expect(owner.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Conseil de classe (privé)");

        using var oembed = await _instance.Http.GetAsync("/services/oembed?url=" + Uri.EscapeDataString(_instance.BaseUrl + "/w/" + _private.ShortUuid));
        Assert.That(oembed.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "no card for a private video");
    }

    [Test]
    public async Task Watch_page_announces_oembed_and_opengraph_and_the_embed_page_renders()
    {
        var watchUrl = _instance.BaseUrl + "/w/" + _public.ShortUuid;
        var html = await _instance.Http.GetStringAsync("/w/" + _public.ShortUuid);
        Assert.That(html, Does.Contain("<meta property=\"og:title\" content=\"Théorème de Pythagore\">"));
        Assert.That(html, Does.Contain($"<meta name=\"twitter:player\" content=\"{_instance.BaseUrl}/videos/embed/{_public.Uuid}\">"));
        Assert.That(html, Does.Contain("type=\"application/json+oembed\""));

        using var response = await _instance.Http.GetAsync("/services/oembed?format=json&maxwidth=400&url=" + Uri.EscapeDataString(watchUrl));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("type").GetString(), Is.EqualTo("video"));
            Assert.That(json.GetProperty("version").GetString(), Is.EqualTo("1.0"));
            Assert.That(json.GetProperty("title").GetString(), Is.EqualTo("Théorème de Pythagore"));
            Assert.That(json.GetProperty("width").GetInt32(), Is.EqualTo(400));
            Assert.That(json.GetProperty("height").GetInt32(), Is.EqualTo(225));
            Assert.That(json.GetProperty("html").GetString(), Does.Contain($"src=\"{_instance.BaseUrl}/videos/embed/{_public.Uuid}\""));
        });
        using var foreign = await _instance.Http.GetAsync("/services/oembed?url=" + Uri.EscapeDataString("https://example.org/w/" + _public.ShortUuid));
        Assert.That(foreign.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));

        await using var context = await _chromium.ContextAsync(_instance.BaseUrl, 560);
        var page = await context.NewPageAsync();
        var errors = Chromium.WatchErrors(page);
        var embed = await page.GotoAsync($"/videos/embed/{_public.Uuid}");
        Assert.That(embed!.Status, Is.EqualTo(200));
        Assert.That(await page.TitleAsync(), Does.StartWith("Théorème de Pythagore"));
        Assert.That(await page.Locator("header.top").CountAsync(), Is.Zero, "the embed page is the player alone");
        Assert.That(errors, Is.Empty);
    }

    [Test]
    public async Task Watch_url_is_left_to_federation_when_activitypub_json_is_asked_for()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/videos/watch/" + _public.Uuid);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/activity+json"));
        using var response = await _instance.Http.SendAsync(request);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.Not.EqualTo("text/html"));

        using var browser = new HttpRequestMessage(HttpMethod.Get, "/videos/watch/" + _public.Uuid);
        browser.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        using var page = await _instance.Http.SendAsync(browser);
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(page.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
    }

    [Test]
    public async Task Assets_and_favicon_are_served_by_the_instance_with_long_caching()
    {
        using var favicon = await _instance.Http.GetAsync("/favicon.ico");
        Assert.That(favicon.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(favicon.Content.Headers.ContentType?.MediaType, Is.EqualTo("image/x-icon"));

        var html = await _instance.Http.GetStringAsync("/w/" + _public.ShortUuid);
        Assert.That(html, Does.Not.Contain("https://"), "no CDN: every script, style and font comes from the instance");
        var css = System.Text.RegularExpressions.Regex.Match(html, "href=\"(/assets/css/site.css\\?v=[0-9a-f]+)\"").Groups[1].Value;
        using var style = await _instance.Http.GetAsync(css);
        Assert.That(style.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(style.Headers.CacheControl?.ToString(), Does.Contain("immutable"));
    }

    [Test]
    public async Task Administrator_changes_a_quota_and_sees_the_jobs_page()
    {
        await using var context = await _chromium.ContextAsync(_instance.BaseUrl);
        var page = await context.NewPageAsync();
        await Chromium.LoginAsync(page, "root", TestInstance.AdminPassword);
        await page.GotoAsync("/admin/users");
        var row = page.Locator("tr", new() { HasText = "bob@example.org" });
        await row.GetByLabel("Total").SelectOptionAsync(new SelectOptionValue { Label = "1 Gio" });
        await row.GetByRole(AriaRole.Button, new() { Name = "Enregistrer les quotas de bob" }).ClickAsync();
        await Assertions.Expect(page.Locator(".notice")).ToHaveTextAsync("Quotas de bob enregistrés.");
        var users = _instance.Services.GetService(typeof(VideoPlatform.Core.Data.Repositories.UserRepository)) as VideoPlatform.Core.Data.Repositories.UserRepository;
        Assert.That((await users!.FindByLoginAsync("bob"))!.VideoQuota, Is.EqualTo(1024L * 1024 * 1024));

        var jobs = await page.GotoAsync("/admin/jobs");
        Assert.That(jobs!.Status, Is.EqualTo(200));
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "En échec" })).ToHaveAttributeAsync("aria-current", "page");

        await using var userContext = await _chromium.ContextAsync(_instance.BaseUrl);
        var user = await userContext.NewPageAsync();
        await Chromium.LoginAsync(user, "bob", "bob-password");
        await user.GotoAsync("/admin/users");
        Assert.That(user.Url, Does.EndWith("/forbidden"));
    }

    [Test]
    public async Task Edit_page_leaves_the_fields_missing_from_a_post_as_they_are()
    {
        var seeded = await _instance.SeedVideoAsync("alice_channel", "Leçon à régler", description: "Une description à garder.", tags: ["maths", "réglages"]);
        using (var api = _instance.Authed(await _instance.TokenAsync("alice", "alice-password")))
        using (var put = await api.PutAsJsonAsync("/api/v1/videos/" + seeded.Uuid, new
        {
            privacy = 5,
            videoPasswords = new[] { "secret-un" },
            commentsPolicy = CommentsPolicies.RequiresApproval,
            downloadEnabled = false,
            embedAllowedDomains = new[] { "ent.ac-lyon.fr" },
        }))
        {
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await put.Content.ReadAsStringAsync());
        }
        var videos = _instance.Services.GetRequiredService<VideoRepository>();
        var passwords = _instance.Services.GetRequiredService<VideoPasswordRepository>();
        async Task<VideoRow> ReadAsync() => (await videos.FindAsync(seeded.Uuid))!.Video;
        async Task<IEnumerable<string>> PasswordsAsync() => (await passwords.ListAsync(seeded.Id, 0, 10)).Rows.Select(p => p.Password);

        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(_instance.BaseUrl) };
        var forms = new VideoPlatform.IntegrationTests.Api.WebForms(client);
        using (var login = await forms.LoginAsync("alice", "alice-password"))
        {
            Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        }
        var edit = "/videos/update/" + seeded.Uuid;

        // Only the title posted: every other field keeps its value (the comments policy was reset to 1 before).
        using (var titleOnly = await forms.PostFormAsync(edit, new() { ["Name"] = "Leçon réglée" }))
        {
            Assert.That(titleOnly.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await titleOnly.Content.ReadAsStringAsync());
        }
        var video = await ReadAsync();
        Assert.That(video.Name, Is.EqualTo("Leçon réglée"));
        Assert.That(video.Description, Is.EqualTo("Une description à garder."));
        Assert.That(video.TagList(), Is.EqualTo(new[] { "maths", "réglages" }));
        Assert.That(video.Privacy, Is.EqualTo(VideoPrivacy.PasswordProtected));
        Assert.That(video.CommentsPolicy, Is.EqualTo(CommentsPolicies.RequiresApproval));
        Assert.That(video.DownloadEnabled, Is.False);
        Assert.That(video.EmbedAllowedDomains, Does.Contain("ent.ac-lyon.fr"));
        Assert.That(await PasswordsAsync(), Is.EqualTo(new[] { "secret-un" }));

        // Posted fields change, posted empty they clear; new passwords without the privacy field replace the old ones.
        using (var changed = await forms.PostFormAsync(edit, new()
        {
            ["CommentsPolicy"] = "2", ["DownloadEnabled"] = "true", ["Description"] = "", ["Passwords"] = "secret-deux",
        }))
        {
            Assert.That(changed.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await changed.Content.ReadAsStringAsync());
        }
        video = await ReadAsync();
        Assert.That(video.CommentsPolicy, Is.EqualTo(CommentsPolicies.Disabled));
        Assert.That(video.DownloadEnabled, Is.True);
        Assert.That(video.Description, Is.Null);
        Assert.That(video.Name, Is.EqualTo("Leçon réglée"));
        Assert.That(video.Privacy, Is.EqualTo(VideoPrivacy.PasswordProtected));
        Assert.That(await PasswordsAsync(), Is.EqualTo(new[] { "secret-deux" }));

        // Posted but unreadable: refused in French, nothing changed.
        foreach (var (field, value, message) in new[]
        {
            ("CommentsPolicy", "abc", "Ce réglage des commentaires n'est pas disponible."),
            ("CommentsPolicy", "7", "Ce réglage des commentaires n'est pas disponible."),
            ("DownloadEnabled", "peut-être", "Le choix du téléchargement n'est pas lisible : rechargez la page et recommencez."),
            ("Privacy", "abc", "Cette visibilité n'est pas disponible."),
        })
        {
            using var refused = await forms.PostFormAsync(edit, new() { [field] = value });
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), $"{field}={value}");
            Assert.That(WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), Does.Contain(message), $"{field}={value}");
        }
        var after = await ReadAsync();
        Assert.That((after.CommentsPolicy, after.DownloadEnabled, after.Privacy), Is.EqualTo((CommentsPolicies.Disabled, true, VideoPrivacy.PasswordProtected)));
    }
}
