using Microsoft.Extensions.Options;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Stats;
using VideoPlatform.Federation.Delivery;
using VideoPlatform.Transcoder.Jobs;

namespace VideoPlatform.Api.Stats;

/// <summary>The load history (Core/Stats), its REST endpoints, its alert webhook and its <c>/metrics</c> figures.</summary>
public static class StatsModule
{
    public static void AddStats(this WebApplicationBuilder builder, InstanceRoles roles)
    {
        var services = builder.Services;
        services.AddOptions<StatsOptions>().Bind(builder.Configuration.GetSection(StatsOptions.Section))
            .Validate(o => o.FlushInterval >= TimeSpan.FromMilliseconds(100) && o.FlushInterval <= TimeSpan.FromMinutes(1),
                "Stats:FlushInterval must be between 00:00:00.1 and 00:01:00 (one row per minute is written whatever it is).")
            .Validate(o => o.MinuteRetention >= TimeSpan.FromHours(1) && o.Retention > o.MinuteRetention,
                "Stats:MinuteRetention must be at least an hour and Stats:Retention longer than it.")
            .ValidateOnStart();
        services.AddOptions<AlertOptions>().Bind(builder.Configuration.GetSection(AlertOptions.Section))
            .Validate(o => o.EgressPercent > 0 && o.StorageDays >= 0 && o.QueueWaitMinutes >= 0, "Alerts:EgressPercent must be positive, Alerts:StorageDays and Alerts:QueueWaitMinutes not negative.")
            .Validate(o => string.IsNullOrEmpty(o.WebhookUrl) || (Uri.TryCreate(o.WebhookUrl, UriKind.Absolute, out var u) && (u.Scheme == "http" || u.Scheme == "https")),
                "Alerts:WebhookUrl must be an absolute http(s) URL.")
            .ValidateOnStart();
        services.AddOptions<InstanceOptions>().Validate(o => o.UplinkMbps >= 0, "Instance:UplinkMbps must not be negative.");
        services.AddSingleton(sp => new StatsRecorder { Enabled = sp.GetRequiredService<IOptions<StatsOptions>>().Value.Enabled });
        services.AddSingleton<ViewerSessions>();
        services.AddSingleton<StatsRepository>();
        services.AddSingleton<AlertState>();
        services.AddSingleton(new StatsJobTypes(TranscodeJob.JobType, DeliveryJob.JobType));
        services.AddSingleton<StatsFlusher>();
        // Viewers and HTTP counters live in the web process: a worker process writing its zeros would overwrite them.
        if (roles.HasFlag(InstanceRoles.Web))
        {
            services.AddHostedService(sp => sp.GetRequiredService<StatsFlusher>());
            // Heartbeats reach the web processes: each shares its viewers so that every one reports the instance's count.
            services.AddHostedService<SharedViewers>();
        }
        services.AddHttpClient(AlertWebhook.ClientName, c => c.Timeout = TimeSpan.FromSeconds(5));
        services.AddSingleton<IAlertSink, AlertWebhook>();
        services.AddSingleton<IMetricsSource, StatsMetrics>();
        services.AddSingleton<ServerStatsReader>();
        services.AddSingleton<VideoPlatform.Web.IAcademyLoads, AcademyLoads>();
    }

    public static void MapStats(this IEndpointRouteBuilder app)
    {
        app.MapVideoStatsEndpoints();
        app.MapServerStatsEndpoints();
    }
}
