using System.Data.Common;
using System.Text.Json;
using Dapper;
using VideoPlatform.Core.Data;

namespace VideoPlatform.Core.Jobs;

/// <summary>
/// The durable queue: jobs live in the database, are claimed under a lease, kept alive by heartbeats, retried with
/// exponential backoff, and given up (with their last error visible) after their last attempt. A job whose worker
/// died is claimable again once its lease expires.
/// </summary>
public sealed class JobQueue(Database database, TimeProvider clock)
{
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(6);
    public static readonly TimeSpan DefaultInitialBackoff = TimeSpan.FromSeconds(5);

    private const string Candidates = """
        SELECT j.id FROM jobs j
        WHERE {types}
          AND ((j.state = 0 AND j.run_after <= @now) OR (j.state = 1 AND j.lease_expires_at < @now))
          AND (j.ordering_key IS NULL OR NOT EXISTS (
                SELECT 1 FROM jobs p WHERE p.ordering_key = j.ordering_key AND p.id < j.id AND p.state IN (0, 1)))
        ORDER BY j.priority DESC, j.id
        LIMIT 1
        """;

    private const string ClaimPrefix = """
        UPDATE jobs SET state = 1, lease_owner = @owner, lease_expires_at = @leaseUntil, attempts = attempts + 1, updated_at = @now
        WHERE id = (
        """;

    // SQLite runs this inside BEGIN IMMEDIATE (one writer); PostgreSQL skips rows another worker holds.
    private readonly string _claimSql = database.Dialect == SqlDialect.Postgres
        ? ClaimPrefix + Candidates.Replace("{types}", database.In("j.type", "types"), StringComparison.Ordinal) + " FOR UPDATE SKIP LOCKED) RETURNING *"
        : ClaimPrefix + Candidates.Replace("{types}", database.In("j.type", "types"), StringComparison.Ordinal) + ") RETURNING *";

    // The same candidates for one given job (a remote runner accepting the job it was offered).
    private readonly string _claimByIdSql = ClaimPrefix + Candidates.Replace("{types}", "j.type = @type AND j.id = @id", StringComparison.Ordinal)
        + (database.Dialect == SqlDialect.Postgres ? " FOR UPDATE SKIP LOCKED" : "") + ") RETURNING *";

    private readonly string _claimableSql = Candidates.Replace("{types}", "j.type = @type", StringComparison.Ordinal)
        .Replace("SELECT j.id FROM", "SELECT j.* FROM", StringComparison.Ordinal).Replace("LIMIT 1", "LIMIT @limit", StringComparison.Ordinal);

    /// <summary>Raised in-process after an enqueue so local workers wake up without waiting for their poll.</summary>
    public event Action? Enqueued;

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<long> EnqueueAsync(string type, string payload, EnqueueOptions? options = null, CancellationToken ct = default)
    {
        var id = await database.WriteAsync((c, t) => EnqueueAsync(c, t, type, payload, options), ct);
        Enqueued?.Invoke();
        return id;
    }

    /// <summary>Queues a typed job (its type from the payload, its payload as JSON).</summary>
    public Task<long> EnqueueAsync<TPayload>(TPayload payload, EnqueueOptions? options = null, CancellationToken ct = default) where TPayload : IJobPayload =>
        EnqueueAsync(TPayload.JobType, JobHandlerRegistration.Serialize(payload), options, ct);

    /// <summary>Queues a typed job inside the caller's transaction; call <see cref="Signal"/> after it commits.</summary>
    public Task<long> EnqueueAsync<TPayload>(DbConnection connection, DbTransaction transaction, TPayload payload, EnqueueOptions? options = null)
        where TPayload : IJobPayload =>
        EnqueueAsync(connection, transaction, TPayload.JobType, JobHandlerRegistration.Serialize(payload), options);

    /// <summary>
    /// Enqueue inside the caller's transaction, so the job exists if and only if the caller's change commits.
    /// Returns 0 when a job with the same <see cref="EnqueueOptions.DedupeKey"/> was already queued.
    /// </summary>
    public Task<long> EnqueueAsync(DbConnection connection, DbTransaction transaction, string type, string payload, EnqueueOptions? options = null)
    {
        options ??= new EnqueueOptions();
        var now = Now;
        return connection.ExecuteScalarAsync<long>("""
            INSERT INTO jobs (type, payload, ordering_key, dedupe_key, state, priority, attempts, max_attempts, run_after, created_at, updated_at)
            VALUES (@type, @payload, @orderingKey, @dedupeKey, 0, @priority, 0, @maxAttempts, @runAfter, @now, @now)
            ON CONFLICT (dedupe_key) DO NOTHING
            RETURNING id
            """, new
        {
            type,
            payload,
            orderingKey = options.OrderingKey,
            dedupeKey = options.DedupeKey,
            priority = options.Priority,
            maxAttempts = Math.Max(1, options.MaxAttempts),
            runAfter = now + (long)options.Delay.TotalMilliseconds,
            now,
        }, transaction);
    }

