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
        if (roles.HasFlag(InstanceRoles.Transcoder))
        {
            services.AddJobHandler<CreateTorrentsJob, TorrentJobHandler>();
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

/// <summary>The P2P sections checked at start like every other one, each failure naming its configuration key.</summary>
public sealed class P2POptionsValidator : IValidateOptions<TrackerOptions>, IValidateOptions<SeederOptions>
{
    public ValidateOptionsResult Validate(string? name, TrackerOptions options)
    {
        var failures = new List<string>();
        const string section = "P2P:Tracker:";
        Positive(failures, section + nameof(options.AnnounceInterval), options.AnnounceInterval);
        Positive(failures, section + nameof(options.WebSocketAnnounceInterval), options.WebSocketAnnounceInterval);
        Positive(failures, section + nameof(options.MaxPeersPerSwarm), options.MaxPeersPerSwarm);
        Positive(failures, section + nameof(options.MaxSwarms), options.MaxSwarms);
        Positive(failures, section + nameof(options.MaxNumWant), options.MaxNumWant);
        Positive(failures, section + nameof(options.MaxScrapeHashes), options.MaxScrapeHashes);
        Positive(failures, section + nameof(options.MaxWebSocketMessageBytes), options.MaxWebSocketMessageBytes);
        Positive(failures, section + nameof(options.MaxWebSocketMessagesPerSecond), options.MaxWebSocketMessagesPerSecond);
        Positive(failures, section + nameof(options.MaxWebSocketsPerIp), options.MaxWebSocketsPerIp);
        Positive(failures, section + nameof(options.MaxSwarmsPerWebSocket), options.MaxSwarmsPerWebSocket);
        Positive(failures, section + nameof(options.WebSocketSendQueue), options.WebSocketSendQueue);
        if (options.DefaultNumWant < 0 || options.DefaultNumWant > options.MaxNumWant)
        {
            failures.Add($"{section}{nameof(options.DefaultNumWant)} must be between 0 and P2P:Tracker:MaxNumWant ({options.MaxNumWant}).");
        }
        return Result(failures);
    }

    public ValidateOptionsResult Validate(string? name, SeederOptions options)
    {
        var failures = new List<string>();
        const string section = "P2P:";
        if (options.PeerPort is < -1 or > 65535)
        {
            failures.Add($"{section}{nameof(options.PeerPort)} must be -1 (off), 0 (a free port) or a TCP port up to 65535.");
        }
        if (!IPAddress.TryParse(options.ListenAddress, out _))
        {
            failures.Add($"{section}{nameof(options.ListenAddress)} must be an IP address.");
        }
        if (options.AnnounceAddress is { } announce && !IPAddress.TryParse(announce, out _))
        {
            failures.Add($"{section}{nameof(options.AnnounceAddress)} must be an IP address.");
        }
        Positive(failures, section + nameof(options.MaxConnections), options.MaxConnections);
        Positive(failures, section + nameof(options.UploadSlots), options.UploadSlots);
        Positive(failures, section + nameof(options.UnchokeInterval), options.UnchokeInterval);
        if (options.UploadBytesPerSecond < 0)
        {
            failures.Add($"{section}{nameof(options.UploadBytesPerSecond)} must be 0 (unlimited) or positive.");
        }
        Positive(failures, section + nameof(options.IdleTimeout), options.IdleTimeout);
        Positive(failures, section + nameof(options.KeepAliveInterval), options.KeepAliveInterval);
        Positive(failures, section + nameof(options.HandshakeTimeout), options.HandshakeTimeout);
        Positive(failures, section + nameof(options.MaxPendingRequests), options.MaxPendingRequests);
        Positive(failures, section + nameof(options.ReannounceInterval), options.ReannounceInterval);
        return Result(failures);
    }

    private static void Positive(List<string> failures, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add(key + " must be positive.");
        }
    }

    private static void Positive(List<string> failures, string key, long value)
    {
        if (value <= 0)
        {
            failures.Add(key + " must be positive.");
        }
    }

    private static ValidateOptionsResult Result(List<string> failures) =>
        failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
}
