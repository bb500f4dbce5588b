using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Transcoder;
using VideoPlatform.Transcoder.Jobs;

namespace VideoPlatform.Api.Runners;

/// <summary>
/// Remote runners. On an instance (web role): the runner API, and with <c>Transcoding:RemoteRunners:Enabled</c> the transcode
/// jobs go to runners instead of the in-process worker. As a process (<c>--Roles runner</c>): <see cref="BuildRunner"/>.
/// </summary>
public static class RunnersModule
{
    public static WebApplicationBuilder AddRunners(this WebApplicationBuilder builder, InstanceRoles roles)
    {
        var services = builder.Services;
        services.AddOptions<RemoteRunnersOptions>().Bind(builder.Configuration.GetSection(RemoteRunnersOptions.Section))
            .Validate(o => o.Lease >= TimeSpan.FromSeconds(1), "Transcoding:RemoteRunners:Lease must be at least one second.")
            .Validate(o => o.MaxResultBytes > 0, "Transcoding:RemoteRunners:MaxResultBytes must be positive.")
            .ValidateOnStart();
        services.AddSingleton<RunnerRepository>();
        if (roles.HasFlag(InstanceRoles.Web))
        {
            services.AddTranscodePublishing();
            services.AddSingleton<RunnerJobService>();
            services.AddSingleton<Web.IWebRunners, WebRunners>();
        }
        return builder;
    }

    public static WebApplication MapRunners(this WebApplication app, InstanceRoles roles)
    {
        if (roles.HasFlag(InstanceRoles.Web))
        {
            app.MapRunnerEndpoints(app.Services.GetRequiredService<IOptions<RemoteRunnersOptions>>().Value.MaxResultBytes);
        }
        return app;
    }

    /// <summary>
    /// A runner process: no database, no media store; the worker that polls the instance and runs the same
    /// <see cref="HlsPipeline"/> as the in-process worker, and <c>/health</c> (200 once registered) on <c>--urls</c>.
    /// </summary>
    public static WebApplication BuildRunner(this WebApplicationBuilder builder, Action<IServiceCollection>? configureServices)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<Core.Readiness>();
        services.AddOptions<RunnerOptions>().Bind(builder.Configuration.GetSection(RunnerOptions.Section))
            .Validate(o => Uri.TryCreate(o.InstanceUrl, UriKind.Absolute, out var u) && (u.Scheme == "http" || u.Scheme == "https"),
                "Runner:InstanceUrl must be the instance's absolute http(s) URL, such as https://videos.ac-lyon.fr")
            .Validate(o => !string.IsNullOrWhiteSpace(o.StateFolder), "Runner:StateFolder must name a folder.")
            .Validate(o => o.Threads >= 1, "Runner:Threads must be at least 1.")
            .Validate(o => o.PollInterval > TimeSpan.Zero && o.UpdateInterval > TimeSpan.Zero, "Runner:PollInterval and Runner:UpdateInterval must be positive.")
            .ValidateOnStart();
        services.AddSingleton<HlsPipeline>();
        services.AddSingleton<RunnerClient>();
        services.AddHostedService<RunnerWorker>();
        configureServices?.Invoke(services);

        var app = builder.Build();
        var readiness = app.Services.GetRequiredService<Core.Readiness>();
        app.MapGet("/health", () => readiness.IsReady
            ? Results.Ok(new { status = "ready", role = "runner" })
            : Hosting.Problems.Status(StatusCodes.Status503ServiceUnavailable, "The runner is not registered with its instance yet."));
        return app;
    }
}
