using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Web.Pages;

/// <summary>
/// The player alone, for iframes in ENTs and other sites (oEmbed points here). Framed only by the allowed domains
/// (the video's, else <c>Instance:EmbedAllowedDomains</c>; none: anywhere): the CSP <c>frame-ancestors</c> is the
/// enforcement; a request the browser marks as coming from a foreign parent also gets a French refusal instead of the player.
/// </summary>
[IgnoreAntiforgeryToken] // the password form changes nothing, and a framed page's antiforgery cookie is not sent cross-site
public sealed class EmbedModel(VideoRepository videos, CaptionRepository captions, IWebMedia media, IOptions<WebOptions> options, IOptions<InstanceOptions> instance,
    VideoPasswordRepository passwords, BlocklistRepository blocklists, LiveRepository lives)
    : VideoPageBase(videos, captions, media, options, instance, passwords, blocklists, lives)
{
    private readonly IReadOnlyList<string> _instanceDomains = VideoAudience.NormalizeDomains(instance.Value.EmbedAllowedDomains).Domains;

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct) => await EmbedAsync(id, ct);

    public async Task<IActionResult> OnPostAsync(string id, CancellationToken ct) => await EmbedAsync(id, ct);

    private async Task<IActionResult> EmbedAsync(string id, CancellationToken ct)
    {
        var found = await Videos.FindAsync(id, ct);
        var domains = found is null ? _instanceDomains : VideoAudience.EmbedDomains(found.Video, _instanceDomains);
        if (domains.Count > 0)
        {
            var csp = Response.Headers.ContentSecurityPolicy.ToString();
            Response.Headers.ContentSecurityPolicy = csp.Replace("frame-ancestors *", "frame-ancestors " + VideoAudience.FrameAncestors(domains), StringComparison.Ordinal);
            if (ForeignParent(domains))
            {
                Response.StatusCode = StatusCodes.Status403Forbidden;
                EmbedRefused = true;
                return Page();
            }
        }
        return await LoadAsync(id, ct);
    }

    /// <summary>The page is loaded in a frame of another site whose origin (from the Referer) is not allowed.</summary>
    public bool EmbedRefused { get; private set; }

    private bool ForeignParent(IReadOnlyList<string> domains)
    {
        var site = Request.Headers["Sec-Fetch-Site"].ToString();
        if (!string.Equals(Request.Headers["Sec-Fetch-Dest"], "iframe", StringComparison.Ordinal)
            || (!string.Equals(site, "cross-site", StringComparison.Ordinal) && !string.Equals(site, "same-site", StringComparison.Ordinal)))
        {
            return false;
        }
        return !Uri.TryCreate(Request.Headers.Referer.ToString(), UriKind.Absolute, out var parent) || !VideoAudience.AllowsEmbedder(domains, parent);
    }
}
