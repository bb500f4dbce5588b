using System.Data.Common;
using Dapper;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Core.Data.Repositories;

/// <summary>
/// PeerTube's video passwords (privacy 5). Stored readable, as PeerTube does: its API lists them to the video's owner.
/// Checked with <see cref="VideoAudience.MatchesAny"/> (fixed time).
/// </summary>
public sealed class VideoPasswordRepository(Database database, TimeProvider clock)
{
    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public Task<IReadOnlyList<string>> PasswordsAsync(long videoId, CancellationToken ct = default) =>
        database.ReadAsync(async c => (IReadOnlyList<string>)(await c.QueryAsync<string>(
            "SELECT password FROM video_passwords WHERE video_id = @videoId", new { videoId })).AsList(), ct);

    public Task<(long Total, IReadOnlyList<VideoPasswordRow> Rows)> ListAsync(long videoId, int start, int count, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            var total = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM video_passwords WHERE video_id = @videoId", new { videoId });
            var rows = (await c.QueryAsync<VideoPasswordRow>(
                "SELECT id, video_id, password, created_at FROM video_passwords WHERE video_id = @videoId ORDER BY id LIMIT @count OFFSET @start",
                new { videoId, start, count })).AsList();
            return (total, (IReadOnlyList<VideoPasswordRow>)rows);
        }, ct);

    /// <summary>Replaces the video's passwords as a whole (an empty list removes them), inside the caller's transaction.</summary>
    public static async Task ReplaceAsync(DbConnection c, DbTransaction t, long videoId, IReadOnlyCollection<string> passwords, long now)
    {
        await c.ExecuteAsync("DELETE FROM video_passwords WHERE video_id = @videoId", new { videoId }, t);
        foreach (var password in passwords)
        {
            await c.ExecuteAsync("INSERT INTO video_passwords (video_id, password, created_at) VALUES (@videoId, @password, @now)",
                new { videoId, password, now }, t);
        }
    }

    public Task ReplaceAsync(long videoId, IReadOnlyCollection<string> passwords, CancellationToken ct = default) =>
        database.WriteAsync((c, t) => ReplaceAsync(c, t, videoId, passwords, Now), ct);

    /// <summary>Deletes one password unless it is the video's last (PeerTube keeps at least one); null: no such password.</summary>
    public Task<bool?> DeleteAsync(long videoId, long passwordId, CancellationToken ct = default) =>
        database.WriteAsync<bool?>(async (c, t) =>
        {
            var exists = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM video_passwords WHERE video_id = @videoId AND id = @passwordId",
                new { videoId, passwordId }, t) == 1;
            if (!exists)
            {
                return null;
            }
            if (await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM video_passwords WHERE video_id = @videoId", new { videoId }, t) <= 1)
            {
                return false;
            }
            await c.ExecuteAsync("DELETE FROM video_passwords WHERE id = @passwordId", new { passwordId }, t);
            return true;
        }, ct);
}
