using Dapper;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Core.Data.Repositories;

/// <summary>Reports (PeerTube's abuses) and their resolution; a resolution is written with its audit line.</summary>
public sealed class AbuseRepository(Database database)
{
    private const string Select = """
        SELECT b.*, r.name AS reporter_name, v.uuid AS video_uuid, COALESCE(v.name, b.video_name) AS video_name, f.name AS flagged_account_name
        FROM abuses b
        LEFT JOIN actors r ON r.id = b.reporter_account_id
        LEFT JOIN videos v ON v.id = b.video_id
        LEFT JOIN actors f ON f.id = b.flagged_account_id
        """;

    public Task<long> CreateAsync(long reporterAccountId, string reason, string predefinedReasons, long? videoId, string? videoName,
        long? flaggedAccountId, long now, long? commentId = null, string? commentText = null, CancellationToken ct = default) =>
        database.WriteAsync((c, t) => c.ExecuteScalarAsync<long>("""
            INSERT INTO abuses (reporter_account_id, reason, predefined_reasons, video_id, video_name, flagged_account_id, state, created_at, updated_at,
                comment_id, comment_text)
            VALUES (@reporterAccountId, @reason, @predefinedReasons, @videoId, @videoName, @flaggedAccountId, 1, @now, @now, @commentId, @commentText)
            RETURNING id
            """, new { reporterAccountId, reason, predefinedReasons, videoId, videoName, flaggedAccountId, now, commentId, commentText }, t), ct);

    public Task<AbuseRow?> FindAsync(long id, CancellationToken ct = default) =>
        database.ReadAsync(c => c.QuerySingleOrDefaultAsync<AbuseRow>(Select + " WHERE b.id = @id", new { id }), ct);

    /// <summary>Newest first, optionally of one state.</summary>
    public Task<(long Total, IReadOnlyList<AbuseRow> Items)> ListAsync(int? state, int start, int count, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            var where = state is null ? "" : " WHERE b.state = @state";
            var total = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM abuses b" + where, new { state });
            var items = (await c.QueryAsync<AbuseRow>(Select + where + " ORDER BY b.id DESC LIMIT @count OFFSET @start", new { state, start, count })).AsList();
            return (total, (IReadOnlyList<AbuseRow>)items);
        }, ct);

    /// <summary>Sets the state and moderation comment, with the audit line, in one transaction; false when the report does not exist.</summary>
    public Task<bool> ResolveAsync(long id, int state, string? moderationComment, string actor, long now, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var changed = await c.ExecuteAsync("UPDATE abuses SET state = @state, moderation_comment = @moderationComment, updated_at = @now WHERE id = @id",
                new { id, state, moderationComment, now }, t);
            if (changed == 0)
            {
                return false;
            }
            await AuditRepository.AddAsync(c, t, actor, "abuse.resolve", "#" + id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                AbuseStates.Label(state) + (string.IsNullOrEmpty(moderationComment) ? "" : " : " + moderationComment), now);
            return true;
        }, ct);
}
