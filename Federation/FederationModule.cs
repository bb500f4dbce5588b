using Microsoft.Extensions.Options;
using VideoPlatform.Api.Videos;
using VideoPlatform.Api.Accounts;
using VideoPlatform.Api.Auth;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Videos;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Federation.Safety;
using VideoPlatform.Federation.Signatures;

namespace VideoPlatform.Api.Federation;

/// <summary>The federation module: one <c>Add</c> and one <c>Map</c> for the composition.</summary>
public static class FederationModule
{
    public static void AddFederation(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var section = builder.Configuration.GetSection(FederationOptions.Section);
        services.AddOptions<FederationOptions>().Bind(section)
            .Validate(o => o.InboxMaxBytes > 0 && o.DeliveryMaxAttempts > 0 && o.CollectionPageSize > 0 && o.ThumbnailMaxBytes > 0, "Federation: sizes and attempts must be positive.")
            .Validate(o => o.UnreachableAfterFailures > 0 && o.UnreachableAfter >= TimeSpan.Zero && o.UnreachableProbeInterval > TimeSpan.Zero,
                "Federation: UnreachableAfterFailures and UnreachableProbeInterval must be positive, UnreachableAfter not negative.")
            .ValidateOnStart();
        var allowPrivate = section.GetValue<bool>(nameof(FederationOptions.AllowPrivateNetworks));
        services.AddActivityPubClient(o => o.AllowPrivateNetworks = allowPrivate);
        services.AddHttpClient(DeliveryJobHandler.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(15))
            .ConfigurePrimaryHttpMessageHandler(() => new SsrfGuard(allowPrivate).CreateHandler());

        services.AddSingleton<ServerActor>();
        services.AddSingleton<FederationStore>();
        services.AddSingleton<RemoteActors>();
        services.AddSingleton<ActorKeyResolver>();
        services.AddSingleton<IActorKeyResolver>(sp => sp.GetRequiredService<ActorKeyResolver>());
        services.AddSingleton(sp => new HttpSignatureVerifier(sp.GetRequiredService<IActorKeyResolver>(), sp.GetRequiredService<TimeProvider>(), ClockSkew.Default));
        services.AddSingleton<RemoteVideos>();
        services.AddSingleton<RemoteThumbnails>();
        services.AddSingleton<LocalVideoObjects>();
        services.AddSingleton<Delivery>();
        services.AddSingleton<Follows>();
        services.AddSingleton<InboxProcessor>();
        services.AddSingleton<Inbox>();
        services.AddSingleton<IVideoChangeListener, FederationPublisher>();
        services.AddJobHandler<DeliveryJob, DeliveryJobHandler>();
        services.AddJobHandler<OutboxCrawlJob, OutboxCrawlJobHandler>();
        services.AddJobHandler<RemoteThumbnailJob, RemoteThumbnailJobHandler>();
    }

    public static void MapFederation(this IEndpointRouteBuilder app)
    {
        app.MapActivityPubEndpoints();
        app.MapFollowEndpoints();
    }
}
