using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Core.Data;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.IntegrationTests.Federation;
using VideoPlatform.IntegrationTests.Infrastructure;
using VideoPlatform.IntegrationTests.Media;
using VideoPlatform.IntegrationTests.Transcoder;
using VideoPlatform.IntegrationTests.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace VideoPlatform.IntegrationTests.Api;

/// <summary>
/// Audiences on one instance with one real transcoded lesson, in order: uploaded password-protected (PeerTube's privacy
/// 5) with downloads off; refused without its password and played with it (API, file token, media, watch and embed
/// pages); downloads refused to others; then restricted to a class ("5e B"): seen and listed by a member only, never
/// delivered to a follower, no torrent or swarm; embeds only on the allowed domains.
/// </summary>
[TestFixture(DbKind.Sqlite)]
[TestFixture(DbKind.Postgres)]
[Category("Ffmpeg")]
[NonParallelizable]
public sealed class AudienceTests(DbKind kind)
{
    private const string Password = "craie-verte";
    private const string Allowed = "ent.example.org";
    private MinimalFollower _mona = null!;
    private TestInstance _instance = null!;
    private HttpClient _teacher = null!;
    private HttpClient _student = null!;
    private string _uuid = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        FfmpegTool.RequireFfmpeg();
        _mona = await MinimalFollower.StartAsync();
        _instance = await FederationHarness.StartAsync(kind, "--Transcoder:Threads", "2", "--Instance:EmbedAllowedDomains:0", Allowed);
        _teacher = await _instance.CreateUserAsync("prof");
        _student = await _instance.CreateUserAsync("eleve");
        var clip = await Uploader.ClipAsync(Path.Combine(_instance.Database.Folder, "clips"), "lesson.mp4", seconds: 2, size: "320x180");
        using var form = new MultipartFormDataContent
        {
            { new StringContent("Les fractions"), "name" },
            { new StringContent((await Uploader.ChannelIdAsync(_teacher)).ToString(System.Globalization.CultureInfo.InvariantCulture)), "channelId" },
            { new StringContent("5"), "privacy" },
            { new StringContent(Password), "videoPasswords[]" },
            { new StringContent("tableau-noir"), "videoPasswords[]" },
            { new StringContent("false"), "downloadEnabled" },
        };
        var file = new ByteArrayContent(await File.ReadAllBytesAsync(clip));
        file.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
        form.Add(file, "videofile", "lesson.mp4");
        using var uploaded = await _teacher.PostAsync("/api/v1/videos/upload", form);
        Assert.That(uploaded.StatusCode, Is.EqualTo(HttpStatusCode.OK), await uploaded.Content.ReadAsStringAsync());
        _uuid = (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("video").GetProperty("uuid").GetString()!;
        await Uploader.WaitForStateAsync(_teacher, _uuid, 1, TimeSpan.FromMinutes(3));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _teacher?.Dispose();
        _student?.Dispose();
        if (_instance is not null)
        {
            await _instance.DisposeAsync();
        }
        if (_mona is not null)
        {
            await _mona.DisposeAsync();
        }
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> GetVideoAsync(HttpClient client, string? password = null) => GetVideoByUuidAsync(client, _uuid, password);

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetVideoByUuidAsync(HttpClient client, string uuid, string? password = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/videos/{uuid}");
        if (password is not null)
        {
            request.Headers.Add("x-peertube-video-password", password);
        }
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>
    /// A client of its own, without the cookie jar of <see cref="TestInstance.Http"/> (which keeps the cookies of every
    /// page session opened through it): anonymous, or one page session when given to <see cref="WebForms"/>.
    /// </summary>
    private HttpClient CookielessClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(_instance.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };

    private async Task<(WebForms Pages, HttpClient Client)> PagesOfAsync(string username)
    {
        var client = CookielessClient();
        var pages = new WebForms(client);
        using (await pages.LoginAsync(username, "password123"))
        {
        }
        return (pages, client);
    }

    private static string? Code(JsonElement problem) => problem.TryGetProperty("code", out var code) ? code.GetString() : null;

    private async Task<IReadOnlyList<string>> ListedUuidsAsync(HttpClient client, string path)
    {
        var list = await client.GetFromJsonAsync<JsonElement>(path);
        return list.GetProperty("data").EnumerateArray().Select(v => v.GetProperty("uuid").GetString()!).ToList();
    }

    [Test]
    [Order(1)]
    public async Task A_password_video_is_refused_without_its_password_and_played_with_it()
    {
        var (missing, missingBody) = await GetVideoAsync(_instance.Http);
        var (wrong, wrongBody) = await GetVideoAsync(_student, "pas-le-bon");
        var (right, video) = await GetVideoAsync(_instance.Http, Password);
        Assert.Multiple(() =>
        {
            Assert.That(missing, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(Code(missingBody), Is.EqualTo("video_requires_password"), "PeerTube's clients show their password form on this code");
            Assert.That(wrong, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(Code(wrongBody), Is.EqualTo("incorrect_video_password"));
            Assert.That(right, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(video.GetProperty("privacy").GetProperty("id").GetInt32(), Is.EqualTo(5));
        });
        // Like a private video: files under the private tree, no torrent, no swarm.
        var playlist = video.GetProperty("streamingPlaylists")[0];
        var master = playlist.GetProperty("playlistUrl").GetString()!;
        Assert.Multiple(() =>
        {
            Assert.That(master, Does.Contain("/static/streaming-playlists/hls/private/"));
            Assert.That(playlist.GetProperty("p2pMediaLoaderInfohashes").GetArrayLength(), Is.Zero);
            foreach (var file in playlist.GetProperty("files").EnumerateArray())
            {
                Assert.That(file.TryGetProperty("torrentUrl", out var t) ? t.GetString() : null, Is.Null);
                Assert.That(file.TryGetProperty("infoHash", out var h) ? h.GetString() : null, Is.Null);
            }
        });

        // PeerTube's file token, given for the password: it opens the media; nothing does without it.
        using (var anonymousMaster = await _instance.Http.GetAsync(new Uri(master).PathAndQuery))
        {
            Assert.That(anonymousMaster.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }
        using (var refusedToken = await _instance.Http.PostAsync($"/api/v1/videos/{_uuid}/token", null))
        {
            Assert.That(refusedToken.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        }
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/videos/{_uuid}/token");
        tokenRequest.Headers.Add("x-peertube-video-password", Password);
        using var tokenResponse = await _instance.Http.SendAsync(tokenRequest);
        Assert.That(tokenResponse.StatusCode, Is.EqualTo(HttpStatusCode.OK), await tokenResponse.Content.ReadAsStringAsync());
        var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("files").GetProperty("token").GetString()!;
        using (var withToken = await _instance.Http.GetAsync(new Uri(master).PathAndQuery + "?videoFileToken=" + Uri.EscapeDataString(token)))
        {
            Assert.That(withToken.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await withToken.Content.ReadAsStringAsync(), Does.StartWith("#EXTM3U"));
        }

        // Listed like unlisted: in no listing or search, for anyone but moderators.
        Assert.That(await ListedUuidsAsync(_instance.Http, "/api/v1/videos?count=100"), Does.Not.Contain(_uuid));
        Assert.That(await ListedUuidsAsync(_student, "/api/v1/videos?count=100"), Does.Not.Contain(_uuid));
        Assert.That(await ListedUuidsAsync(_student, "/api/v1/search/videos?search=fractions"), Does.Not.Contain(_uuid));

        // PeerTube's passwords API, for the owner.
        var passwords = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{_uuid}/passwords");
        Assert.That(passwords.GetProperty("total").GetInt32(), Is.EqualTo(2));
        Assert.That(passwords.GetProperty("data").EnumerateArray().Select(p => p.GetProperty("password").GetString()),
            Is.EquivalentTo(new[] { Password, "tableau-noir" }));
        using (var notOwner = await _student.GetAsync($"/api/v1/videos/{_uuid}/passwords"))
        {
            Assert.That(notOwner.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        }
        using (var replaced = await _teacher.PutAsJsonAsync($"/api/v1/videos/{_uuid}/passwords", new { passwords = new[] { Password } }))
        {
            Assert.That(replaced.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await replaced.Content.ReadAsStringAsync());
        }
        var (oldOne, _) = await GetVideoAsync(_instance.Http, "tableau-noir");
        Assert.That(oldOne, Is.EqualTo(HttpStatusCode.Forbidden), "a replaced password no longer opens the video");
        var onlyId = (await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{_uuid}/passwords")).GetProperty("data")[0].GetProperty("id").GetInt64();
        using (var last = await _teacher.DeleteAsync($"/api/v1/videos/{_uuid}/passwords/{onlyId}"))
        {
            Assert.That(last.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "the last password stays");
        }
        using (var tooShort = await _teacher.PutAsJsonAsync($"/api/v1/videos/{_uuid}/passwords", new { passwords = new[] { "a" } }))
        {
            Assert.That(tooShort.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        }
    }

    [Test]
    [Order(2)]
    public async Task The_watch_and_embed_pages_ask_for_the_password_in_French_and_play_with_it()
    {
        // Without a cookie jar: each page is asked for afresh (the password, once given, is remembered by a cookie).
        using var visitor = CookielessClient();
        foreach (var page in new[] { $"/w/{_uuid}", $"/videos/embed/{_uuid}" })
        {
            using var asked = await visitor.GetAsync(page);
            var askedHtml = await asked.Content.ReadAsStringAsync();
            Assert.That(asked.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), page);
            Assert.That(askedHtml, Does.Contain("name=\"videoPassword\"").And.Contain("Vidéo protégée par un mot de passe").And.Not.Contain("data-player"), page);

            using var wrong = await visitor.PostAsync(page, new FormUrlEncodedContent(new Dictionary<string, string> { ["videoPassword"] = "faux" }));
            Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), page);
            Assert.That(await wrong.Content.ReadAsStringAsync(), Does.Contain("Mot de passe incorrect.").And.Not.Contain("data-player"), page);

            using var right = await visitor.PostAsync(page, new FormUrlEncodedContent(new Dictionary<string, string> { ["videoPassword"] = Password }));
            var html = await right.Content.ReadAsStringAsync();
            Assert.That(right.StatusCode, Is.EqualTo(HttpStatusCode.OK), page);
            Assert.That(html, Does.Contain("data-player").And.Contain("/static/streaming-playlists/hls/private/"), page);
            var fileToken = System.Text.RegularExpressions.Regex.Match(html, "data-file-token=\"([^\"]+)\"").Groups[1].Value;
            Assert.That(fileToken, Is.Not.Empty, "the player gets a file token for the protected files");

            // Remembered for the browser session: a reload with the cookie plays without asking; a forged cookie does not.
            var remembered = right.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("vp_vpw_", StringComparison.Ordinal));
            Assert.That(remembered, Does.Contain("httponly").IgnoreCase.And.Not.Contain("expires=").IgnoreCase, "a session cookie, out of scripts' reach");
            var cookie = remembered.Split(';')[0];
            foreach (var (value, plays) in new[] { (cookie, true), (cookie[..cookie.IndexOf('=', StringComparison.Ordinal)] + "=forged", false) })
            {
                foreach (var reloaded in new[] { $"/w/{_uuid}", $"/videos/embed/{_uuid}" })
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, reloaded);
                    request.Headers.Add("Cookie", value);
                    using var again = await visitor.SendAsync(request);
                    var againHtml = await again.Content.ReadAsStringAsync();
                    Assert.That(again.StatusCode, Is.EqualTo(plays ? HttpStatusCode.OK : HttpStatusCode.Forbidden), $"{page} then {reloaded}");
                    Assert.That(againHtml, plays ? Does.Contain("data-player") : Does.Contain("name=\"videoPassword\""), $"{page} then {reloaded}");
                }
            }
        }
        if (kind == DbKind.Sqlite)
        {
            // The browser part depends on no database: once. A school page on the allowed domain frames the embed, gets
            // the password form, and plays; a page of another site is refused the frame (CSP frame-ancestors).
            await EmbedInChromiumAsync();
        }
    }

    private async Task EmbedInChromiumAsync()
    {
        // Two school pages on other 127.0.0.1 ports; the video allows the first.
        await using var ent = await SchoolPageAsync();
        await using var other = await SchoolPageAsync();
        using (var allow = await _teacher.PutAsJsonAsync($"/api/v1/videos/{_uuid}", new { embedAllowedDomains = new[] { new Uri(ent.Url).Authority } }))
        {
            Assert.That(allow.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await allow.Content.ReadAsStringAsync());
        }
        await using var chromium = await Chromium.LaunchAsync();
        await using var context = await chromium.ContextAsync(_instance.BaseUrl);
        foreach (var school in new[] { ent, other })
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync(school.Url + "/cours", new() { WaitUntil = WaitUntilState.Load });
            var embedded = new List<IFrame>();
            foreach (var frame in page.Frames.Where(f => f != page.MainFrame))
            {
                if (await frame.QuerySelectorAsync("#video-password") is not null)
                {
                    embedded.Add(frame);
                }
            }
            if (school == other)
            {
                Assert.That(embedded, Is.Empty, "a page of another site cannot frame the embed");
                continue;
            }
            Assert.That(embedded, Has.Count.EqualTo(1), "the allowed school page frames the embed, which asks for the password");
            var embed = embedded[0];
            await embed.FillAsync("#video-password", Password);
            await embed.ClickAsync("button[type=submit]");
            await embed.WaitForSelectorAsync("[data-player] video", new() { Timeout = 30_000 });
            await embed.EvaluateAsync("() => { const v = document.querySelector('video'); v.muted = true; v.play(); }");
            await embed.WaitForFunctionAsync("() => document.querySelector('video').currentTime > 0.3", null, new() { Timeout = 30_000, PollingInterval = 200 });

            // Reloaded, the embed plays without asking again: the password is remembered for the session.
            await page.ReloadAsync(new() { WaitUntil = WaitUntilState.Load });
            var reloaded = page.Frames.Single(f => f != page.MainFrame);
            await reloaded.WaitForSelectorAsync("[data-player] video", new() { Timeout = 30_000 });
            Assert.That(await reloaded.QuerySelectorAsync("#video-password"), Is.Null, "no password asked after a reload");
        }
    }

    /// <summary>A school's page on 127.0.0.1 (its own port) framing the lesson's embed.</summary>
    private async Task<SchoolPage> SchoolPageAsync()
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var html = $"""
            <!DOCTYPE html><html lang="fr"><head><title>ENT</title></head><body>
            <iframe id="lesson" title="Leçon" width="640" height="400" src="{_instance.BaseUrl}/videos/embed/{_uuid}"></iframe>
            </body></html>
            """;
        app.MapGet("/cours", () => Results.Content(html, "text/html; charset=utf-8"));
        await app.StartAsync();
        var url = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();
        return new SchoolPage(app, url);
    }

    private sealed record SchoolPage(Microsoft.AspNetCore.Builder.WebApplication App, string Url) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    [Test]
    [Order(3)]
    public async Task With_downloads_off_others_get_no_download_url_and_the_download_is_refused()
    {
        var (_, seen) = await GetVideoAsync(_student, Password);
        var (_, owned) = await GetVideoAsync(_teacher);
        var others = seen.GetProperty("files").EnumerateArray().ToList();
        var mine = owned.GetProperty("files").EnumerateArray().ToList();
        Assert.That(others, Is.Not.Empty, "web videos are listed in files[]");
        Assert.Multiple(() =>
        {
            Assert.That(seen.GetProperty("downloadEnabled").GetBoolean(), Is.False);
            Assert.That(others.All(f => !f.TryGetProperty("fileDownloadUrl", out _)), Is.True, "fileDownloadUrl left out, as PeerTube");
            Assert.That(mine.All(f => f.TryGetProperty("fileDownloadUrl", out _)), Is.True, "the owner keeps it");
        });
        var download = new Uri(mine[0].GetProperty("fileDownloadUrl").GetString()!).AbsolutePath;
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/videos/{_uuid}/token");
        tokenRequest.Headers.Add("x-peertube-video-password", Password);
        using var tokenResponse = await _student.SendAsync(tokenRequest);
        var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("files").GetProperty("token").GetString()!;
        using (var refused = await _student.GetAsync(download + "?videoFileToken=" + Uri.EscapeDataString(token)))
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "a viewer with the password still cannot download");
        }
        using var allowed = await _teacher.GetAsync(download, HttpCompletionOption.ResponseHeadersRead);
        Assert.That(allowed.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the owner downloads");
    }

    [Test]
    [Order(4)]
    public async Task A_class_video_is_seen_and_listed_by_members_only_and_never_federated_or_shared()
    {
        var channel = (await _instance.Services.GetRequiredService<ActorRepository>().FindLocalAsync(ActorTypes.Group, "prof_channel"))!;
        await _mona.FollowAsync(_instance, channel.Url);
        var users = _instance.Services.GetRequiredService<UserRepository>();
        var member = (await users.FindByLoginAsync("eleve"))!;
        await _instance.Services.GetRequiredService<Database>().WriteAsync((c, t) => UserRepository.ReplaceGroupsAsync(c, t, member.Id, ["5e B"]));
        using var outsider = await _instance.CreateUserAsync("autre");

        using (var restricted = await _teacher.PutAsJsonAsync($"/api/v1/videos/{_uuid}", new { audienceGroups = new[] { "5e B" } }))
        {
            Assert.That(restricted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await restricted.Content.ReadAsStringAsync());
        }
        using (var contradictory = await _teacher.PutAsJsonAsync($"/api/v1/videos/{_uuid}", new { privacy = 1 }))
        {
            Assert.That(contradictory.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "a class video cannot be public");
        }
        var (_, owned) = await GetVideoAsync(_teacher);
        var (memberStatus, seen) = await GetVideoAsync(_student);
        var (outsiderStatus, refusal) = await GetVideoAsync(outsider);
        var (anonymousStatus, _) = await GetVideoAsync(_instance.Http);
        Assert.Multiple(() =>
        {
            Assert.That(owned.GetProperty("privacy").GetProperty("id").GetInt32(), Is.EqualTo(4), "a class audience restricts an internal video");
            Assert.That(owned.GetProperty("audienceGroups").EnumerateArray().Select(g => g.GetString()), Is.EqualTo(new[] { "5e B" }));
            Assert.That(memberStatus, Is.EqualTo(HttpStatusCode.OK), "a member of 5e B");
            Assert.That(seen.TryGetProperty("audienceGroups", out _), Is.False, "the groups are shown to those who manage the video");
            Assert.That(outsiderStatus, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(Code(refusal), Is.EqualTo("video_restricted_to_groups"));
            Assert.That(refusal.GetProperty("detail").GetString(), Does.Contain("5e B"));
            Assert.That(anonymousStatus, Is.EqualTo(HttpStatusCode.Unauthorized));
        });
        var playlist = seen.GetProperty("streamingPlaylists")[0];
        Assert.That(playlist.GetProperty("p2pMediaLoaderInfohashes").GetArrayLength(), Is.Zero, "no swarm");
        Assert.That(playlist.GetProperty("files").EnumerateArray().All(f => !f.TryGetProperty("infoHash", out var h) || h.ValueKind == JsonValueKind.Null),
            Is.True, "no torrent");
        Assert.That(await _instance.Services.GetRequiredService<TorrentRepository>().SwarmIdsAsync(seen.GetProperty("id").GetInt64()), Is.Empty);

        // The pages: the member watches it; another student is told which classes it is for.
        var outsiderPages = new WebForms(_instance.Http);
        using (await outsiderPages.LoginAsync("autre", "password123"))
        {
        }
        using (var page = await outsiderPages.SendAsync(HttpMethod.Get, $"/w/{_uuid}"))
        {
            Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync()), Does.Contain("Cette leçon est réservée aux classes : 5e B."));
        }
        var memberPages = new WebForms(_instance.Http);
        using (await memberPages.LoginAsync("eleve", "password123"))
        {
        }
        using (var page = await memberPages.SendAsync(HttpMethod.Get, $"/w/{_uuid}"))
        {
            Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await page.Content.ReadAsStringAsync(), Does.Contain("data-player"));
        }

