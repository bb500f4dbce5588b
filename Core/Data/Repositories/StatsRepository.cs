using Dapper;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Stats;

namespace VideoPlatform.Core.Data.Repositories;

/// <summary>The figures the instance reads about itself each minute, from the queue, federation and media tables.</summary>
public sealed record LoadFigures(long QueueDepth, double QueueWaitSeconds, long TranscodesDone, long DeliveriesSent, long DeliveriesFailed,
    long DeliveriesWaiting, long UnreachableServers, long StorageUsedBytes);

/// <summary>PeerTube's server statistics, as counted from our tables.</summary>
public sealed record ServerCounts(long TotalUsers, long TotalDailyActiveUsers, long TotalWeeklyActiveUsers, long TotalMonthlyActiveUsers,
    long TotalModerators, long TotalAdmins, long TotalLocalVideos, long TotalLocalVideoViews, long TotalLocalVideoFilesSize, long TotalVideos,
    long TotalLocalVideoChannels, long TotalInstanceFollowers, long TotalInstanceFollowing, long TotalActivityPubMessagesProcessed,
    long TotalActivityPubMessagesSuccesses, long TotalActivityPubMessagesErrors, long TotalActivityPubMessagesWaiting);

/// <summary>A local lesson and how much it was watched over a period.</summary>
public sealed record TopVideo
{
    public long Id { get; init; }
    public string Uuid { get; init; } = "";
    public string Name { get; init; } = "";
    public long Viewers { get; init; }
    public long WatchSeconds { get; init; }
}

/// <summary>The load history (minute samples, hourly roll-ups) and the watch sections of local videos.</summary>
public sealed class StatsRepository(Database database)
{
    public const int Minute = 60;
    public const int Hour = 3600;

    /// <summary>Adds counters to and sets gauges of the minute starting at <paramref name="minute"/> (Unix ms), one transaction.</summary>
    public Task WriteMinuteAsync(long minute, IReadOnlyDictionary<StatMetric, double> values, CancellationToken ct) =>
        database.WriteAsync(async (c, t) =>
        {
            foreach (var (metric, value) in values)
            {
                var update = metric.Kind == StatKind.Counter ? "stat_samples.value + excluded.value" : "excluded.value";
                await c.ExecuteAsync($"""
                    INSERT INTO stat_samples (metric, resolution, at, value) VALUES (@metric, {Minute}, @minute, @value)
                    ON CONFLICT (metric, resolution, at) DO UPDATE SET value = {update}
                    """, new { metric = metric.Name, minute, value }, t);
            }
            return 0;
        }, ct);

    /// <summary>
    /// Minutes older than <paramref name="minutesBefore"/> become one row per hour (counters summed, gauges averaged) and
    /// are deleted; everything older than <paramref name="keepAfter"/> is deleted. Idempotent: run it daily and at start.
    /// </summary>
    public Task<int> RollUpAsync(long minutesBefore, long keepAfter, CancellationToken ct) =>
        database.WriteAsync(async (c, t) =>
        {
            var cutoff = minutesBefore - minutesBefore % (Hour * 1000L);
            foreach (var kind in new[] { StatKind.Counter, StatKind.Gauge })
            {
                var names = StatMetrics.All.Where(m => m.Kind == kind).Select(m => m.Name).ToArray();
                var aggregate = kind == StatKind.Counter ? "SUM(value)" : "AVG(value)";
                var combine = kind == StatKind.Counter ? "stat_samples.value + excluded.value" : "(stat_samples.value + excluded.value) / 2";
                await c.ExecuteAsync($"""
                    INSERT INTO stat_samples (metric, resolution, at, value)
                    SELECT metric, {Hour}, (at / {Hour * 1000L}) * {Hour * 1000L}, {aggregate} FROM stat_samples
                    WHERE resolution = {Minute} AND at < @cutoff AND {database.In("metric", "names")}
                    GROUP BY metric, (at / {Hour * 1000L}) * {Hour * 1000L}
                    ON CONFLICT (metric, resolution, at) DO UPDATE SET value = {combine}
                    """, new { cutoff, names }, t);
            }
            var rolled = await c.ExecuteAsync($"DELETE FROM stat_samples WHERE resolution = {Minute} AND at < @cutoff", new { cutoff }, t);
            await c.ExecuteAsync("DELETE FROM stat_samples WHERE at < @keepAfter", new { keepAfter }, t);
            await c.ExecuteAsync("DELETE FROM video_watch_sections WHERE started_at < @keepAfter", new { keepAfter }, t);
            return rolled;
        }, ct);

