using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.Mvc.Razor.Compilation;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VideoPlatform.Core.Domain;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Web;

public static class WebPolicies
{
    /// <summary>Reads the session cookie on every page (so the header knows who is there) without requiring one.</summary>
    public const string Session = "web-session";
    public const string User = "web-user";
    public const string Admin = "web-admin";
}

/// <summary>The web front end's two entry points for the composition in Api.</summary>
public static class WebModule
{
    public static IHostApplicationBuilder AddWeb(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<WebOptions>().Bind(builder.Configuration.GetSection(WebOptions.Section))
            .Validate(o => o.UploadChunkSize >= 256 * 1024, "Web:UploadChunkSize must be at least 256 KiB.")
            .ValidateOnStart();
        services.AddSingleton<WebAssets>();
        services.AddSingleton<WatchComments>();
        // French text as is (é, à, «») instead of numeric entities: smaller pages, readable source.
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddRazorPages(o =>
            {
                o.Conventions.AuthorizeFolder("/", WebPolicies.Session);
                // PeerTube's watch URL is shared with federation, which answers the same path with ActivityPub JSON.
                o.Conventions.AddPageRoute("/Actor", "/a/{name}");
                o.Conventions.AddPageRoute("/Watch", "/videos/watch/{id:" + AcceptsHtmlConstraint.Name + "}");
                o.Conventions.AddPageRoute("/PlaylistWatch", "/video-playlists/{id:" + AcceptsHtmlConstraint.Name + "}");
            })
            .ConfigureApplicationPartManager(m =>
            {
                // The host is Api: name this assembly explicitly, both its types and its compiled pages.
                var assembly = typeof(WebModule).Assembly;
                if (!m.ApplicationParts.OfType<AssemblyPart>().Any(p => p.Assembly == assembly))
                {
                    m.ApplicationParts.Add(new AssemblyPart(assembly));
                }
                if (!m.ApplicationParts.OfType<CompiledRazorAssemblyPart>().Any(p => p.Assembly == assembly))
                {
                    m.ApplicationParts.Add(new CompiledRazorAssemblyPart(assembly));
                }
            })
            .AddMvcOptions(o => o.Filters.Add<FrenchCultureFilter>());
        services.Configure<RouteOptions>(o => o.ConstraintMap[AcceptsHtmlConstraint.Name] = typeof(AcceptsHtmlConstraint));
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, WebSessionHandler>(WebSessionHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(WebPolicies.Session, p => p.AddAuthenticationSchemes(WebSessionHandler.SchemeName).RequireAssertion(_ => true))
            .AddPolicy(WebPolicies.User, p => p.AddAuthenticationSchemes(WebSessionHandler.SchemeName).RequireAuthenticatedUser())
            .AddPolicy(WebPolicies.Admin, p => p.AddAuthenticationSchemes(WebSessionHandler.SchemeName).RequireUserRole(UserRole.Administrator));
        return builder;
    }

    public static IEndpointRouteBuilder MapWeb(this IEndpointRouteBuilder app)
    {
        app.MapRazorPages();
        app.MapGet("/assets/{**path}", (HttpContext context, string path, WebAssets assets) => assets.Serve(context, path)).ExcludeFromDescription();
        app.MapGet("/favicon.ico", (HttpContext context, WebAssets assets) => assets.Serve(context, "img/favicon.ico")).ExcludeFromDescription();
        app.MapOEmbed();
        return app;
    }
}
