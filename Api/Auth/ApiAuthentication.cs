using Microsoft.Extensions.Options;
using VideoPlatform.Core.Domain;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Api.Auth;

/// <summary>Marks an API endpoint that the web pages' own scripts call with the session cookie (see <see cref="ApiAuthentication"/>).</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class SameOriginSessionAttribute : Attribute;

/// <summary>
/// How the API authenticates: PeerTube's bearer tokens; and, only on endpoints marked <see cref="SameOriginSessionAttribute"/>
/// (the resumable upload, a video's details, the player's view report), the web session cookie for same-origin script calls, so that the upload
/// page needs no token in its HTML. The anti-CSRF proof is the <see cref="SessionHeader"/> header, which another site
/// cannot send without a CORS preflight (we answer none), plus the browser's <c>Origin</c> and <c>Sec-Fetch-Site</c>
/// when present. A request with only the cookie stays anonymous.
/// </summary>
public static class ApiAuthentication
{
    public const string Scheme = "Api";
    public const string SessionHeader = "X-VP-Session";

    public static TBuilder AllowSameOriginSession<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new SameOriginSessionAttribute());

    public static void AddApiAuthentication(this IServiceCollection services)
    {
        services.AddSingleton<SessionCache>();
        services.AddSingleton<OAuthTokens>();
        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, null, o =>
            {
                o.ForwardDefaultSelector = context => IsSameOriginSessionCall(context) ? WebSessionHandler.SchemeName : BearerAuthenticationHandler.SchemeName;
                // API clients are answered as API clients (401/403 problem details), never redirected to the login page.
                o.ForwardChallenge = BearerAuthenticationHandler.SchemeName;
                o.ForwardForbid = BearerAuthenticationHandler.SchemeName;
            })
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, BearerAuthenticationHandler>(BearerAuthenticationHandler.SchemeName, null);
    }

    private static bool IsSameOriginSessionCall(HttpContext context)
    {
        var request = context.Request;
        if (request.Headers.Authorization.Count > 0 || request.Headers[SessionHeader] != "1"
            || context.GetEndpoint()?.Metadata.GetMetadata<SameOriginSessionAttribute>() is null)
        {
            return false;
        }
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site != "same-origin")
        {
            return false;
        }
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return true;
        }
        var publicUrl = context.RequestServices.GetRequiredService<IOptions<InstanceOptions>>().Value.PublicUrl;
        return Uri.TryCreate(publicUrl, UriKind.Absolute, out var ours)
            && string.Equals(origin, ours.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase);
    }
}
