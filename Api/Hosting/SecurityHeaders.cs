using Microsoft.Extensions.Options;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Api.Hosting;

/// <summary>
/// Headers on every response: a CSP without inline script (the pages' scripts are the bundles under /assets), no
/// framing except the embed player, <c>nosniff</c>, a referrer policy, and HSTS when the instance is served over https.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>The one page other sites may frame (PeerTube's embed URL).</summary>
    public const string EmbedPath = "/videos/embed";

    // Media, thumbnails and playlists of federated videos come from other academies, and the player talks to trackers
    // (ws/wss) and peers: those sources stay open; scripts, styles, forms and frames stay on this origin.
    private const string Policy = "default-src 'self'; script-src 'self'; worker-src 'self' blob:; style-src 'self'; img-src * data: blob:; "
        + "media-src * data: blob:; connect-src *; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'";

    /// <summary>
    /// The API reference (Scalar, at /api-docs) configures itself with an inline script and inline styles. It holds no
    /// user content and no session, so it alone gets them; every other page keeps <see cref="Policy"/>.
    /// </summary>
    public const string ApiDocsPath = "/api-docs";

    private const string ApiDocsPolicy = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src * data: blob:; "
        + "font-src * data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <param name="formActionOrigins">Other origins forms may lead to: the academy directories, since sign-out is a form whose answer redirects there.</param>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, IEnumerable<string> formActionOrigins)
    {
        var https = ReverseProxy.IsHttps(app.ApplicationServices.GetRequiredService<IOptions<InstanceOptions>>().Value);
        var policy = Policy + string.Concat(formActionOrigins.Select(o => " " + o)) + "; frame-ancestors ";
        return app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            var embeddable = context.Request.Path.StartsWithSegments(EmbedPath, StringComparison.OrdinalIgnoreCase);
            headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments(ApiDocsPath, StringComparison.OrdinalIgnoreCase)
                ? ApiDocsPolicy
                : policy + (embeddable ? "*" : "'none'");
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            if (!embeddable)
            {
                headers.XFrameOptions = "DENY";
            }
            if (https)
            {
                headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
            }
            return next(context);
        });
    }
}
