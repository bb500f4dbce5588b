using System.Data.Common;
using Dapper;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Core.Data.Repositories;

public sealed class UploadSessionRepository(Database database, TimeProvider clock)
{
    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public Task CreateAsync(UploadSessionRow row, CancellationToken ct = default) =>
        database.WriteAsync((c, t) => c.ExecuteAsync("""
            INSERT INTO upload_sessions (id, user_id, channel_id, metadata, file_name, content_type, size, received, created_at, updated_at)
            VALUES (@Id, @UserId, @ChannelId, @Metadata, @FileName, @ContentType, @Size, 0, @CreatedAt, @UpdatedAt)
            """, row, t), ct);

    public Task<UploadSessionRow?> FindAsync(string id, CancellationToken ct = default) =>
        database.ReadAsync(c => c.QuerySingleOrDefaultAsync<UploadSessionRow>("SELECT * FROM upload_sessions WHERE id = @id", new { id }), ct);

    /// <summary>Records the stored length after a chunk; also keeps the session alive.</summary>
    public Task SetReceivedAsync(string id, long received, CancellationToken ct = default) =>
        database.WriteAsync((c, t) => c.ExecuteAsync(
            "UPDATE upload_sessions SET received = @received, updated_at = @now WHERE id = @id", new { id, received, now = Now }, t), ct);

    public Task DeleteAsync(string id, CancellationToken ct = default) =>
        database.WriteAsync((c, t) => DeleteAsync(c, t, id), ct);

    public Task DeleteAsync(DbConnection c, DbTransaction t, string id) =>
        c.ExecuteAsync("DELETE FROM upload_sessions WHERE id = @id", new { id }, t);

    /// <summary>Bytes promised by the user's open sessions: counted against the quota so that parallel uploads cannot overrun it.</summary>
    public Task<long> PendingBytesAsync(long userId, string? exceptId, CancellationToken ct = default) =>
        database.ReadAsync(c => c.ExecuteScalarAsync<long>(
            "SELECT COALESCE(SUM(size), 0) FROM upload_sessions WHERE user_id = @userId AND (@exceptId IS NULL OR id <> @exceptId)",
            new { userId, exceptId }), ct);

    public Task<IReadOnlyList<string>> ExpiredAsync(long untouchedSinceMs, CancellationToken ct = default) =>
        database.ReadAsync(async c => (IReadOnlyList<string>)(await c.QueryAsync<string>(
            "SELECT id FROM upload_sessions WHERE updated_at < @untouchedSinceMs", new { untouchedSinceMs })).AsList(), ct);
}
