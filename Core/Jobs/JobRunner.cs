using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace VideoPlatform.Core.Jobs;

/// <summary>
/// Runs the registered handlers: per handler, up to its concurrency of loops that claim, heartbeat and settle jobs.
/// Each iteration catches and logs its own failure, so a worker never takes the host down.
/// </summary>
public sealed partial class JobRunner(
    JobQueue queue,
    Readiness readiness,
    IEnumerable<IJobHandler> handlers,
    TimeProvider clock,
    ILogger<JobRunner> logger) : BackgroundService
{
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(2);
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await readiness.WaitAsync(stoppingToken);
        queue.Enqueued += WakeAll;
        var loops = new List<Task>();
        foreach (var handler in handlers)
        {
            for (var i = 0; i < Math.Max(1, handler.Concurrency); i++)
            {
                loops.Add(LoopAsync(handler, stoppingToken));
            }
        }
        try
        {
            await Task.WhenAll(loops);
        }
        finally
        {
            queue.Enqueued -= WakeAll;
        }
    }

    private void WakeAll() => _wake.Release(Math.Max(1, handlers.Sum(h => Math.Max(1, h.Concurrency))));

    private async Task LoopAsync(IJobHandler handler, CancellationToken stoppingToken)
    {
        await Task.Yield();
        string[] types = [handler.Type];
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var job = await queue.ClaimAsync(types, _owner, handler.Lease, stoppingToken);
                if (job is null)
                {
                    // Woken early by an in-process enqueue; other processes' jobs are found by the poll.
                    await _wake.WaitAsync(IdlePoll, stoppingToken);
                    continue;
                }
                await RunOneAsync(handler, job, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogLoopError(logger, ex, handler.Type);
                await Task.Delay(IdlePoll, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task RunOneAsync(IJobHandler handler, JobRow job, CancellationToken stoppingToken)
    {
        using var leaseLost = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var progress = job.Progress;
        var heartbeat = HeartbeatAsync(job, handler.Lease, () => progress, leaseLost, stoppingToken);
        try
        {
            var context = new JobContext(job, percent =>
            {
                progress = percent;
                return Task.CompletedTask;
            }, details => queue.SetDetailsAsync(job.Id, _owner, details, leaseLost.Token));
            await handler.HandleAsync(context, leaseLost.Token);
            await leaseLost.CancelAsync();
            await heartbeat;
            await queue.CompleteAsync(job.Id, _owner, CancellationToken.None);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the lease expires and another worker (or this one after restart) takes the job again.
            throw;
        }
        catch (JobDeferredException deferred)
        {
            await leaseLost.CancelAsync();
            await heartbeat;
            await queue.DeferAsync(job.Id, _owner, deferred.RunAfter, deferred.Message, CancellationToken.None);
        }
        catch (Exception ex)
        {
            await leaseLost.CancelAsync();
            await heartbeat;
            var permanent = ex is PermanentJobFailureException;
            LogJobFailed(logger, ex, job.Type, job.Id, job.Attempts);
            if (permanent)
            {
                await queue.FailAsync(job.Id, _owner, ex.Message, giveUp: true, ct: CancellationToken.None);
            }
            else
            {
                await queue.FailAsync(job.Id, _owner, ex.Message, handler.InitialBackoff, ct: CancellationToken.None);
            }
        }
    }


    private async Task HeartbeatAsync(JobRow job, TimeSpan lease, Func<int?> progress, CancellationTokenSource leaseLost, CancellationToken stoppingToken)
    {
        var interval = lease / 3;
        try
        {
            while (!leaseLost.IsCancellationRequested)
            {
                await Task.Delay(interval, clock, leaseLost.Token);
                if (!await queue.HeartbeatAsync(job.Id, _owner, lease, progress(), stoppingToken))
                {
                    LogLeaseLost(logger, job.Id);
                    await leaseLost.CancelAsync();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            LogLoopError(logger, ex, job.Type);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Job loop for {Type} failed; continuing")]
    private static partial void LogLoopError(ILogger logger, Exception ex, string type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Type} #{Id} failed (attempt {Attempt})")]
    private static partial void LogJobFailed(ILogger logger, Exception ex, string type, long id, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the lease of job #{Id}; stopping its handler")]
    private static partial void LogLeaseLost(ILogger logger, long id);
}
