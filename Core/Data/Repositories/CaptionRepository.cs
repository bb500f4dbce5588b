using System.Data.Common;
using System.Globalization;
using System.Text;
using Dapper;
using VideoPlatform.Core.Captions;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Core.Data.Repositories;

/// <summary>A video's caption in one language: a local one has a file name (its WebVTT is stored), a remote one a URL.</summary>
public sealed record CaptionRow
{
    public long Id { get; init; }
    public long VideoId { get; init; }
    public required string Language { get; init; }
    public string? FileName { get; init; }
    public string? RemoteUrl { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
}

/// <summary>A local caption's WebVTT with the video it belongs to (for the file route's access check).</summary>
public sealed record CaptionContent(long VideoId, string Language, string Content, long UpdatedAt);

/// <summary>A remote video's caption as its origin announces it (<c>subtitleLanguage</c>).</summary>
public sealed record RemoteCaption(string Language, string Url);

/// <summary>Captions, their cues (indexed for the search inside lessons) and chapters.</summary>
public sealed class CaptionRepository(Database database, TimeProvider clock)
{
    private const int MaxQueryTerms = 8;
    private const int MinPrefixLength = 3;

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public Task<IReadOnlyList<CaptionRow>> ListAsync(long videoId, CancellationToken ct = default) =>
        database.ReadAsync(async c => (IReadOnlyList<CaptionRow>)(await c.QueryAsync<CaptionRow>(
            "SELECT id, video_id, language, file_name, remote_url, created_at, updated_at FROM video_captions WHERE video_id = @videoId ORDER BY language",
            new { videoId })).AsList(), ct);

    public Task<CaptionContent?> FindContentAsync(string fileName, CancellationToken ct = default) =>
        database.ReadAsync(c => c.QuerySingleOrDefaultAsync<CaptionContent>(
            "SELECT video_id, language, content, updated_at FROM video_captions WHERE file_name = @fileName AND content IS NOT NULL",
            new { fileName }), ct);

    /// <summary>Adds or replaces the caption of a local video in <paramref name="language"/>, with its cues (text folded for search).</summary>
    public Task ReplaceAsync(long videoId, string language, string fileName, ParsedCaption caption, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var now = Now;
            var createdAt = await c.ExecuteScalarAsync<long?>(
                "SELECT created_at FROM video_captions WHERE video_id = @videoId AND language = @language", new { videoId, language }, t) ?? now;
            await c.ExecuteAsync("DELETE FROM video_captions WHERE video_id = @videoId AND language = @language", new { videoId, language }, t);
            var id = await c.ExecuteScalarAsync<long>("""
                INSERT INTO video_captions (video_id, language, file_name, content, remote_url, created_at, updated_at)
                VALUES (@videoId, @language, @fileName, @content, NULL, @createdAt, @now) RETURNING id
                """, new { videoId, language, fileName, content = caption.WebVtt, createdAt, now }, t);
            await InsertCuesAsync(c, t, id, videoId, caption.Cues);
            await TouchAsync(c, t, videoId, now);
        }, ct);

    /// <summary>
    /// A local video's captions or chapters changed: its <c>updated_at</c> moves, so the Video object's <c>updated</c> and the
    /// id of the Update sent to followers are new (a follower drops an activity id it has already seen).
    /// </summary>
    private static Task<int> TouchAsync(DbConnection c, DbTransaction t, long videoId, long now) =>
        c.ExecuteAsync("UPDATE videos SET updated_at = @now WHERE id = @videoId AND is_local = TRUE", new { videoId, now }, t);

    /// <summary>Cues in multi-row INSERTs: a lesson's few hundred cues in a few round trips.</summary>
    public static async Task InsertCuesAsync(DbConnection c, DbTransaction t, long captionId, long videoId, IReadOnlyList<CaptionCue> cues)
    {
        const int Batch = 200;
        for (var offset = 0; offset < cues.Count; offset += Batch)
        {
            var sql = new StringBuilder("INSERT INTO video_caption_cues (caption_id, video_id, start_ms, text) VALUES ");
            var param = new DynamicParameters();
            param.Add("captionId", captionId);
            param.Add("videoId", videoId);
            var end = Math.Min(cues.Count, offset + Batch);
            for (var i = offset; i < end; i++)
            {
                var n = (i - offset).ToString(CultureInfo.InvariantCulture);
                sql.Append(i == offset ? "" : ", ").Append("(@captionId, @videoId, @s").Append(n).Append(", @x").Append(n).Append(')');
                param.Add("s" + n, cues[i].StartMs);
                param.Add("x" + n, SearchText.Fold(cues[i].PlainText));
            }
            await c.ExecuteAsync(sql.ToString(), param, t);
        }
    }

