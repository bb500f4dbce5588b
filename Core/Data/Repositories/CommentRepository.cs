using Dapper;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Core.Data.Repositories;

/// <summary>A comment with its author (null once the account is gone) and the video it is under.</summary>
public sealed record CommentRow
{
    public long Id { get; init; }
    public required string Url { get; init; }
    public long VideoId { get; init; }
    public long? AccountId { get; init; }
    public long? OriginCommentId { get; init; }
    public long? InReplyToId { get; init; }
    public string Text { get; init; } = "";
    public bool HeldForReview { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
    public long? DeletedAt { get; init; }
    /// <summary>The ApproveReply by which a remote lesson's owner approved this local comment (PeerTube's replyApproval).</summary>
    public string? ReplyApproval { get; init; }

    public string VideoUuid { get; init; } = "";
    public string VideoName { get; init; } = "";
    public string? InReplyToUrl { get; init; }
    public string? AccountName { get; init; }
    public string? AccountDisplayName { get; init; }
    public string? AccountUrl { get; init; }
    /// <summary>Null for a local author.</summary>
    public string? AccountHost { get; init; }
    public long? AccountUserId { get; init; }
    /// <summary>Replies under a thread (threads only; those this reader may see).</summary>
    public long TotalReplies { get; init; }
    /// <summary>Of those, the replies by the video's owner.</summary>
    public long TotalRepliesFromVideoAuthor { get; init; }

    /// <summary>The thread this comment belongs to (itself for a thread).</summary>
    public long ThreadId => OriginCommentId ?? Id;
    public bool IsDeleted => DeletedAt is not null;
    public bool IsLocal => AccountHost is null && AccountUrl is not null;
}

/// <summary>Who reads a comment list: held comments are shown to their author and to those who manage the video.</summary>
public sealed record CommentReader(long? AccountId, bool ManagesVideo);

/// <summary>PeerTube's comment-thread sorts.</summary>
public enum CommentSort
{
    NewestFirst,
    OldestFirst,
    MostReplies,
    FewestReplies,
}

/// <summary>Comments under videos: threads, replies, tombstones, approval, and the held ones for a video's owner.</summary>
public sealed class CommentRepository(Database database, TimeProvider clock)
{
    private const string Select = """
        SELECT c.*, v.uuid AS video_uuid, v.name AS video_name, p.url AS in_reply_to_url, a.name AS account_name, a.display_name AS account_display_name,
            a.url AS account_url, s.host AS account_host, a.user_id AS account_user_id
        FROM video_comments c
        JOIN videos v ON v.id = c.video_id
        LEFT JOIN video_comments p ON p.id = c.in_reply_to_id
        LEFT JOIN actors a ON a.id = c.account_id
        LEFT JOIN servers s ON s.id = a.server_id
        """;

    /// <summary>Held comments are seen by their author and the video's managers; comments of accounts and servers blocked by the instance or the reader by nobody.</summary>
    private static readonly string Visible = "(c.held_for_review = FALSE OR @manages OR c.account_id = @reader) AND " + NotHidden("c");

    private static string NotHidden(string alias) => $"({alias}.account_id IS NULL OR {alias}.account_id NOT IN ({BlocklistRepository.HiddenActors("@reader")}))";

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Writes a comment (a thread when <paramref name="inReplyTo"/> is null). A local one gets its URL from its id through
    /// <paramref name="localUrl"/>; a remote one keeps <paramref name="remoteUrl"/>. Returns the new id.
    /// </summary>
    public Task<long> CreateAsync(long videoId, long accountId, CommentRow? inReplyTo, string text, bool held, Func<long, string>? localUrl,
        string? remoteUrl = null, long? createdAt = null, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var now = Now;
            var url = remoteUrl ?? "urn:comment:" + Guid.NewGuid().ToString("N");
            var id = await c.ExecuteScalarAsync<long>("""
                INSERT INTO video_comments (url, video_id, account_id, origin_comment_id, in_reply_to_id, text, held_for_review, created_at, updated_at)
                VALUES (@url, @videoId, @accountId, @origin, @replyTo, @text, @held, @createdAt, @now) RETURNING id
                """, new { url, videoId, accountId, origin = inReplyTo?.ThreadId, replyTo = inReplyTo?.Id, text, held, createdAt = createdAt ?? now, now }, t);
            if (localUrl is not null)
            {
                await c.ExecuteAsync("UPDATE video_comments SET url = @url WHERE id = @id", new { url = localUrl(id), id }, t);
            }
            return id;
        }, ct);

