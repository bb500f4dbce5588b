using System.Data.Common;
using Dapper;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Core.Data.Repositories;

public sealed class UserRepository(Database database)
{
    /// <summary>Inserts the user inside the caller's transaction (its account and channel are created in the same one); returns its id.</summary>
    public Task<long> CreateAsync(DbConnection c, DbTransaction t, UserRow user) =>
        c.ExecuteScalarAsync<long>("""
            INSERT INTO users (username, email, password_hash, role, video_quota, video_quota_daily, created_at, academy_role, external_provider, external_subject)
            VALUES (@Username, @Email, @PasswordHash, @Role, @VideoQuota, @VideoQuotaDaily, @CreatedAt, @AcademyRole, @ExternalProvider, @ExternalSubject) RETURNING id
            """, new { user.Username, user.Email, user.PasswordHash, Role = (int)user.Role, user.VideoQuota, user.VideoQuotaDaily, user.CreatedAt,
                user.AcademyRole, user.ExternalProvider, user.ExternalSubject }, t);

    public Task<UserRow?> FindByIdAsync(long id, CancellationToken ct = default) =>
        database.ReadAsync(c => c.QuerySingleOrDefaultAsync<UserRow>("SELECT * FROM users WHERE id = @id", new { id }), ct);

    /// <summary>By username or email, case-insensitively, as PeerTube's login accepts both.</summary>
    public Task<UserRow?> FindByLoginAsync(string login, CancellationToken ct = default) =>
        database.ReadAsync(c => c.QuerySingleOrDefaultAsync<UserRow>(
            "SELECT * FROM users WHERE LOWER(username) = @login OR LOWER(email) = @login", new { login = login.ToLowerInvariant() }), ct);

