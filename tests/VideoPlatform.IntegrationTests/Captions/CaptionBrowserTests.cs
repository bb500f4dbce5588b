using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using VideoPlatform.IntegrationTests.Infrastructure;
using VideoPlatform.IntegrationTests.Media;
using VideoPlatform.IntegrationTests.Web;

namespace VideoPlatform.IntegrationTests.Captions;

/// <summary>
/// One real lesson (a 4 s clip, transcoded) with French and English captions, chapters and a Markdown description, in
/// Chromium: captions shown at their time, the transcript, the search that lands on the moment, chapters, safe Markdown,
/// the keyboard-only path, and axe-core on every page at 1280 and 390 px. Database-independent: SQLite only.
/// </summary>
[TestFixture]
[Category("Browser")]
[Category("Ffmpeg")]
[NonParallelizable]
public sealed partial class CaptionBrowserTests : BrowserFixture
{
    private const string French = "WEBVTT\n\n00:00.000 --> 00:01.500\nBonjour les élèves\n\n00:01.500 --> 00:03.000\nLes fractions équivalentes\n\n00:03.000 --> 00:04.000\nAu revoir\n";
    private const string English = "1\n00:00:00,000 --> 00:00:02,000\nHello pupils\n\n2\n00:00:02,000 --> 00:00:04,000\nEquivalent fractions\n";
    private const string Description = "Une *leçon* avec [Eduscol](https://eduscol.education.fr) et <script>window.pwned = 1</script> et [piège](javascript:window.pwned=2)\n\n00:00 Introduction\n00:02 Exercices";

