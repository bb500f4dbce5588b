using VideoPlatform.Api.P2P;
using VideoPlatform.Api.WebAdapters;
using VideoPlatform.Transcoder.Jobs;
using VideoPlatform.Api.Videos;
using VideoPlatform.Api.Accounts;
using VideoPlatform.Api.Auth;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Videos;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Transcoder;
using VideoPlatform.Core.Storage;

namespace VideoPlatform.Api.Media;

/// <summary>Media serving, the media files' change listener, the publication job and the transcoder: what each role of a process gets of them.</summary>
public static class MediaModule
{
    public static WebApplicationBuilder AddMedia(this WebApplicationBuilder builder, InstanceRoles roles)
    {
        var services = builder.Services;
        services.AddSingleton<VideoMediaRepository>();
        services.AddSingleton<IVideoChangeListener, MediaFilesListener>();
        // Object storage (disabled by default): options checked at start, the store, the URLs of stored media, the moves.
        services.AddOptions<ObjectStorageOptions>().Bind(builder.Configuration.GetSection(ObjectStorageOptions.Section)).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<ObjectStorageOptions>, ObjectStorageOptionsValidator>();
        services.AddSingleton<ObjectStore>();
        services.AddSingleton<VideoMediaFiles>();
        services.AddSingleton<VideoOriginals>();
        services.AddHostedService<ObjectStorageStartup>();
        services.AddSingleton<StorageMoves>();
        services.AddSingleton<IVideoChangeListener, ObjectStorageListener>();
        // Publication notices run where the listing cache lives and federation is served, not in a transcoder-only worker.
        if (roles.HasFlag(InstanceRoles.Web) || roles.HasFlag(InstanceRoles.Federation))
        {
            services.AddJobHandler<VideoPublishedJob, VideoPublishedJobHandler>();
        }
        if (roles.HasFlag(InstanceRoles.Web))
        {
            services.AddSingleton<VideoFileTokens>();
            services.AddSingleton<RestrictedImages>();
            services.AddOptions<MediaOptions>().Bind(builder.Configuration.GetSection(MediaOptions.Section));
        }
        // With remote runners the transcode jobs wait in the queue for a runner (Api/Runners) instead.
        if (roles.HasFlag(InstanceRoles.Transcoder) && !TranscoderModule.RemoteRunnersEnabled(builder.Configuration))
        {
            services.AddTranscoder(builder.Configuration);
        }
        if (roles.HasFlag(InstanceRoles.Transcoder))
        {
            // Moves read and write the media disk, as transcodes do; with remote runners too (runners have no disk of ours).
            services.AddJobHandler<MoveToObjectStorageJob, StorageMoves>();
            services.AddJobHandler<MoveToFileSystemJob, StorageMoves>();
        }
        return builder;
    }

    public static WebApplication MapMedia(this WebApplication app, InstanceRoles roles)
    {
        if (roles.HasFlag(InstanceRoles.Web))
        {
            app.MapMediaApi();
            app.MapStorageMoves();
            app.MapTranscodingApi();
            app.MapMediaFiles();
        }
        return app;
    }
}
