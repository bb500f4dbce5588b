using System.Security.Claims;
using VideoPlatform.Api.Accounts;
using VideoPlatform.Api.Auth;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Data.Repositories;

namespace VideoPlatform.Api.Endpoints;

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
                var user = await users.FindByLoginAsync(form["username"].ToString(), ct);
                if (user is null || !AccountService.VerifyPassword(user, form["password"].ToString()))
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
                var existing = await oauth.FindByRefreshTokenAsync(form["refresh_token"].ToString(), ct);
                if (existing is null || existing.RefreshExpiresAt < clock.GetUtcNow().ToUnixTimeMilliseconds() || existing.ClientId != client.Id)
                {
                    return Problems.BadRequest("Invalid grant: refresh token is invalid", "invalid_grant");
                }
                // Rotation: the used refresh token and its access token stop working.
                await oauth.DeleteTokenAsync(existing.Id, ct);
                userId = existing.UserId;
                break;
            default:
                return Problems.BadRequest("Unsupported grant type: grant_type is invalid", "unsupported_grant_type");
        }
        var now = clock.GetUtcNow();
        var access = OAuthRepository.NewToken();
        var refresh = OAuthRepository.NewToken();
        await oauth.CreateTokenAsync(access, refresh, now + AccessTokenLifetime, now + RefreshTokenLifetime, userId, client.Id, ct);
        return TypedResults.Ok(new
        {
            token_type = "Bearer",
            access_token = access,
            refresh_token = refresh,
            expires_in = (long)AccessTokenLifetime.TotalSeconds,
            refresh_token_expires_in = (long)RefreshTokenLifetime.TotalSeconds,
        });
    }
}