    /// <summary>
    /// One series from <paramref name="from"/> to <paramref name="to"/> (Unix ms) grouped in buckets of <paramref name="bucket"/>:
    /// counters summed, gauges averaged, minutes and hours alike. Buckets without samples are absent.
    /// </summary>
    public Task<IReadOnlyList<StatPoint>> SeriesAsync(StatMetric metric, long from, long to, TimeSpan bucket, CancellationToken ct)
    {
        var size = Math.Max(60_000L, (long)bucket.TotalMilliseconds);
        var aggregate = metric.Kind == StatKind.Counter ? "SUM(value)" : "AVG(value)";
        return database.ReadAsync(async c => (IReadOnlyList<StatPoint>)(await c.QueryAsync<PointRow>($"""
            SELECT (at / {size}) * {size} AS at, CAST({aggregate} AS DOUBLE PRECISION) AS value FROM stat_samples
            WHERE metric = @metric AND resolution IN ({Minute}, {Hour}) AND at >= @from AND at < @to
            GROUP BY (at / {size}) * {size} ORDER BY 1
            """, new { metric = metric.Name, from, to })).Select(r => new StatPoint(r.At, r.Value)).ToList(), ct);
    }

    /// <summary>Inserts new sections and updates the end of those already written, one transaction.</summary>
    public Task WriteSectionsAsync(IReadOnlyList<PendingSection> sections, CancellationToken ct) =>
        database.WriteAsync(async (c, t) =>
        {
            foreach (var s in sections)
            {
                if (s.Section.Id is { } id)
                {
                    await c.ExecuteAsync("UPDATE video_watch_sections SET start_seconds = @Start, end_seconds = @End, updated_at = @UpdatedAt WHERE id = @id",
                        new { s.Start, s.End, s.UpdatedAt, id }, t);
                }
                else
                {
                    s.Section.Id = await c.ExecuteScalarAsync<long>("""
                        INSERT INTO video_watch_sections (video_id, viewer, start_seconds, end_seconds, started_at, updated_at)
                        SELECT @VideoId, @Viewer, @Start, @End, @StartedAt, @UpdatedAt WHERE EXISTS (SELECT 1 FROM videos WHERE id = @VideoId)
                        RETURNING id
                        """, new { s.VideoId, s.Viewer, s.Start, s.End, s.StartedAt, s.UpdatedAt }, t);
                }
            }
            return 0;
        }, ct);

    /// <summary>
    /// Publishes this process's viewers (their last heartbeat, Unix ms) for the other processes of the instance, one
    /// transaction: a row keeps the latest heartbeat any process saw; viewers of a deleted video are skipped; rows last
    /// seen before <paramref name="expiredBefore"/> are deleted.
    /// </summary>
    public Task WriteViewersNowAsync(IReadOnlyList<SeenViewer> viewers, long expiredBefore, CancellationToken ct) =>
        database.WriteAsync(async (c, t) =>
        {
            await c.ExecuteAsync("""
                INSERT INTO video_viewers_now (video_id, viewer, last_seen)
                SELECT @VideoId, @Viewer, @LastSeen WHERE EXISTS (SELECT 1 FROM videos WHERE id = @VideoId)
                ON CONFLICT (video_id, viewer) DO UPDATE SET last_seen = excluded.last_seen WHERE excluded.last_seen > video_viewers_now.last_seen
                """, viewers, t);
            await c.ExecuteAsync("DELETE FROM video_viewers_now WHERE last_seen < @expiredBefore", new { expiredBefore }, t);
        }, ct);

