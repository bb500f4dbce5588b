using System.Net;
using Microsoft.Extensions.Options;
using VideoPlatform.Api.Videos;
using VideoPlatform.Api.Accounts;
using VideoPlatform.Api.Auth;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Videos;
using VideoPlatform.Core.Jobs;
using VideoPlatform.P2P;
using VideoPlatform.P2P.PeerWire;
using VideoPlatform.P2P.Tracker;

namespace VideoPlatform.Api.P2P;

/// <summary>The P2P module in the instance: tracker (role p2p), seeder (role p2p), torrent creation (role transcoder).</summary>
public static class P2PModule
{
    public static void AddP2P(this WebApplicationBuilder builder, InstanceRoles roles)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddSingleton<Core.Data.Repositories.TorrentRepository>();
        services.AddSingleton<TrackedContentCatalog>();
        services.AddSingleton<IMagnetLinkBuilder, MagnetLinkBuilder>();
        services.AddSingleton<P2PRevocation>();
        services.AddSingleton<HlsSwarms>();
        services.AddSingleton<IVideoChangeListener, LiveSwarms>();
        // Hashing reads the shared media store: the transcoder's processes, and the seeder's (whose files they are; it also
        // makes the source's torrent at upload completion while the transcode waits for a worker, as PeerTube does).
        if (roles.HasFlag(InstanceRoles.Transcoder) || roles.HasFlag(InstanceRoles.P2P))
        {
            services.AddJobHandler<CreateTorrentsJob, TorrentJobHandler>();
        }
        // Re-keying copies a video's media under new names: a worker that holds the store, as the transcoder.
        if (roles.HasFlag(InstanceRoles.Transcoder))
        {
            services.AddJobHandler<RekeyMediaJob, MediaRekeyJobHandler>();
        }
        services.AddSingleton<TorrentScheduler>();
        services.AddSingleton<IVideoChangeListener>(sp => sp.GetRequiredService<TorrentScheduler>());
        services.AddHostedService(sp => sp.GetRequiredService<TorrentScheduler>());
        if (!roles.HasFlag(InstanceRoles.P2P))
        {
            return;
        }
        services.AddSingleton<ITrackedContentCatalog>(sp => sp.GetRequiredService<TrackedContentCatalog>());
        services.AddSingleton<ISeedContentSource, SeedContentSource>();
        services.AddOptions<TrackerOptions>().Bind(configuration.GetSection("P2P:Tracker")).ValidateOnStart();
        services.AddOptions<SeederOptions>().Bind(configuration.GetSection("P2P")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TrackerOptions>, P2POptionsValidator>();
        services.AddSingleton<IValidateOptions<SeederOptions>, P2POptionsValidator>();
        // A laptop instance on 127.0.0.1 seeds on loopback only, and announces that address; a public instance
        // listens everywhere and announces the address set in P2P:AnnounceAddress (or its public host when it is an IP).
        services.AddSingleton<IPostConfigureOptions<SeederOptions>>(sp => new PostConfigureOptions<SeederOptions>(Options.DefaultName, o =>
        {
            var publicHost = new Uri(sp.GetRequiredService<IOptions<InstanceOptions>>().Value.PublicUrl).Host;
            var isLoopback = IPAddress.TryParse(publicHost, out var ip) && IPAddress.IsLoopback(ip) || publicHost == "localhost";
            if (configuration["P2P:ListenAddress"] is null && isLoopback)
            {
                o.ListenAddress = "127.0.0.1";
            }
            if (o.AnnounceAddress is null && IPAddress.TryParse(publicHost == "localhost" ? "127.0.0.1" : publicHost, out _))
            {
                o.AnnounceAddress = publicHost == "localhost" ? "127.0.0.1" : publicHost;
            }
        }));
        services.AddP2PTracker();
        services.AddP2PSeeder();
        services.AddSingleton<IMetricsSource, P2PMetricsSource>();
    }

    public static void MapP2P(this WebApplication app, InstanceRoles roles)
    {
        if (!roles.HasFlag(InstanceRoles.P2P))
        {
            return;
        }
        app.MapP2PTracker();
    }
}
