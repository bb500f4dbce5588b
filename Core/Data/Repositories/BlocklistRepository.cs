using Dapper;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Core.Data.Repositories;

/// <summary>A blocked account (PeerTube's AccountBlocklist): by a user's account, or by the instance when <see cref="AccountId"/> is null.</summary>
public sealed record AccountBlockRow
{
    public long Id { get; init; }
    public long? AccountId { get; init; }
    public long TargetAccountId { get; init; }
    public long CreatedAt { get; init; }
}

/// <summary>A server a user blocked for themself (PeerTube's ServerBlocklist of a user's account).</summary>
public sealed record ServerBlockRow
{
    public long Id { get; init; }
    public long AccountId { get; init; }
    public required string Host { get; init; }
    public long CreatedAt { get; init; }
}

/// <summary>
/// PeerTube's blocklists ("mutes"): accounts blocked by the instance (moderators; <c>account_id</c> NULL, audit-logged in
/// the same transaction) or by a user for themself, and servers a user blocked for themself (the instance's own server
/// blocks are <c>servers.blocked</c>, see <see cref="ServerRepository"/>). <see cref="HiddenActors"/> is the one SQL that
/// listings, search and comments use to leave their content out.
/// </summary>
public sealed class BlocklistRepository(Database database, VideoRepository videos)
{
    /// <summary>
    /// SQL selecting the ids of actors (accounts, their channels, and every actor of a blocked server) whose content is hidden
    /// from the viewer whose account id is the parameter <paramref name="viewer"/> (NULL: instance-wide blocks only). Each
    /// branch is driven by a small blocklist table and an actors index, so an empty blocklist costs nothing.
    /// </summary>
    public static string HiddenActors(string viewer) => $"""
        SELECT b.target_account_id AS actor_id FROM account_blocks b WHERE b.account_id IS NULL OR b.account_id = {viewer}
        UNION ALL SELECT ch.id FROM account_blocks b JOIN actors ch ON ch.account_id = b.target_account_id WHERE b.account_id IS NULL OR b.account_id = {viewer}
        UNION ALL SELECT a.id FROM servers s JOIN actors a ON a.server_id = s.id WHERE s.blocked = TRUE
        UNION ALL SELECT a.id FROM server_blocks sb JOIN actors a ON a.server_id = sb.target_server_id WHERE sb.account_id = {viewer}
        """;

