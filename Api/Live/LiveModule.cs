using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Transcoder.Live;

namespace VideoPlatform.Api.Live;

/// <summary>Lives: the REST API in the web role; the RTMP ingest and live transcoding in the transcoder role, when Live:Enabled.</summary>
public static class LiveModule
{
    public static WebApplicationBuilder AddLive(this WebApplicationBuilder builder, InstanceRoles roles)
    {
        var services = builder.Services;
        services.AddOptions<LiveOptions>().Bind(builder.Configuration.GetSection(LiveOptions.Section))
            .Validate(o => o.RtmpPort is >= 0 and <= 65535, "Live:RtmpPort must be a TCP port (0 picks a free one).")
            .Validate(o => System.Net.IPAddress.TryParse(o.RtmpAddress, out _), "Live:RtmpAddress must be an IP address.")
            .Validate(o => o.Transcoding.Resolutions.All(r => r is >= 144 and <= 4320), "Live:Transcoding:Resolutions must be heights from 144 to 4320.")
            .Validate(o => o.MaxDuration is null || o.MaxDuration > TimeSpan.Zero, "Live:MaxDuration must be positive (leave it out for no limit).")
            .Validate(o => o.IdleTimeout > TimeSpan.Zero && o.MaxMessageSize >= 64 * 1024, "Live:IdleTimeout must be positive and Live:MaxMessageSize at least 64 KiB.")
            .Validate(o => o.ReconnectGrace >= TimeSpan.Zero, "Live:ReconnectGrace must be zero or positive.")
            .Validate(o => o.Transcoding.PlaylistSize >= 3, "Live:Transcoding:PlaylistSize must be at least 3 segments.")
            .ValidateOnStart();
        services.AddSingleton<LiveRepository>();
        // The admin settings page overrides the limits (and the VOD ladder) over these configuration defaults.
        services.AddSingleton<LiveSettings>();
        services.AddSingleton(sp => new Core.Settings.SettingsDefaults(Core.Settings.SettingsDefaults.Ladder,
            LiveSettings.Defaults(sp.GetRequiredService<IOptions<LiveOptions>>().Value)));
        services.AddSingleton<LiveCreation>();
        services.AddSingleton<Web.IWebLives, WebLives>();
        var enabled = builder.Configuration.GetValue(LiveOptions.Section + ":Enabled", false);
        if (enabled && roles.HasFlag(InstanceRoles.Transcoder))
        {
            services.AddSingleton<LiveReplays>();
            services.AddSingleton<LiveSessions>();
            services.AddSingleton<RtmpIngest>();
            services.AddHostedService(sp => sp.GetRequiredService<RtmpIngest>());
        }
        return builder;
    }

    public static WebApplication MapLive(this WebApplication app, InstanceRoles roles)
    {
        if (roles.HasFlag(InstanceRoles.Web))
        {
            app.MapLiveEndpoints();
        }
        return app;
    }

    /// <summary>The RTMP URL publishers are given: the host of Instance:PublicUrl (or Live:RtmpHost) and the port actually bound.</summary>
    public static string RtmpUrl(LiveOptions live, InstanceOptions instance, RtmpIngest? ingest)
    {
        var host = string.IsNullOrWhiteSpace(live.RtmpHost) ? new Uri(instance.PublicUrl).Host : live.RtmpHost;
        var port = ingest?.BoundPort is > 0 and var bound ? bound : live.RtmpPort;
        return $"rtmp://{host}:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}/live";
    }

    /// <summary>The port publishers connect to: the bound one in a process that runs the ingest, else the configured one.</summary>
    public static int RtmpPort(LiveOptions live, IServiceProvider services) =>
        services.GetService<RtmpIngest>()?.BoundPort is > 0 and var bound ? bound : live.RtmpPort;

    /// <summary>The <c>live</c> section of <c>GET /api/v1/config</c>, with PeerTube's names.</summary>
    public static object Config(LiveOptions o, int rtmpPort) => new
    {
        enabled = o.Enabled,
        allowReplay = o.AllowReplay,
        dvr = new { maxWindow = 0 },
        latencySetting = new { enabled = true },
        maxDuration = o.MaxDuration is { } max ? (long)max.TotalMilliseconds : -1,
        maxInstanceLives = o.MaxInstanceLives,
        maxUserLives = o.MaxUserLives,
        transcoding = new
        {
            enabled = true,
            remoteRunners = new { enabled = false },
            enabledResolutions = o.Transcoding.Resolutions,
            profile = "default",
            availableProfiles = new[] { "default" },
        },
        rtmp = new { port = rtmpPort },
    };
}
