using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using VideoPlatform.Api.Hosting;

namespace VideoPlatform.Api.Auth;

/// <summary>PeerTube's OAuth2 bearer tokens: opaque, looked up by hash, refused once expired or revoked.</summary>
public sealed class BearerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    OAuthTokens tokens) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "Bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = ReadToken(Request);
        if (token is null)
        {
            return AuthenticateResult.NoResult();
        }
        var principal = await tokens.AuthenticateAsync(token, SchemeName, Context.RequestAborted);
        return principal is null
            ? AuthenticateResult.Fail("Invalid, expired or revoked token, or blocked user.")
            : AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    /// <summary>From <c>Authorization: Bearer …</c> only (media use PeerTube's <c>videoFileToken</c> instead, see Api/Media).</summary>
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
