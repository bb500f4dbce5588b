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

/// <summary>A word of a search: a whole word, or the beginning of one (the last word typed).</summary>
public readonly record struct SearchTerm(string Word, bool Prefix);

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

    /// <summary>
    /// The caption's cues in multi-row INSERTs (a lesson's few hundred cues in a few round trips), and its search document:
    /// the cues' folded text as one full-text document (SQLite: a row of <c>video_caption_documents</c>; PostgreSQL:
    /// <c>video_captions.document</c>), in the caller's transaction.
    /// </summary>
    private async Task InsertCuesAsync(DbConnection c, DbTransaction t, long captionId, long videoId, IReadOnlyList<CaptionCue> cues)
    {
        const int Batch = 200;
        var folded = cues.Select(cue => SearchText.Fold(cue.PlainText)).ToList();
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
                param.Add("x" + n, folded[i]);
            }
            await c.ExecuteAsync(sql.ToString(), param, t);
        }
        if (database.Dialect == SqlDialect.Sqlite)
        {
            await RefreshVideoDocumentAsync(c, t, videoId);
        }
        else if (folded.Count > 0)
        {
            await c.ExecuteAsync("UPDATE video_captions SET document = strip(to_tsvector('simple', @text)) WHERE id = @captionId",
                new { captionId, text = string.Join('\n', folded) }, t);
        }
    }

    /// <summary>
    /// SQLite: the video's search document (a row of <c>video_caption_documents</c>, rowid = the video's id) rebuilt from
    /// the folded cues of all its captions, in the caller's transaction; none when it has no cue left.
    /// </summary>
    private async Task RefreshVideoDocumentAsync(DbConnection c, DbTransaction t, long videoId)
    {
        if (database.Dialect != SqlDialect.Sqlite)
        {
            return;
        }
        await c.ExecuteAsync("""
            DELETE FROM video_caption_documents WHERE rowid = @videoId;
            INSERT INTO video_caption_documents (rowid, text)
            SELECT @videoId, group_concat(text, char(10)) FROM video_caption_cues
            WHERE caption_id IN (SELECT id FROM video_captions WHERE video_id = @videoId) HAVING COUNT(*) > 0;
            """, new { videoId }, t);
    }

    /// <summary>False when the video has no caption in that language.</summary>
    public Task<bool> DeleteAsync(long videoId, string language, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var deleted = await c.ExecuteAsync("DELETE FROM video_captions WHERE video_id = @videoId AND language = @language", new { videoId, language }, t) > 0;
            if (deleted)
            {
                await RefreshVideoDocumentAsync(c, t, videoId);
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
                await RefreshVideoDocumentAsync(c, t, videoId);
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
    /// The folded words of a search as full-text terms, all required: every word but the last one typed is a whole word, the
    /// last one a word prefix when it has 3 characters or more, as it may still be being typed (a prefix of a common word
    /// walks every document of every word it begins, so the words already typed are exact and a prefix needs 3
    /// characters). Words are runs of letters and digits of the folded text. Empty when the query has no word.
    /// </summary>
    public static IReadOnlyList<SearchTerm> SearchTerms(string search)
    {
        var words = Words(SearchText.Fold(search));
        if (words.Count == 0)
        {
            return [];
        }
        var last = words[^1];
        var prefix = last.Length >= MinPrefixLength && words.IndexOf(last) == words.Count - 1;
        return words.Distinct(StringComparer.Ordinal).Take(MaxQueryTerms)
            .Select(w => new SearchTerm(w, prefix && string.Equals(w, last, StringComparison.Ordinal))).ToList();
    }

    /// <summary>The runs of letters and digits of a folded text, as the full-text indexes split it into words.</summary>
    private static List<string> Words(string folded)
    {
        var words = new List<string>();
        var start = -1;
        for (var i = 0; i <= folded.Length; i++)
        {
            var inWord = i < folded.Length && char.IsLetterOrDigit(folded[i]);
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                words.Add(folded[start..i]);
                start = -1;
            }
        }
        return words;
    }

    /// <summary>
    /// <see cref="SearchTerms"/> as a full-text query: SQLite FTS5 <c>"w"</c> and <c>"w"*</c>, PostgreSQL <c>w</c> and
    /// <c>w:*</c>, all required. Null when the query has no word. Terms hold letters and digits only: nothing to escape.
    /// </summary>
    public static string? FullTextQuery(SqlDialect dialect, string search)
    {
        var terms = SearchTerms(search);
        if (terms.Count == 0)
        {
            return null;
        }
        return dialect == SqlDialect.Sqlite
            ? string.Join(' ', terms.Select(t => "\"" + t.Word + (t.Prefix ? "\"*" : "\"")))
            : string.Join(" & ", terms.Select(t => t.Word + (t.Prefix ? ":*" : "")));
    }

    /// <summary>
    /// SQL selecting the ids of videos whose captions hold every term of <c>@captionQuery</c> (built by
    /// <see cref="FullTextQuery"/>), through the full-text index on the documents, so a word said in every cue is one hit
    /// per lesson, not one per cue. SQLite: one document per video (its rowid is the video's id: no lookup from a hit to
    /// its video), all its captions together; PostgreSQL: one per caption.
    /// </summary>
    public static string VideosWithMatchingCaption(SqlDialect dialect) => dialect == SqlDialect.Sqlite
        ? "SELECT rowid FROM video_caption_documents WHERE video_caption_documents MATCH @captionQuery"
        : "SELECT video_id FROM video_captions WHERE document @@ to_tsquery('simple', @captionQuery)";

    /// <summary>
    /// For each of <paramref name="videoIds"/> with a caption matching <paramref name="search"/>, the start (ms) of the first
    /// cue that says every word of the search, or else (the words said in different cues) of the first that says one of
    /// them. Only the cues of the matching captions of these videos (a page of results) are read.
    /// </summary>
    public Task<IReadOnlyDictionary<long, long>> FirstMatchesAsync(IReadOnlyCollection<long> videoIds, string search, CancellationToken ct = default)
    {
        var captionQuery = FullTextQuery(database.Dialect, search);
        if (captionQuery is null || videoIds.Count == 0)
        {
            return Task.FromResult<IReadOnlyDictionary<long, long>>(new Dictionary<long, long>());
        }
        var terms = SearchTerms(search);
        var sql = $"""
            SELECT video_id, start_ms, text FROM video_caption_cues WHERE caption_id IN (
                SELECT id FROM video_captions WHERE {database.In("video_id", "ids")} AND {CaptionMatches(database.Dialect)})
            ORDER BY video_id, start_ms
            """;
        return database.ReadAsync(async c =>
        {
            var moments = new Dictionary<long, (long Start, bool All)>();
            foreach (var (videoId, startMs, text) in await c.QueryAsync<(long, long, string)>(sql, new { captionQuery, ids = videoIds.ToArray() }))
            {
                if (moments.TryGetValue(videoId, out var found) && found.All)
                {
                    continue;
                }
                var matched = Matched(terms, text);
                if (matched == terms.Count)
                {
                    moments[videoId] = (startMs, true);
                }
                else if (matched > 0 && !moments.ContainsKey(videoId))
                {
                    moments[videoId] = (startMs, false);
                }
            }
            return (IReadOnlyDictionary<long, long>)moments.ToDictionary(m => m.Key, m => m.Value.Start);
        }, ct);
    }

    /// <summary>
    /// SQL condition on a row of <c>video_captions</c>: its document matches <c>@captionQuery</c> (SQLite: its video's
    /// document, looked up by rowid among the page's videos; PostgreSQL: read from the few rows of the page's videos, not a
    /// scan of all documents).
    /// </summary>
    private static string CaptionMatches(SqlDialect dialect) => dialect == SqlDialect.Sqlite
        ? "video_id IN (SELECT rowid FROM video_caption_documents WHERE video_caption_documents MATCH @captionQuery AND rowid IN @ids)"
        : "document @@ to_tsquery('simple', @captionQuery)";

    /// <summary>How many of <paramref name="terms"/> a cue's folded text says (a whole word, or a word beginning with a prefix term).</summary>
    public static int Matched(IReadOnlyList<SearchTerm> terms, string foldedText)
    {
        var words = Words(foldedText);
        return terms.Count(t => words.Exists(w => t.Prefix ? w.StartsWith(t.Word, StringComparison.Ordinal) : string.Equals(w, t.Word, StringComparison.Ordinal)));
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
