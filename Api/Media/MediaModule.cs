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

namespace VideoPlatform.Api.Media;

/// <summary>Media serving, the media files' change listener, the publication job and the transcoder: what each role of a process gets of them.</summary>
public static class MediaModule
{
    public static WebApplicationBuilder AddMedia(this WebApplicationBuilder builder, InstanceRoles roles)
    {
        var services = builder.Services;
        services.AddSingleton<VideoMediaRepository>();
        services.AddSingleton<IVideoChangeListener, MediaFilesListener>();
        // Publication notices run where the listing cache lives and federation is served, not in a transcoder-only worker.
        if (roles.HasFlag(InstanceRoles.Web) || roles.HasFlag(InstanceRoles.Federation))
        {
            services.AddJobHandler<VideoPublishedJob, VideoPublishedJobHandler>();
        }
        if (roles.HasFlag(InstanceRoles.Web))
        {
            services.AddSingleton<VideoFileTokens>();
            services.AddOptions<MediaOptions>().Bind(builder.Configuration.GetSection(MediaOptions.Section));
        }
        if (roles.HasFlag(InstanceRoles.Transcoder))
        {
            services.AddTranscoder(builder.Configuration);
        }
        return builder;
    }

    public static WebApplication MapMedia(this WebApplication app, InstanceRoles roles)
    {
        if (roles.HasFlag(InstanceRoles.Web))
        {
            app.MapMediaApi();
            app.MapMediaFiles();
        }
        return app;
    }
}