    /// <summary>
    /// The blocks of <paramref name="byAccountId"/> (null: the instance's), filtered by a part of the blocked account's name or
    /// host when <paramref name="search"/> is given, oldest or newest first.
    /// </summary>
    public Task<(long Total, IReadOnlyList<AccountBlockRow> Items)> ListAccountsAsync(long? byAccountId, string? search, bool newestFirst, int start, int count,
        CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            var where = (byAccountId is null ? " WHERE b.account_id IS NULL" : " WHERE b.account_id = @byAccountId")
                + (string.IsNullOrWhiteSpace(search) ? "" : " AND (LOWER(a.name) LIKE @pattern ESCAPE '\\' OR LOWER(COALESCE(s.host, '')) LIKE @pattern ESCAPE '\\')");
            const string From = " FROM account_blocks b JOIN actors a ON a.id = b.target_account_id LEFT JOIN servers s ON s.id = a.server_id";
            var param = new { byAccountId, pattern = Pattern(search), start, count };
            var total = await c.ExecuteScalarAsync<long>("SELECT COUNT(*)" + From + where, param);
            var direction = newestFirst ? "DESC" : "ASC";
            var items = (await c.QueryAsync<AccountBlockRow>("SELECT b.*" + From + where
                + $" ORDER BY b.created_at {direction}, b.id {direction} LIMIT @count OFFSET @start", param)).AsList();
            return (total, (IReadOnlyList<AccountBlockRow>)items);
        }, ct);

    public Task<bool> IsAccountBlockedAsync(long? byAccountId, long targetAccountId, CancellationToken ct = default) =>
        database.ReadAsync(async c => await c.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM account_blocks WHERE " + (byAccountId is null ? "account_id IS NULL" : "account_id = @byAccountId")
            + " AND target_account_id = @targetAccountId", new { byAccountId, targetAccountId }) > 0, ct);

    /// <summary>
    /// Blocks <paramref name="targetAccountId"/> for <paramref name="byAccountId"/> (null: the instance, recorded in the audit
    /// log as <paramref name="auditActor"/> did it). False when it was already blocked.
    /// </summary>
    public Task<bool> BlockAccountAsync(long? byAccountId, long targetAccountId, string? auditActor, string target, long now, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var inserted = await c.ExecuteAsync(
                "INSERT INTO account_blocks (account_id, target_account_id, created_at) SELECT @byAccountId, @targetAccountId, @now WHERE NOT EXISTS "
                + "(SELECT 1 FROM account_blocks WHERE " + (byAccountId is null ? "account_id IS NULL" : "account_id = @byAccountId")
                + " AND target_account_id = @targetAccountId)", new { byAccountId, targetAccountId, now }, t) > 0;
            if (inserted && byAccountId is null)
            {
                await AuditRepository.AddAsync(c, t, auditActor ?? "?", "account.block", target, null, now);
            }
            if (inserted)
            {
                videos.InvalidateCounts();
            }
            return inserted;
        }, ct);

    /// <summary>False when it was not blocked.</summary>
    public Task<bool> UnblockAccountAsync(long? byAccountId, long targetAccountId, string? auditActor, string target, long now, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var removed = await c.ExecuteAsync(
                "DELETE FROM account_blocks WHERE " + (byAccountId is null ? "account_id IS NULL" : "account_id = @byAccountId")
                + " AND target_account_id = @targetAccountId", new { byAccountId, targetAccountId }, t) > 0;
            if (removed && byAccountId is null)
            {
                await AuditRepository.AddAsync(c, t, auditActor ?? "?", "account.unblock", target, null, now);
            }
            if (removed)
            {
                videos.InvalidateCounts();
            }
            return removed;
        }, ct);

    /// <summary>The servers <paramref name="byAccountId"/> blocked for themself.</summary>
    public Task<(long Total, IReadOnlyList<ServerBlockRow> Items)> ListServersAsync(long byAccountId, string? search, bool newestFirst, int start, int count,
        CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            var where = " WHERE sb.account_id = @byAccountId" + (string.IsNullOrWhiteSpace(search) ? "" : " AND s.host LIKE @pattern ESCAPE '\\'");
            const string From = " FROM server_blocks sb JOIN servers s ON s.id = sb.target_server_id";
            var param = new { byAccountId, pattern = Pattern(search), start, count };
            var total = await c.ExecuteScalarAsync<long>("SELECT COUNT(*)" + From + where, param);
            var direction = newestFirst ? "DESC" : "ASC";
            var items = (await c.QueryAsync<ServerBlockRow>("SELECT sb.id, sb.account_id, s.host, sb.created_at" + From + where
                + $" ORDER BY sb.created_at {direction}, sb.id {direction} LIMIT @count OFFSET @start", param)).AsList();
            return (total, (IReadOnlyList<ServerBlockRow>)items);
        }, ct);

    /// <summary>False when the user had already blocked it.</summary>
    public Task<bool> BlockServerAsync(long byAccountId, string host, long now, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var serverId = await ServerRepository.EnsureAsync(c, t, host, now);
            var inserted = await c.ExecuteAsync(
                "INSERT INTO server_blocks (account_id, target_server_id, created_at) VALUES (@byAccountId, @serverId, @now) ON CONFLICT DO NOTHING",
                new { byAccountId, serverId, now }, t) > 0;
            if (inserted)
            {
                videos.InvalidateCounts();
            }
            return inserted;
        }, ct);

    /// <summary>False when the user had not blocked it.</summary>
    public Task<bool> UnblockServerAsync(long byAccountId, string host, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var removed = await c.ExecuteAsync(
                "DELETE FROM server_blocks WHERE account_id = @byAccountId AND target_server_id IN (SELECT id FROM servers WHERE host = @host)",
                new { byAccountId, host = host.ToLowerInvariant() }, t) > 0;
            if (removed)
            {
                videos.InvalidateCounts();
            }
            return removed;
        }, ct);

    /// <summary>
    /// The user's account id when they blocked at least one account or server for themself (their listings are then filtered
    /// for them alone), else null.
    /// </summary>
    public Task<long?> AccountWithOwnBlocksAsync(long userId, CancellationToken ct = default) =>
        database.ReadAsync(c => c.ExecuteScalarAsync<long?>("""
            SELECT a.id FROM actors a WHERE a.type = 'Person' AND a.user_id = @userId AND a.server_id IS NULL
              AND (EXISTS (SELECT 1 FROM account_blocks b WHERE b.account_id = a.id) OR EXISTS (SELECT 1 FROM server_blocks sb WHERE sb.account_id = a.id))
            """, new { userId }), ct);

    /// <summary>Whether the content of <paramref name="actorId"/> (an account or channel) is hidden from <paramref name="viewerAccountId"/> (null: anyone).</summary>
    public Task<bool> IsHiddenAsync(long actorId, long? viewerAccountId, CancellationToken ct = default) =>
        database.ReadAsync(async c => await c.ExecuteScalarAsync<long>(
            $"SELECT COUNT(*) FROM ({HiddenActors("@viewer")}) h WHERE h.actor_id = @actorId", new { actorId, viewer = viewerAccountId }) > 0, ct);

    /// <summary>Whether the actor at <paramref name="actorUrl"/> or the account it belongs to is blocked by the instance (its activities are refused).</summary>
    public Task<bool> IsActorBlockedByInstanceAsync(string actorUrl, CancellationToken ct = default) =>
        database.ReadAsync(async c => await c.ExecuteScalarAsync<long>("""
            SELECT COUNT(*) FROM actors a JOIN account_blocks b ON b.target_account_id = COALESCE(a.account_id, a.id)
            WHERE a.url = @actorUrl AND b.account_id IS NULL
            """, new { actorUrl }) > 0, ct);

    private static string? Pattern(string? search) => string.IsNullOrWhiteSpace(search) ? null : SearchText.LikePattern(search);
}
