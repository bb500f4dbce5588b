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
        var row = await tokens.FindByAccessTokenAsync(token, Context.RequestAborted);
        if (row is null || row.AccessExpiresAt < clock.GetUtcNow().ToUnixTimeMilliseconds())
        {
            return AuthenticateResult.Fail("Invalid token.");
        }
        var user = await users.FindByIdAsync(row.UserId, Context.RequestAborted);
        if (user is null || user.Blocked)
        {
            return AuthenticateResult.Fail("User is blocked or deleted.");
        }
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new Claim(ClaimTypes.Name, user.Username),
            new Claim(ClaimTypes.Role, ((int)user.Role).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new Claim("token_id", row.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
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

public static class ClaimsPrincipalExtensions
{
    public static long? UserId(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null;

    public static UserRole? Role(this ClaimsPrincipal user) =>
        int.TryParse(user.FindFirstValue(ClaimTypes.Role), System.Globalization.CultureInfo.InvariantCulture, out var role) ? (UserRole)role : null;

    /// <summary>Administrators and moderators see and manage every video (PeerTube's SEE_ALL_VIDEOS right).</summary>
    public static bool CanSeeAllVideos(this ClaimsPrincipal user) => user.Role() is UserRole.Administrator or UserRole.Moderator;
}
