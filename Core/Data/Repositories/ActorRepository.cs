using System.Data.Common;
using Dapper;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Core.Data.Repositories;

public sealed class ActorRepository(Database database, TimeProvider clock)
{
    private const string Select = "SELECT a.*, s.host AS host FROM actors a LEFT JOIN servers s ON s.id = a.server_id";

    public Task<ActorRow?> FindByIdAsync(long id, CancellationToken ct = default) =>
        database.ReadAsync(c => c.QuerySingleOrDefaultAsync<ActorRow>(Select + " WHERE a.id = @id", new { id }), ct);

    public Task<ActorRow?> FindByUrlAsync(string url, CancellationToken ct = default) =>
        database.ReadAsync(c => c.QuerySingleOrDefaultAsync<ActorRow>(Select + " WHERE a.url = @url", new { url }), ct);

    public Task<ActorRow?> FindLocalAsync(string type, string name, CancellationToken ct = default) =>
        database.ReadAsync(c => c.QuerySingleOrDefaultAsync<ActorRow>(
            Select + " WHERE a.server_id IS NULL AND a.type = @type AND a.name = @name", new { type, name }), ct);

    /// <summary>A channel or account by PeerTube handle: <c>name</c> (local) or <c>name@host</c>.</summary>
    public Task<ActorRow?> FindByHandleAsync(string type, string handle, string localHost, CancellationToken ct = default)
    {
        var at = handle.IndexOf('@', StringComparison.Ordinal);
        var name = at < 0 ? handle : handle[..at];
        var host = at < 0 ? null : handle[(at + 1)..];
        if (host is null || string.Equals(host, localHost, StringComparison.OrdinalIgnoreCase))
        {
            return FindLocalAsync(type, name, ct);
        }
        return database.ReadAsync(c => c.QuerySingleOrDefaultAsync<ActorRow>(
            Select + " WHERE a.type = @type AND a.name = @name AND s.host = @host", new { type, name, host = host.ToLowerInvariant() }), ct);
    }

    public Task<ActorRow?> FindAccountOfUserAsync(long userId, CancellationToken ct = default) =>
        database.ReadAsync(c => c.QuerySingleOrDefaultAsync<ActorRow>(
            Select + " WHERE a.type = 'Person' AND a.user_id = @userId AND a.server_id IS NULL", new { userId }), ct);

    public Task<IReadOnlyList<ActorRow>> ChannelsOfAccountAsync(long accountId, CancellationToken ct = default) =>
        database.ReadAsync(async c => (IReadOnlyList<ActorRow>)(await c.QueryAsync<ActorRow>(
            Select + " WHERE a.type = 'Group' AND a.account_id = @accountId ORDER BY a.id", new { accountId })).AsList(), ct);

    public Task<IReadOnlyList<ActorRow>> FindByIdsAsync(IReadOnlyCollection<long> ids, CancellationToken ct = default) =>
        ids.Count == 0
            ? Task.FromResult<IReadOnlyList<ActorRow>>([])
            : database.ReadAsync(async c => (IReadOnlyList<ActorRow>)(await c.QueryAsync<ActorRow>(Select + " WHERE " + database.In("a.id", "ids"), new { ids = ids.ToArray() })).AsList(), ct);

    /// <summary>Creates a local actor with a fresh RSA key pair inside the caller's transaction.</summary>
    public Task<long> CreateLocalAsync(DbConnection c, DbTransaction t, string baseUrl, string type, string name, string displayName,
        string? description, long? userId, long? accountId)
    {
        var (publicPem, privatePem) = ActorKeys.Generate();
        var url = type switch
        {
            ActorTypes.Group => LocalUrls.Channel(baseUrl, name),
            _ => LocalUrls.Account(baseUrl, name),
        };
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        return c.ExecuteScalarAsync<long>("""
            INSERT INTO actors (type, name, display_name, description, url, inbox_url, outbox_url, shared_inbox_url, followers_url,
                following_url, public_key_pem, private_key_pem, user_id, account_id, created_at, updated_at)
            VALUES (@type, @name, @displayName, @description, @url, @inbox, @outbox, @sharedInbox, @followers,
                @following, @publicPem, @privatePem, @userId, @accountId, @now, @now)
            RETURNING id
            """, new
        {
            type,
            name,
            displayName,
            description,
            url,
            inbox = url + "/inbox",
            outbox = url + "/outbox",
            sharedInbox = LocalUrls.SharedInbox(baseUrl),
            followers = url + "/followers",
            following = url + "/following",
            publicPem,
            privatePem,
            userId,
            accountId,
            now,
        }, t);
    }

    public Task<bool> LocalNameTakenAsync(string type, string name, CancellationToken ct = default) =>
        database.ReadAsync(async c => await c.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM actors WHERE server_id IS NULL AND type = @type AND LOWER(name) = @name",
            new { type, name = name.ToLowerInvariant() }) > 0, ct);

    public Task UpdateAsync(long id, string displayName, string? description, string? support, CancellationToken ct = default) =>
        database.WriteAsync((c, t) => c.ExecuteAsync(
            "UPDATE actors SET display_name = @displayName, description = @description, support = @support, updated_at = @now WHERE id = @id",
            new { id, displayName, description, support, now = clock.GetUtcNow().ToUnixTimeMilliseconds() }, t), ct);

    /// <summary>
    /// Inserts or refreshes a remote actor (never a local one) and its server, from <paramref name="actor"/>'s profile columns
    /// (a null <see cref="ActorRow.AccountId"/> keeps the stored one); returns its id.
    /// </summary>
    public Task<long> UpsertRemoteAsync(ActorRow actor, CancellationToken ct = default)
    {
        var host = new Uri(actor.Url).Authority;
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        return database.WriteAsync(async (c, t) =>
        {
            var serverId = await ServerRepository.EnsureAsync(c, t, host, now);
            var existing = await c.QuerySingleOrDefaultAsync<ActorRow>("SELECT * FROM actors WHERE url = @url", new { url = actor.Url }, t);
            var param = new
            {
                type = actor.Type,
                name = actor.Name,
                displayName = actor.DisplayName,
                description = actor.Description,
                url = actor.Url,
                inbox = actor.InboxUrl,
                outbox = actor.OutboxUrl,
                sharedInbox = actor.SharedInboxUrl,
                followers = actor.FollowersUrl,
                following = actor.FollowingUrl,
                pem = actor.PublicKeyPem,
                serverId,
                accountId = actor.AccountId,
                avatar = actor.AvatarUrl,
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
                throw new InvalidOperationException($"{actor.Url} names a local actor");
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
}
