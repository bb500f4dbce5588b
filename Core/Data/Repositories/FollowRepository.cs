using Dapper;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Core.Data.Repositories;

/// <summary>A follow with both actors, as the follows API and the inbox need it.</summary>
public sealed record FollowWithActors(FollowRow Follow, ActorRow Follower, ActorRow Following);

/// <summary>Follows between actors (PeerTube's <c>actorFollow</c>): their state, the admin lists and the followers/following collections.</summary>
public sealed class FollowRepository(Database database, TimeProvider clock)
{
    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Creates or moves the follow to <paramref name="state"/>; returns its id.</summary>
    public Task<long> UpsertAsync(long followerId, long followingId, string state, string? activityUrl, CancellationToken ct) =>
        database.WriteAsync((c, t) => c.ExecuteScalarAsync<long>("""
            INSERT INTO follows (follower_id, following_id, state, activity_url, created_at, updated_at)
            VALUES (@followerId, @followingId, @state, @activityUrl, @now, @now)
            ON CONFLICT (follower_id, following_id) DO UPDATE SET state = @state, activity_url = COALESCE(@activityUrl, follows.activity_url), updated_at = @now
            RETURNING id
            """, new { followerId, followingId, state, activityUrl, now = Now }, t), ct);

    public Task<FollowRow?> FindAsync(long followerId, long followingId, CancellationToken ct) =>
        database.ReadAsync(c => c.QuerySingleOrDefaultAsync<FollowRow>(
            "SELECT * FROM follows WHERE follower_id = @followerId AND following_id = @followingId", new { followerId, followingId }), ct);

    public Task SetStateAsync(long id, string state, CancellationToken ct) =>
        database.WriteAsync((c, t) => c.ExecuteAsync("UPDATE follows SET state = @state, updated_at = @now WHERE id = @id", new { id, state, now = Now }, t), ct);

    public Task<bool> DeleteAsync(long followerId, long followingId, CancellationToken ct) =>
        database.WriteAsync(async (c, t) => await c.ExecuteAsync(
            "DELETE FROM follows WHERE follower_id = @followerId AND following_id = @followingId", new { followerId, followingId }, t) > 0, ct);

    /// <summary>Follows where <paramref name="actorId"/> is the follower (<paramref name="asFollower"/>) or the followed one.</summary>
    public Task<(long Total, IReadOnlyList<FollowWithActors> Items)> ListAsync(long actorId, bool asFollower, string? state, int start, int count, CancellationToken ct)
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

    /// <summary>Whether a local actor follows an actor of server <paramref name="serverId"/>, or is followed by one (accepted follows).</summary>
    public Task<bool> HasAcceptedFollowWithServerAsync(long serverId, CancellationToken ct) =>
        database.ReadAsync(async c => await c.ExecuteScalarAsync<long>("""
            SELECT COUNT(*) FROM follows f
            JOIN actors a ON a.id = f.follower_id JOIN actors b ON b.id = f.following_id
            WHERE f.state = @accepted
              AND ((a.server_id = @serverId AND b.server_id IS NULL) OR (b.server_id = @serverId AND a.server_id IS NULL))
            """, new { serverId, accepted = FollowStates.Accepted }) > 0, ct);

    /// <summary>Accepted followers of an actor (its <c>followersCount</c>, as its followers collection's <c>totalItems</c>).</summary>
    public Task<long> CountFollowersAsync(long actorId, CancellationToken ct = default) =>
        database.ReadAsync(c => c.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM follows WHERE following_id = @actorId AND state = @accepted", new { actorId, accepted = FollowStates.Accepted }), ct);

    /// <summary>Accepted follows an actor made (its <c>followingCount</c>).</summary>
    public Task<long> CountFollowingAsync(long actorId, CancellationToken ct = default) =>
        database.ReadAsync(c => c.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM follows WHERE follower_id = @actorId AND state = @accepted", new { actorId, accepted = FollowStates.Accepted }), ct);

    /// <summary>The actor URLs on the other side of accepted follows, for the followers/following collections.</summary>
    public Task<(long Total, IReadOnlyList<string> Urls)> CollectionAsync(long actorId, bool followers, int start, int count, CancellationToken ct)
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

    /// <summary>Accepted follows whose follower is a local actor (our instance's follows that went through).</summary>
    public Task<long> CountAcceptedOfLocalFollowersAsync(CancellationToken ct = default) =>
        database.ReadAsync(c => c.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM follows f JOIN actors a ON a.id = f.follower_id WHERE a.server_id IS NULL AND f.state = 'accepted'"), ct);
}