    private string _shortUuid = null!;
    private string _uuid = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        Prerequisites.Require(Prerequisites.HasCommand("ffmpeg"), "ffmpeg");
        Prerequisites.Require(File.Exists(AxeScript), "tools/browser-checks/node_modules (scripts/prerequisites.sh test runs npm ci there)");
        // The embed test's school page is on a made-up public origin: Chromium's local-network checks would keep it from framing 127.0.0.1.
        _chromium = await Chromium.LaunchAsync("--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessRespectPreflightResults");
        // Lives enabled so the audit covers the « Diffuser en direct » form and the upload page's tab to it.
        _instance = await TestInstance.StartAsync(DbKind.Sqlite, "--Live:Enabled", "true", "--Live:RtmpPort", "0", "--Live:RtmpAddress", "127.0.0.1");
        using var teacher = await _instance.CreateUserAsync("teacher", "teacher-password");
        var clip = await Uploader.ClipAsync(_instance.Database.Folder, "lecon.mp4", seconds: 4);
        var video = await Uploader.UploadAsync(teacher, await Uploader.ChannelIdAsync(teacher), clip);
        _uuid = video.GetProperty("uuid").GetString()!;
        var published = await Uploader.WaitForStateAsync(teacher, _uuid, 1, TimeSpan.FromSeconds(180));
        _shortUuid = published.GetProperty("shortUUID").GetString()!;
        using (var update = await teacher.PutAsJsonAsync($"/api/v1/videos/{_uuid}", new { name = "Séquence 3 : les fractions", description = Description }))
        {
            Assert.That(update.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }
        foreach (var (language, text, name) in new[] { ("fr", French, "fr.vtt"), ("en", English, "en.srt") })
        {
            using var put = await teacher.PutAsync($"/api/v1/videos/{_uuid}/captions/{language}", CaptionApiTests.CaptionForm(text, name));
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await put.Content.ReadAsStringAsync());
        }
        await SeedCommentsAsync(teacher);
        await CreateSequenceAsync(teacher);
    }

    /// <summary>
    /// A thread with the teacher's reply, then the lesson switched to "requires approval" and a held comment: the axe audit
    /// sees the comments section as a visitor, as the teacher (approve and delete buttons) and in "Mes vidéos".
    /// </summary>
    private async Task SeedCommentsAsync(HttpClient teacher)
    {
        using var student = await _instance.CreateUserAsync("eleve");
        async Task<long> PostAsync(HttpClient client, string path, string text)
        {
            using var response = await client.PostAsJsonAsync(path, new { text });
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("comment").GetProperty("id").GetInt64();
        }
        var thread = await PostAsync(student, $"/api/v1/videos/{_uuid}/comment-threads", "Pourquoi 2/4 = 1/2 ? Voir https://eduscol.education.fr");
        await PostAsync(teacher, $"/api/v1/videos/{_uuid}/comments/{thread}", "On **simplifie** par 2, @eleve@" + new Uri(_instance.BaseUrl).Authority);
        using (var policy = await teacher.PutAsJsonAsync($"/api/v1/videos/{_uuid}", new { commentsPolicy = 3 }))
        {
            Assert.That(policy.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }
        await PostAsync(student, $"/api/v1/videos/{_uuid}/comment-threads", "Une question qui attend la validation");
    }

    private static string AxeScript => Path.Combine(ReadmeRunTests.RepositoryRoot(), "tools", "browser-checks", "node_modules", "axe-core", "axe.min.js");

    private static Task<double> TimeAsync(IPage page) => page.EvaluateAsync<double>("() => document.querySelector('video').currentTime");

    private static async Task WaitForTimeAsync(IPage page, double from, double to) =>
        await page.WaitForFunctionAsync($"() => {{ const t = document.querySelector('video').currentTime; return t >= {from} && t < {to}; }}", null, new() { Timeout = 60_000, PollingInterval = 250 });

    [Test]
    public async Task Captions_transcript_chapters_search_and_safe_markdown_in_chromium()
    {
        await using var context = await _chromium.ContextAsync(_instance.BaseUrl);
        var page = await context.NewPageAsync();
        var errors = Chromium.WatchErrors(page);

        // A word said only in the captions finds the lesson, and the result opens it at that moment.
        await page.GotoAsync("/search?q=" + Uri.EscapeDataString("équivalentes"));
        var result = page.Locator(".cards .moment a");
        await Assertions.Expect(result).ToHaveTextAsync("Dit à 0:01 (sous-titres)");
        await result.ClickAsync();
        await page.WaitForURLAsync($"**/w/{_shortUuid}?start=1", new() { Timeout = 60_000 });
        var player = page.Locator("[data-player]");
        await Assertions.Expect(player).ToHaveAttributeAsync("data-ready", "true");
        await WaitForTimeAsync(page, 1, 1.5);

        // French captions are on by default, and the cue of the moment is the one shown.
        await Assertions.Expect(player.Locator("select.captions")).ToHaveValueAsync("fr");
        await page.EvaluateAsync("() => { const v = document.querySelector('video'); v.pause(); v.currentTime = 2; }");
        await page.WaitForFunctionAsync("""
            () => { const t = [...document.querySelector('video').textTracks].find(t => t.mode === 'showing');
                    return t && t.language === 'fr' && t.activeCues && t.activeCues.length === 1 && t.activeCues[0].text === 'Les fractions équivalentes'; }
            """, null, new() { Timeout = 60_000, PollingInterval = 250 });

        // The transcript: every cue, the current one highlighted, a click seeks, the search field filters.
        var transcript = page.Locator("[data-transcript]");
        await Assertions.Expect(transcript.Locator("li")).ToHaveCountAsync(3);
        await Assertions.Expect(transcript.Locator("li.current")).ToHaveTextAsync("0:01 Les fractions équivalentes");
        await transcript.GetByRole(AriaRole.Button, new() { Name = "0:03 Au revoir" }).ClickAsync();
        await WaitForTimeAsync(page, 3, 3.01);
        await Assertions.Expect(transcript.Locator("li.current")).ToHaveTextAsync("0:03 Au revoir");
        await transcript.GetByLabel("Rechercher dans la transcription").FillAsync("ELEVES");
        await Assertions.Expect(transcript.Locator("li:visible")).ToHaveTextAsync(["0:00 Bonjour les élèves"]);
        await transcript.GetByLabel("Rechercher dans la transcription").FillAsync("dictée");
        await Assertions.Expect(transcript.Locator(".transcript-empty")).ToBeVisibleAsync();

        // Chapters from the description: markers and a menu, both seek.
        await Assertions.Expect(player.Locator(".chapter-bar button")).ToHaveCountAsync(2);
        await player.GetByRole(AriaRole.Button, new() { Name = "Exercices (0:02)" }).ClickAsync();
        await WaitForTimeAsync(page, 2, 2.01);
        await Assertions.Expect(player).ToHaveAttributeAsync("data-chapter", "2");
        await player.Locator("select.chapters").SelectOptionAsync("0");
        await WaitForTimeAsync(page, 0, 0.01);

        // The Markdown description: emphasis and a safe link; the script and the javascript: link are inert.
        var description = page.Locator(".description");
        await Assertions.Expect(description.Locator("em")).ToHaveTextAsync("leçon");
        await Assertions.Expect(description.GetByRole(AriaRole.Link, new() { Name = "Eduscol" })).ToHaveAttributeAsync("rel", "noopener noreferrer nofollow");
        await Assertions.Expect(description.Locator("script")).ToHaveCountAsync(0);
        Assert.That(await description.GetByText("piège").GetAttributeAsync("href"), Is.Null);
        await description.GetByText("piège").ClickAsync();
        Assert.That(await page.EvaluateAsync<JsonElement>("() => window.pwned ?? null"), Has.Property("ValueKind").EqualTo(JsonValueKind.Null));

        // The choice of captions is remembered on this device.
        await player.GetByLabel("Sous-titres").SelectOptionAsync("en");
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("[data-player] select.captions")).ToHaveValueAsync("en");
        await Assertions.Expect(page.Locator("[data-transcript] li").First).ToHaveTextAsync("0:00 Hello pupils");
        Assert.That(errors, Is.Empty);
    }

    [Test]
    public async Task Keyboard_only_find_a_lesson_play_it_captions_quality_and_a_chapter()
    {
        await using var context = await _chromium.ContextAsync(_instance.BaseUrl);
        var page = await context.NewPageAsync();
        var errors = Chromium.WatchErrors(page);
        await page.GotoAsync("/");

        await TabToAsync(page, "#search-q");
        await page.Keyboard.TypeAsync("fractions équivalentes");
        await Assertions.Expect(page.Locator("#search-q")).ToHaveValueAsync("fractions équivalentes");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(url => url.Contains("/search?q=", StringComparison.Ordinal), new() { Timeout = 60_000 });
        await TabToAsync(page, ".cards .moment a");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/w/*?start=1", new() { Timeout = 60_000 });
        var player = page.Locator("[data-player]");
        await Assertions.Expect(player).ToHaveAttributeAsync("data-ready", "true");

        await TabToAsync(page, "[data-player]");
        Assert.That(await page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle"), Is.Not.EqualTo("none"), "focus is visible");
        await page.Keyboard.PressAsync("k");
        await page.WaitForFunctionAsync("() => !document.querySelector('video').paused", null, new() { Timeout = 60_000, PollingInterval = 250 });

        await TabToAsync(page, "select.captions");
        await page.Keyboard.PressAsync("ArrowDown"); // Français → Anglais
        await Assertions.Expect(player).ToHaveAttributeAsync("data-captions", "en");

        await TabToAsync(page, "select.quality");
        await Assertions.Expect(player.Locator("select.quality")).ToBeEnabledAsync(new() { Timeout = 60_000 });
        await page.Keyboard.PressAsync("End"); // the lowest rendition
        await Assertions.Expect(player).ToHaveAttributeAsync("data-current-height", "240", new() { Timeout = 60_000 });

        await TabToAsync(page, ".chapter-bar li:nth-child(2) button");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForFunctionAsync("() => document.querySelector('[data-player]').dataset.chapter === '2'", null, new() { Timeout = 60_000, PollingInterval = 250 });
        Assert.That(await TimeAsync(page), Is.GreaterThanOrEqualTo(2));
        await NextLessonInTheSequenceWithTheKeyboardAsync(page);
        Assert.That(errors, Is.Empty);
    }

    [Test]
    public async Task PeerTube_embed_api_drives_our_embed_play_seek_resolutions_and_captions()
    {
        // A school's page on another origin (served by this test through Playwright) frames our embed and loads PeerTube's client.
        var client = await File.ReadAllTextAsync(Path.Combine(ReadmeRunTests.RepositoryRoot(), "tools", "browser-checks", "node_modules",
            "@peertube", "embed-api", "build", "player.min.js"));
        const string School = "http://ent.example.test";
        await using var context = await _chromium.ContextAsync(_instance.BaseUrl);
        var page = await context.NewPageAsync();
        var errors = Chromium.WatchErrors(page);
        await page.RouteAsync(School + "/**", route => route.Request.Url.EndsWith("/player.min.js", StringComparison.Ordinal)
            ? route.FulfillAsync(new() { ContentType = "text/javascript", Body = client })
            : route.FulfillAsync(new()
            {
                ContentType = "text/html; charset=utf-8",
                Body = $"""
                    <!DOCTYPE html><html lang="fr"><head><title>ENT</title></head><body>
                    <iframe id="lesson" title="Leçon" width="640" height="400" allow="autoplay; fullscreen" src="{_instance.BaseUrl}/videos/embed/{_uuid}"></iframe>
                    <script src="/player.min.js"></script>
                    <script>window.lesson = new PeerTubePlayer(document.getElementById('lesson'));</script>
                    </body></html>
                    """,
            }));
        await page.GotoAsync(School + "/cours");
        await page.EvaluateAsync("() => Promise.race([window.lesson.ready, new Promise((_, reject) => setTimeout(() => reject(new Error('embed API not ready in 15 s')), 15000))])");

        await page.EvaluateAsync("() => window.lesson.setVolume(0)");
        await page.EvaluateAsync("() => window.lesson.play()");
        await page.WaitForFunctionAsync("async () => (await window.lesson.getCurrentTime()) > 0.3", null, new() { Timeout = 15_000, PollingInterval = 200 });
        await page.EvaluateAsync("() => window.lesson.pause()");
        await page.EvaluateAsync("() => window.lesson.seek(2.5)");
        Assert.That(await page.EvaluateAsync<double>("() => window.lesson.getCurrentTime()"), Is.EqualTo(2.5).Within(0.01));

        var resolutions = await page.EvaluateAsync<JsonElement>("() => window.lesson.getResolutions()");
        Assert.That(resolutions.EnumerateArray().Select(r => r.GetProperty("id").GetInt32()), Is.EqualTo(new[] { -1, 0, 1 }));
        Assert.That(resolutions.EnumerateArray().Skip(1).Select(r => r.GetProperty("height").GetInt32()), Is.EquivalentTo(new[] { 360, 240 }));
        var lowest = resolutions.EnumerateArray().Single(r => r.GetProperty("height").GetInt32() == 240).GetProperty("id").GetInt32();
        await page.EvaluateAsync("id => window.lesson.setResolution(id)", lowest);
        var active = await page.EvaluateAsync<JsonElement>("() => window.lesson.getResolutions()");
        Assert.That(active.EnumerateArray().Single(r => r.GetProperty("active").GetBoolean()).GetProperty("height").GetInt32(), Is.EqualTo(240));

        var captions = await page.EvaluateAsync<JsonElement>("() => window.lesson.getCaptions()");
        Assert.That(captions.EnumerateArray().Select(c => (c.GetProperty("id").GetString(), c.GetProperty("mode").GetString())),
            Is.EqualTo(new[] { ("fr", "showing"), ("en", "disabled") }));
        await page.EvaluateAsync("() => window.lesson.setCaption('en')");
        captions = await page.EvaluateAsync<JsonElement>("() => window.lesson.getCaptions()");
        Assert.That(captions.EnumerateArray().Single(c => c.GetProperty("mode").GetString() == "showing").GetProperty("id").GetString(), Is.EqualTo("en"));
        await page.EvaluateAsync("() => window.lesson.setCaption('')");
        captions = await page.EvaluateAsync<JsonElement>("() => window.lesson.getCaptions()");
        Assert.That(captions.EnumerateArray().Select(c => c.GetProperty("mode").GetString()), Has.All.EqualTo("disabled"));

        // Events: the page hears the playback state.
        await page.EvaluateAsync("() => { window.states = []; window.lesson.addEventListener('playbackStatusChange', s => window.states.push(s)); }");
        await page.EvaluateAsync("() => window.lesson.play()");
        await page.WaitForFunctionAsync("() => window.states.includes('playing')", null, new() { Timeout = 60_000, PollingInterval = 250 });
        Assert.That(errors, Is.Empty);
    }

    /// <summary>Presses Tab (at most 80 times) until the focused element matches <paramref name="selector"/>.</summary>
    private static async Task TabToAsync(IPage page, string selector)
    {
        for (var i = 0; i < 80; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>("s => document.activeElement?.matches(s) ?? false", selector))
            {
                return;
            }
        }
        Assert.Fail($"Tab never reached {selector}");
    }

    [Test]
    public async Task A_comment_is_posted_with_the_keyboard_and_its_markdown_rendered_safe()
    {
        await using var context = await _chromium.ContextAsync(_instance.BaseUrl);
        var page = await context.NewPageAsync();
        var errors = Chromium.WatchErrors(page);
        await Chromium.LoginAsync(page, "teacher", "teacher-password");
        await page.GotoAsync($"/w/{_shortUuid}");
        await Assertions.Expect(page.Locator("#comments .held-badge")).ToHaveTextAsync("en attente de validation");
        // Focused directly (the axe audits cover the page's order); then only keys: type, Tab to the button, Enter.
        await page.Locator("#comment-text").FocusAsync();
        await page.Keyboard.TypeAsync("Un **rappel** <script>window.pwned = 3</script> et [piège](javascript:window.pwned=4)");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Enter");
        var posted = page.Locator(".comment-text", new() { HasText = "rappel" });
        await Assertions.Expect(posted).ToBeVisibleAsync();
        await Assertions.Expect(posted.Locator("strong")).ToHaveTextAsync("rappel");
        await Assertions.Expect(posted).ToContainTextAsync("<script>window.pwned = 3</script>");
        Assert.That(await posted.Locator("script").CountAsync(), Is.Zero);
        Assert.That(await posted.Locator("a").First.GetAttributeAsync("href"), Is.Null, "the javascript: link lost its target");
        await posted.Locator("a").First.ClickAsync();
        Assert.That(await page.EvaluateAsync<JsonElement>("() => window.pwned ?? null"), Has.Property("ValueKind").EqualTo(JsonValueKind.Null));
        Assert.That(errors, Is.Empty);
    }

    [TestCase(1280)]
    [TestCase(390)]
    public async Task Every_page_passes_axe_core_wcag21_aa(int width)
    {
        var axe = await File.ReadAllTextAsync(AxeScript);
        await using var context = await _chromium.ContextAsync(_instance.BaseUrl, width);
        var page = await context.NewPageAsync();
        var failures = new List<string>();
        async Task AuditAsync(string path)
        {
            await page.GotoAsync(path);
            if (await page.Locator("[data-player]").CountAsync() > 0)
            {
                await Assertions.Expect(page.Locator("[data-player]").First).ToHaveAttributeAsync("data-ready", "true");
            }
            if (await page.Locator("[data-transcript]").CountAsync() > 0)
            {
                await Assertions.Expect(page.Locator("[data-transcript] li").First).ToBeAttachedAsync();
            }
            // Evaluated through the DevTools protocol: the page's CSP (script-src 'self') does not apply to it.
            await page.EvaluateAsync(axe);
            var violations = await page.EvaluateAsync<JsonElement>("""
                async () => (await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }))
                    .violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))
                """);
            failures.AddRange(violations.EnumerateArray().Select(v => $"{path}: {v.GetString()}"));
        }
        foreach (var path in new[] { "/", "/search?q=fractions", "/search?q=" + Uri.EscapeDataString("équivalentes"), $"/w/{_shortUuid}", $"/w/{_shortUuid}?start=2",
            $"/videos/embed/{_uuid}", "/c/teacher_channel", "/login", $"/w/p/{_sequenceShortUuid}", $"/video-playlists/embed/{_sequenceUuid}" })
        {
            await AuditAsync(path);
        }
        await Chromium.LoginAsync(page, "teacher", "teacher-password");
        foreach (var path in new[] { "/videos/upload", "/videos/live/new", "/my-library/videos", $"/videos/update/{_uuid}", $"/w/{_shortUuid}", $"/my-library/videos/{_uuid}/stats",
            "/my-library/video-playlists", $"/my-library/video-playlists/update/{_sequenceUuid}", $"/w/p/{_sequenceShortUuid}?playlistPosition=2", "/my-account/blocklist",
            "/admin/dashboard" })
        {
            await AuditAsync(path);
        }
        // The administrator's pages (the last one above is the teacher's refusal page).
        await using var adminContext = await _chromium.ContextAsync(_instance.BaseUrl, width);
        page = await adminContext.NewPageAsync();
        await Chromium.LoginAsync(page, "root", TestInstance.AdminPassword);
        foreach (var path in new[] { "/admin/dashboard", "/admin/academies/load", "/admin/follows", "/admin/jobs", "/admin/runners", "/admin/users",
            "/admin/users/new", "/admin/users/import", "/admin/settings", "/admin/reports", "/admin/blocklist", "/admin/audit" })
        {
            await AuditAsync(path);
        }
        await page.GotoAsync("/admin/users");
        var userPage = await page.EvaluateAsync<string?>("() => [...document.querySelectorAll('a')].map(a => a.getAttribute('href')).find(h => /^\\/admin\\/users\\/\\d+$/.test(h ?? '')) ?? null");
        Assert.That(userPage, Is.Not.Null, "the users page links to each user's page");
        await AuditAsync(userPage!);
        Assert.That(failures, Is.Empty);
    }
}
