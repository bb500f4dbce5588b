namespace VideoPlatform.Core.Jobs;

public enum JobState
{
    Pending = 0,
    Running = 1,
    Completed = 2,
    /// <summary>Gave up after its last attempt; kept with its error for an administrator to retry.</summary>
    Failed = 3,
}

public sealed record JobRow
{
    public long Id { get; init; }
    public required string Type { get; init; }
    public required string Payload { get; init; }
    public string? OrderingKey { get; init; }
    public JobState State { get; init; }
    public int Priority { get; init; }
    public int Attempts { get; init; }
    public int MaxAttempts { get; init; }
    public long RunAfter { get; init; }
    public string? LeaseOwner { get; init; }
    public long? LeaseExpiresAt { get; init; }
    public int? Progress { get; init; }
    public string? LastError { get; init; }

    /// <summary>What the job reported about its work (JSON), shown to administrators; null when it reported nothing.</summary>
    public string? Details { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
    public long? FinishedAt { get; init; }
}

public sealed record EnqueueOptions
{
    public TimeSpan Delay { get; init; } = TimeSpan.Zero;
    public int MaxAttempts { get; init; } = 5;
    public int Priority { get; init; }

    /// <summary>Jobs sharing a key run one at a time in enqueue order (e.g. deliveries to one inbox).</summary>
    public string? OrderingKey { get; init; }

    /// <summary>
    /// At most one job ever carries this key: enqueuing it again does nothing. Makes a retried job's fan-out (e.g. one
    /// delivery per inbox) safe to run twice.
    /// </summary>
    public string? DedupeKey { get; init; }
}
