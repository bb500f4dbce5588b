using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using VideoPlatform.Api.Accounts;
using VideoPlatform.Core;
using VideoPlatform.Core.Data;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Api.Hosting;

/// <summary>
/// Migrates the database before Kestrel listens (hosted services start first); once the server is bound it fixes the
/// public URL when the port was chosen by the OS (tests use port 0), creates the server actor and first administrator,
/// and opens <see cref="Readiness"/>.
/// </summary>
public sealed partial class StartupService(
    Migrator migrator,
    IServer server,
    IHostApplicationLifetime lifetime,
    IOptions<InstanceOptions> instance,
    IOptions<AdminOptions> admin,
    IServiceProvider services,
    Readiness readiness,
    ILogger<StartupService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await migrator.MigrateAsync(cancellationToken);
        lifetime.ApplicationStarted.Register(() => _ = FinishAsync(lifetime.ApplicationStopping));
    }

    private async Task FinishAsync(CancellationToken ct)
    {
        try
        {
            var options = instance.Value;
            if (string.IsNullOrEmpty(options.PublicUrl) || options.PublicUrl.EndsWith(":0", StringComparison.Ordinal))
            {
                var bound = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://127.0.0.1:9000";
                options.PublicUrl = bound.TrimEnd('/');
            }
            using (var scope = services.CreateScope())
            {
                await scope.ServiceProvider.GetRequiredService<AccountService>().BootstrapAsync(admin.Value, ct);
            }
            readiness.MarkReady();
            LogReady(logger, options.PublicUrl);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogStartFailed(logger, ex);
            lifetime.StopApplication();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance ready at {PublicUrl}")]
    private static partial void LogReady(ILogger logger, string publicUrl);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Instance failed to start")]
    private static partial void LogStartFailed(ILogger logger, Exception ex);
}
