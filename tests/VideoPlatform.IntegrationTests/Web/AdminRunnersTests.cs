using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using VideoPlatform.IntegrationTests.Infrastructure;

namespace VideoPlatform.IntegrationTests.Web;

/// <summary>The admin runners page (/admin/runners) driven by Chromium at phone width: tokens generated and deleted, runners listed.</summary>
[TestFixture]
[Category("Browser")]
[Category("Http")]
[NonParallelizable]
public sealed class AdminRunnersTests
{
    [Test]
    public async Task Administrator_generates_a_token_sees_the_runner_it_registered_and_deletes_both()
    {
        await using var instance = await TestInstance.StartAsync(DbKind.Sqlite, "--Transcoding:RemoteRunners:Enabled", "true");
        await using var chromium = await Chromium.LaunchAsync();
        await using var context = await chromium.ContextAsync(instance.BaseUrl, width: 390);
        var page = await context.NewPageAsync();
        var errors = Chromium.WatchErrors(page);
        await Chromium.LoginAsync(page, "root", TestInstance.AdminPassword);
        await page.GotoAsync("/admin/runners");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Runners" })).ToHaveAttributeAsync("aria-current", "page");
        await Assertions.Expect(page.GetByText("Le transcodage est confié aux runners distants")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Aucun runner inscrit.")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Générer un jeton d'inscription" }).ClickAsync();
        var token = await page.Locator("code.runner-token").InnerTextAsync();
        Assert.That(token, Does.StartWith("ptrrt-"));
        await Assertions.Expect(page.GetByText($"--Roles runner --Runner:InstanceUrl {instance.BaseUrl} --Runner:RegistrationToken {token}")).ToBeVisibleAsync();

        using var registered = await instance.Http.PostAsJsonAsync("/api/v1/runners/register", new { registrationToken = token, name = "gpu-lyon", description = "Carte graphique" });
        Assert.That(registered.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the token shown works");
        var runnerToken = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runnerToken").GetString();

        await page.GotoAsync("/admin/runners");
        var row = page.Locator("table.runners tr", new() { HasText = "gpu-lyon" });
        await Assertions.Expect(row).ToContainTextAsync("Carte graphique");
        await Assertions.Expect(row.Locator("td[data-label='Tâche en cours']")).ToHaveTextAsync("En attente");
        await Assertions.Expect(row.Locator("td[data-label='Terminées']")).ToHaveTextAsync("0");
        await Assertions.Expect(row.Locator("td[data-label='Échecs']")).ToHaveTextAsync("0");
        await Assertions.Expect(page.Locator("table.runner-tokens td[data-label='Runners inscrits']")).ToHaveTextAsync("1");
        Assert.That(await page.Locator("body").InnerTextAsync(), Does.Not.Contain(token), "a token is shown once only");

        await page.Locator("table.runner-tokens").GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(page.Locator(".notice[role=status]")).ToHaveTextAsync("Jeton supprimé, ainsi que les runners inscrits avec lui.");
        await Assertions.Expect(page.GetByText("Aucun runner inscrit.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Aucun jeton d'inscription.")).ToBeVisibleAsync();
        using var refused = await instance.Http.PostAsJsonAsync("/api/v1/runners/jobs/request", new { runnerToken });
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(errors, Is.Empty);

        using var teacher = await instance.CreateUserAsync("bob", "bob-password");
        await using var userContext = await chromium.ContextAsync(instance.BaseUrl);
        var user = await userContext.NewPageAsync();
        await Chromium.LoginAsync(user, "bob", "bob-password");
        await user.GotoAsync("/admin/runners");
        Assert.That(user.Url, Does.EndWith("/forbidden"));
    }
}
