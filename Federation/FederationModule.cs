using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Core.Videos;
using VideoPlatform.Core.Comments;
using VideoPlatform.Federation.Comments;
using VideoPlatform.Federation.Actors;
using VideoPlatform.Federation.Delivery;
using VideoPlatform.Federation.Follows;
using VideoPlatform.Federation.Inbox;
using VideoPlatform.Federation.Safety;
using VideoPlatform.Federation.Signatures;
using VideoPlatform.Federation.Videos;

namespace VideoPlatform.Federation;

/// <summary>The federation module's services. The host adds the adapters of <see cref="IVideoMediaLinks"/> and maps the endpoints.</summary>
public static class FederationModule
{
    /// <summary>
    /// Registers the use cases for every role (a web process queues deliveries and lists follows), and the job handlers
    /// (delivery, outbox crawl, remote thumbnails) only in a process with the <see cref="InstanceRoles.Federation"/> role.
    /// </summary>
    public static IServiceCollection AddFederation(this IServiceCollection services, IConfiguration configuration, InstanceRoles roles)
    {
        var section = configuration.GetSection(FederationOptions.Section);
        services.AddOptions<FederationOptions>().Bind(section)
            .Validate(o => o.InboxMaxBytes > 0 && o.DeliveryMaxAttempts > 0 && o.CollectionPageSize > 0 && o.ThumbnailMaxBytes > 0, "Federation: sizes and attempts must be positive.")
            .Validate(o => o.UnreachableAfterFailures > 0 && o.UnreachableAfter >= TimeSpan.Zero && o.UnreachableProbeInterval > TimeSpan.Zero,
                "Federation: UnreachableAfterFailures and UnreachableProbeInterval must be positive, UnreachableAfter not negative.")
            .Validate(o => o.PlaylistRefreshAge >= TimeSpan.Zero, "Federation: PlaylistRefreshAge must not be negative.")
            .ValidateOnStart();
        var allowPrivate = section.GetValue<bool>(nameof(FederationOptions.AllowPrivateNetworks));
        services.AddActivityPubClient(o => o.AllowPrivateNetworks = allowPrivate);
        services.AddHttpClient(DeliveryJobHandler.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(15))
            .ConfigurePrimaryHttpMessageHandler(() => new SsrfGuard(allowPrivate).CreateHandler());

        services.AddSingleton<ServerRepository>();
        services.AddSingleton<FollowRepository>();
        services.AddSingleton<ReceivedActivityRepository>();
        services.AddSingleton<ServerActor>();
        services.AddSingleton<RemoteActors>();
        services.AddSingleton<ActorKeyResolver>();
        services.AddSingleton<IActorKeyResolver>(sp => sp.GetRequiredService<ActorKeyResolver>());
        services.AddSingleton(sp => new HttpSignatureVerifier(sp.GetRequiredService<IActorKeyResolver>(), sp.GetRequiredService<TimeProvider>(), ClockSkew.Default));
        services.AddSingleton<RemoteVideos>();
        services.AddSingleton<RemoteThumbnails>();
        services.AddSingleton<RemoteImages>();
        services.AddSingleton<RemoteFetch>();
        services.AddSingleton<LocalVideoObjects>();
        services.AddSingleton<DeliveryQueue>();
        services.AddSingleton<FollowService>();
        services.AddSingleton<InboxProcessor>();
        services.AddSingleton<InboxReceiver>();
        services.AddSingleton<IVideoChangeListener, FederationPublisher>();
        services.AddSingleton<CommentFederation>();
        services.AddSingleton<ICommentChangeListener>(sp => sp.GetRequiredService<CommentFederation>());
        services.AddSingleton<Playlists.LocalPlaylistObjects>();
        services.AddSingleton<VideoPlatform.Core.Playlists.IPlaylistChangeListener, Playlists.PlaylistPublisher>();
        services.AddSingleton<Playlists.RemotePlaylists>();
        services.AddSingleton<VideoPlatform.Core.Playlists.IPlaylistReadListener>(sp => sp.GetRequiredService<Playlists.RemotePlaylists>());
        if (roles.HasFlag(InstanceRoles.Federation))
        {
            services.AddJobHandler<DeliveryJob, DeliveryJobHandler>();
            services.AddJobHandler<OutboxCrawlJob, OutboxCrawlJobHandler>();
            services.AddJobHandler<RemoteThumbnailJob, RemoteThumbnailJobHandler>();
            services.AddJobHandler<RemoteCaptionsJob, RemoteCaptionsJobHandler>();
            services.AddJobHandler<Playlists.RemotePlaylistJob, Playlists.RemotePlaylistJobHandler>();
            services.AddJobHandler<RemoteCommentsJob, RemoteCommentsJobHandler>();
        }
        return services;
    }
}