    public Task<bool> ExistsAsync(string username, string email, CancellationToken ct = default) =>
        database.ReadAsync(async c => await c.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM users WHERE LOWER(username) = @username OR LOWER(email) = @email",
            new { username = username.ToLowerInvariant(), email = email.ToLowerInvariant() }) > 0, ct);

    public Task<long> CountAsync(CancellationToken ct = default) =>
        database.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM users"), ct);

    public Task<IReadOnlyList<UserRow>> ListAsync(int start, int count, CancellationToken ct = default) =>
        database.ReadAsync(async c => (IReadOnlyList<UserRow>)(await c.QueryAsync<UserRow>(
            "SELECT * FROM users ORDER BY id LIMIT @count OFFSET @start", new { start, count })).AsList(), ct);

    /// <summary>Bytes of original uploads of this user's videos: what the quota counts (as PeerTube).</summary>
    public Task<long> VideoQuotaUsedAsync(long userId, long sinceMs = 0, CancellationToken ct = default) =>
        database.ReadAsync(c => c.ExecuteScalarAsync<long>("""
            SELECT COALESCE(SUM(v.original_size), 0) FROM videos v
            JOIN actors ch ON ch.id = v.channel_id
            JOIN actors a ON a.id = ch.account_id
            WHERE a.user_id = @userId AND v.created_at >= @sinceMs
            """, new { userId, sinceMs }), ct);

    public Task UpdateQuotaAsync(long id, long videoQuota, long videoQuotaDaily, CancellationToken ct = default) =>
        database.WriteAsync((c, t) => c.ExecuteAsync("UPDATE users SET video_quota = @videoQuota, video_quota_daily = @videoQuotaDaily WHERE id = @id",
            new { id, videoQuota, videoQuotaDaily }, t), ct);

    public Task UpdateRoleAsync(long id, UserRole role, CancellationToken ct = default) =>
        database.WriteAsync((c, t) => c.ExecuteAsync("UPDATE users SET role = @role WHERE id = @id", new { id, role }, t), ct);

    /// <summary>The user a directory identity (provider name and <c>sub</c>) belongs to.</summary>
    public Task<UserRow?> FindByExternalAsync(string provider, string subject, CancellationToken ct = default) =>
        database.ReadAsync(c => c.QuerySingleOrDefaultAsync<UserRow>(
            "SELECT * FROM users WHERE external_provider = @provider AND external_subject = @subject", new { provider, subject }), ct);

    public Task<UserRow?> FindByEmailAsync(string email, CancellationToken ct = default) =>
        database.ReadAsync(c => c.QuerySingleOrDefaultAsync<UserRow>(
            "SELECT * FROM users WHERE LOWER(email) = @email", new { email = email.ToLowerInvariant() }), ct);

    public Task<bool> UsernameExistsAsync(string username, CancellationToken ct = default) =>
        database.ReadAsync(async c => await c.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM users WHERE LOWER(username) = @username", new { username = username.ToLowerInvariant() }) > 0, ct);

    /// <summary>
    /// An admin allows (<paramref name="provider"/> set) or forbids (null) the next sign-in through that provider with this
    /// user's e-mail to link to this local account; an identity already linked is removed either way.
    /// </summary>
    public Task SetExternalLinkAsync(long id, string? provider, CancellationToken ct = default) =>
        database.WriteAsync((c, t) => c.ExecuteAsync(
            "UPDATE users SET external_provider = @provider, external_subject = NULL WHERE id = @id", new { id, provider }, t), ct);

    /// <summary>What a directory sign-in sets: the identity, both roles, the quotas and the groups, in one transaction.</summary>
    public Task UpdateFromDirectoryAsync(long id, string provider, string subject, UserRole role, string? academyRole,
        long videoQuota, long videoQuotaDaily, IReadOnlyCollection<string> groups, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            await c.ExecuteAsync("""
                UPDATE users SET external_provider = @provider, external_subject = @subject, role = @role, academy_role = @academyRole,
                  video_quota = @videoQuota, video_quota_daily = @videoQuotaDaily WHERE id = @id
                """, new { id, provider, subject, role = (int)role, academyRole, videoQuota, videoQuotaDaily }, t);
            await ReplaceGroupsAsync(c, t, id, groups);
        }, ct);

    /// <summary>The user's groups from the directory, replaced as a whole inside the caller's transaction.</summary>
    public static async Task ReplaceGroupsAsync(DbConnection c, DbTransaction t, long userId, IReadOnlyCollection<string> groups)
    {
        await c.ExecuteAsync("DELETE FROM user_groups WHERE user_id = @userId", new { userId }, t);
        foreach (var name in groups)
        {
            await c.ExecuteAsync("INSERT INTO user_groups (user_id, name) VALUES (@userId, @name)", new { userId, name }, t);
        }
    }

    /// <summary>Every group name known from the directory (for suggestions), at most 500.</summary>
    public Task<IReadOnlyList<string>> KnownGroupsAsync(CancellationToken ct = default) =>
        database.ReadAsync(async c => (IReadOnlyList<string>)(await c.QueryAsync<string>(
            "SELECT DISTINCT name FROM user_groups ORDER BY name LIMIT 500")).AsList(), ct);

    public Task<IReadOnlyList<string>> GroupsAsync(long userId, CancellationToken ct = default) =>
        database.ReadAsync(async c => (IReadOnlyList<string>)(await c.QueryAsync<string>(
            "SELECT name FROM user_groups WHERE user_id = @userId ORDER BY name", new { userId })).AsList(), ct);

    /// <summary>An administrator's edit (e-mail, both roles, quotas), inside the caller's transaction.</summary>
    public static Task UpdateByAdminAsync(DbConnection c, DbTransaction t, long id, string email, UserRole role, string? academyRole, long videoQuota, long videoQuotaDaily) =>
        c.ExecuteAsync("""
            UPDATE users SET email = @email, role = @role, academy_role = @academyRole, video_quota = @videoQuota, video_quota_daily = @videoQuotaDaily
            WHERE id = @id
            """, new { id, email, role = (int)role, academyRole, videoQuota, videoQuotaDaily }, t);

    /// <summary>Blocks or unblocks inside the caller's transaction; a blocked user's tokens stop working at once (checked on every request).</summary>
    public static Task SetBlockedAsync(DbConnection c, DbTransaction t, long id, bool blocked) =>
        c.ExecuteAsync("UPDATE users SET blocked = @blocked WHERE id = @id", new { id, blocked }, t);

    /// <summary>Deletes the user, its account and channels (their videos follow by cascade), tokens and groups, inside the caller's transaction.</summary>
    public static async Task DeleteAsync(DbConnection c, DbTransaction t, long id)
    {
        await c.ExecuteAsync("DELETE FROM actors WHERE user_id = @id AND server_id IS NULL", new { id }, t);
        await c.ExecuteAsync("DELETE FROM users WHERE id = @id", new { id }, t);
    }
}
