using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Data.Repositories;

namespace VideoPlatform.Api.Auth;

/// <summary>PeerTube's OAuth2: one local client, password and refresh_token grants, revocation.</summary>
public static class OAuthEndpoints
{
    public static IEndpointRouteBuilder MapOAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("OAuth");
        api.MapGet("/oauth-clients/local", async (OAuthRepository oauth, CancellationToken ct) =>
        {
            var client = await oauth.GetOrCreateLocalClientAsync(ct);
            return TypedResults.Ok(new LocalClient(client.ClientId, client.ClientSecret));
        });
        api.MapPost("/users/token", TokenAsync).DisableAntiforgery();
        api.MapPost("/users/revoke-token", async (ClaimsPrincipal user, OAuthRepository oauth, CancellationToken ct) =>
        {
            var tokenId = long.Parse(user.FindFirstValue(OAuthTokens.TokenIdClaim)!, System.Globalization.CultureInfo.InvariantCulture);
            await oauth.DeleteTokenAsync(tokenId, ct);
            return TypedResults.Ok(new RevokedToken());
        }).RequireAuthorization();
        return app;
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult, RateLimits.RetryAfterResult>> TokenAsync(HttpRequest request, OAuthRepository oauth, OAuthTokens tokens,
        ExternalAuthTokens externalTokens, Microsoft.Extensions.Options.IOptions<AuthOptions> auth, UserRepository users, CancellationToken ct)
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
            case "password" when form["externalAuthToken"].ToString() is { Length: > 0 } externalAuthToken:
                // PeerTube's external auth: the single-use token a directory sign-in ended with, for this username.
                var external = externalTokens.Redeem(externalAuthToken, form["username"].ToString());
                if (external is null)
                {
                    return Problems.BadRequest("Invalid grant: external auth token is invalid, expired or already used", "invalid_grant");
                }
                if ((await users.FindByIdAsync(external.Value, ct)) is not { Blocked: false })
                {
                    return Problems.BadRequest("User blocked.", "user_blocked");
                }
                userId = external.Value;
                break;
            case "password" when !auth.Value.LocalLogin:
                return Problems.BadRequest("Password sign-in is disabled on this instance: sign in through the academy's directory.", "invalid_grant");
            case "password":
                var (user, retryAfter) = await tokens.SignInAsync(form["username"].ToString(), form["password"].ToString(),
                    request.HttpContext.Connection.RemoteIpAddress, ct);
                if (retryAfter is not null)
                {
                    return RateLimits.TooManyRequests(retryAfter);
                }
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
                var refreshed = await tokens.RedeemRefreshTokenAsync(form["refresh_token"].ToString(), client.Id, ct);
                if (refreshed is null)
                {
                    return Problems.BadRequest("Invalid grant: refresh token is invalid", "invalid_grant");
                }
                userId = refreshed.Value;
                break;
            default:
                return Problems.BadRequest("Unsupported grant type: grant_type is invalid", "unsupported_grant_type");
        }
        var issued = await tokens.IssueAsync(userId, client.Id, ct);
        return TypedResults.Ok(new TokenResponse("Bearer", issued.Access, issued.Refresh, (long)OAuthTokens.AccessTokenLifetime.TotalSeconds,
            (long)OAuthTokens.RefreshTokenLifetime.TotalSeconds));
    }

    public sealed record LocalClient([property: JsonPropertyName("client_id")] string ClientId, [property: JsonPropertyName("client_secret")] string ClientSecret);

    public sealed record RevokedToken;

    /// <summary>PeerTube's (OAuth2's) snake_case token answer.</summary>
    public sealed record TokenResponse(
        [property: JsonPropertyName("token_type")] string TokenType,
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("refresh_token")] string RefreshToken,
        [property: JsonPropertyName("expires_in")] long ExpiresIn,
        [property: JsonPropertyName("refresh_token_expires_in")] long RefreshTokenExpiresIn);
}
