using Dapper;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Core.Data.Repositories;

/// <summary>Blocked videos (PeerTube's blacklist): the flag on the video and the entry with its reason, with the audit line, in one transaction.</summary>
public sealed class BlacklistRepository(Database database)
{
    /// <summary>False when the video was already blocked.</summary>
    public Task<bool> AddAsync(long videoId, string? reason, string actor, string target, long now, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            if (await c.ExecuteAsync("UPDATE videos SET blacklisted = TRUE WHERE id = @videoId AND blacklisted = FALSE", new { videoId }, t) == 0)
            {
                return false;
            }
            await c.ExecuteAsync("INSERT INTO video_blacklist (video_id, reason, created_at) VALUES (@videoId, @reason, @now)", new { videoId, reason, now }, t);
            await AuditRepository.AddAsync(c, t, actor, "video.block", target, reason, now);
            return true;
        }, ct);

    /// <summary>False when the video was not blocked.</summary>
    public Task<bool> RemoveAsync(long videoId, string actor, string target, long now, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            if (await c.ExecuteAsync("UPDATE videos SET blacklisted = FALSE WHERE id = @videoId AND blacklisted = TRUE", new { videoId }, t) == 0)
            {
                return false;
            }
            await c.ExecuteAsync("DELETE FROM video_blacklist WHERE video_id = @videoId", new { videoId }, t);
            await AuditRepository.AddAsync(c, t, actor, "video.unblock", target, null, now);
            return true;
        }, ct);

    /// <summary>Newest first.</summary>
    public Task<(long Total, IReadOnlyList<BlacklistRow> Items)> ListAsync(int start, int count, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            var total = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM video_blacklist");
            var items = (await c.QueryAsync<BlacklistRow>("SELECT * FROM video_blacklist ORDER BY created_at DESC, video_id DESC LIMIT @count OFFSET @start",
                new { start, count })).AsList();
            return (total, (IReadOnlyList<BlacklistRow>)items);
        }, ct);
}
