using Dapper;
using VideoPlatform.Core.Data;
using VideoPlatform.Core.Domain;
using VideoPlatform.Federation.ActivityStreams;

namespace VideoPlatform.Api.Federation;

public sealed record ServerRow
{
    public long Id { get; init; }
    public required string Host { get; init; }
    public bool Blocked { get; init; }
    public int FailureCount { get; init; }
    public long? FailingSince { get; init; }
    public long? UnreachableSince { get; init; }
    public long? ProbeAt { get; init; }
}

/// <summary>When a server counts as unreachable, and how often a delivery probes it then.</summary>
public sealed record ReachabilityPolicy(int Failures, TimeSpan Period, TimeSpan ProbeInterval);

/// <summary>A follow with both actors, as the follows API and the inbox need it.</summary>
public sealed record FollowWithActors(FollowRow Follow, ActorRow Follower, ActorRow Following);

/// <summary>The federation tables: servers, remote actors, follows, received activity ids.</summary>
public sealed class FederationStore(Database database, TimeProvider clock)
{
    private const string ActorSelect = "SELECT a.*, s.host AS host FROM actors a LEFT JOIN servers s ON s.id = a.server_id";

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public Task<ServerRow?> FindServerAsync(string host, CancellationToken ct) =>
        database.ReadAsync(c => c.QuerySingleOrDefaultAsync<ServerRow>("SELECT * FROM servers WHERE host = @host", new { host = host.ToLowerInvariant() }), ct);

    public Task<IReadOnlyList<ServerRow>> BlockedServersAsync(CancellationToken ct) =>
        database.ReadAsync(async c => (IReadOnlyList<ServerRow>)(await c.QueryAsync<ServerRow>("SELECT * FROM servers WHERE blocked = TRUE ORDER BY host")).AsList(), ct);