    public Task<CommentRow?> FindAsync(long videoId, long id, CancellationToken ct = default) =>
        database.ReadAsync(c => c.QuerySingleOrDefaultAsync<CommentRow>(Select + " WHERE c.id = @id AND c.video_id = @videoId", new { id, videoId }), ct);

    public Task<CommentRow?> FindByIdAsync(long id, CancellationToken ct = default) =>
        database.ReadAsync(c => c.QuerySingleOrDefaultAsync<CommentRow>(Select + " WHERE c.id = @id", new { id }), ct);

    public Task<CommentRow?> FindByUrlAsync(string url, CancellationToken ct = default) =>
        database.ReadAsync(c => c.QuerySingleOrDefaultAsync<CommentRow>(Select + " WHERE c.url = @url", new { url }), ct);

    /// <summary>A video's threads this reader may see, with their visible reply counts, and PeerTube's two totals.</summary>
    public Task<(long Total, long TotalNotDeleted, IReadOnlyList<CommentRow> Items)> ListThreadsAsync(long videoId, long videoAccountId, CommentReader reader,
        CommentSort sort, int start, int count, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            var param = new { videoId, videoAccountId, manages = reader.ManagesVideo, reader = reader.AccountId, start, count };
            var total = await c.ExecuteScalarAsync<long>(
                $"SELECT COUNT(*) FROM video_comments c WHERE c.video_id = @videoId AND c.in_reply_to_id IS NULL AND {Visible}", param);
            var notDeleted = await c.ExecuteScalarAsync<long>(
                $"SELECT COUNT(*) FROM video_comments c WHERE c.video_id = @videoId AND c.deleted_at IS NULL AND {Visible}", param);
            var order = sort switch
            {
                CommentSort.OldestFirst => "c.created_at ASC, c.id ASC",
                CommentSort.MostReplies => "total_replies DESC, c.created_at DESC, c.id DESC",
                CommentSort.FewestReplies => "total_replies ASC, c.created_at DESC, c.id DESC",
                _ => "c.created_at DESC, c.id DESC",
            };
            var replies = "(SELECT COUNT(*) FROM video_comments r WHERE r.origin_comment_id = c.id"
                + " AND (r.held_for_review = FALSE OR @manages OR r.account_id = @reader) AND " + NotHidden("r") + ") AS total_replies, "
                + "(SELECT COUNT(*) FROM video_comments r WHERE r.origin_comment_id = c.id AND r.held_for_review = FALSE AND r.account_id = @videoAccountId)"
                + " AS total_replies_from_video_author, ";
            var items = (await c.QueryAsync<CommentRow>(
                Select.Replace("SELECT c.*, ", "SELECT c.*, " + replies, StringComparison.Ordinal)
                + $" WHERE c.video_id = @videoId AND c.in_reply_to_id IS NULL AND {Visible} ORDER BY {order} LIMIT @count OFFSET @start", param)).AsList();
            return (total, notDeleted, (IReadOnlyList<CommentRow>)items);
        }, ct);

    /// <summary>A thread's comments (root and every reply) this reader may see, in no particular order.</summary>
    public Task<IReadOnlyList<CommentRow>> ThreadAsync(long videoId, long threadId, CommentReader reader, CancellationToken ct = default) =>
        database.ReadAsync(async c => (IReadOnlyList<CommentRow>)(await c.QueryAsync<CommentRow>(
            Select + $" WHERE c.video_id = @videoId AND (c.id = @threadId OR c.origin_comment_id = @threadId) AND {Visible}",
            new { videoId, threadId, manages = reader.ManagesVideo, reader = reader.AccountId })).AsList(), ct);

    /// <summary>
    /// Deletes a comment: one with replies stays as a tombstone (text emptied, <c>deleted_at</c> set), as PeerTube keeps
    /// it so that its replies keep their place; one without is removed. Returns whether it became a tombstone.
    /// </summary>
    public Task<bool> DeleteAsync(long id, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var replies = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM video_comments WHERE in_reply_to_id = @id", new { id }, t);
            if (replies > 0)
            {
                var now = Now;
                await c.ExecuteAsync("UPDATE video_comments SET text = '', deleted_at = @now, updated_at = @now WHERE id = @id", new { id, now }, t);
                return true;
            }
            await c.ExecuteAsync("DELETE FROM video_comments WHERE id = @id", new { id }, t);
            return false;
        }, ct);

    /// <summary>A remote comment's new text (an <c>Update</c> of its Note).</summary>
    public Task UpdateTextAsync(long id, string text, CancellationToken ct = default) =>
        database.WriteAsync((c, t) => c.ExecuteAsync("UPDATE video_comments SET text = @text, updated_at = @now WHERE id = @id", new { id, text, now = Now }, t), ct);

    /// <summary>The URLs of a video's comments visible to everyone, oldest first (the Video object's <c>comments</c> collection).</summary>
    public Task<IReadOnlyList<string>> PublicUrlsAsync(long videoId, int start, int count, CancellationToken ct = default) =>
        database.ReadAsync(async c => (IReadOnlyList<string>)(await c.QueryAsync<string>(
            "SELECT url FROM video_comments WHERE video_id = @videoId AND held_for_review = FALSE AND deleted_at IS NULL ORDER BY created_at, id LIMIT @count OFFSET @start",
            new { videoId, start, count })).AsList(), ct);

    /// <summary>
    /// The answer of a remote lesson's owner to one of our comments (PeerTube's ApproveReply / RejectReply): approved, it is
    /// shown to everyone and keeps the approval's id; rejected, it is held (shown to its author only). False when unchanged.
    /// </summary>
    public Task<bool> SetReplyApprovalAsync(long id, bool approved, string? approval, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) => await c.ExecuteAsync("""
            UPDATE video_comments SET held_for_review = @held, reply_approval = @approval, updated_at = @now
            WHERE id = @id AND deleted_at IS NULL AND (held_for_review <> @held OR COALESCE(reply_approval, '') <> COALESCE(@approval, ''))
            """, new { id, held = !approved, approval = approved ? approval : null, now = Now }, t) > 0, ct);

    /// <summary>Approves a held comment; false when it was not held.</summary>
    public Task<bool> ApproveAsync(long id, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) => await c.ExecuteAsync(
            "UPDATE video_comments SET held_for_review = FALSE, updated_at = @now WHERE id = @id AND held_for_review = TRUE", new { id, now = Now }, t) > 0, ct);

    /// <summary>Comments under the videos of a local account, newest first (only the held ones when <paramref name="heldOnly"/>).</summary>
    public Task<(long Total, IReadOnlyList<CommentRow> Items)> ListOnVideosOfAccountAsync(long accountId, bool heldOnly, int start, int count,
        CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            var where = " WHERE c.deleted_at IS NULL AND c.video_id IN (SELECT v2.id FROM videos v2 JOIN actors ch ON ch.id = v2.channel_id WHERE ch.account_id = @accountId)"
                + (heldOnly ? " AND c.held_for_review = TRUE" : "");
            var total = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM video_comments c" + where, new { accountId });
            var items = (await c.QueryAsync<CommentRow>(Select + where + " ORDER BY c.created_at DESC, c.id DESC LIMIT @count OFFSET @start",
                new { accountId, start, count })).AsList();
            return (total, (IReadOnlyList<CommentRow>)items);
        }, ct);

    /// <summary>How many comments of a video are visible to everyone (for the Video object's <c>comments</c> collection).</summary>
    public Task<long> CountPublicAsync(long videoId, CancellationToken ct = default) =>
        database.ReadAsync(c => c.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM video_comments WHERE video_id = @videoId AND held_for_review = FALSE AND deleted_at IS NULL", new { videoId }), ct);
}
