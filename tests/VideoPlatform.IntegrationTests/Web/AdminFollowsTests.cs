using System.Net.Http.Json;
using Microsoft.Playwright;
using VideoPlatform.IntegrationTests.Infrastructure;
using static VideoPlatform.IntegrationTests.Federation.FederationHarness;

namespace VideoPlatform.IntegrationTests.Web;

/// <summary>
/// The admin academies page (/admin/follows) between real instances on 127.0.0.1, driven by Chromium with JavaScript
/// off: following and unfollowing by host, and answering pending followers, reach the other academy over ActivityPub.
/// </summary>
[TestFixture]
[Category("Browser")]
[Category("Federation")]
[NonParallelizable]
public sealed class AdminFollowsTests
{
    private Chromium _chromium = null!;

    [OneTimeSetUp]
    public async Task LaunchAsync() => _chromium = await Chromium.LaunchAsync();

    [OneTimeTearDown]
    public async Task CloseAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }
    }

    [Test]
    public async Task Admin_follows_an_academy_by_host_sees_it_accepted_then_unfollows_it()
    {
        await using var lyon = await StartAsync("--Instance:Name", "Académie de Lyon");
        await using var lille = await StartAsync("--Instance:Name", "Académie de Lille");
        await using var lyonContext = await _chromium.ContextAsync(lyon.BaseUrl, javaScript: false);
        var lyonAdmin = await AdminPageAsync(lyonContext);
        await Assertions.Expect(lyonAdmin.GetByRole(AriaRole.Link, new() { Name = "Académies" })).ToHaveAttributeAsync("aria-current", "page");
        await Assertions.Expect(lyonAdmin.GetByText("Nous ne suivons encore aucune académie.")).ToBeVisibleAsync();
        var hosts = lyonAdmin.GetByLabel("Adresse des académies à suivre");
        using (var api = lyon.Authed(await lyon.TokenAsync()))
        {
            using var block = await api.PostAsJsonAsync("/api/v1/server/blocklist/servers", new { host = "videos.ac-bloquee.fr" });
            Assert.That((int)block.StatusCode, Is.EqualTo(204));
            using var refused = await api.PostAsJsonAsync("/api/v1/server/following", new { hosts = new[] { "videos.ac-bloquee.fr" } });
            Assert.That((int)refused.StatusCode, Is.EqualTo(400), "the API refuses a blocked host too: its deliveries would be dropped");
        }

        // Refused before anything is stored or sent, with the reason in French and the focus back on the field.
        foreach (var (input, error) in new[]
        {
            ("", "Indiquez l'adresse d'au moins une académie."),
            ("https://videos.ac-lille.fr/", "« https://videos.ac-lille.fr/ » n'est pas une adresse d'académie valide : indiquez seulement le nom d'hôte, par exemple videos.ac-lyon.fr."),
            (lille.Host + " ac_lille!", "« ac_lille! » n'est pas une adresse d'académie valide : indiquez seulement le nom d'hôte, par exemple videos.ac-lyon.fr."),
            (lyon.Host, $"« {lyon.Host} » est l'adresse de notre propre académie."),
            ("Videos.AC-Bloquee.fr", "videos.ac-bloquee.fr est bloquée par notre académie : elle ne peut pas être suivie."),
        })
        {
            await hosts.FillAsync(input);
            await lyonAdmin.GetByRole(AriaRole.Button, new() { Name = "Suivre", Exact = true }).ClickAsync();
            await Assertions.Expect(lyonAdmin.GetByRole(AriaRole.Alert)).ToHaveTextAsync(error);
            await Assertions.Expect(hosts).ToBeFocusedAsync();
            await Assertions.Expect(hosts).ToHaveAttributeAsync("aria-invalid", "true");
        }
        Assert.That(await CountAsync(lyon, "SELECT COUNT(*) FROM follows"), Is.Zero, "a refused form stores nothing");
        Assert.That(await CountAsync(lille, "SELECT COUNT(*) FROM follows"), Is.Zero, "and sends nothing");

        await hosts.FillAsync(lille.Host);
        await lyonAdmin.GetByRole(AriaRole.Button, new() { Name = "Suivre", Exact = true }).ClickAsync();
        await Assertions.Expect(lyonAdmin.Locator(".notice")).ToHaveTextAsync($"Demande de suivi envoyée à : {lille.Host}.");
        await EventuallyAsync(async () => await StateShownAsync(lyonAdmin, "following", lille.Host) == "Accepté", "Lille accepted on Lyon's page");
        Assert.That(await FollowStateAsync(lyon, "following", lille.Host), Is.EqualTo("accepted"), "the page and the API tell the same");

        await hosts.FillAsync(lille.Host);
        await lyonAdmin.GetByRole(AriaRole.Button, new() { Name = "Suivre", Exact = true }).ClickAsync();
        await Assertions.Expect(lyonAdmin.GetByRole(AriaRole.Alert)).ToHaveTextAsync($"Nous suivons déjà {lille.Host}.");

        await using var lilleContext = await _chromium.ContextAsync(lille.BaseUrl, javaScript: false);
        var lilleAdmin = await AdminPageAsync(lilleContext);
        Assert.That(await StateShownAsync(lilleAdmin, "followers", lyon.Host), Is.EqualTo("Accepté"));
        await Assertions.Expect(lilleAdmin.Locator("table.followers tr", new() { HasText = lyon.Host }).GetByRole(AriaRole.Button)).ToHaveCountAsync(0);

        await ScreenshotsAsync(lyon.BaseUrl, "admin-follows");
        await lyonAdmin.GotoAsync("/admin/follows");

        await lyonAdmin.GetByRole(AriaRole.Button, new() { Name = "Ne plus suivre " + lille.Host }).ClickAsync();
        await Assertions.Expect(lyonAdmin.Locator(".notice")).ToHaveTextAsync($"Nous ne suivons plus {lille.Host}.");
        await Assertions.Expect(lyonAdmin.GetByText("Nous ne suivons encore aucune académie.")).ToBeVisibleAsync();
        await EventuallyAsync(async () => await StateShownAsync(lilleAdmin, "followers", lyon.Host) is null, "Lyon gone from Lille's followers");
        await Assertions.Expect(lilleAdmin.GetByText("Aucune académie ne nous suit pour l'instant.")).ToBeVisibleAsync();
    }

    [Test]
    public async Task Admin_accepts_and_rejects_pending_followers_when_approval_is_manual()
    {
        await using var versailles = await StartAsync("--Federation:ManualApproval", "true");
        await using var nice = await StartAsync();
        await using var rennes = await StartAsync();
        foreach (var follower in new[] { nice, rennes })
        {
            using var admin = follower.Authed(await follower.TokenAsync());
            using var follow = await admin.PostAsJsonAsync("/api/v1/server/following", new { hosts = new[] { versailles.Host } });
            Assert.That((int)follow.StatusCode, Is.EqualTo(204), await follow.Content.ReadAsStringAsync());
        }

        await using var context = await _chromium.ContextAsync(versailles.BaseUrl, javaScript: false);
        var page = await AdminPageAsync(context);
        await EventuallyAsync(async () => await StateShownAsync(page, "followers", nice.Host) == "En attente"
            && await StateShownAsync(page, "followers", rennes.Host) == "En attente", "two pending followers");
        await ScreenshotsAsync(versailles.BaseUrl, "admin-follows-pending");

        await page.GetByRole(AriaRole.Button, new() { Name = $"Accepter peertube@{nice.Host}" }).ClickAsync();
        await Assertions.Expect(page.Locator(".notice")).ToHaveTextAsync($"peertube@{nice.Host} nous suit désormais.");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Refuser peertube@{rennes.Host}" }).ClickAsync();
        await Assertions.Expect(page.Locator(".notice")).ToHaveTextAsync($"La demande de suivi de peertube@{rennes.Host} a été refusée.");
        Assert.Multiple(async () =>
        {
            Assert.That(await StateShownAsync(page, "followers", nice.Host), Is.EqualTo("Accepté"));
            Assert.That(await StateShownAsync(page, "followers", rennes.Host), Is.EqualTo("Refusé"));
        });
        await Assertions.Expect(page.Locator("table.followers").GetByRole(AriaRole.Button)).ToHaveCountAsync(0);

        await EventuallyAsync(async () => await FollowStateAsync(nice, "following", versailles.Host) == "accepted", "Nice told of the Accept");
        await EventuallyAsync(async () => await FollowStateAsync(rennes, "following", versailles.Host) == "rejected", "Rennes told of the Reject");
    }

    [Test]
    public async Task Academies_page_sends_visitors_to_login_and_refuses_non_administrators()
    {
        await using var instance = await TestInstance.StartAsync();
        (await instance.CreateUserAsync("carol", "carol-password")).Dispose();

        await using var anonymousContext = await _chromium.ContextAsync(instance.BaseUrl);
        var anonymous = await anonymousContext.NewPageAsync();
        await anonymous.GotoAsync("/admin/follows");
        Assert.That(anonymous.Url, Does.Contain("/login?returnUrl=%2Fadmin%2Ffollows"));

        await using var userContext = await _chromium.ContextAsync(instance.BaseUrl);
        var user = await userContext.NewPageAsync();
        await Chromium.LoginAsync(user, "carol", "carol-password");
        await user.GotoAsync("/admin/follows");
        Assert.That(user.Url, Does.EndWith("/forbidden"));

    }

    private static async Task<IPage> AdminPageAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        await Chromium.LoginAsync(page, "root", TestInstance.AdminPassword);
        var response = await page.GotoAsync("/admin/follows");
        Assert.That(response!.Status, Is.EqualTo(200));
        return page;
    }

    /// <summary>The page at desktop and phone width, saved as test artifacts; at neither may it scroll sideways.</summary>
    private async Task ScreenshotsAsync(string baseUrl, string name)
    {
        foreach (var width in (int[])[1280, 390])
        {
            await using var sized = await _chromium.ContextAsync(baseUrl, width);
            var page = await AdminPageAsync(sized);
            await Chromium.ScreenshotAsync(page, $"{name}-{width}");
            var overflow = await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > document.documentElement.clientWidth");
            Assert.That(overflow, Is.False, $"horizontal scroll at {width} px");
        }
    }

    /// <summary>Reloads the page and reads the state shown for <paramref name="host"/> in one of its two tables; null when not listed.</summary>
    private static async Task<string?> StateShownAsync(IPage page, string table, string host)
    {
        await page.GotoAsync("/admin/follows");
        var row = page.Locator($"table.{table} tbody tr", new() { HasText = host });
        return await row.CountAsync() == 0 ? null : (await row.Locator(".follow-state").InnerTextAsync()).Trim();
    }
}