        // Listed for its members (recent videos, search, the channel), never for anyone else, through the API and the pages;
        // the listings are cached per audience, so each viewer's listing is read twice (the second one from the cache).
        var listings = new[]
        {
            "/api/v1/videos?count=100", "/api/v1/videos?count=100&privacyOneOf=4", "/api/v1/search/videos?search=fractions",
            "/api/v1/video-channels/prof_channel/videos?count=100", "/api/v1/accounts/prof/videos?count=100",
        };
        foreach (var (client, who, listsIt) in new[] { (_student, "the member", true), (outsider, "another student", false), (_instance.Http, "anonymous", false) })
        {
            foreach (var path in listings.Concat(listings))
            {
                var listed = await ListedUuidsAsync(client, path);
                Assert.That(listed, listsIt ? Does.Contain(_uuid) : Does.Not.Contain(_uuid), $"{who}: {path}");
            }
        }
        var watchLink = $"href=\"/w/{owned.GetProperty("shortUUID").GetString()}\"";
        var (memberOnly, memberClient) = await PagesOfAsync("eleve");
        var (outsiderOnly, outsiderClient) = await PagesOfAsync("autre");
        using var disposeMember = memberClient;
        using var disposeOutsider = outsiderClient;
        foreach (var page in new[] { "/", "/search?q=fractions", "/c/prof_channel" })
        {
            using var memberPage = await memberOnly.SendAsync(HttpMethod.Get, page);
            using var outsiderPage = await outsiderOnly.SendAsync(HttpMethod.Get, page);
            Assert.That(await memberPage.Content.ReadAsStringAsync(), Does.Contain(watchLink), $"the member's {page}");
            Assert.That(await outsiderPage.Content.ReadAsStringAsync(), Does.Not.Contain(watchLink), $"another student's {page}");
        }

