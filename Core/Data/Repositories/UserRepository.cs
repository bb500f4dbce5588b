using System.Data.Common;
using Dapper;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Core.Data.Repositories;

public sealed class UserRepository(Database database)
{
    /// <summary>Inserts the user inside the caller's transaction (its account and channel are created in the same one); returns its id.</summary>
    public Task<long> CreateAsync(DbConnection c, DbTransaction t, UserRow user) =>
        c.ExecuteScalarAsync<long>("""
            INSERT INTO users (username, email, password_hash, role, video_quota, video_quota_daily, created_at)
            VALUES (@Username, @Email, @PasswordHash, @Role, @VideoQuota, @VideoQuotaDaily, @CreatedAt) RETURNING id
            """, new { user.Username, user.Email, user.PasswordHash, Role = (int)user.Role, user.VideoQuota, user.VideoQuotaDaily, user.CreatedAt }, t);

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
}
