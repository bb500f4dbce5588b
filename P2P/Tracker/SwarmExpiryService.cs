using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace VideoPlatform.P2P.Tracker;

/// <summary>
/// Sweeps silent peers out of every swarm once a minute, and swarms the catalog no longer knows (a video made private
/// elsewhere); each sweep logs its own failure.
/// </summary>
internal sealed partial class SwarmExpiryService(SwarmRegistry registry, TimeProvider time, ILogger<SwarmExpiryService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var removed = registry.ExpireStale();
                if (removed > 0)
                {
                    LogExpired(logger, removed);
                }
                var dropped = await registry.DropUnknownAsync(stoppingToken);
                if (dropped > 0)
                {
                    LogDropped(logger, dropped);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSweepFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(EventId = 4110, Level = LogLevel.Debug, Message = "Expired {Count} silent tracker peers")]
    private static partial void LogExpired(ILogger logger, int count);

    [LoggerMessage(EventId = 4112, Level = LogLevel.Information, Message = "Dropped {Count} tracker swarms no longer shared")]
    private static partial void LogDropped(ILogger logger, int count);

    [LoggerMessage(EventId = 4111, Level = LogLevel.Error, Message = "Tracker expiry sweep failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
