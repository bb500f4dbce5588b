using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace VideoPlatform.Web.Infrastructure;

/// <summary>
/// The browser's session: the API's OAuth token pair kept in HttpOnly cookies. An expired access token is renewed with
/// the refresh token, as PeerTube's web client does, so the same tokens work for the uploader's API calls.
/// </summary>
public sealed class WebSessionHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IWebSessions sessions) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "WebSession";
    public const string AccessCookie = "vp_access";
    public const string RefreshCookie = "vp_refresh";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var ct = Context.RequestAborted;
        if (Request.Cookies[AccessCookie] is { Length: > 0 } access && await sessions.AuthenticateAsync(access, SchemeName, ct) is { } principal)
        {
            return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
        }
        if (Request.Cookies[RefreshCookie] is { Length: > 0 } refresh && await sessions.RefreshAsync(refresh, ct) is { } tokens
            && await sessions.AuthenticateAsync(tokens.AccessToken, SchemeName, ct) is { } renewed)
        {
            WriteCookies(Context, tokens);
            // Later reads in this request (sign-out) must see the new access token.
            Context.Items[AccessCookie] = tokens.AccessToken;
            return AuthenticateResult.Success(new AuthenticationTicket(renewed, SchemeName));
        }
        return AuthenticateResult.NoResult();
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var returnUrl = Request.PathBase + Request.Path + Request.QueryString;
        Response.Redirect("/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
        return Task.CompletedTask;
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.Redirect("/forbidden");
        return Task.CompletedTask;
    }

    /// <summary>The access token of this request's session, for pages whose scripts call the API.</summary>
    public static string? CurrentAccessToken(HttpContext context) =>
        context.Items[AccessCookie] as string ?? context.Request.Cookies[AccessCookie];

    public static void WriteCookies(HttpContext context, WebTokens tokens)
    {
        var secure = context.Request.IsHttps;
        context.Response.Cookies.Append(AccessCookie, tokens.AccessToken, Cookie(secure, tokens.AccessExpires));
        context.Response.Cookies.Append(RefreshCookie, tokens.RefreshToken, Cookie(secure, tokens.RefreshExpires));
    }

    public static void ClearCookies(HttpContext context)
    {
        context.Response.Cookies.Delete(AccessCookie, new CookieOptions { Path = "/" });
        context.Response.Cookies.Delete(RefreshCookie, new CookieOptions { Path = "/" });
    }

    private static CookieOptions Cookie(bool secure, DateTimeOffset expires) => new()
    {
        HttpOnly = true,
        Secure = secure,
        SameSite = SameSiteMode.Lax,
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };
}
