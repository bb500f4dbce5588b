using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Api.Auth;

/// <summary>PeerTube's OAuth2 bearer tokens: opaque, looked up by hash, refused once expired or revoked.</summary>
public sealed class BearerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    OAuthRepository tokens,
    UserRepository users,
    TimeProvider clock) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "Bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = ReadToken(Request);
        if (token is null)
        {
            return AuthenticateResult.NoResult();
        }
        var principal = await AuthenticateTokenAsync(token, SchemeName, tokens, users, clock, Context.RequestAborted);
        return principal is null
            ? AuthenticateResult.Fail("Invalid, expired or revoked token, or blocked user.")
            : AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    /// <summary>The user behind an access token, or null; shared with the web session handler (through Api/WebAdapters).</summary>
    internal static async Task<ClaimsPrincipal?> AuthenticateTokenAsync(string token, string scheme, OAuthRepository tokens, UserRepository users,
        TimeProvider clock, CancellationToken ct)
    {
        var row = await tokens.FindByAccessTokenAsync(token, ct);
        if (row is null || row.AccessExpiresAt < clock.GetUtcNow().ToUnixTimeMilliseconds())
        {
            return null;
        }
        var user = await users.FindByIdAsync(row.UserId, ct);
        if (user is null || user.Blocked)
        {
            return null;
        }
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new Claim(ClaimTypes.Name, user.Username),
            new Claim(ClaimTypes.Role, ((int)user.Role).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new Claim("token_id", row.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ], scheme);
        return new ClaimsPrincipal(identity);
    }

    /// <summary>From <c>Authorization: Bearer …</c>, or PeerTube's <c>?access_token=</c> for media and WebSocket clients.</summary>
    internal static string? ReadToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var value = header["Bearer ".Length..].Trim();
            return value.Length > 0 ? value : null;
        }
        return null;
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var invalid = ReadToken(Request) is not null;
        return Problems.Unauthorized(invalid ? "Token is invalid or expired." : "Authentication is required.", invalid ? "invalid_token" : null)
            .ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.Forbidden().ExecuteAsync(Context);
}

public static class Policies
{
    public const string Admin = "admin";
    public const string Moderator = "moderator";
}
