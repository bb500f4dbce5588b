using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.IntegrationTests.Api;
using VideoPlatform.IntegrationTests.Media;

namespace VideoPlatform.IntegrationTests.Live;

/// <summary>
/// « Diffuser en direct » (/videos/live/new): the teacher's form over the same creation code as <c>POST /api/v1/videos/live</c>,
/// on this fixture's instance (Live:Enabled, Live:MaxUserLives 2).
/// </summary>
public partial class LiveApiTests
{
    /// <summary>A browser-like session (cookies by hand, no redirects followed) of a new user, and that user's API client.</summary>
    private async Task<(WebForms Pages, HttpClient Browser, HttpClient Api, long ChannelId)> PageSessionAsync(string username)
    {
        var api = await _instance.CreateUserAsync(username);
        var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = new Uri(_instance.BaseUrl), Timeout = TimeSpan.FromSeconds(60),
        };
        var pages = new WebForms(browser);
        using (var login = await pages.LoginAsync(username, "password123"))
        {
            Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "signed in");
        }
        return (pages, browser, api, await Uploader.ChannelIdAsync(api));
    }

    private Task<long> LivesNotEndedAsync() => _instance.Services.GetRequiredService<LiveRepository>().CountNotEndedAsync(null, CancellationToken.None);

    private static Dictionary<string, string> Fields(long channelId, string name) => new()
    {
        ["Name"] = name, ["ChannelId"] = channelId.ToString(CultureInfo.InvariantCulture), ["Privacy"] = "2", ["LatencyMode"] = "3",
        ["PermanentLive"] = "true", ["SaveReplay"] = "true", ["ReplayPrivacy"] = "3",
    };

    [Test]
    public async Task A_teacher_creates_a_live_from_the_page_and_is_sent_to_its_watch_page()
    {
        var (pages, browser, api, channelId) = await PageSessionAsync("direct.page");
        using (browser)
        using (api)
        {
            using (var upload = await pages.SendAsync(HttpMethod.Get, "/videos/upload"))
            {
                Assert.That(await upload.Content.ReadAsStringAsync(), Does.Contain("href=\"/videos/live/new\""), "the upload page offers the live tab");
            }
            using (var form = await pages.SendAsync(HttpMethod.Get, "/videos/live/new"))
            {
                var html = await form.Content.ReadAsStringAsync();
                Assert.That(form.StatusCode, Is.EqualTo(HttpStatusCode.OK));
                Assert.That(html, Does.Contain("<h1>Diffuser en direct</h1>").And.Contain("Faible latence (~3 s, sans pair-à-pair)")
                    .And.Contain("Garder le replay").And.Contain("La même URL et la même clé pour toutes les séances."));
            }

            using var created = await pages.PostFormAsync("/videos/live/new", Fields(channelId, "Conseil de classe en direct"));
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther), await created.Content.ReadAsStringAsync());
            var location = created.Headers.Location!.ToString();
            Assert.That(location, Does.Match("^/w/[0-9A-Za-z]+$"));
            var shortUuid = location["/w/".Length..];

            var live = await api.GetFromJsonAsync<JsonElement>($"/api/v1/videos/live/{shortUuid}");
            Assert.That((live.GetProperty("permanentLive").GetBoolean(), live.GetProperty("saveReplay").GetBoolean(), live.GetProperty("latencyMode").GetInt32()),
                Is.EqualTo((true, true, 3)));
            Assert.That(live.GetProperty("replaySettings").GetProperty("privacy").GetInt32(), Is.EqualTo(3));
            var video = await api.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{shortUuid}");
            Assert.That((video.GetProperty("name").GetString(), video.GetProperty("privacy").GetProperty("id").GetInt32(), video.GetProperty("isLive").GetBoolean()),
                Is.EqualTo(("Conseil de classe en direct", 2, true)));

            // The watch page shows its owner the key to give OBS.
            using (var watch = await pages.SendAsync(HttpMethod.Get, location))
            {
                Assert.That(await watch.Content.ReadAsStringAsync(), Does.Contain(live.GetProperty("streamKey").GetString()!));
            }

            // The API's limits apply to the page (Live:MaxUserLives is 2 here): the third is refused in French, fields kept.
            using (var second = await pages.PostFormAsync("/videos/live/new", Fields(channelId, "Deuxième direct")))
            {
                Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
            }
            var before = await LivesNotEndedAsync();
            using var third = await pages.PostFormAsync("/videos/live/new", Fields(channelId, "Troisième direct"));
            var refusal = await third.Content.ReadAsStringAsync();
            Assert.That(third.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(refusal, Does.Contain("role=\"alert\"").And.Contain("Vous avez atteint votre nombre maximal de directs"));
            Assert.That(refusal, Does.Contain("value=\"Troisième direct\""));
            Assert.That(await LivesNotEndedAsync(), Is.EqualTo(before), "nothing created");
        }
    }

    [Test]
    public async Task An_empty_title_shows_the_form_again_with_a_French_error_and_creates_nothing()
    {
        var (pages, browser, api, channelId) = await PageSessionAsync("direct.vide");
        using (browser)
        using (api)
        {
            var before = await LivesNotEndedAsync();
            using var response = await pages.PostFormAsync("/videos/live/new", Fields(channelId, "  "));
            var html = await response.Content.ReadAsStringAsync();
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(html, Does.Contain("<p class=\"error\" role=\"alert\" id=\"go-live-error\">Indiquez un titre pour le direct.</p>"));
            Assert.That(html, Does.Contain("aria-invalid=\"true\""));
            Assert.That(html, Does.Contain("<option value=\"3\" selected=\"selected\">Faible latence (~3 s, sans pair-à-pair)</option>"), "fields kept");
            Assert.That(html, Does.Contain("name=\"PermanentLive\" value=\"true\" checked=\"checked\""), "fields kept");
            Assert.That(await LivesNotEndedAsync(), Is.EqualTo(before), "nothing created");
        }
    }

    [Test]
    public async Task With_lives_disabled_the_page_says_so_and_refuses_a_post()
    {
        var (pages, browser, api, channelId) = await PageSessionAsync("direct.ferme");
        using (browser)
        using (api)
        {
            var settings = _instance.Services.GetRequiredService<VideoPlatform.Core.Settings.InstanceSettings>();
            var saved = await settings.CurrentAsync();
            try
            {
                await settings.SaveAsync(saved with { Live = saved.Live with { Enabled = false } }, "root");
                using (var page = await pages.SendAsync(HttpMethod.Get, "/videos/live/new"))
                {
                    var html = await page.Content.ReadAsStringAsync();
                    Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
                    Assert.That(html, Does.Contain("Les directs ne sont pas activés sur cette plateforme."));
                    Assert.That(html, Does.Not.Contain("name=\"Name\""), "no form");
                }
                using (var upload = await pages.SendAsync(HttpMethod.Get, "/videos/upload"))
                {
                    Assert.That(await upload.Content.ReadAsStringAsync(), Does.Not.Contain("/videos/live/new"), "the upload page does not advertise lives");
                }
                var before = await LivesNotEndedAsync();
                using var post = await pages.PostFormAsync("/videos/live/new", Fields(channelId, "Direct refusé"));
                Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
                Assert.That(await post.Content.ReadAsStringAsync(), Does.Contain("Les directs ne sont pas activés sur cette plateforme."));
                Assert.That(await LivesNotEndedAsync(), Is.EqualTo(before), "nothing created");
            }
            finally
            {
                await settings.SaveAsync(saved, "root");
            }
        }
    }

    [Test]
    public async Task An_anonymous_visitor_is_sent_to_sign_in()
    {
        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(_instance.BaseUrl) };
        using var response = await browser.GetAsync("/videos/live/new");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(response.Headers.Location!.ToString(), Does.StartWith("/login?returnUrl=%2Fvideos%2Flive%2Fnew"));
    }
}
