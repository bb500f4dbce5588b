using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Storage;

namespace VideoPlatform.Core.Stats;

/// <summary>
/// Once a minute: takes the hot-path counters, reads the queue, federation and storage figures, writes one row per
/// series for that minute and the changed watch sections, then evaluates the alerts. Once a day (and at start) rolls
/// minutes older than two days up into hours and deletes what is older than the retention. Stopping writes what is left.
/// </summary>
public sealed partial class StatsFlusher(
    StatsRecorder recorder,
    ViewerSessions sessions,
    StatsRepository repository,
    AlertState alerts,
    IEnumerable<IAlertSink> sinks,
    StatsJobTypes jobTypes,
    Readiness readiness,
    IOptions<StatsOptions> options,
    IOptions<AlertOptions> alertOptions,
    IOptions<InstanceOptions> instance,
    IOptions<StorageOptions> storage,
    TimeProvider clock,
    ILogger<StatsFlusher> logger) : BackgroundService
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _lastFlush = clock.GetUtcNow().ToUnixTimeMilliseconds();
    private long _lastRollUp;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }
        await readiness.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(options.Value.FlushInterval, clock);
        try
        {
            await RollUpIfDueAsync(stoppingToken);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await FlushAsync(stoppingToken);
                    await RollUpIfDueAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFlushFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (options.Value.Enabled && readiness.IsReady)
        {
            try
            {
                await FlushAsync(cancellationToken, closeSessions: true);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFlushFailed(logger, e);
            }
        }
    }

    /// <summary>The gauges of the last write (queue, federation, storage), for <c>/metrics</c>.</summary>
    public IReadOnlyDictionary<StatMetric, double> LastGauges { get; private set; } = new Dictionary<StatMetric, double>();

    /// <summary>Writes the current minute now (the timer calls it; tests and shutdown too).</summary>
    public async Task FlushAsync(CancellationToken ct, bool closeSessions = false)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var now = clock.GetUtcNow();
            var nowMs = now.ToUnixTimeMilliseconds();
            var since = _lastFlush;
            var values = new Dictionary<StatMetric, double>(recorder.Take());
            var load = await repository.LoadAsync(jobTypes.Transcode, jobTypes.Delivery, since, nowMs, ct);
            var free = FreeBytes();
            values[StatMetrics.Viewers] = sessions.Watching();
            values[StatMetrics.QueueDepth] = load.QueueDepth;
            values[StatMetrics.QueueWait] = load.QueueWaitSeconds;
            values[StatMetrics.TranscodesDone] = load.TranscodesDone;
            values[StatMetrics.DeliveriesSent] = load.DeliveriesSent;
            values[StatMetrics.DeliveriesFailed] = load.DeliveriesFailed;
            values[StatMetrics.DeliveriesWaiting] = load.DeliveriesWaiting;
            values[StatMetrics.UnreachableServers] = load.UnreachableServers;
            values[StatMetrics.StorageUsed] = load.StorageUsedBytes;
            if (free is { } f)
            {
                values[StatMetrics.StorageFree] = f;
            }
            await repository.WriteMinuteAsync(nowMs - nowMs % 60_000, values, ct);
            _lastFlush = nowMs;
            LastGauges = values.Where(v => v.Key.Kind == StatKind.Gauge).ToDictionary(v => v.Key, v => v.Value);

            var changed = sessions.TakeChanged(all: closeSessions);
            if (changed.Count > 0)
            {
                try
                {
                    await repository.WriteSectionsAsync(changed, ct);
                }
                catch
                {
                    foreach (var s in changed)
                    {
                        s.Section.Dirty = true;
                    }
                    throw;
                }
            }

            var seconds = Math.Max(1, (nowMs - since) / 1000.0);
            var egressMbps = values[StatMetrics.HttpMediaBytes] * 8 / seconds / 1e6;
            var used = await repository.SeriesAsync(StatMetrics.StorageUsed, nowMs - (long)TimeSpan.FromDays(7).TotalMilliseconds, nowMs + 1, TimeSpan.FromHours(1), ct);
            var daysLeft = free is { } freeBytes ? AlertRules.DaysUntilFull(used, freeBytes) : null;
            var started = alerts.Update(AlertRules.Evaluate(new AlertInputs(egressMbps, instance.Value.UplinkMbps, daysLeft, load.QueueWaitSeconds, load.UnreachableServers),
                alertOptions.Value), now);
            foreach (var alert in started)
            {
                LogAlert(logger, alert.Key, alert.Message);
                foreach (var sink in sinks)
                {
                    await sink.NotifyAsync(alert, ct);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Free bytes on the disk of <c>Storage:Root</c>, null if it cannot be read.</summary>
    public long? FreeBytes()
    {
        try
        {
            var root = Path.GetFullPath(storage.Value.Root);
            Directory.CreateDirectory(root);
            return new DriveInfo(root).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    private async Task RollUpIfDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (now - _lastRollUp < TimeSpan.FromDays(1).TotalMilliseconds)
        {
            return;
        }
        var rolled = await repository.RollUpAsync(now - (long)options.Value.MinuteRetention.TotalMilliseconds, now - (long)options.Value.Retention.TotalMilliseconds, ct);
        _lastRollUp = now;
        LogRolledUp(logger, rolled);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {Key}: {Message}")]
    private static partial void LogAlert(ILogger logger, string key, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing the load history failed; the next minute tries again")]
    private static partial void LogFlushFailed(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Rolled {Count} minute samples up into hours")]
    private static partial void LogRolledUp(ILogger logger, int count);
}
