using Microsoft.Extensions.Options;
using VideoPlatform.Transcoder;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Storage;

namespace VideoPlatform.Api.Uploads;

/// <summary>Uploads (resumable and legacy multipart), served by processes with the web role.</summary>
public static class UploadsModule
{
    public static WebApplicationBuilder AddUploads(this WebApplicationBuilder builder, InstanceRoles roles)
    {
        var services = builder.Services;
        services.AddOptions<UploadOptions>().Bind(builder.Configuration.GetSection(UploadOptions.Section))
            .Validate(o => o.MaxFileSize > 0, "Uploads:MaxFileSize must be positive.").ValidateOnStart();
        services.AddSingleton<UploadSessionRepository>();
        services.AddMediaProbing();
        if (roles.HasFlag(InstanceRoles.Web))
        {
            services.AddSingleton<UploadService>();
            services.AddHostedService<UploadSessionCleaner>();
        }
        return builder;
    }

    public static WebApplication MapUploads(this WebApplication app, InstanceRoles roles)
    {
        if (roles.HasFlag(InstanceRoles.Web))
        {
            app.MapUploadEndpoints(app.Services.GetRequiredService<IOptions<UploadOptions>>().Value.MaxFileSize);
        }
        return app;
    }
}
