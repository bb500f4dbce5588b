using Microsoft.Extensions.Time.Testing;
using VideoPlatform.Api.Auth;

namespace VideoPlatform.Tests.Api;

/// <summary>Directory sign-in configuration errors, and PeerTube's external-auth tokens (single use, short-lived, bound to the username).</summary>
public sealed class OidcOptionsTests
{
    private static AuthOptions With(string name, OidcProviderOptions provider) =>
        new() { Oidc = new AuthOptions.OidcOptions { Providers = new() { [name] = provider } } };

    [Test]
    public void A_valid_provider_has_no_error()
    {
        Assert.That(With("ac-lyon", new OidcProviderOptions { Authority = "https://idp.ac-lyon.fr", ClientId = "videos" }).Errors(), Is.Empty);
        Assert.That(With("local", new OidcProviderOptions { Authority = "http://127.0.0.1:8080", ClientId = "videos", RequireHttpsMetadata = false }).Errors(), Is.Empty);
    }

    [Test]
    public void Each_configuration_error_is_named_with_its_key()
    {
        Assert.That(With("Ac Lyon", new OidcProviderOptions { Authority = "https://idp", ClientId = "x" }).Errors().Single(), Does.Contain("Auth:Oidc:Providers:Ac Lyon").And.Contain("provider name"));
        Assert.That(With("lyon", new OidcProviderOptions { Authority = "idp.ac-lyon.fr", ClientId = "x" }).Errors().Single(), Does.Contain("Authority"));
        Assert.That(With("lyon", new OidcProviderOptions { Authority = "http://idp.ac-lyon.fr", ClientId = "x" }).Errors().Single(), Does.Contain("RequireHttpsMetadata"));
        Assert.That(With("lyon", new OidcProviderOptions { Authority = "https://idp.ac-lyon.fr" }).Errors().Single(), Does.Contain("ClientId"));
    }

    [Test]
    public void The_form_action_allows_the_providers_origins()
    {
        var options = With("lyon", new OidcProviderOptions { Authority = "https://idp.ac-lyon.fr/realms/eleves", ClientId = "x" });
        Assert.That(OidcSignIn.ProviderOrigins(options), Is.EqualTo(new[] { "https://idp.ac-lyon.fr" }));
    }

    [Test]
    public void An_external_auth_token_is_redeemed_once_by_its_username_within_five_minutes()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-30T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var tokens = new ExternalAuthTokens(clock);
        var token = tokens.Issue(42, "mme.durand");
        Assert.That(tokens.Redeem(token, "mme.durand"), Is.EqualTo(42));
        Assert.That(tokens.Redeem(token, "mme.durand"), Is.Null, "single use");

        var other = tokens.Issue(42, "mme.durand");
        Assert.That(tokens.Redeem(other, "root"), Is.Null, "bound to the username");
        Assert.That(tokens.Redeem(other, "mme.durand"), Is.Null, "and gone after a wrong try");

        var late = tokens.Issue(7, "leo");
        clock.Advance(ExternalAuthTokens.Lifetime + TimeSpan.FromSeconds(1));
        Assert.That(tokens.Redeem(late, "leo"), Is.Null, "expired");
        Assert.That(tokens.Redeem("never-issued", "leo"), Is.Null);
    }
}
