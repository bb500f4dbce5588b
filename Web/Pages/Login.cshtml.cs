using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Web.Pages;

public sealed class LoginModel(IWebSessions sessions) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Username { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    public string? Error { get; private set; }

    public bool LocalLogin => sessions.LocalLogin;

    public IReadOnlyList<WebSignInProvider> Providers => sessions.Providers;

    public string StartUrl(WebSignInProvider provider) => Url.IsLocalUrl(ReturnUrl)
        ? Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(provider.StartUrl, "returnUrl", ReturnUrl!)
        : provider.StartUrl;

    /// <summary>
    /// PeerTube's external-auth landing: <c>/login?externalAuthToken=…&amp;username=…</c> after a directory sign-in; the
    /// single-use token becomes this browser's session. <c>externalAuthError</c> tells why a directory sign-in failed.
    /// </summary>
    public async Task<IActionResult> OnGetAsync(string? externalAuthToken, string? externalAuthError, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(externalAuthToken))
        {
            var username = Request.Query["username"].ToString();
            if (await sessions.RedeemExternalAuthTokenAsync(username, externalAuthToken, ct) is { } tokens)
            {
                WebSessionHandler.WriteCookies(HttpContext, tokens);
                return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
            }
            Error = Text.L("Login_ExternalExpired");
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        if (externalAuthError is not null)
        {
            Error = Text.L(externalAuthError switch
            {
                "email" => "Login_ExternalEmail",
                "blocked" => "Login_ExternalBlocked",
                _ => "Login_ExternalFailed",
            });
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!sessions.LocalLogin)
        {
            Error = Text.L("Login_LocalDisabled");
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return Page();
        }
        if (string.IsNullOrWhiteSpace(Username) || string.IsNullOrEmpty(Password))
        {
            Error = Text.L("Login_Missing");
            return Page();
        }
        var (tokens, retryAfter) = await sessions.SignInAsync(Username.Trim(), Password, HttpContext.Connection.RemoteIpAddress, ct);
        if (retryAfter is { } retry)
        {
            var seconds = Math.Max(1, (long)Math.Ceiling(retry.TotalSeconds));
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            Error = Text.L("Login_Throttled", Math.Max(1, (seconds + 59) / 60));
            return Page();
        }
        if (tokens is null)
        {
            // 200 with the form again, as login forms do: a 401 would ask the browser for HTTP authentication semantics.
            Error = Text.L("Login_Invalid");
            return Page();
        }
        WebSessionHandler.WriteCookies(HttpContext, tokens);
        // Only local paths: a crafted returnUrl must not send the user to another site.
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }
}
