using System.Net;
using System.Net.Http.Json;
using VideoPlatform.IntegrationTests.Api;
using VideoPlatform.IntegrationTests.Federation;
using VideoPlatform.IntegrationTests.Infrastructure;

namespace VideoPlatform.IntegrationTests.Stats;

/// <summary>The national view with three academies: the first follows the other two and shows all three side by side.</summary>
[TestFixture]
[NonParallelizable]
public sealed class AcademiesLoadTests
{
    [Test]
    public async Task The_national_page_shows_this_academy_and_the_two_it_follows()
    {
        await using var lyon = await FederationHarness.StartAsync();
        await using var creteil = await FederationHarness.StartAsync();
        await using var nantes = await FederationHarness.StartAsync();
        await FederationHarness.FollowAsync(lyon, creteil);
        await FederationHarness.FollowAsync(lyon, nantes);

        // Two students watch at Créteil now, none at Nantes.
        var lesson = await creteil.SeedVideoAsync("root_channel", "Leçon suivie à Créteil");
        foreach (var session in new[] { "eleve-1", "eleve-2" })
        {
            using var beat = await creteil.Http.PostAsJsonAsync($"/api/v1/videos/{lesson.Uuid}/views", new { currentTime = 1, sessionId = session });
            Assert.That(beat.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }

        var admin = new WebForms(lyon.Http);
        (await admin.LoginAsync("root", TestInstance.AdminPassword)).Dispose();
        using var response = await admin.SendAsync(HttpMethod.Get, "/admin/academies/load");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var html = await response.Content.ReadAsStringAsync();
        foreach (var host in new[] { lyon.Host, creteil.Host, nantes.Host })
        {
            Assert.That(html, Does.Contain($"data-academy=\"{host}\""), host);
        }
        Assert.That(Row(html, creteil.Host), Does.Contain("data-viewers=\"2\""));
        Assert.That(Row(html, nantes.Host), Does.Contain("data-viewers=\"0\""));
        Assert.That(Row(html, nantes.Host), Does.Contain("joignable"));
    }

    private static string Row(string html, string host)
    {
        var start = html.IndexOf($"data-academy=\"{host}\"", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThan(0), host);
        return html[start..html.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }
}
