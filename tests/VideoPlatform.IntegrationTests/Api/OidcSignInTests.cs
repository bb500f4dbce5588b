using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.IntegrationTests.Infrastructure;
using VideoPlatform.IntegrationTests.Media;
using VideoPlatform.IntegrationTests.Web;

namespace VideoPlatform.IntegrationTests.Api;

/// <summary>
/// Academy sign-in through a real OpenID Connect provider (npm oidc-provider on 127.0.0.1) driven by Chromium:
/// provisioning with the mapped roles, teachers may upload and students may not, a role change applied at the next
/// sign-in, logout ending both sessions, tampered state and nonce and another client's code refused, PeerTube's
/// externalAuthToken for API clients. Database-independent: SQLite only.
/// </summary>
[TestFixture]
[Category("Browser")]
[NonParallelizable]
public sealed class OidcSignInTests
{
    private const string Provider = "academie";
    private const string DisplayName = "Académie de Test";

    private OidcProvider _idp = null!;
    private TestInstance _instance = null!;
    private Chromium _chromium = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _idp = await OidcProvider.StartAsync();
        _instance = await TestInstance.StartAsync(DbKind.Sqlite,
            "--Auth:Oidc:Providers:academie:DisplayName", DisplayName,
            "--Auth:Oidc:Providers:academie:Authority", _idp.Issuer,
            "--Auth:Oidc:Providers:academie:ClientId", "videoplatform",
            "--Auth:Oidc:Providers:academie:ClientSecret", "secret-of-videoplatform",
            "--Auth:Oidc:Providers:academie:Scopes", "openid profile email roles groups",
            "--Auth:Oidc:Providers:academie:RequireHttpsMetadata", "false",
            "--Auth:Oidc:Providers:academie:Roles:Teacher:0", "Enseignant",
            "--Auth:Oidc:Providers:academie:Roles:Student:0", "Eleve",
            "--Auth:Oidc:Providers:academie:Roles:Administrator:0", "DANE");
        _idp.AddClient("videoplatform", "secret-of-videoplatform", [$"{_instance.BaseUrl}/signin-oidc/{Provider}"],
            [$"{_instance.BaseUrl}/signout-callback-oidc/{Provider}"]);
        _idp.AddClient("other-app", "secret-of-other", ["http://127.0.0.1:9/callback"], []);
        _idp.SetUser("mme.durand", "durand@ac-test.fr", ["Enseignant", "Personnel"], ["Enseignants SVT"]);
        _idp.SetUser("leo.martin", "leo.martin@ac-test.fr", ["Eleve"], ["5e B", "Latin"]);
        _chromium = await Chromium.LaunchAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }
        if (_instance is not null)
        {
            await _instance.DisposeAsync();
        }
        if (_idp is not null)
        {
            await _idp.DisposeAsync();
        }
    }

    private UserRepository Users => _instance.Services.GetRequiredService<UserRepository>();

    /// <summary>From our login page's button through the provider's login form back to our site, signed in.</summary>
    private async Task<IPage> SignInAsync(IBrowserContext context, string login, string? returnUrl = null)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(returnUrl is null ? "/login" : "/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
        await page.GetByRole(AriaRole.Link, new() { Name = $"Se connecter avec {DisplayName}" }).ClickAsync();
        await SubmitProviderLoginAsync(page, login);
        await page.WaitForURLAsync(url => url.StartsWith(_instance.BaseUrl, StringComparison.Ordinal) && !url.Contains("/login", StringComparison.Ordinal));
        return page;
    }

    private async Task SubmitProviderLoginAsync(IPage page, string login)
    {
        await page.WaitForURLAsync(url => url.StartsWith(_idp.Issuer, StringComparison.Ordinal));
        await page.Locator("input[name=login]").FillAsync(login);
        await page.Locator("input[name=password]").FillAsync("any password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign-in" }).ClickAsync();
    }

    private async Task<HttpStatusCode> UploadInitStatusAsync(string accessToken)
    {
        using var client = _instance.Authed(accessToken);
        using var response = await Uploader.InitAsync(client, await Uploader.ChannelIdAsync(client), "lecon.mp4", 2_000_000);
        return response.StatusCode;
    }

    /// <summary>
    /// What a PeerTube client does after an external sign-in: catch <c>/login?externalAuthToken=…&amp;username=…</c>
    /// and exchange it on <c>POST /api/v1/users/token</c>; returns the access token and the redeemed parameters.
    /// </summary>
    private async Task<(string AccessToken, string ExternalToken, string Username)> ApiTokenThroughDirectoryAsync(string login)
    {
        using var client = new DirectoryHttpClient(_instance.BaseUrl);
        using var landing = await client.SignInAsync(login);
        var location = landing.Headers.Location!.OriginalString;
        Assert.That(location, Does.StartWith("/login?externalAuthToken="));
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(new Uri(_instance.BaseUrl), location).Query);
        var external = query["externalAuthToken"].ToString();
        var username = query["username"].ToString();
        using var response = await TokenRequestAsync(new() { ["grant_type"] = "password", ["username"] = username, ["externalAuthToken"] = external });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var access = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
        return (access, external, username);
    }

    private async Task<HttpResponseMessage> TokenRequestAsync(Dictionary<string, string> form)
    {
        var client = await _instance.Http.GetFromJsonAsync<JsonElement>("/api/v1/oauth-clients/local");
        form["client_id"] = client.GetProperty("client_id").GetString()!;
        form["client_secret"] = client.GetProperty("client_secret").GetString()!;
        return await _instance.Http.PostAsync("/api/v1/users/token", new FormUrlEncodedContent(form));
    }

    [Test]
    public async Task A_teacher_signs_in_through_the_directory_is_provisioned_as_teacher_and_may_upload()
    {
        await using var context = await _chromium.ContextAsync(_instance.BaseUrl);
        var page = await SignInAsync(context, "mme.durand", "/videos/upload");
        Assert.That(page.Url, Is.EqualTo(_instance.BaseUrl + "/videos/upload"), "back where the sign-in started");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Se déconnecter (mme.durand)" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("form[data-uploader]")).ToBeVisibleAsync();

        var user = (await Users.FindByLoginAsync("mme.durand"))!;
        var groups = await Users.GroupsAsync(user.Id);
        Assert.Multiple(() =>
        {
            Assert.That(user.Role, Is.EqualTo(UserRole.User), "PeerTube's numeric role stays 2 (user)");
            Assert.That(user.AcademyRole, Is.EqualTo(AcademyRoles.Teacher));
            Assert.That(user.Email, Is.EqualTo("durand@ac-test.fr"));
            Assert.That(user.VideoQuota, Is.EqualTo(new InstanceOptions().DefaultVideoQuota), "teachers get the default upload quota");
            Assert.That(user.ExternalProvider, Is.EqualTo(Provider));
            Assert.That(user.ExternalSubject, Is.EqualTo("mme.durand"));
            Assert.That(groups, Is.EqualTo(new[] { "Enseignants SVT" }));
        });

        var (access, external, username) = await ApiTokenThroughDirectoryAsync("mme.durand");
        Assert.That(username, Is.EqualTo("mme.durand"));
        Assert.That(await UploadInitStatusAsync(access), Is.EqualTo(HttpStatusCode.Created), "the teacher's upload is accepted");
        using var replay = await TokenRequestAsync(new() { ["grant_type"] = "password", ["username"] = username, ["externalAuthToken"] = external });
        Assert.That(replay.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "the external auth token is single use");
        Assert.That((await Users.ListAsync(0, 100)).Count(u => u.Email == "durand@ac-test.fr"), Is.EqualTo(1), "a second sign-in does not create another user");
    }

    [Test]
    public async Task A_student_can_watch_but_the_upload_page_explains_and_the_api_refuses_then_a_role_change_applies_at_next_sign_in()
    {
        await using (var context = await _chromium.ContextAsync(_instance.BaseUrl, width: 390))
        {
            var page = await SignInAsync(context, "leo.martin", "/videos/upload");
            await Assertions.Expect(page.Locator("#upload-refused")).ToContainTextAsync("Les comptes élèves ne publient pas de vidéos");
            await Assertions.Expect(page.Locator("form[data-uploader]")).ToHaveCountAsync(0);
        }
        var student = (await Users.FindByLoginAsync("leo.martin"))!;
        Assert.That(student.AcademyRole, Is.EqualTo(AcademyRoles.Student));
        Assert.That(student.VideoQuota, Is.Zero);
        Assert.That(await Users.GroupsAsync(student.Id), Is.EqualTo(new[] { "5e B", "Latin" }));
        var (access, _, _) = await ApiTokenThroughDirectoryAsync("leo.martin");
        Assert.That(await UploadInitStatusAsync(access), Is.EqualTo(HttpStatusCode.RequestEntityTooLarge), "zero quota: refused as PeerTube does");

        // The directory promotes the student (and changes the groups): applied at the next sign-in, no new account.
        _idp.SetUser("leo.martin", "leo.martin@ac-test.fr", ["Enseignant"], ["Enseignants Latin"]);
        await using (var again = await _chromium.ContextAsync(_instance.BaseUrl))
        {
            var page = await SignInAsync(again, "leo.martin", "/videos/upload");
            await Assertions.Expect(page.Locator("form[data-uploader]")).ToBeVisibleAsync();
        }
        var promoted = (await Users.FindByLoginAsync("leo.martin"))!;
        Assert.That(promoted.Id, Is.EqualTo(student.Id));
        Assert.That(promoted.AcademyRole, Is.EqualTo(AcademyRoles.Teacher));
        Assert.That(promoted.VideoQuota, Is.EqualTo(new InstanceOptions().DefaultVideoQuota));
        Assert.That(await Users.GroupsAsync(student.Id), Is.EqualTo(new[] { "Enseignants Latin" }));
        _idp.SetUser("leo.martin", "leo.martin@ac-test.fr", ["Eleve"], ["5e B", "Latin"]);
    }

    [Test]
    public async Task Logout_ends_our_session_and_the_directory_session()
    {
        _idp.SetUser("m.petit", "petit@ac-test.fr", ["Enseignant"], []);
        await using var context = await _chromium.ContextAsync(_instance.BaseUrl);
        var page = await SignInAsync(context, "m.petit");

        // While the directory session lasts, the button signs in again without the provider's form (single sign-on).
        await page.GotoAsync("/login");
        await page.GetByRole(AriaRole.Link, new() { Name = $"Se connecter avec {DisplayName}" }).ClickAsync();
        await page.WaitForURLAsync(url => url.StartsWith(_instance.BaseUrl, StringComparison.Ordinal) && !url.Contains("/login", StringComparison.Ordinal));

        await page.GetByRole(AriaRole.Button, new() { Name = "Se déconnecter (m.petit)" }).ClickAsync();
        await page.WaitForURLAsync(url => url.StartsWith(_idp.Issuer, StringComparison.Ordinal));
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, sign me out" }).ClickAsync();
        await page.WaitForURLAsync(_instance.BaseUrl + "/");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Se déconnecter (m.petit)" })).ToHaveCountAsync(0);

        var cookies = await context.CookiesAsync([_instance.BaseUrl]);
        Assert.That(cookies.Select(c => c.Name), Has.None.StartWith("vp_"), "session and directory cookies are gone");
        await page.GotoAsync("/videos/upload");
        Assert.That(page.Url, Does.Contain("/login"), "our session ended");
        await page.GetByRole(AriaRole.Link, new() { Name = $"Se connecter avec {DisplayName}" }).ClickAsync();
        await page.WaitForURLAsync(url => url.StartsWith(_idp.Issuer, StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("input[name=login]")).ToBeVisibleAsync(new() { Timeout = 60_000 });
    }

    [Test]
    public async Task A_tampered_state_a_missing_nonce_and_a_code_of_another_client_are_refused()
    {
        _idp.SetUser("eve", "eve@ac-test.fr", ["DANE"], []);

        // State changed on the way back.
        using (var client = new DirectoryHttpClient(_instance.BaseUrl))
        {
            using var answer = await client.SignInAsync("eve", callback => Regex.Replace(callback, "state=[^&]+", "state=tampered"));
            Assert.That(answer.Headers.Location?.OriginalString, Is.EqualTo("/login?externalAuthError=failed"));
        }

        // The nonce cookie lost before the answer comes back: the id token's nonce cannot be checked.
        using (var client = new DirectoryHttpClient(_instance.BaseUrl))
        {
            using var answer = await client.SignInAsync("eve", callback =>
            {
                Assert.That(client.DropCookies(callback, "OpenIdConnect.Nonce"), Is.EqualTo(1), "the nonce cookie was there");
                return callback;
            });
            Assert.That(answer.Headers.Location?.OriginalString, Is.EqualTo("/login?externalAuthError=failed"));
        }

        // A code issued to another client, slipped into our callback: the code exchange with our credentials fails.
        using (var client = new DirectoryHttpClient(_instance.BaseUrl))
        {
            var verifier = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            var challenge = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier)))
                .TrimEnd('=').Replace('+', '-').Replace('/', '_');
            var otherCallback = await client.AuthorizeElsewhereAsync("eve", $"{_idp.Issuer}/auth?client_id=other-app&response_type=code&scope=openid"
                + $"&state=abcdefgh&nonce=abcdefgh&redirect_uri={Uri.EscapeDataString("http://127.0.0.1:9/callback")}&code_challenge={challenge}&code_challenge_method=S256",
                "http://127.0.0.1:9/callback");
            var otherCode = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(otherCallback).Query)["code"].ToString();
            Assert.That(otherCode, Is.Not.Empty);
            using var answer = await client.SignInAsync("eve", callback => Regex.Replace(callback, "code=[^&]+", "code=" + Uri.EscapeDataString(otherCode)));
            Assert.That(answer.Headers.Location?.OriginalString, Is.EqualTo("/login?externalAuthError=failed"));
        }

        // And the same client untouched signs in: the refusals above came from the tampering.
        using (var client = new DirectoryHttpClient(_instance.BaseUrl))
        {
            Assert.That(await Users.FindByLoginAsync("eve"), Is.Null, "no account was created by any refused answer");
            using var answer = await client.SignInAsync("eve");
            Assert.That(answer.Headers.Location?.OriginalString, Does.StartWith("/login?externalAuthToken="));
            Assert.That((await Users.FindByLoginAsync("eve"))?.Role, Is.EqualTo(UserRole.Administrator), "DANE maps to administrator");
        }

        // The error page in French.
        await using (var context = await _chromium.ContextAsync(_instance.BaseUrl))
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync("/login?externalAuthError=failed");
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("La connexion avec le compte de l'académie a échoué. Réessayez.");
        }


        using var forged = await TokenRequestAsync(new() { ["grant_type"] = "password", ["username"] = "root", ["externalAuthToken"] = "forged" });
        Assert.That(forged.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task A_local_account_with_the_same_email_is_not_taken_over_and_local_login_can_be_turned_off()
    {
        using (await _instance.CreateUserAsync("durand.local")) { }
        _idp.SetUser("durand2", "durand.local@example.org", ["Enseignant"], []);
        await using (var context = await _chromium.ContextAsync(_instance.BaseUrl))
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync("/login");
            await page.GetByRole(AriaRole.Link, new() { Name = $"Se connecter avec {DisplayName}" }).ClickAsync();
            await SubmitProviderLoginAsync(page, "durand2");
            await page.WaitForURLAsync(new Regex("/login\\?externalAuthError=email"));
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("un administrateur doit le relier");
        }
        var local = (await Users.FindByLoginAsync("durand.local"))!;
        Assert.That(local.ExternalSubject, Is.Null);

        // An admin allows the link: the next sign-in with that e-mail takes the local account over.
        await Users.SetExternalLinkAsync(local.Id, Provider);
        await using (var context = await _chromium.ContextAsync(_instance.BaseUrl))
        {
            await SignInAsync(context, "durand2");
        }
        var linked = (await Users.FindByLoginAsync("durand.local"))!;
        Assert.That(linked.ExternalSubject, Is.EqualTo("durand2"));
        Assert.That(await Users.FindByLoginAsync("durand2"), Is.Null, "linked, not duplicated");

        await using var closed = await TestInstance.StartAsync(DbKind.Sqlite, "--Auth:LocalLogin", "false");
        using var refused = await closed.Http.PostAsync("/api/v1/users/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = (await closed.Http.GetFromJsonAsync<JsonElement>("/api/v1/oauth-clients/local")).GetProperty("client_id").GetString()!,
            ["client_secret"] = (await closed.Http.GetFromJsonAsync<JsonElement>("/api/v1/oauth-clients/local")).GetProperty("client_secret").GetString()!,
            ["grant_type"] = "password",
            ["username"] = "root",
            ["password"] = TestInstance.AdminPassword,
        }));
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await refused.Content.ReadAsStringAsync(), Does.Contain("Password sign-in is disabled"));
        var html = await closed.Http.GetStringAsync("/login");
        Assert.That(html, Does.Not.Contain("type=\"password\"").And.Contain("La connexion par mot de passe est désactivée"));
    }
}
