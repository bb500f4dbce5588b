using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using VideoPlatform.Core.Domain;
using VideoPlatform.IntegrationTests.Infrastructure;
using VideoPlatform.IntegrationTests.Media;

namespace VideoPlatform.IntegrationTests.Api;

/// <summary>Issue 11's abuse limits, headers and the upload page's session, on an instance with the default limits.</summary>
[TestFixture(DbKind.Sqlite)]
[TestFixture(DbKind.Postgres)]
[Category("Http")]
[Category("Db")]
public sealed class AbuseLimitTests(DbKind kind)
{
    private TestInstance _instance = null!;

    [OneTimeSetUp]
    public async Task Start() => _instance = await TestInstance.StartAsync(kind, "--Instance:SignupEnabled", "true");

    [OneTimeTearDown]
    public async Task Stop() => await _instance.DisposeAsync();

    internal static async Task<HttpResponseMessage> PasswordGrantAsync(HttpClient http, string username, string password, string? forwardedFor = null)
    {
        var client = await http.GetFromJsonAsync<JsonElement>("/api/v1/oauth-clients/local");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/users/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["client_id"] = client.GetProperty("client_id").GetString()!,
                ["client_secret"] = client.GetProperty("client_secret").GetString()!,
                ["grant_type"] = "password",
                ["username"] = username,
                ["password"] = password,
            }),
        };
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }
        return await http.SendAsync(request);
    }

    internal static async Task AssertTooManyRequestsAsync(HttpResponseMessage response)
    {
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), await response.Content.ReadAsStringAsync());
        Assert.That(response.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero), "Retry-After in seconds");
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32(), Is.EqualTo(429));
    }

    [Test]
    public async Task Three_hundred_password_guesses_on_the_api_are_stopped_by_the_default_limits()
    {
        (await _instance.CreateUserAsync("guessed", "the-right-password")).Dispose();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? firstRefusal = null;
        for (var i = 0; i < 300; i++)
        {
            var response = await PasswordGrantAsync(_instance.Http, "guessed", $"guess-{i}");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && firstRefusal is null)
            {
                firstRefusal = response;
            }
            else
            {
                response.Dispose();
            }
        }
        Assert.That(statuses.Count(s => s == HttpStatusCode.BadRequest), Is.EqualTo(10), "10 wrong passwords per account are checked, no more");
        Assert.That(statuses.Skip(10), Is.All.EqualTo(HttpStatusCode.TooManyRequests));
        await AssertTooManyRequestsAsync(firstRefusal!);
        firstRefusal!.Dispose();
        using var right = await PasswordGrantAsync(_instance.Http, "guessed", "the-right-password");
        Assert.That(right.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "within the window even the right password waits");
        // Other accounts from the same IP are not locked out by one account's guesses.
        Assert.That(await _instance.TokenAsync(), Is.Not.Empty);
    }

    [Test]
    public async Task Password_guesses_on_the_login_page_are_answered_429()
    {
        (await _instance.CreateUserAsync("pageguessed", "the-right-password")).Dispose();
        var forms = new WebForms(_instance.Http);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++)
        {
            using var response = await forms.LoginAsync("pageguessed", $"guess-{i}");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.That(response.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero));
                Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("Trop de tentatives de connexion"));
            }
        }
        Assert.That(statuses.Take(10), Is.All.EqualTo(HttpStatusCode.OK), "the form again with its error");
        Assert.That(statuses.Skip(10), Is.All.EqualTo(HttpStatusCode.TooManyRequests));
    }

    [Test]
    public async Task Password_rule_at_least_8_characters_and_not_the_username()
    {
        using var admin = _instance.Authed(await _instance.TokenAsync());
        foreach (var (username, password, expected) in new[] { ("shorty", "1234567", "8 to 255"), ("samename", "samename", "not be the username"), ("samecase", "SameCase", "not be the username") })
        {
            using var created = await admin.PostAsJsonAsync("/api/v1/users", new { username, password, email = $"{username}@example.org", role = 2 });
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), username);
            Assert.That((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), Does.Contain(expected));
            using var registered = await _instance.Http.PostAsJsonAsync("/api/v1/users/register", new { username, password, email = $"{username}@example.org" });
            Assert.That(registered.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), username);
        }
        using var ok = await admin.PostAsJsonAsync("/api/v1/users", new { username = "eightchr", password = "12345678", email = "eightchr@example.org", role = 2 });
        Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK), await ok.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task A_view_counts_once_per_viewer_and_video_in_the_window()
    {
        var video = await _instance.SeedVideoAsync("root_channel", "Vue unique");
        // Read as a signed-in user: anonymous answers are briefly cached.
        using var reader = _instance.Authed(await _instance.TokenAsync());
        async Task<long> ViewsAsync() => (await reader.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{video.Uuid}")).GetProperty("views").GetInt64();

        for (var i = 0; i < 20; i++)
        {
            using var response = await _instance.Http.PostAsync($"/api/v1/videos/{video.Uuid}/views", null);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }
        Assert.That(await ViewsAsync(), Is.EqualTo(1), "one anonymous viewer (one IP)");
        using var student = await _instance.CreateUserAsync("viewer");
        for (var i = 0; i < 5; i++)
        {
            using var response = await student.PostAsync($"/api/v1/videos/{video.Uuid}/views", null);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }
        Assert.That(await ViewsAsync(), Is.EqualTo(2), "a signed-in viewer is another viewer, counted once");

        // The web player reports with the session cookie: a signed-in pupil on the school's shared IP still counts.
        (await _instance.CreateUserAsync("pupil", "pupil-password")).Dispose();
        var browser = new WebForms(_instance.Http);
        (await browser.LoginAsync("pupil", "pupil-password")).Dispose();
        for (var i = 0; i < 3; i++)
        {
            using var response = await browser.SendAsync(HttpMethod.Post, $"/api/v1/videos/{video.Uuid}/views", null, r => r.Headers.Add("X-VP-Session", "1"));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }
        Assert.That(await ViewsAsync(), Is.EqualTo(3));
    }

    [Test]
    public async Task Security_headers_on_pages_api_and_embed()
    {
        var video = await _instance.SeedVideoAsync("root_channel", "Intégrable");
        foreach (var path in new[] { "/", "/login", "/api/v1/config", "/api/v1/videos", $"/videos/embed/{video.Uuid}" })
        {
            using var response = await _instance.Http.GetAsync(path);
            var csp = response.Headers.TryGetValues("Content-Security-Policy", out var values) ? values.Single() : "";
            Assert.That(csp, Does.Contain("script-src 'self'").And.Contain("object-src 'none'"), path);
            Assert.That(csp, Does.Not.Contain("unsafe-inline").And.Not.Contain("unsafe-eval"), path);
            Assert.That(response.Headers.GetValues("X-Content-Type-Options").Single(), Is.EqualTo("nosniff"), path);
            Assert.That(response.Headers.Contains("Referrer-Policy"), Is.True, path);
            Assert.That(response.Headers.Contains("Strict-Transport-Security"), Is.False, "no HSTS on an http instance: " + path);
            if (path.StartsWith("/videos/embed/", StringComparison.Ordinal))
            {
                Assert.That(csp, Does.Contain("frame-ancestors *"), "the embed page is made to be framed");
                Assert.That(response.Headers.Contains("X-Frame-Options"), Is.False);
            }
            else
            {
                Assert.That(csp, Does.Contain("frame-ancestors 'none'"), path);
                Assert.That(response.Headers.GetValues("X-Frame-Options").Single(), Is.EqualTo("DENY"), path);
            }
        }
        // The API reference alone may run its inline configuration script; it still cannot be framed.
        using var docs = await _instance.Http.GetAsync("/api-docs/");
        Assert.That(docs.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain("frame-ancestors 'none'").And.Contain("object-src 'none'"));
        Assert.That(docs.Headers.GetValues("X-Content-Type-Options").Single(), Is.EqualTo("nosniff"));
    }

    [Test]
    public async Task Upload_page_holds_no_token_and_its_session_uploads_only_with_the_same_origin_header()
    {
        (await _instance.CreateUserAsync("uploader", "uploader-password")).Dispose();
        var forms = new WebForms(_instance.Http);
        using (var login = await forms.LoginAsync("uploader", "uploader-password"))
        {
            Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        }
        var access = forms.Cookies["vp_access"];
        var refresh = forms.Cookies["vp_refresh"];
        using var page = await forms.SendAsync(HttpMethod.Get, "/videos/upload");
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var html = await page.Content.ReadAsStringAsync();
        Assert.That(html, Does.Contain("data-uploader"));
        Assert.That(html, Does.Not.Contain(access).And.Not.Contain(refresh).And.Not.Contain("data-token"));

        using var bearer = _instance.Authed(await _instance.TokenAsync("uploader", "uploader-password"));
        var channelId = await Uploader.ChannelIdAsync(bearer);
        HttpContent Metadata() => JsonContent.Create(new { name = "Depuis la page", channelId, privacy = 1, filename = "lecon.mp4" });
        void Upload(HttpRequestMessage r)
        {
            r.Headers.Add("X-Upload-Content-Length", "1000");
            r.Headers.Add("X-Upload-Content-Type", "video/mp4");
        }
        using (var cookieOnly = await forms.SendAsync(HttpMethod.Post, Uploader.ResumablePath, Metadata(), Upload))
        {
            Assert.That(cookieOnly.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the cookie alone (a cross-site form) authenticates nothing");
        }
        using (var crossSite = await forms.SendAsync(HttpMethod.Post, Uploader.ResumablePath, Metadata(), r =>
        {
            Upload(r);
            r.Headers.Add("X-VP-Session", "1");
            r.Headers.Add("Origin", "https://evil.example");
        }))
        {
            Assert.That(crossSite.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "another origin is refused");
        }
        using var sameOrigin = await forms.SendAsync(HttpMethod.Post, Uploader.ResumablePath, Metadata(), r =>
        {
            Upload(r);
            r.Headers.Add("X-VP-Session", "1");
            r.Headers.Add("Origin", _instance.BaseUrl);
            r.Headers.Add("Sec-Fetch-Site", "same-origin");
        });
        Assert.That(sameOrigin.StatusCode, Is.EqualTo(HttpStatusCode.Created), await sameOrigin.Content.ReadAsStringAsync());
        Assert.That(sameOrigin.Headers.Location!.OriginalString, Is.EqualTo($"//{_instance.Host}{Uploader.ResumablePath}?upload_id={Uploader.UploadId(sameOrigin)}"));
        using var elsewhere = new HttpRequestMessage(HttpMethod.Get, "/api/v1/users/me");
        elsewhere.Headers.Add("Cookie", $"vp_access={access}");
        elsewhere.Headers.Add("X-VP-Session", "1");
        using var me = await _instance.Http.SendAsync(elsewhere);
        Assert.That(me.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "only the endpoints the pages' scripts call accept the session");
    }
}

/// <summary>Behind a TLS proxy: 127.0.0.1 is the known proxy, clients are named by X-Forwarded-For, the public URL is https.</summary>
[TestFixture(DbKind.Sqlite)]
[TestFixture(DbKind.Postgres)]
[Category("Http")]
[Category("Db")]
public sealed class ReverseProxyTests(DbKind kind)
{
    private const string PublicHost = "videos.academie.test";
    private TestInstance _instance = null!;

    [OneTimeSetUp]
    public async Task Start() => _instance = await TestInstance.StartAsync(kind,
        "--Instance:PublicUrl", $"https://{PublicHost}",
        "--Instance:SignupEnabled", "true",
        "--Proxy:KnownProxies", "127.0.0.1",
        "--RateLimits:Login:FailuresPerIp", "3",
        "--RateLimits:Login:FailuresPerAccount", "100",
        "--RateLimits:Login:Window", "00:00:06",
        "--RateLimits:Signup:Permits", "2",
        "--RateLimits:Signup:Window", "00:10:00",
        "--P2P:Tracker:MaxWebSocketsPerIp", "2");

    [OneTimeTearDown]
    public async Task Stop() => await _instance.DisposeAsync();

    [Test]
    public async Task Login_limit_is_per_forwarded_client_ip_and_lifts_after_the_window()
    {
        (await _instance.CreateUserAsync("teacher", "teacher-password")).Dispose();
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await AbuseLimitTests.PasswordGrantAsync(_instance.Http, $"someone{i}", "wrong-password", "203.0.113.5");
            Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        }
        TimeSpan wait;
        using (var refused = await AbuseLimitTests.PasswordGrantAsync(_instance.Http, "teacher", "teacher-password", "203.0.113.5"))
        {
            await AbuseLimitTests.AssertTooManyRequestsAsync(refused);
            wait = refused.Headers.RetryAfter!.Delta!.Value;
            Assert.That(wait, Is.LessThanOrEqualTo(TimeSpan.FromSeconds(6)), "the wait is what is left of the 6 s window");
        }
        using (var otherClient = await AbuseLimitTests.PasswordGrantAsync(_instance.Http, "teacher", "teacher-password", "203.0.113.6"))
        {
            Assert.That(otherClient.StatusCode, Is.EqualTo(HttpStatusCode.OK), "another client behind the same proxy is not limited");
        }
        await Task.Delay(wait + TimeSpan.FromMilliseconds(200));
        using var after = await AbuseLimitTests.PasswordGrantAsync(_instance.Http, "teacher", "teacher-password", "203.0.113.5");
        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the right password works once the window has passed");
    }

    [Test]
    public async Task Login_page_throttled_then_allowed_with_secure_cookies_and_hsts()
    {
        (await _instance.CreateUserAsync("pageuser", "pageuser-password")).Dispose();
        var forms = new WebForms(_instance.Http, forwardedFor: "198.51.100.7", forwardedHttps: true);
        TimeSpan wait;
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await forms.LoginAsync("pageuser", "wrong-password");
            Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        using (var refused = await forms.LoginAsync("pageuser", "pageuser-password"))
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(refused.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero));
            wait = refused.Headers.RetryAfter!.Delta!.Value;
            Assert.That(wait, Is.LessThanOrEqualTo(TimeSpan.FromSeconds(6)), "the wait is what is left of the 6 s window");
        }
        await Task.Delay(wait + TimeSpan.FromMilliseconds(200));
        using var login = await forms.LoginAsync("pageuser", "pageuser-password");
        Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        var sessionCookies = forms.LastSetCookies.Where(c => c.StartsWith("vp_", StringComparison.Ordinal)).ToList();
        Assert.That(sessionCookies, Has.Count.EqualTo(2));
        Assert.That(sessionCookies, Has.All.Contains("secure").IgnoreCase.And.All.Contains("httponly").IgnoreCase);
        Assert.That(login.Headers.GetValues("Strict-Transport-Security").Single(), Does.StartWith("max-age="));
    }

    [Test]
    public async Task Sign_up_is_limited_per_forwarded_ip()
    {
        async Task<HttpResponseMessage> RegisterAsync(string username, string ip)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/users/register")
            {
                Content = JsonContent.Create(new { username, password = username + "-password", email = $"{username}@example.org" }),
            };
            request.Headers.Add("X-Forwarded-For", ip);
            return await _instance.Http.SendAsync(request);
        }
        using (var first = await RegisterAsync("pupil1", "192.0.2.10"))
        using (var second = await RegisterAsync("pupil2", "192.0.2.10"))
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }
        using (var third = await RegisterAsync("pupil3", "192.0.2.10"))
        {
            await AbuseLimitTests.AssertTooManyRequestsAsync(third);
        }
        using var elsewhere = await RegisterAsync("pupil4", "192.0.2.11");
        Assert.That(elsewhere.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
    }

    [Test]
    public async Task Tracker_sockets_per_ip_count_the_forwarded_client_not_the_proxy()
    {
        var socketUrl = new Uri(_instance.BaseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/tracker/socket");
        async Task<System.Net.WebSockets.ClientWebSocket> OpenAsync(string ip)
        {
            var socket = new System.Net.WebSockets.ClientWebSocket();
            socket.Options.SetRequestHeader("X-Forwarded-For", ip);
            await socket.ConnectAsync(socketUrl, CancellationToken.None);
            return socket;
        }
        using var first = await OpenAsync("203.0.113.20");
        using var second = await OpenAsync("203.0.113.20");
        Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(async () => (await OpenAsync("203.0.113.20")).Dispose(),
            "a third socket of the same client is refused");
        using var otherClient = await OpenAsync("203.0.113.21");
        Assert.That(otherClient.State, Is.EqualTo(System.Net.WebSockets.WebSocketState.Open), "another client behind the same proxy has its own sockets");
    }

    [Test]
    public async Task Upload_location_is_built_from_the_public_url_not_from_the_request()
    {
        using var teacher = await _instance.CreateUserAsync("uploadteacher");
        var channelId = await Uploader.ChannelIdAsync(teacher);
        using var request = new HttpRequestMessage(HttpMethod.Post, Uploader.ResumablePath)
        {
            Content = JsonContent.Create(new { name = "Leçon", channelId, privacy = 1, filename = "lecon.mp4" }),
        };
        request.Headers.Host = "evil.example";
        request.Headers.Add("X-Forwarded-Proto", "javascript");
        request.Headers.Add("X-Forwarded-Host", "evil.example");
        request.Headers.Add("X-Upload-Content-Length", "1000");
        using var created = await teacher.SendAsync(request);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        Assert.That(created.Headers.Location!.OriginalString, Does.StartWith($"//{PublicHost}{Uploader.ResumablePath}?upload_id="));
        Assert.That(created.Headers.Contains("Strict-Transport-Security"), Is.True, "HSTS on the API too when the public URL is https");
    }
}