    /// <summary>Notifies local workers after <see cref="EnqueueAsync(DbConnection, DbTransaction, string, string, EnqueueOptions?)"/> committed.</summary>
    public void Signal() => Enqueued?.Invoke();

    public Task<JobRow?> ClaimAsync(IReadOnlyCollection<string> types, string owner, TimeSpan lease, CancellationToken ct = default)
    {
        var typeArray = types.ToArray();
        return database.WriteAsync((c, t) =>
        {
            var now = Now;
            return c.QuerySingleOrDefaultAsync<JobRow>(_claimSql, new { types = typeArray, owner, now, leaseUntil = now + (long)lease.TotalMilliseconds }, t);
        }, ct);
    }

    /// <summary>Jobs of <paramref name="type"/> that a worker could claim now (due, or their holder's lease expired), in claim order.</summary>
    public Task<IReadOnlyList<JobRow>> ClaimableAsync(string type, int limit, CancellationToken ct = default) =>
        database.ReadAsync(async c => (IReadOnlyList<JobRow>)(await c.QueryAsync<JobRow>(_claimableSql, new { type, limit, now = Now })).AsList(), ct);

    /// <summary>Claims job <paramref name="id"/> if it is of <paramref name="type"/> and claimable now; null when it is not (taken, done, not due).</summary>
    public Task<JobRow?> ClaimAsync(long id, string type, string owner, TimeSpan lease, CancellationToken ct = default) =>
        database.WriteAsync((c, t) =>
        {
            var now = Now;
            return c.QuerySingleOrDefaultAsync<JobRow>(_claimByIdSql, new { id, type, owner, now, leaseUntil = now + (long)lease.TotalMilliseconds }, t);
        }, ct);

    /// <summary>Running jobs whose lease owner starts with <paramref name="ownerPrefix"/> and whose lease has not expired.</summary>
    public Task<IReadOnlyList<JobRow>> HeldAsync(string ownerPrefix, CancellationToken ct = default) =>
        database.ReadAsync(async c => (IReadOnlyList<JobRow>)(await c.QueryAsync<JobRow>("""
            SELECT * FROM jobs WHERE state = 1 AND lease_expires_at >= @now AND substr(lease_owner, 1, @length) = @ownerPrefix ORDER BY id
            """, new { ownerPrefix, length = ownerPrefix.Length, now = Now })).AsList(), ct);

    /// <summary>Completes a job inside the caller's transaction (with the change it settles); false when the job is no longer ours.</summary>
    public async Task<bool> CompleteAsync(DbConnection connection, DbTransaction transaction, long id, string owner) =>
        await connection.ExecuteAsync("""
            UPDATE jobs SET state = 2, lease_owner = NULL, lease_expires_at = NULL, progress = 100, updated_at = @now, finished_at = @now
            WHERE id = @id AND state = 1 AND lease_owner = @owner
            """, new { id, owner, now = Now }, transaction) == 1;

    /// <summary>Extends the lease. False when the job is no longer ours (lease lost to another worker).</summary>
    public async Task<bool> HeartbeatAsync(long id, string owner, TimeSpan lease, int? progress = null, CancellationToken ct = default)
    {
        var rows = await database.WriteAsync((c, t) =>
        {
            var now = Now;
            return c.ExecuteAsync("""
                UPDATE jobs SET lease_expires_at = @leaseUntil, progress = COALESCE(@progress, progress), updated_at = @now
                WHERE id = @id AND state = 1 AND lease_owner = @owner
                """, new { id, owner, progress, now, leaseUntil = now + (long)lease.TotalMilliseconds }, t);
        }, ct);
        return rows == 1;
    }

    /// <summary>Stores the job's details (<paramref name="details"/> as JSON); false when the job is no longer ours.</summary>
    public async Task<bool> SetDetailsAsync(long id, string owner, object details, CancellationToken ct = default)
    {
        var json = JsonSerializer.Serialize(details, details.GetType(), JsonSerializerOptions.Web);
        var rows = await database.WriteAsync((c, t) => c.ExecuteAsync("""
            UPDATE jobs SET details = @json, updated_at = @now WHERE id = @id AND state = 1 AND lease_owner = @owner
            """, new { id, owner, json, now = Now }, t), ct);
        return rows == 1;
    }

    public async Task<bool> CompleteAsync(long id, string owner, CancellationToken ct = default)
    {
        var rows = await database.WriteAsync((c, t) => c.ExecuteAsync("""
            UPDATE jobs SET state = 2, lease_owner = NULL, lease_expires_at = NULL, progress = 100, updated_at = @now, finished_at = @now
            WHERE id = @id AND state = 1 AND lease_owner = @owner
            """, new { id, owner, now = Now }, t), ct);
        return rows == 1;
    }