    /// <summary>False when the video has no caption in that language.</summary>
    public Task<bool> DeleteAsync(long videoId, string language, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var deleted = await c.ExecuteAsync("DELETE FROM video_captions WHERE video_id = @videoId AND language = @language", new { videoId, language }, t) > 0;
            if (deleted)
            {
                await TouchAsync(c, t, videoId, Now);
            }
            return deleted;
        }, ct);

    /// <summary>
    /// A remote video's captions become exactly those its origin announces: a language whose URL did not change keeps its
    /// fetched copy; the others are (re)inserted as links. Returns how many await a copy (<see cref="StoreRemoteCopyAsync"/>).
    /// </summary>
    public async Task<int> ReplaceRemoteAsync(DbConnection c, DbTransaction t, long videoId, IReadOnlyList<RemoteCaption> captions)
    {
        var now = Now;
        var current = (await c.QueryAsync<(string Language, string? RemoteUrl)>(
            "SELECT language, remote_url FROM video_captions WHERE video_id = @videoId", new { videoId }, t)).ToList();
        foreach (var (language, remoteUrl) in current)
        {
            if (!captions.Any(x => x.Language == language && string.Equals(x.Url, remoteUrl, StringComparison.Ordinal)))
            {
                await c.ExecuteAsync("DELETE FROM video_captions WHERE video_id = @videoId AND language = @language", new { videoId, language }, t);
            }
        }
        foreach (var caption in captions.Where(x => !current.Any(k => k.Language == x.Language && string.Equals(k.RemoteUrl, x.Url, StringComparison.Ordinal))))
        {
            await c.ExecuteAsync("""
                INSERT INTO video_captions (video_id, language, file_name, content, remote_url, created_at, updated_at)
                VALUES (@videoId, @Language, NULL, NULL, @Url, @now, @now)
                """, new { videoId, caption.Language, caption.Url, now }, t);
        }
        return await c.ExecuteScalarAsync<int>(
            "SELECT COUNT(*) FROM video_captions WHERE video_id = @videoId AND remote_url IS NOT NULL AND content IS NULL", new { videoId }, t);
    }

    /// <summary>A remote video's captions still waiting for their copy (language and origin URL).</summary>
    public Task<IReadOnlyList<RemoteCaption>> RemoteAwaitingCopyAsync(long videoId, CancellationToken ct = default) =>
        database.ReadAsync(async c => (IReadOnlyList<RemoteCaption>)(await c.QueryAsync<RemoteCaption>(
            "SELECT language, remote_url AS url FROM video_captions WHERE video_id = @videoId AND remote_url IS NOT NULL AND content IS NULL ORDER BY language",
            new { videoId })).AsList(), ct);

    /// <summary>
    /// Stores the fetched copy of a remote caption under <paramref name="fileName"/> with its cues (searchable), if the
    /// caption still has that origin URL (an Update may have replaced it meanwhile); false otherwise.
    /// </summary>
    public Task<bool> StoreRemoteCopyAsync(long videoId, RemoteCaption origin, string fileName, ParsedCaption caption, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var id = await c.ExecuteScalarAsync<long?>("""
                UPDATE video_captions SET file_name = @fileName, content = @content, updated_at = @now
                WHERE video_id = @videoId AND language = @Language AND remote_url = @Url AND content IS NULL RETURNING id
                """, new { videoId, origin.Language, origin.Url, fileName, content = caption.WebVtt, now = Now }, t);
            if (id is null)
            {
                return false;
            }
            await InsertCuesAsync(c, t, id.Value, videoId, caption.Cues);
            return true;
        }, ct);

    /// <summary>
    /// The folded words of a search as full-text terms, all required: every word but the last one typed is a whole word
    /// (SQLite FTS5 <c>"w"</c>, PostgreSQL <c>w</c>), the last one a word prefix when it has 3 characters or more (<c>"w"*</c>,
    /// <c>w:*</c>) as it may still be being typed. A prefix of a common word walks every cue of every word it begins, so the
    /// words already typed are exact and a prefix needs 3 characters. Null when the query has no word. Terms hold letters
    /// and digits only: nothing to escape.
    /// </summary>
    public static string? FullTextQuery(SqlDialect dialect, string search)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var ch in SearchText.Fold(search) + " ")
        {
            if (char.IsLetterOrDigit(ch))
            {
                word.Append(ch);
            }
            else if (word.Length > 0)
            {
                words.Add(word.ToString());
                word.Clear();
            }
        }
        if (words.Count == 0)
        {
            return null;
        }
        var last = words[^1];
        var prefix = last.Length >= MinPrefixLength && words.IndexOf(last) == words.Count - 1;
        var terms = words.Distinct(StringComparer.Ordinal).Take(MaxQueryTerms)
            .Select(w => (Word: w, Prefix: prefix && string.Equals(w, last, StringComparison.Ordinal)));
        return dialect == SqlDialect.Sqlite
            ? string.Join(' ', terms.Select(t => "\"" + t.Word + (t.Prefix ? "\"*" : "\"")))
            : string.Join(" & ", terms.Select(t => t.Word + (t.Prefix ? ":*" : "")));
    }

    /// <summary>
    /// SQL selecting <c>video_id, start_ms</c> of the cues whose text matches <c>@captionQuery</c> (built by
    /// <see cref="FullTextQuery"/>) through the index, at most <see cref="MaxCueHits"/> of them (SQLite: the most recent
    /// cues; PostgreSQL: the first the index yields): a common word then costs a bounded number of row reads, not one per
    /// cue of the catalogue. A rarer word, the case that matters for finding a moment, has all its cues.
    /// </summary>
    private static string MatchingCues(SqlDialect dialect) => dialect == SqlDialect.Sqlite
        ? "SELECT video_id, start_ms FROM video_caption_cues WHERE id IN (SELECT rowid FROM video_caption_cues_fts WHERE video_caption_cues_fts MATCH @captionQuery ORDER BY rowid DESC LIMIT " + MaxCueHitsSql + ")"
        : "SELECT video_id, start_ms FROM video_caption_cues WHERE to_tsvector('simple', text) @@ to_tsquery('simple', @captionQuery) LIMIT " + MaxCueHitsSql;

    /// <summary>How many matching cues a search reads at most.</summary>
    public const int MaxCueHits = 5000;

    private static readonly string MaxCueHitsSql = MaxCueHits.ToString(CultureInfo.InvariantCulture);

    /// <summary>SQL selecting the ids of videos with a caption cue matching <c>@captionQuery</c> (see <see cref="MatchingCues"/>).</summary>
    public static string VideosWithMatchingCue(SqlDialect dialect) => $"SELECT video_id FROM ({MatchingCues(dialect)}) AS cue_hits";

    /// <summary>For each of <paramref name="videoIds"/> with a cue matching <paramref name="search"/>, the start (ms) of its first one.</summary>
    public Task<IReadOnlyDictionary<long, long>> FirstMatchesAsync(IReadOnlyCollection<long> videoIds, string search, CancellationToken ct = default)
    {
        var captionQuery = FullTextQuery(database.Dialect, search);
        if (captionQuery is null || videoIds.Count == 0)
        {
            return Task.FromResult<IReadOnlyDictionary<long, long>>(new Dictionary<long, long>());
        }
        var sql = $"SELECT video_id AS Key, MIN(start_ms) AS Value FROM ({MatchingCues(database.Dialect)}) AS cue_hits WHERE {database.In("video_id", "ids")} GROUP BY video_id";
        return database.ReadAsync(async c => (IReadOnlyDictionary<long, long>)(await c.QueryAsync<(long Key, long Value)>(sql,
            new { captionQuery, ids = videoIds.ToArray() })).ToDictionary(r => r.Key, r => r.Value), ct);
    }

    public Task<IReadOnlyList<Chapter>> ChaptersAsync(long videoId, CancellationToken ct = default) =>
        database.ReadAsync(async c => (IReadOnlyList<Chapter>)(await c.QueryAsync<(int Timecode, string Title)>(
            "SELECT timecode, title FROM video_chapters WHERE video_id = @videoId ORDER BY timecode", new { videoId }))
            .Select(r => new Chapter(r.Timecode, r.Title)).ToList(), ct);

    /// <summary>The chapters set through the API, or else those written in the description (PeerTube's timestamps rule).</summary>
    public async Task<IReadOnlyList<Chapter>> ChaptersOfAsync(VideoRow video, CancellationToken ct = default)
    {
        var stored = await ChaptersAsync(video.Id, ct);
        return stored.Count > 0 ? stored : Chapters.FromDescription(video.Description);
    }

    /// <summary>A local video's chapters (API): its <c>updated_at</c> moves with them.</summary>
    public Task ReplaceChaptersAsync(long videoId, IReadOnlyList<Chapter> chapters, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            await ReplaceChaptersAsync(c, t, videoId, chapters);
            await TouchAsync(c, t, videoId, Now);
        }, ct);

    /// <summary>A remote video's chapters as its origin's chapters object lists them.</summary>
    public Task ReplaceRemoteChaptersAsync(long videoId, IReadOnlyList<Chapter> chapters, CancellationToken ct = default) =>
        database.WriteAsync((c, t) => ReplaceChaptersAsync(c, t, videoId, chapters), ct);

    public static async Task ReplaceChaptersAsync(DbConnection c, DbTransaction t, long videoId, IReadOnlyList<Chapter> chapters)
    {
        await c.ExecuteAsync("DELETE FROM video_chapters WHERE video_id = @videoId", new { videoId }, t);
        foreach (var chapter in chapters)
        {
            await c.ExecuteAsync("INSERT INTO video_chapters (video_id, timecode, title) VALUES (@videoId, @Timecode, @Title)",
                new { videoId, chapter.Timecode, chapter.Title }, t);
        }
    }
}
