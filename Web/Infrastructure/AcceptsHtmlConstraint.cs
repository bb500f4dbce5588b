using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace VideoPlatform.Web.Infrastructure;

/// <summary>
/// Matches only requests that want HTML (browsers), so that ActivityPub clients asking the same URL for
/// <c>application/activity+json</c> reach the federation endpoint instead.
/// </summary>
public sealed class AcceptsHtmlConstraint : IRouteConstraint
{
    public const string Name = "acceptshtml";

    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection)
    {
        if (routeDirection == RouteDirection.UrlGeneration || httpContext is null)
        {
            return true;
        }
        return WantsHtml(httpContext.Request);
    }

    public static bool WantsHtml(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        if (accept.Count == 0)
        {
            return true;
        }
        double html = 0, activity = 0;
        foreach (var media in accept)
        {
            var quality = media.Quality ?? 1;
            var type = media.MediaType.Value ?? "";
            if (type.Equals("text/html", StringComparison.OrdinalIgnoreCase) || type.Equals("application/xhtml+xml", StringComparison.OrdinalIgnoreCase))
            {
                html = Math.Max(html, quality);
            }
            else if (type.Equals("application/activity+json", StringComparison.OrdinalIgnoreCase) || type.Equals("application/ld+json", StringComparison.OrdinalIgnoreCase))
            {
                activity = Math.Max(activity, quality);
            }
            else if (type.Equals("*/*", StringComparison.Ordinal))
            {
                html = Math.Max(html, quality * 0.5);
            }
        }
        return html > 0 && html >= activity;
    }
}
