using System.Net;
using Microsoft.AspNetCore.CookiePolicy;
using Microsoft.AspNetCore.HttpOverrides;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Api.Hosting;

/// <summary>
/// Behind the TLS proxy of compose.yaml: forwarded headers are trusted only from <c>Proxy:KnownProxies</c> (IPs) and
/// <c>Proxy:KnownNetworks</c> (CIDR), so that the client's own IP is what every per-IP limit sees (login, sign-up, views,
/// the tracker's sockets) and its scheme is https. Cookies are <c>Secure</c> when <c>Instance:PublicUrl</c> is https.
/// </summary>
public static class ReverseProxy
{
    public const string Section = "Proxy";

    public static IServiceCollection AddReverseProxy(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var proxies = List(section.GetSection("KnownProxies")).Select(p => IPAddress.TryParse(p, out var ip) ? ip
            : throw new InvalidOperationException($"Proxy:KnownProxies: '{p}' is not an IP address.")).ToList();
        var networks = List(section.GetSection("KnownNetworks")).Select(n => System.Net.IPNetwork.TryParse(n, out var net) ? net
            : throw new InvalidOperationException($"Proxy:KnownNetworks: '{n}' is not a network such as 10.0.0.0/8.")).ToList();
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Nothing is trusted by default (ASP.NET trusts loopback): only what the configuration names.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            proxies.ForEach(o.KnownProxies.Add);
            networks.ForEach(o.KnownIPNetworks.Add);
        });
        services.AddOptions<CookiePolicyOptions>().Configure<Microsoft.Extensions.Options.IOptions<InstanceOptions>>((o, instance) =>
            o.Secure = IsHttps(instance.Value) ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest);
        return services;
    }

    /// <summary>First in the pipeline: everything after sees the client's IP and scheme, and writes cookies by the policy.</summary>
    public static IApplicationBuilder UseReverseProxy(this IApplicationBuilder app) => app.UseForwardedHeaders().UseCookiePolicy();

    /// <summary>Accepts a list as array entries (<c>Proxy:KnownProxies:0</c>) or as one comma-separated value.</summary>
    internal static List<string> List(IConfigurationSection section) =>
        (section.Value is { } single ? [single] : section.GetChildren().Select(c => c.Value ?? ""))
            .SelectMany(v => v.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();

    /// <summary>True when browsers reach us over https (HSTS, Secure cookies).</summary>
    public static bool IsHttps(InstanceOptions instance) => instance.PublicUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
}