    /// <summary>Viewers per video whose last heartbeat, on any process of the instance, is at or after <paramref name="since"/> (Unix ms).</summary>
    public Task<IReadOnlyDictionary<long, int>> ViewersNowAsync(long since, CancellationToken ct) =>
        database.ReadAsync(async c => (IReadOnlyDictionary<long, int>)(await c.QueryAsync<(long VideoId, long Viewers)>(
            "SELECT video_id, COUNT(*) FROM video_viewers_now WHERE last_seen >= @since GROUP BY video_id", new { since }))
            .ToDictionary(r => r.VideoId, r => (int)r.Viewers), ct);

    public Task<IReadOnlyList<WatchSection>> SectionsAsync(long videoId, long from, long to, CancellationToken ct) =>
        database.ReadAsync(async c => (IReadOnlyList<WatchSection>)(await c.QueryAsync<SectionRow>("""
            SELECT viewer, start_seconds AS start, end_seconds AS "end", started_at, updated_at FROM video_watch_sections
            WHERE video_id = @videoId AND updated_at >= @from AND started_at < @to
            """, new { videoId, from, to })).Select(r => new WatchSection(r.Viewer, r.Start, r.End, r.StartedAt, r.UpdatedAt)).ToList(), ct);

    /// <summary>The local videos watched the most (by distinct viewers, then seconds watched) since <paramref name="from"/>.</summary>
    public Task<IReadOnlyList<TopVideo>> TopVideosAsync(long from, int count, CancellationToken ct) =>
        database.ReadAsync(async c => (IReadOnlyList<TopVideo>)(await c.QueryAsync<TopVideo>("""
            SELECT v.id, v.uuid, v.name, COUNT(DISTINCT s.viewer) AS viewers, CAST(SUM(ABS(s.end_seconds - s.start_seconds)) AS BIGINT) AS watch_seconds
            FROM video_watch_sections s JOIN videos v ON v.id = s.video_id
            WHERE s.updated_at >= @from
            GROUP BY v.id, v.uuid, v.name ORDER BY viewers DESC, watch_seconds DESC, v.id LIMIT @count
            """, new { from, count })).AsList(), ct);

    /// <summary>
    /// The queue, federation and storage figures of the minute ending at <paramref name="now"/>; jobs finished since
    /// <paramref name="since"/> count as done in it.
    /// </summary>
    public Task<LoadFigures> LoadAsync(string transcodeType, string deliveryType, long since, long now, CancellationToken ct) =>
        database.ReadAsync(async c =>
        {
            var row = await c.QuerySingleAsync<LoadRow>("""
                SELECT
                  (SELECT COUNT(*) FROM jobs WHERE type = @transcodeType AND state IN (0, 1)) AS depth,
                  (SELECT MIN(CASE WHEN run_after > created_at THEN run_after ELSE created_at END) FROM jobs WHERE type = @transcodeType AND state = 0) AS oldest,
                  (SELECT COUNT(*) FROM jobs WHERE type = @transcodeType AND state = 2 AND finished_at >= @since AND finished_at < @now) AS done,
                  (SELECT COUNT(*) FROM jobs WHERE type = @deliveryType AND state = 2 AND finished_at >= @since AND finished_at < @now) AS sent,
                  (SELECT COUNT(*) FROM jobs WHERE type = @deliveryType AND state = 3 AND finished_at >= @since AND finished_at < @now) AS failed,
                  (SELECT COUNT(*) FROM jobs WHERE type = @deliveryType AND state IN (0, 1)) AS waiting,
                  (SELECT COUNT(*) FROM servers WHERE unreachable_since IS NOT NULL) AS unreachable,
                  (SELECT CAST(COALESCE(SUM(f.size), 0) AS BIGINT) FROM video_files f JOIN videos v ON v.id = f.video_id WHERE v.is_local = TRUE AND f.remote_file_url IS NULL) AS used
                """, new { transcodeType, deliveryType, since, now });
            var wait = row.Oldest is { } oldest && oldest < now ? (now - oldest) / 1000.0 : 0;
            return new LoadFigures(row.Depth, wait, row.Done, row.Sent, row.Failed, row.Waiting, row.Unreachable, row.Used);
        }, ct);

