using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Web.Infrastructure;

/// <summary>
/// A password typed on the watch or embed page of a password-protected video, remembered for the browser session so that
/// a reload (or the other page of the same video) does not ask again: a session cookie (no expiry date, HttpOnly) per
/// video, whose value is the password encrypted and authenticated by ASP.NET's data protection with a purpose naming
/// the video, plus an expiry (<see cref="Lifetime"/>) checked on the server. The password is checked against the
/// video's current ones on every use, so a password the teacher removed stops working at once. Over HTTPS the cookie
/// is <c>SameSite=None; Secure</c>, so that an embed framed by the school's ENT or Moodle gets it back too (where the
/// browser accepts third-party cookies); over plain HTTP it is <c>Lax</c>.
/// </summary>
public static class RememberedVideoPasswords
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);
    private const string CookiePrefix = "vp_vpw_";

    private static string CookieName(VideoRow video) => CookiePrefix + video.Uuid.Replace("-", "", StringComparison.Ordinal);

    private static IDataProtector Protector(HttpContext context, VideoRow video) =>
        context.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector("VideoPlatform.VideoPassword.v1", video.Uuid);

    private static long Now(HttpContext context) => context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeMilliseconds();

    public static void Remember(HttpContext context, VideoRow video, string password)
    {
        var expires = Now(context) + (long)Lifetime.TotalMilliseconds;
        var value = Protector(context, video).Protect(expires.ToString(CultureInfo.InvariantCulture) + "\n" + password);
        var secure = context.Request.IsHttps;
        context.Response.Cookies.Append(CookieName(video), value, new CookieOptions
        {
            HttpOnly = true,
            Secure = secure,
            SameSite = secure ? SameSiteMode.None : SameSiteMode.Lax,
            Path = "/",
            IsEssential = true,
        });
    }

    /// <summary>The remembered password of this video, or null (none, tampered, another video's, or expired).</summary>
    public static string? Recall(HttpContext context, VideoRow video)
    {
        if (context.Request.Cookies[CookieName(video)] is not { Length: > 0 } value)
        {
            return null;
        }
        string text;
        try
        {
            text = Protector(context, video).Unprotect(value);
        }
        catch (CryptographicException)
        {
            return null;
        }
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        return newline > 0 && long.TryParse(text.AsSpan(0, newline), NumberStyles.None, CultureInfo.InvariantCulture, out var expires) && expires > Now(context)
            ? text[(newline + 1)..]
            : null;
    }
}
