using System.Data.Common;
using Dapper;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Core.Data.Repositories;

/// <summary>Lives: their settings and stream keys, their sessions, and the state changes of going on and off air.</summary>
public sealed class LiveRepository(Database database, VideoRepository videos, TimeProvider clock)
{
    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Stores a just-created live video's settings (the video row has <c>IsLive</c>), in the creating transaction.</summary>
    public static async Task CreateAsync(DbConnection c, DbTransaction t, LiveRow live)
    {
        await c.ExecuteAsync("""
            INSERT INTO video_lives (video_id, stream_key, permanent_live, save_replay, replay_privacy, latency_mode, created_at, updated_at)
            VALUES (@VideoId, @StreamKey, @PermanentLive, @SaveReplay, @ReplayPrivacy, @LatencyMode, @CreatedAt, @UpdatedAt)
            """, new { live.VideoId, live.StreamKey, live.PermanentLive, live.SaveReplay, ReplayPrivacy = (int?)live.ReplayPrivacy, live.LatencyMode, live.CreatedAt, live.UpdatedAt }, t);
    }

    public Task<LiveRow?> FindAsync(long videoId, CancellationToken ct = default) =>
        database.ReadAsync(c => c.QuerySingleOrDefaultAsync<LiveRow>("SELECT * FROM video_lives WHERE video_id = @videoId", new { videoId }), ct);

    public Task<LiveRow?> FindByStreamKeyAsync(string streamKey, CancellationToken ct = default) =>
        database.ReadAsync(c => c.QuerySingleOrDefaultAsync<LiveRow>("SELECT * FROM video_lives WHERE stream_key = @streamKey", new { streamKey }), ct);

    public Task UpdateAsync(long videoId, bool permanentLive, bool saveReplay, VideoPrivacy? replayPrivacy, int latencyMode, CancellationToken ct = default) =>
        database.WriteAsync((c, t) => c.ExecuteAsync("""
            UPDATE video_lives SET permanent_live = @permanentLive, save_replay = @saveReplay, replay_privacy = @replayPrivacy,
                latency_mode = @latencyMode, updated_at = @now
            WHERE video_id = @videoId
            """, new { videoId, permanentLive, saveReplay, replayPrivacy = (int?)replayPrivacy, latencyMode, now = Now }, t), ct);

    /// <summary>Local lives not ended (waiting or on air), of the whole instance or of one user: what Live:MaxInstanceLives and Live:MaxUserLives bound.</summary>
    public Task<long> CountNotEndedAsync(long? userId, CancellationToken ct = default) =>
        database.ReadAsync(c => c.ExecuteScalarAsync<long>("""
            SELECT COUNT(*) FROM videos v
            JOIN actors ch ON ch.id = v.channel_id
            JOIN actors ac ON ac.id = ch.account_id
            WHERE v.is_live = TRUE AND v.is_local = TRUE AND v.state <> @ended AND (@userId IS NULL OR ac.user_id = @userId)
            """, new { ended = (int)VideoState.LiveEnded, userId }), ct);

    /// <summary>Goes on air: a session starts, the master playlist and hash file are listed, and the video is published (state 1).</summary>
    public Task<long> StartSessionAsync(long videoId, LiveRow live, string masterName, string segmentsSha256Name, CancellationToken ct = default)
    {
        videos.InvalidateCounts();
        var now = Now;
        return database.WriteAsync(async (c, t) =>
        {
            await c.ExecuteAsync("DELETE FROM video_streaming_playlists WHERE video_id = @videoId", new { videoId }, t);
            await c.ExecuteAsync("""
                INSERT INTO video_streaming_playlists (video_id, master_name, segments_sha256_name, created_at)
                VALUES (@videoId, @masterName, @segmentsSha256Name, @now)
                """, new { videoId, masterName, segmentsSha256Name, now }, t);
            await c.ExecuteAsync("UPDATE videos SET state = @state, published_at = @now, updated_at = @now WHERE id = @videoId",
                new { videoId, state = (int)VideoState.Published, now }, t);
            return await c.ExecuteScalarAsync<long>("""
                INSERT INTO video_live_sessions (live_video_id, started_at, save_replay, replay_privacy)
                VALUES (@videoId, @now, @SaveReplay, @ReplayPrivacy)
                RETURNING id
                """, new { videoId, now, live.SaveReplay, ReplayPrivacy = (int?)live.ReplayPrivacy }, t);
        }, ct);
    }

    /// <summary>Goes off air: the session ends, the playlist is no longer listed, and the live waits again (permanent) or is ended (state 5).</summary>
    public Task EndSessionAsync(long videoId, long sessionId, bool permanent, int? error, CancellationToken ct = default)
    {
        videos.InvalidateCounts();
        var now = Now;
        return database.WriteAsync(async (c, t) =>
        {
            await c.ExecuteAsync("UPDATE video_live_sessions SET ended_at = @now, error = @error WHERE id = @sessionId", new { sessionId, now, error }, t);
            await c.ExecuteAsync("DELETE FROM video_streaming_playlists WHERE video_id = @videoId", new { videoId }, t);
            await c.ExecuteAsync("UPDATE videos SET state = @state, updated_at = @now WHERE id = @videoId",
                new { videoId, state = (int)(permanent ? VideoState.WaitingForLive : VideoState.LiveEnded), now }, t);
        }, ct);
    }

    /// <summary>A live's thumbnail and preview, taken from its first segment when it goes on air (federated objects need an icon).</summary>
    public Task SetImagesAsync(long videoId, string thumbnailName, string previewName, CancellationToken ct = default) =>
        database.WriteAsync((c, t) => c.ExecuteAsync("UPDATE videos SET thumbnail_name = @thumbnailName, preview_name = @previewName WHERE id = @videoId",
            new { videoId, thumbnailName, previewName }, t), ct);

    public Task SetReplayAsync(long sessionId, long replayVideoId, CancellationToken ct = default) =>
        database.WriteAsync((c, t) => c.ExecuteAsync("UPDATE video_live_sessions SET replay_video_id = @replayVideoId WHERE id = @sessionId",
            new { sessionId, replayVideoId }, t), ct);

    public Task<IReadOnlyList<LiveSessionRow>> SessionsAsync(long videoId, CancellationToken ct = default) =>
        database.ReadAsync(async c => (IReadOnlyList<LiveSessionRow>)(await c.QueryAsync<LiveSessionRow>(
            "SELECT * FROM video_live_sessions WHERE live_video_id = @videoId ORDER BY started_at, id", new { videoId })).AsList(), ct);

    /// <summary>Sessions left open by a process that stopped while on air: closed at start-up so their lives do not stay "on air" forever.</summary>
    public Task<IReadOnlyList<(long VideoId, long SessionId, bool Permanent)>> OpenSessionsAsync(CancellationToken ct = default) =>
        database.ReadAsync(async c => (IReadOnlyList<(long, long, bool)>)(await c.QueryAsync<(long, long, bool)>("""
            SELECT s.live_video_id, s.id, l.permanent_live FROM video_live_sessions s
            JOIN video_lives l ON l.video_id = s.live_video_id
            WHERE s.ended_at IS NULL
            """)).AsList(), ct);
}