    /// <summary>Records the error; schedules a retry with exponential backoff, or gives up after the last attempt.</summary>
    public Task<JobState> FailAsync(long id, string owner, string error, TimeSpan? initialBackoff = null, bool giveUp = false, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var job = await c.QuerySingleOrDefaultAsync<JobRow>("SELECT * FROM jobs WHERE id = @id AND state = 1 AND lease_owner = @owner", new { id, owner }, t);
            if (job is null)
            {
                return JobState.Pending;
            }
            var now = Now;
            giveUp |= job.Attempts >= job.MaxAttempts;
            var delay = Backoff(job.Attempts, initialBackoff ?? DefaultInitialBackoff);
            await c.ExecuteAsync("""
                UPDATE jobs SET state = @state, lease_owner = NULL, lease_expires_at = NULL, last_error = @error,
                    run_after = @runAfter, updated_at = @now, finished_at = @finishedAt
                WHERE id = @id
                """, new
            {
                id,
                state = giveUp ? JobState.Failed : JobState.Pending,
                error = error.Length > 4000 ? error[..4000] : error,
                runAfter = now + (long)delay.TotalMilliseconds,
                now,
                finishedAt = giveUp ? now : (long?)null,
            }, t);
            return giveUp ? JobState.Failed : JobState.Pending;
        }, ct);

    /// <summary>Puts a claimed job back until <paramref name="runAfter"/>; the claim's attempt is given back.</summary>
    public async Task<bool> DeferAsync(long id, string owner, DateTimeOffset runAfter, string reason, CancellationToken ct = default)
    {
        var rows = await database.WriteAsync((c, t) => c.ExecuteAsync("""
            UPDATE jobs SET state = 0, lease_owner = NULL, lease_expires_at = NULL, attempts = attempts - 1, last_error = @reason,
                run_after = @runAfter, updated_at = @now
            WHERE id = @id AND state = 1 AND lease_owner = @owner
            """, new { id, owner, reason = reason.Length > 4000 ? reason[..4000] : reason, runAfter = runAfter.ToUnixTimeMilliseconds(), now = Now }, t), ct);
        return rows == 1;
    }

    /// <summary>
    /// Pending jobs of <paramref name="type"/> whose ordering key starts with one of <paramref name="orderingKeyPrefixes"/>
    /// run now instead of at their scheduled time (a target came back); returns how many.
    /// </summary>
    public async Task<int> RunNowAsync(string type, IReadOnlyCollection<string> orderingKeyPrefixes, CancellationToken ct = default)
    {
        var rows = 0;
        foreach (var prefix in orderingKeyPrefixes)
        {
            var pattern = prefix.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
                .Replace("_", "\\_", StringComparison.Ordinal) + "%";
            rows += await database.WriteAsync((c, t) => c.ExecuteAsync("""
                UPDATE jobs SET run_after = @now, updated_at = @now
                WHERE type = @type AND state = 0 AND run_after > @now AND ordering_key LIKE @pattern ESCAPE '\'
                """, new { type, pattern, now = Now }, t), ct);
        }
        if (rows > 0)
        {
            Enqueued?.Invoke();
        }
        return rows;
    }

    /// <summary>5 s, 10 s, 20 s, … doubling per attempt, capped at <see cref="MaxBackoff"/>.</summary>
    public static TimeSpan Backoff(int attempts, TimeSpan initial)
    {
        var exponent = Math.Clamp(attempts - 1, 0, 30);
        var ms = initial.TotalMilliseconds * Math.Pow(2, exponent);
        return TimeSpan.FromMilliseconds(Math.Min(ms, MaxBackoff.TotalMilliseconds));
    }

    /// <summary>An administrator's retry of a failed job: a fresh set of attempts, now.</summary>
    public async Task<bool> RetryAsync(long id, CancellationToken ct = default)
    {
        var rows = await database.WriteAsync((c, t) => c.ExecuteAsync("""
            UPDATE jobs SET state = 0, attempts = 0, run_after = @now, updated_at = @now, finished_at = NULL
            WHERE id = @id AND state = 3
            """, new { id, now = Now }, t), ct);
        if (rows == 1)
        {
            Enqueued?.Invoke();
        }
        return rows == 1;
    }

    public Task<JobRow?> GetAsync(long id, CancellationToken ct = default) =>
        database.ReadAsync(c => c.QuerySingleOrDefaultAsync<JobRow>("SELECT * FROM jobs WHERE id = @id", new { id }), ct);

    public Task<(long Total, IReadOnlyList<JobRow> Jobs)> ListAsync(JobState? state, int start, int count, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            var total = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM jobs WHERE (@state IS NULL OR state = @state)", new { state = (int?)state });
            var jobs = (await c.QueryAsync<JobRow>(
                "SELECT * FROM jobs WHERE (@state IS NULL OR state = @state) ORDER BY id DESC LIMIT @count OFFSET @start",
                new { state = (int?)state, start, count })).AsList();
            return (total, (IReadOnlyList<JobRow>)jobs);
        }, ct);

    /// <summary>Jobs in one of <paramref name="states"/>, of <paramref name="type"/> when given (benchmarks wait on these).</summary>
    public Task<long> CountAsync(IReadOnlyCollection<JobState> states, string? type = null, CancellationToken ct = default) =>
        database.ReadAsync(c => c.ExecuteScalarAsync<long>(
            $"SELECT COUNT(*) FROM jobs WHERE {database.In("state", "states")} AND (@type IS NULL OR type = @type)",
            new { states = states.Select(s => (int)s).ToArray(), type }), ct);
}
