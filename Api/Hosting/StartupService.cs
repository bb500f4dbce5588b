using VideoPlatform.Core.Accounts;
using Microsoft.Extensions.Options;
using VideoPlatform.Api.Accounts;
using VideoPlatform.Core;
using VideoPlatform.Core.Data;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Api.Hosting;

/// <summary>
/// Migrates the database before Kestrel listens (hosted services start first); once the server is bound it creates the
/// server actor and first administrator, and opens <see cref="Readiness"/>. <c>Instance:PublicUrl</c> is fixed before
/// the host is built (<see cref="ListenUrls"/>), never here.
/// </summary>
public sealed partial class StartupService(
    Migrator migrator,
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
            using (var scope = services.CreateScope())
            {
                await scope.ServiceProvider.GetRequiredService<AccountService>().BootstrapAsync(admin.Value, ct);
            }
            readiness.MarkReady();
            LogReady(logger, instance.Value.PublicUrl);
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
