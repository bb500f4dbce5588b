using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Web.Pages;

/// <summary>Sign-out is a POST (with the antiforgery token): a link or an image cannot log someone out.</summary>
public sealed class LogoutModel(IWebSessions sessions) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (WebSessionHandler.CurrentAccessToken(HttpContext) is { Length: > 0 } token)
        {
            await sessions.SignOutAsync(token, ct);
        }
        WebSessionHandler.ClearCookies(HttpContext);
        // Signed in through the academy's directory: end that session too (RP-initiated logout), back here afterwards.
        if (sessions.DirectorySignOutScheme(HttpContext) is { } scheme)
        {
            return SignOut(new Microsoft.AspNetCore.Authentication.AuthenticationProperties { RedirectUri = "/" }, scheme);
        }
        return LocalRedirect("/");
    }
}
