using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using VideoPlatform.P2P.Tracker;

namespace VideoPlatform.P2P;

public static class TrackerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the tracker (swarm registry, expiry sweep, metrics). The caller must also register an
    /// <see cref="ITrackedContentCatalog"/>, and bind options if needed, e.g.
    /// <c>services.Configure&lt;TrackerOptions&gt;(configuration.GetSection("P2P:Tracker"))</c>.
    /// </summary>
    public static IServiceCollection AddP2PTracker(this IServiceCollection services, Action<TrackerOptions>? configure = null)
    {
        services.AddP2PCore();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton<WebSocketIpLimiter>();
        services.AddHostedService<SwarmExpiryService>();
        return services;
    }

    /// <summary>
    /// Maps GET /tracker/announce, GET /tracker/scrape and the WebSocket /tracker/socket.
    /// The application must call <c>app.UseWebSockets()</c> before this, or the socket endpoint answers 426.
    /// </summary>
    public static IEndpointRouteBuilder MapP2PTracker(this IEndpointRouteBuilder endpoints)
    {
        TrackerEndpoints.Map(endpoints);
        return endpoints;
    }

    internal static IServiceCollection AddP2PCore(this IServiceCollection services)
    {
        services.AddOptions<TrackerOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SwarmRegistry>();
        services.TryAddSingleton(sp => new P2PMetrics(sp.GetRequiredService<SwarmRegistry>()));
        return services;
    }
}
