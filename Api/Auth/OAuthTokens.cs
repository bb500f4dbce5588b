using VideoPlatform.Core.Accounts;
using System.Net;
using System.Security.Claims;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Api.Accounts;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Api.Auth;

/// <summary>
/// PeerTube's OAuth2 tokens, the one place they are checked, issued, rotated and turned into a user: used by the token
/// endpoint, the bearer handler and the web session (Api/WebAdapters).
/// </summary>
public sealed class OAuthTokens(OAuthRepository oauth, UserRepository users, BlocklistRepository blocklists, LoginThrottle throttle, SessionCache sessions,
    TimeProvider clock)
{
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromDays(1);
    public static readonly TimeSpan RefreshTokenLifetime = TimeSpan.FromDays(14);

    public sealed record Issued(string Access, string Refresh, DateTimeOffset AccessExpires, DateTimeOffset RefreshExpires);

    /// <summary>A password sign-in: the user (blocked users are returned: callers say so), or nothing, or how long to wait.</summary>
    public sealed record SignIn(UserRow? User, TimeSpan? RetryAfter = null);

    /// <summary>
    /// Checks a password, within <see cref="LoginThrottle"/>'s limits for this client IP and this login: once either has
    /// used up its failures, every try (the right password included) is refused until the window has passed.
    /// </summary>
    public async Task<SignIn> SignInAsync(string login, string password, IPAddress? client, CancellationToken ct)
    {
        if (throttle.RetryAfter(client, login) is { } retry)
        {
            return new SignIn(null, retry);
        }
        var user = await users.FindByLoginAsync(login, ct);
        if (user is not null && AccountService.VerifyPassword(user, password))
        {
            return new SignIn(user);
        }
        throttle.Failed(client, login);
        return new SignIn(null);
    }

    /// <summary>Consumes a valid refresh token of this client and returns its user. Rotation: the used refresh token and its access token stop working.</summary>
    public async Task<long?> RedeemRefreshTokenAsync(string refreshToken, long clientId, CancellationToken ct)
    {
        var existing = await oauth.FindByRefreshTokenAsync(refreshToken, ct);
        if (existing is null || existing.RefreshExpiresAt < clock.GetUtcNow().ToUnixTimeMilliseconds() || existing.ClientId != clientId)
        {
            return null;
        }
        await oauth.DeleteTokenAsync(existing.Id, ct);
        return existing.UserId;
    }

    /// <summary>A fresh token pair, with the same lifetimes for the API and the web session.</summary>
    public async Task<Issued> IssueAsync(long userId, long clientId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var issued = new Issued(OAuthRepository.NewToken(), OAuthRepository.NewToken(), now + AccessTokenLifetime, now + RefreshTokenLifetime);
        await oauth.CreateTokenAsync(issued.Access, issued.Refresh, issued.AccessExpires, issued.RefreshExpires, userId, clientId, ct);
        return issued;
    }

    /// <summary>The user behind an access token as a principal of <paramref name="scheme"/>, or null when expired, revoked or blocked.</summary>
    public async Task<ClaimsPrincipal?> AuthenticateAsync(string accessToken, string scheme, CancellationToken ct)
    {
        var entry = await sessions.GetAsync(accessToken, LoadAsync, ct);
        if (entry is null || entry.Token.AccessExpiresAt < clock.GetUtcNow().ToUnixTimeMilliseconds() || entry.User.Blocked)
        {
            return null;
        }
        var (row, user) = (entry.Token, entry.User);
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new Claim(ClaimTypes.Name, user.Username),
            ClaimsPrincipalExtensions.RoleClaim(user.Role),
            new Claim(TokenIdClaim, row.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            .. entry.Groups.Select(g => new Claim(VideoAudience.GroupClaim, g)),
            .. entry.BlocklistAccount is { } blocklist
                ? [new Claim(ClaimsPrincipalExtensions.BlocklistClaim, blocklist.ToString(System.Globalization.CultureInfo.InvariantCulture))]
                : Array.Empty<Claim>(),
        ], scheme);
        return new ClaimsPrincipal(identity);
    }

    private async Task<SessionCache.Entry?> LoadAsync(string accessToken, CancellationToken ct)
    {
        var row = await oauth.FindByAccessTokenAsync(accessToken, ct);
        var user = row is null ? null : await users.FindByIdAsync(row.UserId, ct);
        return user is null ? null
            : new SessionCache.Entry(row!, user, await users.GroupsAsync(user.Id, ct), await blocklists.AccountWithOwnBlocksAsync(user.Id, ct));
    }

    /// <summary>Revokes the pair an access token belongs to (sign-out); unknown tokens are ignored.</summary>
    public async Task RevokeAsync(string accessToken, CancellationToken ct)
    {
        if (await oauth.FindByAccessTokenAsync(accessToken, ct) is { } row)
        {
            await oauth.DeleteTokenAsync(row.Id, ct);
        }
    }

    public const string TokenIdClaim = "token_id";
}
