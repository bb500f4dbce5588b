using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using VideoPlatform.Transcoder.Probing;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Transcoder.Jobs;

namespace VideoPlatform.Transcoder;

public static class TranscoderModule
{
    /// <summary>ffprobe for the processes that inspect media without transcoding it (the upload door, the file metadata API).</summary>
    public static IServiceCollection AddMediaProbing(this IServiceCollection services)
    {
        services.AddSingleton(sp => new MediaProber(sp.GetRequiredService<ILogger<MediaProber>>(), new TranscodeSettings().FfprobeFolder,
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>
    /// Whether transcode jobs wait for remote runners (<c>Transcoding:RemoteRunners:Enabled</c>, the runner API in Api/Runners)
    /// instead of the in-process worker, which is then not registered.
    /// </summary>
    public static bool RemoteRunnersEnabled(IConfiguration configuration) => configuration.GetValue("Transcoding:RemoteRunners:Enabled", false);

    /// <summary>The transcoding worker of a process with the transcoder role: options (validated at start), the pipeline and its job.</summary>
    public static IServiceCollection AddTranscoder(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TranscoderOptions>().Bind(configuration.GetSection(TranscoderOptions.Section))
            // PeerTube's name for the switch (transcoding.web_videos.enabled), in the Transcoding section.
            .Configure(o => o.WebVideos = configuration.GetValue("Transcoding:WebVideos", o.WebVideos))
            .Validate(o => o.Concurrency >= 1 && o.Threads >= 1, "Transcoder:Concurrency and Transcoder:Threads must be at least 1.")
            .Validate(o => o.Lease >= TimeSpan.FromSeconds(1), "Transcoder:Lease must be at least one second.")
            .ValidateOnStart();
        services.AddSingleton<HlsPipeline>();
        services.AddTranscodePublishing();
        services.AddJobHandler<TranscodeJob, TranscodeJobHandler>();
        return services;
    }

    /// <summary>Publication of finished transcodes, for the in-process worker and for the instance that takes remote runners' results.</summary>
    public static IServiceCollection AddTranscodePublishing(this IServiceCollection services)
    {
        services.TryAddSingleton<TranscodePublisher>();
        return services;
    }
}