        // Never federated: a public lesson published after it reaches the channel's follower, the class lesson never does.
        var control = await _instance.PublishVideoAsync("prof_channel", "Les volcans");
        await FederationHarness.EventuallyAsync(() => Task.FromResult<object?>(
            _mona.Received("Announce").Any(a => a.GetProperty("object").GetString() == control.Url) ? true : null), "the Announce of the public lesson");
        var classUrl = owned.GetProperty("url").GetString()!;
        var all = new[] { "Create", "Update", "Announce", "Delete" }.SelectMany(_mona.Received).Select(a => a.GetRawText());
        Assert.That(all.Where(a => a.Contains(classUrl, StringComparison.Ordinal)), Is.Empty, "nothing about the class lesson reached the follower");
    }

    [Test]
    [Order(5)]
    public async Task A_class_videos_images_captions_and_hash_file_reach_its_audience_only_by_url()
    {
        using (var caption = await _teacher.PutAsync($"/api/v1/videos/{_uuid}/captions/fr",
            VideoPlatform.IntegrationTests.Captions.CaptionApiTests.CaptionForm("WEBVTT\n\n00:00.500 --> 00:01.500\nLes fractions\n", "lecon.vtt")))
        {
            Assert.That(caption.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await caption.Content.ReadAsStringAsync());
        }
        var (_, video) = await GetVideoAsync(_student);
        var captions = await _student.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{_uuid}/captions");
        var urls = new[]
        {
            video.GetProperty("thumbnailPath").GetString()!,
            video.GetProperty("previewPath").GetString()!,
            captions.GetProperty("data")[0].GetProperty("captionPath").GetString()!,
            new Uri(video.GetProperty("streamingPlaylists")[0].GetProperty("segmentsSha256Url").GetString()!).PathAndQuery,
        };
        using var outsider = _instance.Authed(await _instance.TokenAsync("autre", "password123"));
        using var nobody = CookielessClient();
        var (memberPages, memberClient) = await PagesOfAsync("eleve");
        using var disposeMember = memberClient;
        foreach (var url in urls)
        {
            using var anonymous = await nobody.GetAsync(url);
            using var other = await outsider.GetAsync(url);
            using var member = await _student.GetAsync(url);
            using var teacher = await _teacher.GetAsync(url);
            // What the member's browser does: an img element sends the session cookie and nothing else.
            using var memberBrowser = await memberPages.SendAsync(HttpMethod.Get, url);
            Assert.Multiple(() =>
            {
                Assert.That((int)anonymous.StatusCode, Is.AnyOf(401, 403, 404), $"anonymous: {url}");
                Assert.That((int)other.StatusCode, Is.AnyOf(403, 404), $"another student: {url}");
                Assert.That(member.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"the member: {url}");
                Assert.That(teacher.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"the teacher: {url}");
                Assert.That(member.Headers.CacheControl?.Public, Is.Not.True, $"never kept by shared caches: {url}");
            });
            // Images (img elements send the cookie only); the player fetches captions and hashes with its file token.
            if (url.StartsWith("/lazy-static/thumbnails/", StringComparison.Ordinal) || url.StartsWith("/lazy-static/previews/", StringComparison.Ordinal))
            {
                Assert.That(memberBrowser.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"the member's page: {url}");
            }
        }

        // The password-protected lesson (PeerTube's rule): its thumbnail is public, as it is listed with a lock; its caption and
        // hash file need the password's file token.
        using (var open = await _teacher.PutAsJsonAsync($"/api/v1/videos/{_uuid}", new { audienceGroups = Array.Empty<string>(), privacy = 5, videoPasswords = new[] { Password } }))
        {
            Assert.That(open.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await open.Content.ReadAsStringAsync());
        }
        var (_, locked) = await GetVideoAsync(_teacher);
        var lockedCaption = (await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{_uuid}/captions")).GetProperty("data")[0].GetProperty("captionPath").GetString()!;
        var lockedHashes = new Uri(locked.GetProperty("streamingPlaylists")[0].GetProperty("segmentsSha256Url").GetString()!).PathAndQuery;
        using (var thumbnail = await nobody.GetAsync(locked.GetProperty("thumbnailPath").GetString()))
        {
            Assert.That(thumbnail.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a password video's thumbnail is public, as PeerTube's");
        }
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/videos/{_uuid}/token");
        tokenRequest.Headers.Add("x-peertube-video-password", Password);
        using var tokenResponse = await nobody.SendAsync(tokenRequest);
        var token = Uri.EscapeDataString((await tokenResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("files").GetProperty("token").GetString()!);
        foreach (var url in new[] { lockedCaption, lockedHashes })
        {
            using var without = await nobody.GetAsync(url);
            using var with = await nobody.GetAsync(url + "?videoFileToken=" + token);
            Assert.That((int)without.StatusCode, Is.AnyOf(401, 404), $"without the password: {url}");
            Assert.That(with.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"with the password's file token: {url}");
        }
        Assert.That(locked.GetProperty("streamingPlaylists")[0].GetProperty("files").EnumerateArray().All(f => !f.TryGetProperty("torrentUrl", out var t) || t.ValueKind == JsonValueKind.Null),
            Is.True, "no torrent for a password video");
    }

    [Test]
    [Order(6)]
    public async Task Embeds_are_framed_only_by_the_allowed_domains()
    {
        var lesson = await _instance.PublishVideoAsync("prof_channel", "Le cycle de l'eau");
        var embed = $"/videos/embed/{lesson.Uuid}";

        async Task<(HttpStatusCode Status, string Csp, string Html)> FramedAsync(string? parent)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, embed);
            if (parent is not null)
            {
                request.Headers.Add("Sec-Fetch-Dest", "iframe");
                request.Headers.Add("Sec-Fetch-Site", "cross-site");
                request.Headers.Referrer = new Uri(parent);
            }
            using var response = await _instance.Http.SendAsync(request);
            return (response.StatusCode, response.Headers.GetValues("Content-Security-Policy").Single(), WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
        }

        var (plainStatus, csp, _) = await FramedAsync(null);
        var (foreignStatus, _, foreignHtml) = await FramedAsync("http://evil.example/page");
        var (allowedStatus, _, allowedHtml) = await FramedAsync($"https://{Allowed}/cours");
        Assert.Multiple(() =>
        {
            Assert.That(plainStatus, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(csp, Does.Contain($"frame-ancestors 'self' http://{Allowed} https://{Allowed}").And.Not.Contain("frame-ancestors *"));
            Assert.That(foreignStatus, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(foreignHtml, Does.Contain("Cette vidéo ne peut pas être intégrée sur ce site."));
            Assert.That(allowedStatus, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(allowedHtml, Does.Not.Contain("ne peut pas être intégrée"));
        });

        // The video's own list replaces the instance's.
        using (var set = await _teacher.PutAsJsonAsync($"/api/v1/videos/{lesson.Uuid}", new { embedAllowedDomains = new[] { "moodle.example.net:8443" } }))
        {
            Assert.That(set.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await set.Content.ReadAsStringAsync());
        }
        using (var bad = await _teacher.PutAsJsonAsync($"/api/v1/videos/{lesson.Uuid}", new { embedAllowedDomains = new[] { "https://moodle.example.net/x" } }))
        {
            Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        }
        var (_, ownCsp, _) = await FramedAsync(null);
        var (refusedStatus, _, _) = await FramedAsync($"https://{Allowed}/cours");
        var (moodleStatus, _, _) = await FramedAsync("https://moodle.example.net:8443/course/view.php");
        Assert.Multiple(() =>
        {
            Assert.That(ownCsp, Does.Contain("frame-ancestors 'self' http://moodle.example.net:8443 https://moodle.example.net:8443"));
            Assert.That(refusedStatus, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(moodleStatus, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    [Order(7)]
    public async Task The_upload_page_sends_passwords_and_class_groups_with_the_resumable_upload()
    {
        // The page offers what the edit page offers: the password privacy, the passwords field and the directory's groups.
        var (teacherPages, teacherClient) = await PagesOfAsync("prof");
        using var disposeTeacher = teacherClient;
        using (var upload = await teacherPages.SendAsync(HttpMethod.Get, "/videos/upload"))
        {
            var html = WebUtility.HtmlDecode(await upload.Content.ReadAsStringAsync());
            Assert.That(upload.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(html, Does.Contain("<option value=\"5\">Protégée par mot de passe</option>")
                .And.Contain("name=\"passwords\"").And.Contain("list=\"known-groups\"").And.Contain("<option value=\"5e B\">"));
        }
        if (kind != DbKind.Sqlite)
        {
            return; // the browser part depends on no database: once, on SQLite
        }
        var clip = Path.Combine(_instance.Database.Folder, "clips", "lesson.mp4");
        await using var chromium = await Chromium.LaunchAsync();
        await using var context = await chromium.ContextAsync(_instance.BaseUrl);
        var page = await context.NewPageAsync();
        var errors = Chromium.WatchErrors(page);
        var failed = new System.Collections.Concurrent.ConcurrentQueue<string>();
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                failed.Enqueue($"{response.Status} {response.Request.Method} {response.Url}");
            }
        };
        var sessions = 0;
        page.Request += (_, request) =>
        {
            if (request.Method == "POST" && request.Url.Contains("/api/v1/videos/upload-resumable", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref sessions);
            }
        };
        // Signed in straight to the upload page (the home page would show the seeded lessons, which have no image files).
        await page.GotoAsync("/login?returnUrl=%2Fvideos%2Fupload");
        await page.GetByLabel("Identifiant ou adresse électronique").FillAsync("prof");
        await page.GetByLabel("Mot de passe").FillAsync("password123");
        await page.GetByRole(AriaRole.Button, new() { Name = "Se connecter" }).ClickAsync();
        await page.WaitForURLAsync("**/videos/upload");

        async Task<JsonElement> UploadAsync(string title)
        {
            await page.GetByLabel("Titre").FillAsync(title);
            // The keyboard sends the form, as it would for anyone not using a mouse.
            await page.GetByRole(AriaRole.Button, new() { Name = "Envoyer" }).FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await page.WaitForFunctionAsync("() => ['transcoding', 'published'].includes(document.querySelector('form[data-uploader]').dataset.state)",
                null, new() { Timeout = 60_000, PollingInterval = 200 });
            var mine = await _teacher.GetFromJsonAsync<JsonElement>("/api/v1/users/me/videos?count=5");
            var uuid = mine.GetProperty("data").EnumerateArray().First(v => v.GetProperty("name").GetString() == title).GetProperty("uuid").GetString()!;
            return (await GetVideoByUuidAsync(_teacher, uuid)).Body;
        }

        // Password privacy: refused in French without a password and with a too short one, before anything is sent.
        await page.Locator("input[type=file]").SetInputFilesAsync(clip);
        await page.GetByLabel("Visibilité").SelectOptionAsync("5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Envoyer" }).ClickAsync();
        await Assertions.Expect(page.Locator("#upload-error")).ToHaveTextAsync("Une vidéo protégée par mot de passe a besoin d'au moins un mot de passe.");
        await Assertions.Expect(page.Locator("#passwords")).ToHaveAttributeAsync("aria-invalid", "true");
        await page.Locator("#passwords").FillAsync("a");
        await page.GetByRole(AriaRole.Button, new() { Name = "Envoyer" }).ClickAsync();
        await Assertions.Expect(page.Locator("#upload-error")).ToHaveTextAsync("Chaque mot de passe compte de 2 à 100 caractères, sans doublon.");
        Assert.That(sessions, Is.Zero, "nothing was sent for a refused form");
        await page.Locator("#passwords").FillAsync("craie-verte\n  tableau-noir  \n");
        var locked = await UploadAsync("Les décimales");
        Assert.That(locked.GetProperty("privacy").GetProperty("id").GetInt32(), Is.EqualTo(5));
        var passwords = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{locked.GetProperty("uuid").GetString()}/passwords");
        Assert.That(passwords.GetProperty("data").EnumerateArray().Select(p => p.GetProperty("password").GetString()),
            Is.EquivalentTo(new[] { "craie-verte", "tableau-noir" }));

        // Class groups, typed with the suggestions the page offers: the video is internal and restricted to them.
        await page.GotoAsync("/videos/upload");
        await page.Locator("input[type=file]").SetInputFilesAsync(clip);
        await page.GetByLabel("Réservée aux classes").FillAsync("5e B, Club théâtre, 5e B");
        var restricted = await UploadAsync("Les pourcentages");
        Assert.Multiple(() =>
        {
            Assert.That(restricted.GetProperty("privacy").GetProperty("id").GetInt32(), Is.EqualTo(4));
            Assert.That(restricted.GetProperty("audienceGroups").EnumerateArray().Select(g => g.GetString()), Is.EqualTo(new[] { "5e B", "Club théâtre" }));
            Assert.That(sessions, Is.EqualTo(2));
            Assert.That(errors, Is.Empty, string.Join("; ", failed));
        });
    }
}
