using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VideoPlatform.Core.Data.Repositories;

namespace VideoPlatform.Core.Stats;

/// <summary>
/// Viewers counted across the processes of one instance (several web processes behind nginx each receive a share of
/// the heartbeats, a viewer's successive ones possibly on different processes): every <see cref="Interval"/>, and at once
/// when a new viewer arrives, this process writes the viewers it heard from since its last write (one row per video and
/// viewer, so one write per viewer and heartbeat at most, in one batch) and reads back the count per video of the rows
/// seen within <see cref="ViewerSessions.ActiveWindow"/>, which <see cref="ViewerSessions"/> then reports.
/// </summary>
public sealed partial class SharedViewers(ViewerSessions sessions, StatsRepository repository, Readiness readiness, TimeProvider clock,
    ILogger<SharedViewers> logger) : BackgroundService
{
    /// <summary>How often the viewers are written and read back when no new viewer arrives.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    /// <summary>The least time between two rounds, so that a class arriving together is written in a few batches.</summary>
    public static readonly TimeSpan MinimumGap = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await readiness.WaitAsync(stoppingToken);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await RoundAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The viewers taken are published again with their next heartbeat; the counts stay this process's own meanwhile.
                    LogRoundFailed(logger, e);
                }
                await Task.Delay(MinimumGap, clock, stoppingToken);
                using var period = new CancellationTokenSource(Interval - MinimumGap, clock);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(period.Token, stoppingToken);
                try
                {
                    await sessions.NewViewerAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Writes this process's fresh heartbeats, then reads everyone's counts.</summary>
    public async Task RoundAsync(CancellationToken ct)
    {
        var seen = sessions.TakeUnpublished();
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var since = now - (long)ViewerSessions.ActiveWindow.TotalMilliseconds;
        if (seen.Count > 0)
        {
            await repository.WriteViewersNowAsync(seen, since, ct);
        }
        sessions.SetShared(await repository.ViewersNowAsync(since, ct), now);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sharing the viewers with the other processes failed; the next round tries again")]
    private static partial void LogRoundFailed(ILogger logger, Exception e);
}