    public Task SetBlockedAsync(string host, bool blocked, CancellationToken ct) =>
        database.WriteAsync(async (c, t) =>
        {
            await c.ExecuteAsync("INSERT INTO servers (host, created_at) VALUES (@host, @now) ON CONFLICT (host) DO NOTHING", new { host = host.ToLowerInvariant(), now = Now }, t);
            await c.ExecuteAsync("UPDATE servers SET blocked = @blocked WHERE host = @host", new { host = host.ToLowerInvariant(), blocked }, t);
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
        var server = await FindServerAsync(host, ct);
        if (server is { FailureCount: > 0 } or { UnreachableSince: not null } or { FailingSince: not null })
        {
            await database.WriteAsync((c, t) => c.ExecuteAsync(
                "UPDATE servers SET failure_count = 0, failing_since = NULL, unreachable_since = NULL, probe_at = NULL WHERE host = @host",
                new { host = host.ToLowerInvariant() }, t), ct);
        }
        return server is { UnreachableSince: not null };
    }

    public Task<IReadOnlyList<ServerRow>> FindServersAsync(IReadOnlyCollection<string> hosts, CancellationToken ct) =>
        hosts.Count == 0
            ? Task.FromResult<IReadOnlyList<ServerRow>>([])
            : database.ReadAsync(async c => (IReadOnlyList<ServerRow>)(await c.QueryAsync<ServerRow>(
                $"SELECT * FROM servers WHERE {database.In("host", "hosts")}", new { hosts = hosts.Select(h => h.ToLowerInvariant()).ToArray() })).AsList(), ct);

    /// <summary>Inserts or refreshes a remote actor (never a local one) and its server; returns its id.</summary>
    public Task<long> UpsertRemoteActorAsync(RemoteActor actor, long? accountId, CancellationToken ct)
    {
        var host = new Uri(actor.Id).Authority.ToLowerInvariant();
        var now = Now;
        return database.WriteAsync(async (c, t) =>
        {
            await c.ExecuteAsync("INSERT INTO servers (host, created_at) VALUES (@host, @now) ON CONFLICT (host) DO NOTHING", new { host, now }, t);
            var serverId = await c.ExecuteScalarAsync<long>("SELECT id FROM servers WHERE host = @host", new { host }, t);
            var existing = await c.QuerySingleOrDefaultAsync<ActorRow>("SELECT * FROM actors WHERE url = @url", new { url = actor.Id }, t);
            var param = new
            {
                type = actor.Type,
                name = actor.PreferredUsername,
                displayName = actor.Name,
                description = actor.Summary,
                url = actor.Id,
                inbox = actor.Inbox,
                outbox = actor.Outbox,
                sharedInbox = actor.SharedInbox,
                followers = actor.Followers,
                following = actor.Following,
                pem = actor.PublicKeyPem,
                serverId,
                accountId,
                avatar = actor.IconUrl,
                now,
            };
            if (existing is null)
            {
                return await c.ExecuteScalarAsync<long>("""
                    INSERT INTO actors (type, name, display_name, description, url, inbox_url, outbox_url, shared_inbox_url, followers_url,
                        following_url, public_key_pem, server_id, account_id, avatar_url, created_at, updated_at)
                    VALUES (@type, @name, @displayName, @description, @url, @inbox, @outbox, @sharedInbox, @followers, @following, @pem,
                        @serverId, @accountId, @avatar, @now, @now)
                    RETURNING id
                    """, param, t);
            }
            if (existing.IsLocal)
            {
                throw new InvalidOperationException($"{actor.Id} names a local actor");
            }
            await c.ExecuteAsync("""
                UPDATE actors SET type = @type, name = @name, display_name = @displayName, description = @description, inbox_url = @inbox,
                    outbox_url = @outbox, shared_inbox_url = @sharedInbox, followers_url = @followers, following_url = @following,
                    public_key_pem = @pem, account_id = COALESCE(@accountId, account_id), avatar_url = @avatar, updated_at = @now
                WHERE url = @url
                """, param, t);
            return existing.Id;
        }, ct);
    }

    public Task<ActorRow?> FindActorByUrlAsync(string url, CancellationToken ct) =>
        database.ReadAsync(c => c.QuerySingleOrDefaultAsync<ActorRow>(ActorSelect + " WHERE a.url = @url", new { url }), ct);

    /// <summary>Creates or moves the follow to <paramref name="state"/>; returns its id.</summary>
    public Task<long> UpsertFollowAsync(long followerId, long followingId, string state, string? activityUrl, CancellationToken ct) =>
        database.WriteAsync((c, t) => c.ExecuteScalarAsync<long>("""
            INSERT INTO follows (follower_id, following_id, state, activity_url, created_at, updated_at)
            VALUES (@followerId, @followingId, @state, @activityUrl, @now, @now)
            ON CONFLICT (follower_id, following_id) DO UPDATE SET state = @state, activity_url = COALESCE(@activityUrl, follows.activity_url), updated_at = @now
            RETURNING id
            """, new { followerId, followingId, state, activityUrl, now = Now }, t), ct);

    public Task<FollowRow?> FindFollowAsync(long followerId, long followingId, CancellationToken ct) =>
        database.ReadAsync(c => c.QuerySingleOrDefaultAsync<FollowRow>(
            "SELECT * FROM follows WHERE follower_id = @followerId AND following_id = @followingId", new { followerId, followingId }), ct);

    public Task SetFollowStateAsync(long id, string state, CancellationToken ct) =>
        database.WriteAsync((c, t) => c.ExecuteAsync("UPDATE follows SET state = @state, updated_at = @now WHERE id = @id", new { id, state, now = Now }, t), ct);

    public Task<bool> DeleteFollowAsync(long followerId, long followingId, CancellationToken ct) =>
        database.WriteAsync(async (c, t) => await c.ExecuteAsync(
            "DELETE FROM follows WHERE follower_id = @followerId AND following_id = @followingId", new { followerId, followingId }, t) > 0, ct);

    /// <summary>Follows where <paramref name="actorId"/> is the follower (<paramref name="asFollower"/>) or the followed one.</summary>
    public Task<(long Total, IReadOnlyList<FollowWithActors> Items)> ListFollowsAsync(long actorId, bool asFollower, string? state, int start, int count, CancellationToken ct)
    {
        var side = asFollower ? "f.follower_id" : "f.following_id";
        var where = $" WHERE {side} = @actorId AND (@state IS NULL OR f.state = @state)";
        const string select = """
            SELECT f.*, fa.*, fas.host AS host, ta.*, tas.host AS host
            FROM follows f
            JOIN actors fa ON fa.id = f.follower_id LEFT JOIN servers fas ON fas.id = fa.server_id
            JOIN actors ta ON ta.id = f.following_id LEFT JOIN servers tas ON tas.id = ta.server_id
            """;
        return database.ReadAsync(async c =>
        {
            var param = new { actorId, state, start, count };
            var total = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM follows f" + where, param);
            var items = (await c.QueryAsync<FollowRow, ActorRow, ActorRow, FollowWithActors>(
                select + where + " ORDER BY f.created_at DESC, f.id DESC LIMIT @count OFFSET @start",
                (f, a, b) => new FollowWithActors(f, a, b), param, splitOn: "id,id")).AsList();
            return (total, (IReadOnlyList<FollowWithActors>)items);
        }, ct);
    }

    /// <summary>The actor URLs on the other side of accepted follows, for the followers/following collections.</summary>
    public Task<(long Total, IReadOnlyList<string> Urls)> FollowCollectionAsync(long actorId, bool followers, int start, int count, CancellationToken ct)
    {
        var (mine, other) = followers ? ("following_id", "follower_id") : ("follower_id", "following_id");
        return database.ReadAsync(async c =>
        {
            var param = new { actorId, start, count };
            var total = await c.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM follows WHERE {mine} = @actorId AND state = 'accepted'", param);
            var urls = (await c.QueryAsync<string>(
                $"SELECT a.url FROM follows f JOIN actors a ON a.id = f.{other} WHERE f.{mine} = @actorId AND f.state = 'accepted' ORDER BY f.id DESC LIMIT @count OFFSET @start",
                param)).AsList();
            return (total, (IReadOnlyList<string>)urls);
        }, ct);
    }

    /// <summary>
    /// Where to deliver to the remote followers of these actors: their shared inbox when they offer one, deduplicated,
    /// skipping blocked servers.
    /// </summary>
    public Task<IReadOnlyList<string>> FollowerInboxesAsync(IReadOnlyCollection<long> actorIds, CancellationToken ct) =>
        database.ReadAsync(async c => (IReadOnlyList<string>)(await c.QueryAsync<string>($"""
            SELECT DISTINCT COALESCE(a.shared_inbox_url, a.inbox_url)
            FROM follows f JOIN actors a ON a.id = f.follower_id JOIN servers s ON s.id = a.server_id
            WHERE f.state = 'accepted' AND s.blocked = FALSE AND {database.In("f.following_id", "ids")}
            """, new { ids = actorIds.ToArray() })).AsList(), ct);

    public Task<bool> WasReceivedAsync(string activityId, CancellationToken ct) =>
        database.ReadAsync(async c => await c.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM received_activities WHERE activity_id = @activityId", new { activityId }) > 0, ct);

    /// <summary>
    /// Remembers an activity id. Ids older than <see cref="ReplayMemory"/> are pruned now and then: signatures older than
    /// an hour are refused anyway, so a week is a wide margin.
    /// </summary>
    public Task RememberReceivedAsync(string activityId, CancellationToken ct)
    {
        var prune = Interlocked.Increment(ref _remembered) % 1000 == 0;
        var now = Now;
        return database.WriteAsync(async (c, t) =>
        {
            await c.ExecuteAsync(
                "INSERT INTO received_activities (activity_id, received_at) VALUES (@activityId, @now) ON CONFLICT (activity_id) DO NOTHING",
                new { activityId, now }, t);
            if (prune)
            {
                await c.ExecuteAsync("DELETE FROM received_activities WHERE received_at < @cutoff",
                    new { cutoff = now - (long)ReplayMemory.TotalMilliseconds }, t);
            }
        }, ct);
    }

    public static readonly TimeSpan ReplayMemory = TimeSpan.FromDays(7);
    private long _remembered;

    public Task<long> CountAsync(string sql, CancellationToken ct) => database.ReadAsync(c => c.ExecuteScalarAsync<long>(sql), ct);

    /// <summary>Adds <paramref name="delta"/> to a counter (views, likes, dislikes) of the video at <paramref name="url"/>.</summary>
    public Task<bool> AddToCounterAsync(string url, string counter, int delta, CancellationToken ct)
    {
        var column = counter switch
        {
            "views" => "views",
            "likes" => "likes",
            "dislikes" => "dislikes",
            _ => throw new ArgumentOutOfRangeException(nameof(counter)),
        };
        return database.WriteAsync(async (c, t) => await c.ExecuteAsync(
            $"UPDATE videos SET {column} = CASE WHEN {column} + @delta < 0 THEN 0 ELSE {column} + @delta END WHERE url = @url", new { url, delta }, t) == 1, ct);
    }
}
