using System.Security.Claims;
using VideoPlatform.Api.Accounts;
using VideoPlatform.Api.Auth;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Data.Repositories;

namespace VideoPlatform.Api.Auth;

/// <summary>PeerTube's OAuth2: one local client, password and refresh_token grants, revocation.</summary>
public static class OAuthEndpoints
{
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromDays(1);
    public static readonly TimeSpan RefreshTokenLifetime = TimeSpan.FromDays(14);

    public static IEndpointRouteBuilder MapOAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("OAuth");
        api.MapGet("/oauth-clients/local", async (OAuthRepository oauth, CancellationToken ct) =>
        {
            var client = await oauth.GetOrCreateLocalClientAsync(ct);
            return TypedResults.Ok(new { client_id = client.ClientId, client_secret = client.ClientSecret });
        });
        api.MapPost("/users/token", TokenAsync).DisableAntiforgery();
        api.MapPost("/users/revoke-token", async (ClaimsPrincipal user, OAuthRepository oauth, CancellationToken ct) =>
        {
            var tokenId = long.Parse(user.FindFirstValue("token_id")!, System.Globalization.CultureInfo.InvariantCulture);
            await oauth.DeleteTokenAsync(tokenId, ct);
            return TypedResults.Ok(new { });
        }).RequireAuthorization();
        return app;
    }

    private static async Task<IResult> TokenAsync(HttpRequest request, OAuthRepository oauth, UserRepository users, TimeProvider clock, CancellationToken ct)
    {
        if (!request.HasFormContentType)
        {
            return Problems.BadRequest("Expected application/x-www-form-urlencoded with grant_type.", "invalid_request");
        }
        var form = await request.ReadFormAsync(ct);
        var client = await oauth.FindClientAsync(form["client_id"].ToString(), form["client_secret"].ToString(), ct);
        if (client is null)
        {
            return Problems.BadRequest("Invalid client: client is invalid", "invalid_client");
        }
        long userId;
        switch (form["grant_type"].ToString())
        {
            case "password":
                var user = await VerifyCredentialsAsync(users, form["username"].ToString(), form["password"].ToString(), ct);
                if (user is null)
                {
                    return Problems.BadRequest("Invalid grant: user credentials are invalid", "invalid_grant");
                }
                if (user.Blocked)
                {
                    return Problems.BadRequest("User blocked.", "user_blocked");
                }
                userId = user.Id;
                break;
            case "refresh_token":
                var refreshed = await RedeemRefreshTokenAsync(oauth, clock, form["refresh_token"].ToString(), client.Id, ct);
                if (refreshed is null)
                {
                    return Problems.BadRequest("Invalid grant: refresh token is invalid", "invalid_grant");
                }
                userId = refreshed.Value;
                break;
            default:
                return Problems.BadRequest("Unsupported grant type: grant_type is invalid", "unsupported_grant_type");
        }
        var issued = await IssueAsync(oauth, clock, userId, client.Id, ct);
        return TypedResults.Ok(new
        {
            token_type = "Bearer",
            access_token = issued.Access,
            refresh_token = issued.Refresh,
            expires_in = (long)AccessTokenLifetime.TotalSeconds,
            refresh_token_expires_in = (long)RefreshTokenLifetime.TotalSeconds,
        });
    }

    /// <summary>The user these credentials belong to, or null (blocked users are returned: callers say so).</summary>
    internal static async Task<Core.Domain.UserRow?> VerifyCredentialsAsync(UserRepository users, string login, string password, CancellationToken ct)
    {
        var user = await users.FindByLoginAsync(login, ct);
        return user is not null && AccountService.VerifyPassword(user, password) ? user : null;
    }

    /// <summary>Consumes a valid refresh token of this client and returns its user. Rotation: the used refresh token and its access token stop working.</summary>
    internal static async Task<long?> RedeemRefreshTokenAsync(OAuthRepository oauth, TimeProvider clock, string refreshToken, long clientId, CancellationToken ct)
    {
        var existing = await oauth.FindByRefreshTokenAsync(refreshToken, ct);
        if (existing is null || existing.RefreshExpiresAt < clock.GetUtcNow().ToUnixTimeMilliseconds() || existing.ClientId != clientId)
        {
            return null;
        }
        await oauth.DeleteTokenAsync(existing.Id, ct);
        return existing.UserId;
    }

    public sealed record IssuedTokens(string Access, string Refresh, DateTimeOffset AccessExpires, DateTimeOffset RefreshExpires);

    /// <summary>A fresh token pair; shared by this endpoint and the web session so both follow the same lifetimes.</summary>
    internal static async Task<IssuedTokens> IssueAsync(OAuthRepository oauth, TimeProvider clock, long userId, long clientId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var issued = new IssuedTokens(OAuthRepository.NewToken(), OAuthRepository.NewToken(), now + AccessTokenLifetime, now + RefreshTokenLifetime);
        await oauth.CreateTokenAsync(issued.Access, issued.Refresh, issued.AccessExpires, issued.RefreshExpires, userId, clientId, ct);
        return issued;
    }
}