    /// <summary>PeerTube's <c>/api/v1/server/stats</c> counts; active users are those who signed in (got a token) in the period.</summary>
    public Task<ServerCounts> ServerCountsAsync(string deliveryType, long now, CancellationToken ct) =>
        database.ReadAsync(async c =>
        {
            const long day = 86_400_000L;
            var r = await c.QuerySingleAsync<ServerCountsRow>($"""
                SELECT
                  (SELECT COUNT(*) FROM users) AS total_users,
                  (SELECT COUNT(DISTINCT user_id) FROM oauth_tokens WHERE created_at >= @now - {day}) AS daily,
                  (SELECT COUNT(DISTINCT user_id) FROM oauth_tokens WHERE created_at >= @now - {7 * day}) AS weekly,
                  (SELECT COUNT(DISTINCT user_id) FROM oauth_tokens WHERE created_at >= @now - {30 * day}) AS monthly,
                  (SELECT COUNT(*) FROM users WHERE role = {(int)UserRole.Moderator}) AS moderators,
                  (SELECT COUNT(*) FROM users WHERE role = {(int)UserRole.Administrator}) AS admins,
                  (SELECT COUNT(*) FROM videos WHERE is_local = TRUE) AS local_videos,
                  (SELECT CAST(COALESCE(SUM(views), 0) AS BIGINT) FROM videos WHERE is_local = TRUE) AS local_views,
                  (SELECT CAST(COALESCE(SUM(f.size), 0) AS BIGINT) FROM video_files f JOIN videos v ON v.id = f.video_id WHERE v.is_local = TRUE) AS files_size,
                  (SELECT COUNT(*) FROM videos) AS videos,
                  (SELECT COUNT(*) FROM actors WHERE type = '{ActorTypes.Group}' AND server_id IS NULL) AS channels,
                  (SELECT COUNT(*) FROM follows f JOIN actors a ON a.id = f.following_id WHERE a.type = '{ActorTypes.Application}' AND a.server_id IS NULL AND f.state = '{FollowStates.Accepted}') AS followers,
                  (SELECT COUNT(*) FROM follows f JOIN actors a ON a.id = f.follower_id WHERE a.type = '{ActorTypes.Application}' AND a.server_id IS NULL AND f.state = '{FollowStates.Accepted}') AS following,
                  (SELECT COUNT(*) FROM jobs WHERE type = @deliveryType AND state IN (2, 3)) AS processed,
                  (SELECT COUNT(*) FROM jobs WHERE type = @deliveryType AND state = 2) AS successes,
                  (SELECT COUNT(*) FROM jobs WHERE type = @deliveryType AND state = 3) AS errors,
                  (SELECT COUNT(*) FROM jobs WHERE type = @deliveryType AND state IN (0, 1)) AS waiting
                """, new { now, deliveryType });
            return new ServerCounts(r.TotalUsers, r.Daily, r.Weekly, r.Monthly, r.Moderators, r.Admins, r.LocalVideos, r.LocalViews, r.FilesSize, r.Videos,
                r.Channels, r.Followers, r.Following, r.Processed, r.Successes, r.Errors, r.Waiting);
        }, ct);

    private sealed class ServerCountsRow
    {
        public long TotalUsers { get; set; }
        public long Daily { get; set; }
        public long Weekly { get; set; }
        public long Monthly { get; set; }
        public long Moderators { get; set; }
        public long Admins { get; set; }
        public long LocalVideos { get; set; }
        public long LocalViews { get; set; }
        public long FilesSize { get; set; }
        public long Videos { get; set; }
        public long Channels { get; set; }
        public long Followers { get; set; }
        public long Following { get; set; }
        public long Processed { get; set; }
        public long Successes { get; set; }
        public long Errors { get; set; }
        public long Waiting { get; set; }
    }

    private sealed class PointRow
    {
        public long At { get; set; }
        public double Value { get; set; }
    }

    private sealed class SectionRow
    {
        public string Viewer { get; set; } = "";
        public int Start { get; set; }
        public int End { get; set; }
        public long StartedAt { get; set; }
        public long UpdatedAt { get; set; }
    }

    private sealed class LoadRow
    {
        public long Depth { get; set; }
        public long? Oldest { get; set; }
        public long Done { get; set; }
        public long Sent { get; set; }
        public long Failed { get; set; }
        public long Waiting { get; set; }
        public long Unreachable { get; set; }
        public long Used { get; set; }
    }
}
