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
        return LocalRedirect("/");
    }
}
