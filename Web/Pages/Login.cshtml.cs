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

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
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
