namespace VideoPlatform.Core.Jobs;

/// <summary>Handles one type of job. Throwing fails the attempt (retried with backoff); returning completes it.</summary>
public interface IJobHandler
{
    string Type { get; }

    /// <summary>How many jobs of this type one process runs at once.</summary>
    int Concurrency => 1;

    /// <summary>How long a claim lasts without a heartbeat; the runner heartbeats at a third of it.</summary>
    TimeSpan Lease => TimeSpan.FromSeconds(60);

    TimeSpan InitialBackoff => TimeSpan.FromSeconds(5);

    Task HandleAsync(JobContext context, CancellationToken ct);
}

public sealed class JobContext(JobRow job, Func<int, Task> reportProgress)
{
    public JobRow Job { get; } = job;

    /// <summary>Stored with the next heartbeat; 0–100.</summary>
    public Task ReportProgressAsync(int percent) => reportProgress(Math.Clamp(percent, 0, 100));
}

/// <summary>A failure that no retry can fix (bad input): the job is given up at once.</summary>
public sealed class PermanentJobFailureException(string message) : Exception(message);

/// <summary>
/// Not a failure: the job cannot run before <see cref="RunAfter"/> (e.g. its target is known to be down). The job goes
/// back to the queue until then, without using up an attempt, and keeps <see cref="Exception.Message"/> as its visible reason.
/// </summary>
public sealed class JobDeferredException(DateTimeOffset runAfter, string reason) : Exception(reason)
{
    public DateTimeOffset RunAfter { get; } = runAfter;
}
