using System.Data.Common;
using Dapper;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Core.Data.Repositories;

/// <summary>When a server counts as unreachable, and how often a delivery probes it then.</summary>
public sealed record ReachabilityPolicy(int Failures, TimeSpan Period, TimeSpan ProbeInterval);

/// <summary>Remote servers: the block list and the delivery health that defers deliveries to an unreachable one.</summary>
public sealed class ServerRepository(Database database, TimeProvider clock)
{
    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The id of <paramref name="host"/>'s row, created if it is new, inside the caller's transaction.</summary>
    internal static async Task<long> EnsureAsync(DbConnection c, DbTransaction t, string host, long now)
    {
        host = host.ToLowerInvariant();
        await c.ExecuteAsync("INSERT INTO servers (host, created_at) VALUES (@host, @now) ON CONFLICT (host) DO NOTHING", new { host, now }, t);
        return await c.ExecuteScalarAsync<long>("SELECT id FROM servers WHERE host = @host", new { host }, t);
    }

    public Task<ServerRow?> FindAsync(string host, CancellationToken ct) =>
        database.ReadAsync(c => c.QuerySingleOrDefaultAsync<ServerRow>("SELECT * FROM servers WHERE host = @host", new { host = host.ToLowerInvariant() }), ct);

    /// <summary>The servers blocked by the instance, filtered by a part of their host, oldest or newest block first.</summary>
    public Task<(long Total, IReadOnlyList<ServerRow> Items)> ListBlockedAsync(string? search, bool newestFirst, int start, int count, CancellationToken ct) =>
        database.ReadAsync(async c =>
        {
            var where = " WHERE blocked = TRUE" + (string.IsNullOrWhiteSpace(search) ? "" : " AND host LIKE @pattern ESCAPE '\\'");
            var param = new { pattern = string.IsNullOrWhiteSpace(search) ? null : SearchText.LikePattern(search), start, count };
            var total = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM servers" + where, param);
            var direction = newestFirst ? "DESC" : "ASC";
            var items = (await c.QueryAsync<ServerRow>("SELECT * FROM servers" + where
                + $" ORDER BY COALESCE(blocked_at, 0) {direction}, id {direction} LIMIT @count OFFSET @start", param)).AsList();
            return (total, (IReadOnlyList<ServerRow>)items);
        }, ct);

    /// <summary>
    /// Blocks or unblocks <paramref name="host"/> for the whole instance, with the audit line of <paramref name="actor"/> in
    /// the same transaction. False when it already was in that state.
    /// </summary>
    public Task<bool> SetBlockedAsync(string host, bool blocked, string actor, CancellationToken ct) =>
        database.WriteAsync(async (c, t) =>
        {
            var now = Now;
            var id = await EnsureAsync(c, t, host, now);
            if (await c.ExecuteAsync("UPDATE servers SET blocked = @blocked, blocked_at = @at WHERE id = @id AND blocked <> @blocked",
                new { id, blocked, at = blocked ? now : (long?)null }, t) == 0)
            {
                return false;
            }
            await AuditRepository.AddAsync(c, t, actor, blocked ? "server.block" : "server.unblock", host.ToLowerInvariant(), null, now);
            return true;
        }, ct);

    /// <summary>
    /// Counts a failed delivery. A run of at least <see cref="ReachabilityPolicy.Failures"/> failures spanning at least
    /// <see cref="ReachabilityPolicy.Period"/> marks the server unreachable; while it is, each failure (a failed probe)
    /// sets the next probe one <see cref="ReachabilityPolicy.ProbeInterval"/> later.
    /// </summary>
    public Task RecordDeliveryFailureAsync(string host, ReachabilityPolicy policy, CancellationToken ct) =>
        database.WriteAsync((c, t) => c.ExecuteAsync("""
            UPDATE servers SET failure_count = failure_count + 1,
                failing_since = COALESCE(failing_since, @now),
                unreachable_since = CASE
                    WHEN unreachable_since IS NULL AND failure_count + 1 >= @failures AND @now - COALESCE(failing_since, @now) >= @period THEN @now
                    ELSE unreachable_since END,
                probe_at = CASE
                    WHEN unreachable_since IS NOT NULL OR (failure_count + 1 >= @failures AND @now - COALESCE(failing_since, @now) >= @period) THEN @now + @probe
                    ELSE probe_at END
            WHERE host = @host
            """, new
        {
            host = host.ToLowerInvariant(),
            failures = policy.Failures,
            period = (long)policy.Period.TotalMilliseconds,
            probe = (long)policy.ProbeInterval.TotalMilliseconds,
            now = Now,
        }, t), ct);

    /// <summary>
    /// A delivery went through, or the server spoke to us with a valid signature: it is reachable. Returns true when it
    /// was marked unreachable until now (its deferred deliveries can go).
    /// </summary>
    public async Task<bool> RecordReachableAsync(string host, CancellationToken ct)
    {
        var server = await FindAsync(host, ct);
        if (server is { FailureCount: > 0 } or { UnreachableSince: not null } or { FailingSince: not null })
        {
            await database.WriteAsync((c, t) => c.ExecuteAsync(
                "UPDATE servers SET failure_count = 0, failing_since = NULL, unreachable_since = NULL, probe_at = NULL WHERE host = @host",
                new { host = host.ToLowerInvariant() }, t), ct);
        }
        return server is { UnreachableSince: not null };
    }

    public Task<IReadOnlyList<ServerRow>> FindManyAsync(IReadOnlyCollection<string> hosts, CancellationToken ct) =>
        hosts.Count == 0
            ? Task.FromResult<IReadOnlyList<ServerRow>>([])
            : database.ReadAsync(async c => (IReadOnlyList<ServerRow>)(await c.QueryAsync<ServerRow>(
                $"SELECT * FROM servers WHERE {database.In("host", "hosts")}", new { hosts = hosts.Select(h => h.ToLowerInvariant()).ToArray() })).AsList(), ct);
}
