using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.P2P.PeerWire;

namespace VideoPlatform.P2P;

public static class SeederServiceCollectionExtensions
{
    /// <summary>
    /// Registers the peer-wire seeder as a hosted service (also resolvable as <see cref="PeerWireSeeder"/> to read
    /// the bound port). The caller registers <see cref="ISeedContentSource"/> and the tracker's
    /// <see cref="Tracker.ITrackedContentCatalog"/>, and may bind <c>services.Configure&lt;SeederOptions&gt;(configuration.GetSection("P2P"))</c>.
    /// </summary>
    public static IServiceCollection AddP2PSeeder(this IServiceCollection services, Action<SeederOptions>? configure = null)
    {
        services.AddP2PCore();
        services.AddOptions<SeederOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.AddSingleton<PeerWireSeeder>();
        services.AddHostedService(sp => sp.GetRequiredService<PeerWireSeeder>());
        return services;
    }
}
