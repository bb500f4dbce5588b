using System.Data.Common;
using System.Globalization;
using System.Text;
using Dapper;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Core.Data.Repositories;

/// <summary>A video with the channel and account it belongs to, as every listing needs them.</summary>
public sealed record VideoWithOwners(VideoRow Video, ActorRow Channel, ActorRow Account);

/// <summary>A video's images: the origin's thumbnail URL (remote videos) and the names of our copies.</summary>
public sealed record VideoImages
{
    public bool IsLocal { get; init; }
    public string? RemoteThumbnailUrl { get; init; }
    public string? ThumbnailName { get; init; }
    public string? PreviewName { get; init; }

    /// <summary>A remote video whose images were last announced at <paramref name="originUrl"/>: copies of them belong to it.</summary>
    public bool AwaitsCopiesOf(string originUrl) => !IsLocal && string.Equals(RemoteThumbnailUrl, originUrl, StringComparison.Ordinal);
}

/// <summary>The images of a video with a class audience (migration 0031): served only to those who may watch it.</summary>
public sealed record RestrictedImage
{
    public long VideoId { get; init; }
    public string? ThumbnailName { get; init; }
    public string? PreviewName { get; init; }
}

/// <summary>The counters remote instances add to (ActivityPub Like, Dislike, View).</summary>
public enum VideoCounter
{
    Views,
    Likes,
    Dislikes,
}

public sealed record VideoQuery
{
    /// <summary>Blocked videos are left out of every listing unless asked (their owner's and moderators' own views).</summary>
    public bool IncludeBlacklisted { get; init; }

    public int Start { get; init; }
    public int Count { get; init; } = 15;

    /// <summary>PeerTube sort: a field with an optional leading '-' for descending.</summary>
    public string Sort { get; init; } = "-publishedAt";

    public bool? IsLocal { get; init; }
    public IReadOnlyCollection<int> Privacies { get; init; } = [(int)VideoPrivacy.Public];
    public IReadOnlyCollection<int>? CategoryOneOf { get; init; }
    public IReadOnlyCollection<string>? LanguageOneOf { get; init; }
    public long? ChannelId { get; init; }
    public long? AccountId { get; init; }
    public string? Search { get; init; }

    /// <summary>Only published videos, unless the owner lists their own.</summary>
    public bool PublishedOnly { get; init; } = true;

    /// <summary>Videos with a class audience are left out of listings but for those who see every video (moderators).</summary>
    public bool IncludeAudienceRestricted { get; init; }

    /// <summary>
    /// The viewer's account when they keep their own blocklist (PeerTube's user mutes): its accounts and servers are left out
    /// too. Accounts and servers blocked by the instance are always left out.
    /// </summary>
    public long? BlockViewer { get; init; }

    /// <summary>
    /// The viewer's directory groups: a video restricted to one of them is listed too (a member of « 5e B » finds the
    /// lessons of 5e B). Empty for anonymous visitors and users without groups, whose listings keep the plain filter.
    /// </summary>
    public IReadOnlyCollection<string> AudienceGroups { get; init; } = [];
}

public sealed class VideoRepository(Database database, TimeProvider clock)
{
    /// <summary>
    /// Totals of listings, kept briefly: counting every listable video on each page request is the expensive part of a
    /// listing, and a total a second old is as good to a pager. Cleared by every write through this repository; an
    /// expired total is still served while one refresh runs in the background (see <see cref="ListAsync"/>).
    /// </summary>
    private static readonly TimeSpan CountLifetime = TimeSpan.FromSeconds(2);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (long Total, long Expires)> _counts = new(StringComparer.Ordinal);

    private const string SelectWithOwners = """
        SELECT v.*, ch.*, chs.host AS host, ac.*, acs.host AS host
        FROM videos v
        JOIN actors ch ON ch.id = v.channel_id
        LEFT JOIN servers chs ON chs.id = ch.server_id
        JOIN actors ac ON ac.id = ch.account_id
        LEFT JOIN servers acs ON acs.id = ac.server_id
        """;

    private static readonly Dictionary<string, string> SortColumns = new(StringComparer.Ordinal)
    {
        ["name"] = "v.name",
        ["duration"] = "v.duration",
        ["createdAt"] = "v.created_at",
        ["publishedAt"] = "v.published_at",
        ["originallyPublishedAt"] = "COALESCE(v.originally_published_at, v.published_at)",
        ["views"] = "v.views",
        ["likes"] = "v.likes",
        ["trending"] = "v.views",
        ["hot"] = "v.views",
        ["best"] = "v.likes",
    };

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public static bool IsValidSort(string sort) => SortColumns.ContainsKey(sort.TrimStart('-'));

    /// <summary>Forgets cached listing totals; every write that adds, removes or re-classifies videos calls it.</summary>
    public void InvalidateCounts()
    {
        Interlocked.Increment(ref _countsVersion);
        _counts.Clear();
        _broadOrders.Clear();
    }

    private long _countsVersion;

    public Task<long> CreateAsync(DbConnection c, DbTransaction t, VideoRow v)
    {
        InvalidateCounts();
        return c.ExecuteScalarAsync<long>("""
            INSERT INTO videos (uuid, short_uuid, name, description, support, channel_id, privacy, state, duration, category, licence,
                language, tags, nsfw, comments_enabled, comments_policy, download_enabled, wait_transcoding, views, likes, dislikes, is_local, url,
                thumbnail_name, preview_name, remote_thumbnail_url, search_text, original_size, published_at, originally_published_at,
                created_at, updated_at, is_live, audience_groups, embed_allowed_domains)
            VALUES (@Uuid, @ShortUuid, @Name, @Description, @Support, @ChannelId, @Privacy, @State, @Duration, @Category, @Licence,
                @Language, @Tags, @Nsfw, @CommentsEnabled, @CommentsPolicy, @DownloadEnabled, @WaitTranscoding, @Views, @Likes, @Dislikes, @IsLocal, @Url,
                @ThumbnailName, @PreviewName, @RemoteThumbnailUrl, @SearchText, @OriginalSize, @PublishedAt, @OriginallyPublishedAt,
                @CreatedAt, @UpdatedAt, @IsLive, @AudienceGroups, @EmbedAllowedDomains)
            RETURNING id
            """, new
        {
            v.Uuid, v.ShortUuid, v.Name, v.Description, v.Support, v.ChannelId, Privacy = (int)v.Privacy, State = (int)v.State, v.Duration,
            v.Category, v.Licence, v.Language, v.Tags, v.Nsfw, v.CommentsEnabled, v.CommentsPolicy, v.DownloadEnabled, v.WaitTranscoding, v.Views, v.Likes,
            v.Dislikes, v.IsLocal, v.Url, v.ThumbnailName, v.PreviewName, v.RemoteThumbnailUrl, v.SearchText, v.OriginalSize,
            v.PublishedAt, v.OriginallyPublishedAt, v.CreatedAt, v.UpdatedAt, v.IsLive, v.AudienceGroups, v.EmbedAllowedDomains,
        }, t);
    }

    /// <summary>By numeric id, UUID (with or without dashes) or PeerTube short UUID.</summary>
    public Task<VideoWithOwners?> FindAsync(string idOrUuid, CancellationToken ct = default)
    {
        if (long.TryParse(idOrUuid, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return FindOneAsync("v.id = @key", id, ct);
        }
        if (Guid.TryParse(idOrUuid, out var uuid))
        {
            return FindOneAsync("v.uuid = @key", uuid.ToString("D"), ct);
        }
        if (ShortUuid.TryToUuid(idOrUuid, out var fromShort))
        {
            return FindOneAsync("v.uuid = @key", fromShort.ToString("D"), ct);
        }
        return Task.FromResult<VideoWithOwners?>(null);
    }

    /// <summary>The videos of <paramref name="ids"/> that exist, in no particular order.</summary>
    public Task<IReadOnlyList<VideoWithOwners>> FindManyAsync(IReadOnlyCollection<long> ids, CancellationToken ct = default) => ids.Count == 0
        ? Task.FromResult<IReadOnlyList<VideoWithOwners>>([])
        : database.ReadAsync(async c => (IReadOnlyList<VideoWithOwners>)await QueryWithOwnersAsync(c, SelectWithOwners + " WHERE " + database.In("v.id", "ids"),
            new { ids = ids.ToArray() }), ct);

    public Task<VideoWithOwners?> FindByUrlAsync(string url, CancellationToken ct = default) => FindOneAsync("v.url = @key", url, ct);

    private Task<VideoWithOwners?> FindOneAsync(string where, object key, CancellationToken ct) =>
        database.ReadAsync(async c => (await QueryWithOwnersAsync(c, SelectWithOwners + " WHERE " + where, new { key })).FirstOrDefault(), ct);

    private static async Task<List<VideoWithOwners>> QueryWithOwnersAsync(DbConnection c, string sql, object param) =>
        (await c.QueryAsync<VideoRow, ActorRow, ActorRow, VideoWithOwners>(sql, WithOwners, param, splitOn: OwnersSplit)).AsList();

    /// <summary>The rows of <see cref="SelectWithOwners"/> as Dapper splits them: the video, its channel, its account.</summary>
    private static VideoWithOwners WithOwners(VideoRow v, ActorRow channel, ActorRow account) => new(v, channel, account);

    private const string OwnersSplit = "id,id";

    /// <summary>The count of a listing with <paramref name="whereSql"/> (from <see cref="ListQuery"/>).</summary>
    private static string CountOf(string whereSql) => "SELECT COUNT(*) FROM videos v" + whereSql;

    /// <summary>
    /// The WHERE clause (with its leading space), the ORDER BY … LIMIT clause and the parameters of a list or search;
    /// <paramref name="matches"/>: what <see cref="MatchesAsync"/> found for a search.
    /// </summary>
    private (string Where, string Order, object Param, string CountKey) ListQuery(VideoQuery q, SearchMatches? matches)
    {
        var (captionQuery, titleQuery) = SearchQueries(q);
        var narrow = matches is { Ids: not null };
        var where = new StringBuilder(" WHERE ").Append(database.In("v.privacy", "privacies"));
        if (!q.IncludeBlacklisted)
        {
            where.Append(" AND v.blacklisted = FALSE");
        }
        where.Append(" AND v.channel_id NOT IN (").Append(BlocklistRepository.HiddenActors("@blockViewer")).Append(')');
        var searching = !string.IsNullOrWhiteSpace(q.Search);
        if (q.PublishedOnly)
        {
            // SQLite: a narrow search takes the videos by id from its matches (the "+" keeps the planner off the listing
            // index, which would walk every published video to find the few that match); a broad one walks that index.
            where.Append(narrow && database.Dialect == SqlDialect.Sqlite ? " AND +v.state = 1" : " AND v.state = 1");
        }
        if (!q.IncludeAudienceRestricted)
        {
            where.Append(q.AudienceGroups.Count == 0
                ? " AND v.audience_groups IS NULL"
                : " AND (v.audience_groups IS NULL OR EXISTS (" + InAudienceGroups(database.Dialect) + "))");
        }
        if (q.IsLocal is not null)
        {
            where.Append(q.IsLocal.Value ? " AND v.is_local = TRUE" : " AND v.is_local = FALSE");
        }
        if (q.CategoryOneOf is { Count: > 0 })
        {
            where.Append(" AND ").Append(database.In("v.category", "categories"));
        }
        if (q.LanguageOneOf is { Count: > 0 })
        {
            where.Append(" AND ").Append(database.In("v.language", "languages"));
        }
        if (q.ChannelId is not null)
        {
            where.Append(" AND v.channel_id = @channelId");
        }
        if (q.AccountId is not null)
        {
            where.Append(" AND v.channel_id IN (SELECT id FROM actors WHERE account_id = @accountId)");
        }
        if (searching)
        {
            // Name, description and tags (any substring of the folded text, through the trigram index), or words said in a
            // caption (through the full-text index of the captions, one document each): the matching video ids, read once by
            // MatchesAsync. A few of them (a narrow search): the videos read by id from that list, no join and no walk of
            // the catalogue. Many (a broad search: a common word): the listing walked in its order, each video kept when
            // it is in the matching set (computed once per query: SQLite's IN list, PostgreSQL's hashed subplan), which
            // stops after a page instead of reading and sorting every match.
            if (narrow)
            {
                where.Append(database.Dialect == SqlDialect.Postgres ? " AND v.id = ANY(@matchIds)" : " AND v.id IN (SELECT value FROM json_each(@matchIds))");
            }
            else
            {
                var set = MatchingVideos(database.Dialect, titleQuery is not null, captionQuery is not null);
                where.Append(database.Dialect == SqlDialect.Postgres ? $" AND (v.id IN ({set})) IS TRUE" : $" AND +v.id IN ({set})");
            }
        }
        var descending = q.Sort.StartsWith('-');
        var column = SortColumns.GetValueOrDefault(q.Sort.TrimStart('-'), "v.published_at");
        var order = $" ORDER BY {column} {(descending ? "DESC" : "ASC")}, v.id {(descending ? "DESC" : "ASC")}" + Paging;
        var param = new
        {
            privacies = q.Privacies.ToArray(),
            categories = q.CategoryOneOf?.ToArray(),
            languages = q.LanguageOneOf?.ToArray(),
            channelId = q.ChannelId,
            accountId = q.AccountId,
            search = q.Search is null ? null : SearchText.LikePattern(q.Search),
            captionQuery,
            titleQuery,
            matchIds = matches?.Ids is not { } ids ? null : database.Dialect == SqlDialect.Postgres ? (object)ids : System.Text.Json.JsonSerializer.Serialize(ids),
            blockViewer = q.BlockViewer,
            audienceGroups = q.AudienceGroups.ToArray(),
            start = q.Start,
            count = q.Count,
        };
        var whereSql = where.ToString();
        var countKey = string.Join('|', whereSql, string.Join(',', q.Privacies), q.CategoryOneOf is null ? "" : string.Join(',', q.CategoryOneOf),
            q.LanguageOneOf is null ? "" : string.Join(',', q.LanguageOneOf), q.ChannelId, q.AccountId, param.search,
            q.AudienceGroups.Count == 0 ? "" : System.Text.Json.JsonSerializer.Serialize(q.AudienceGroups.Order(StringComparer.Ordinal)), q.BlockViewer);
        return (whereSql, order, param, countKey);
    }

    private const string Paging = " LIMIT @count OFFSET @start";

    public Task<(long Total, IReadOnlyList<VideoWithOwners> Videos)> ListAsync(VideoQuery q, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            var matches = await MatchesAsync(c, q);
            if (matches is { Ids.Length: 0 })
            {
                return (0L, (IReadOnlyList<VideoWithOwners>)[]);
            }
            var (whereSql, order, param, countKey) = ListQuery(q, matches);
            var now = Now;
            if (matches is { Ids: null } && q.Start + q.Count <= BroadSearchMatches)
            {
                return await BroadSearchPageAsync(c, q, whereSql, order, param, countKey, now);
            }
            long total;
            if (_counts.TryGetValue(countKey, out var cached))
            {
                total = cached.Total;
                // Expired: this request still answers with the total it has, and one refresh runs beside it (whoever
                // moves the expiry first), so no request waits for a count of the whole catalogue under load.
                if (cached.Expires <= now && _counts.TryUpdate(countKey, (cached.Total, now + (long)CountLifetime.TotalMilliseconds), cached))
                {
                    _ = RefreshCountAsync(countKey, whereSql, param, matches is not null);
                }
            }
            else
            {
                // The count and the page in one round trip.
                using var both = await c.QueryMultipleAsync(CountOf(whereSql) + "; " + SelectWithOwners + whereSql + order, param);
                total = await both.ReadSingleAsync<long>();
                var page = both.Read<VideoRow, ActorRow, ActorRow, VideoWithOwners>(WithOwners, splitOn: OwnersSplit).AsList();
                if (_counts.Count > 10_000)
                {
                    _counts.Clear();
                }
                _counts[countKey] = (total, now + (long)CountLifetime.TotalMilliseconds);
                return (total, (IReadOnlyList<VideoWithOwners>)page);
            }
            var videos = await QueryWithOwnersAsync(c, SelectWithOwners + whereSql + order, param);
            return (total, (IReadOnlyList<VideoWithOwners>)videos);
        }, ct);

    /// <summary>
    /// A page among the first <see cref="BroadSearchMatches"/> results of a broad search (a word many lessons say): read from
    /// the order of those results, kept <see cref="CountLifetime"/> beside the search's total and forgotten with it on every
    /// write (<see cref="InvalidateCounts"/>). Computing that order reads every match (PostgreSQL: ~3 ms for a word said
    /// in 10,000 lessons, whatever the page); a class searching the same notion at once, or paging through it, then reads
    /// its pages by id.
    /// </summary>
    private async Task<(long Total, IReadOnlyList<VideoWithOwners> Videos)> BroadSearchPageAsync(DbConnection c, VideoQuery q, string whereSql, string order,
        object param, string countKey, long now)
    {
        var orderKey = countKey + "|" + q.Sort;
        // Expired (no write since: a write forgets it): one request reads the order again, the others meanwhile page
        // from the one they have, so a class searching together does not read it eight times at once.
        if (!_broadOrders.TryGetValue(orderKey, out var known)
            || (known.Expires <= now && _broadOrders.TryUpdate(orderKey, known with { Expires = now + (long)CountLifetime.TotalMilliseconds }, known)))
        {
            var version = Interlocked.Read(ref _countsVersion);
            var firstResults = order[..^Paging.Length] + " LIMIT " + BroadSearchMatches.ToString(CultureInfo.InvariantCulture);
            // The total with the order when it is not known (one round trip), as ListAsync counts.
            var counted = _counts.TryGetValue(countKey, out var cachedTotal) && cachedTotal.Expires > now;
            using var read = await c.QueryMultipleAsync((counted ? "" : CountOf(whereSql) + "; ") + "SELECT v.id FROM videos v" + whereSql + firstResults, param);
            var total = counted ? cachedTotal.Total : await read.ReadSingleAsync<long>();
            known = (total, (await read.ReadAsync<long>()).ToArray(), now + (long)CountLifetime.TotalMilliseconds);
            if (Interlocked.Read(ref _countsVersion) == version)
            {
                if (_broadOrders.Count > 1_000)
                {
                    _broadOrders.Clear();
                }
                _broadOrders[orderKey] = known;
                _counts[countKey] = (total, known.Expires);
            }
        }
        var pageIds = known.Ids.Skip(q.Start).Take(q.Count).ToArray();
        if (pageIds.Length == 0)
        {
            return (known.Total, []);
        }
        var rows = await QueryWithOwnersAsync(c, SelectWithOwners + " WHERE " + database.In("v.id", "pageIds"), new { pageIds });
        var position = pageIds.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
        return (known.Total, rows.OrderBy(r => position[r.Video.Id]).ToList());
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (long Total, long[] Ids, long Expires)> _broadOrders = new(StringComparer.Ordinal);

    /// <summary>
    /// PostgreSQL runs a search's statements with sequential scans and parallel workers off, set by the first statement of
    /// the search on its connection (<see cref="OnSearchConnection"/>, the same round trip) and undone by Npgsql's reset
    /// of a connection returned to its pool (Npgsql's default: a connection string with No Reset On Close would keep them).
    /// Its planner does not count the cost of reading a caption's document (a toasted tsvector, over 10 µs a row) when it
    /// weighs a sequential scan of <c>video_captions</c> against the GIN index on the documents, and chose the scan under the matching ids' LIMIT and for a word said in every lesson: 10,000
    /// documents read, 55 to 190 ms, where the index answers in about 2. Parallel workers cost a search on two cores more
    /// (starting them) than they save. The search's statements (auto-prepared, see Database) keep one generic plan: a new
    /// custom plan at each run cost a broad search's page 0.7 ms of its ~3, for the same plan.
    /// </summary>
    private const string SearchSettings = "SET enable_seqscan = off; SET max_parallel_workers_per_gather = 0; SET plan_cache_mode = force_generic_plan; ";

    /// <summary><paramref name="sql"/>, the first statement of a search on its connection, behind <see cref="SearchSettings"/> on PostgreSQL.</summary>
    private string OnSearchConnection(string sql) => database.Dialect == SqlDialect.Postgres ? SearchSettings + sql : sql;

    /// <summary>A search reading at least this many matching videos is broad: it walks the listing (see <see cref="ListQuery"/>).</summary>
    public int BroadSearchMatches { get; init; } = 500;

    /// <summary>The matching video ids of a search: all of them (<see cref="Ids"/>), or null when there are too many to list.</summary>
    private sealed record SearchMatches(long[]? Ids);

    /// <summary>The full-text query on the captions and the trigram phrase on the video's own text (SQLite) of a search.</summary>
    private (string? CaptionQuery, string? TitleQuery) SearchQueries(VideoQuery q) => string.IsNullOrWhiteSpace(q.Search)
        ? (null, null)
        : (CaptionRepository.FullTextQuery(database.Dialect, q.Search), TrigramPhrase(q.Search));

    /// <summary>
    /// The ids of the videos a search matches (title, description, tags or captions; duplicates possible), read once
    /// through the full-text indexes, at most <see cref="BroadSearchMatches"/>: fewer means all of them. Null when not searching.
    /// </summary>
    private async Task<SearchMatches?> MatchesAsync(DbConnection c, VideoQuery q)
    {
        if (string.IsNullOrWhiteSpace(q.Search))
        {
            return null;
        }
        var (sql, param) = MatchesQuery(q);
        var ids = (await c.QueryAsync<long>(OnSearchConnection(sql), param)).AsList();
        return new SearchMatches(ids.Count < BroadSearchMatches ? ids.Distinct().ToArray() : null);
    }

    /// <summary>The query of <see cref="MatchesAsync"/> and its parameters.</summary>
    private (string Sql, object Param) MatchesQuery(VideoQuery q)
    {
        var (captionQuery, titleQuery) = SearchQueries(q);
        return (MatchingVideos(database.Dialect, titleQuery is not null, captionQuery is not null) + " LIMIT @limit",
            new { search = SearchText.LikePattern(q.Search!), titleQuery, captionQuery, limit = BroadSearchMatches });
    }

    /// <summary>SQL selecting the ids of the videos matching a search (<c>@search</c>, <c>@titleQuery</c>, <c>@captionQuery</c>), duplicates possible.</summary>
    private static string MatchingVideos(SqlDialect dialect, bool hasTrigramPhrase, bool hasCaptionQuery) =>
        VideosWithMatchingText(dialect, hasTrigramPhrase) + (hasCaptionQuery ? " UNION ALL " + CaptionRepository.VideosWithMatchingCaption(dialect) : "");

    /// <summary>
    /// The database's plan for the page and for the count of <see cref="ListAsync"/> with <paramref name="q"/> (SQLite:
    /// EXPLAIN QUERY PLAN's details; PostgreSQL: EXPLAIN ANALYZE without costs), for the benchmark and the plan tests.
    /// <paramref name="asForALargeCatalogue"/>: PostgreSQL plans as it would for tables too large to read whole (sequential
    /// scans discouraged for this explain only), so a test on a few rows sees which indexes the query can use; SQLite's
    /// plan does not depend on the size of the tables.
    /// </summary>
    public Task<(IReadOnlyList<string> Page, IReadOnlyList<string> Count)> ExplainListAsync(VideoQuery q, bool asForALargeCatalogue = false, CancellationToken ct = default)
    {
        var postgres = database.Dialect == SqlDialect.Postgres;
        var explain = postgres ? "EXPLAIN (ANALYZE, COSTS OFF) " : "EXPLAIN QUERY PLAN ";
        return database.ReadAsync(async c =>
        {
            async Task<List<string>> PlanAsync(string sql, object param) => postgres
                ? (await c.QueryAsync<string>(explain + sql, param)).Select(l => l.TrimEnd()).ToList()
                : (await c.QueryAsync<(long Id, long Parent, long NotUsed, string Detail)>(explain + sql, param)).Select(r => r.Detail).ToList();
            // A search plans as ListAsync runs it (see SearchSettings; this connection is reset when returned to its pool).
            if (postgres && asForALargeCatalogue)
            {
                await c.ExecuteAsync(SearchSettings);
            }
            // A search runs the matching ids' query first, then the page and the count with what it found: each plan
            // here is that query's plan followed by the page's or the count's.
            var matching = new List<string>();
            var matches = await MatchesAsync(c, q);
            if (matches is not null)
            {
                var (matchesSql, matchesParam) = MatchesQuery(q);
                matching = await PlanAsync(matchesSql, matchesParam);
            }
            var (whereSql, order, param, _) = ListQuery(q, matches);
            return ((IReadOnlyList<string>)[.. matching, .. await PlanAsync(SelectWithOwners + whereSql + order, param)],
                (IReadOnlyList<string>)[.. matching, .. await PlanAsync(CountOf(whereSql), param)]);
        }, ct);
    }

    /// <summary>
    /// SQL selecting a row when the video's class audience (<c>v.audience_groups</c>, a JSON array) names one of
    /// <c>@audienceGroups</c>; only evaluated for restricted videos (the listing's <c>IS NULL</c> test comes first).
    /// </summary>
    private static string InAudienceGroups(SqlDialect dialect) => dialect == SqlDialect.Postgres
        ? "SELECT 1 FROM json_array_elements_text(v.audience_groups::json) AS g(value) WHERE g.value = ANY(@audienceGroups)"
        : "SELECT 1 FROM json_each(v.audience_groups) AS g WHERE g.value IN @audienceGroups";

    /// <summary>
    /// SQLite: the folded query as an FTS5 phrase for the trigram index on <c>videos.search_text</c> (a phrase of trigrams is a
    /// substring, as the LIKE it replaces), or null when it is shorter than a trigram (then the LIKE reads every row).
    /// </summary>
    public static string? TrigramPhrase(string search)
    {
        var folded = SearchText.Fold(search.Trim());
        return folded.EnumerateRunes().Count() < 3 ? null : "\"" + folded.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>SQL selecting the ids of videos whose folded name, description or tags contain the query (<c>@search</c>, <c>@titleQuery</c>).</summary>
    public static string VideosWithMatchingText(SqlDialect dialect, bool hasTrigramPhrase) => dialect == SqlDialect.Sqlite && hasTrigramPhrase
        ? "SELECT rowid FROM videos_search_fts WHERE videos_search_fts MATCH @titleQuery"
        // PostgreSQL: the GIN trigram index (pg_trgm) serves this LIKE; on SQLite, a query under 3 characters scans.
        : "SELECT id FROM videos WHERE search_text LIKE @search ESCAPE '\\'";

    private async Task RefreshCountAsync(string countKey, string whereSql, object param, bool searching)
    {
        try
        {
            var version = Interlocked.Read(ref _countsVersion);
            var count = CountOf(whereSql);
            var total = await database.ReadAsync(c => c.ExecuteScalarAsync<long>(searching ? OnSearchConnection(count) : count, param));
            // A write that cleared the totals meanwhile wins: this count may predate it.
            if (Interlocked.Read(ref _countsVersion) == version)
            {
                _counts[countKey] = (total, Now + (long)CountLifetime.TotalMilliseconds);
            }
        }
#pragma warning disable CA1031 // a failed background refresh drops the entry: the next request counts itself and reports any error
        catch (Exception)
#pragma warning restore CA1031
        {
            _counts.TryRemove(countKey, out _);
        }
    }

    public Task<IReadOnlyList<VideoWithOwners>> ListOfUserAsync(long userId, int start, int count, CancellationToken ct = default) =>
        database.ReadAsync(async c => (IReadOnlyList<VideoWithOwners>)await QueryWithOwnersAsync(c,
            SelectWithOwners + " WHERE ac.user_id = @userId ORDER BY v.created_at DESC, v.id DESC LIMIT @count OFFSET @start",
            new { userId, start, count }), ct);

    public Task<long> CountOfUserAsync(long userId, CancellationToken ct = default) =>
        database.ReadAsync(c => c.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM videos v JOIN actors ch ON ch.id = v.channel_id JOIN actors ac ON ac.id = ch.account_id WHERE ac.user_id = @userId",
            new { userId }), ct);

    /// <summary>Writes the editable fields; with <paramref name="passwords"/>, replaces the video's passwords in the same transaction.</summary>
    public Task UpdateMetadataAsync(VideoRow v, IReadOnlyCollection<string>? passwords = null, CancellationToken ct = default)
    {
        InvalidateCounts();
        return database.WriteAsync(async (c, t) =>
        {
            await UpdateMetadataAsync(c, t, v, Now);
            if (passwords is not null)
            {
                await VideoPasswordRepository.ReplaceAsync(c, t, v.Id, passwords, Now);
            }
        }, ct);
    }

    private static Task<int> UpdateMetadataAsync(DbConnection c, DbTransaction t, VideoRow v, long now) => c.ExecuteAsync("""
            UPDATE videos SET name = @Name, description = @Description, support = @Support, privacy = @Privacy, category = @Category,
                licence = @Licence, language = @Language, tags = @Tags, nsfw = @Nsfw, comments_enabled = @CommentsEnabled,
                comments_policy = @CommentsPolicy,
                download_enabled = @DownloadEnabled, wait_transcoding = @WaitTranscoding, channel_id = @ChannelId,
                search_text = @SearchText, originally_published_at = @OriginallyPublishedAt, audience_groups = @AudienceGroups,
                embed_allowed_domains = @EmbedAllowedDomains, updated_at = @now
            WHERE id = @Id
            """, new
        {
            v.Id, v.Name, v.Description, v.Support, Privacy = (int)v.Privacy, v.Category, v.Licence, v.Language, v.Tags, v.Nsfw,
            v.CommentsEnabled, v.CommentsPolicy, v.DownloadEnabled, v.WaitTranscoding, v.ChannelId, v.SearchText, v.OriginallyPublishedAt, v.AudienceGroups,
            v.EmbedAllowedDomains, now,
        }, t);

    public Task DeleteAsync(long id, CancellationToken ct = default)
    {
        InvalidateCounts();
        return database.WriteAsync((c, t) => c.ExecuteAsync("DELETE FROM videos WHERE id = @id", new { id }, t), ct);
    }

    public Task SetStateAsync(long id, VideoState state, string? error, CancellationToken ct = default)
    {
        InvalidateCounts();
        return database.WriteAsync((c, t) => c.ExecuteAsync(
            "UPDATE videos SET state = @state, error_message = @error, updated_at = @now WHERE id = @id",
            new { id, state = (int)state, error, now = Now }, t), ct);
    }

    public Task SetProgressAsync(long id, int progress, CancellationToken ct = default) =>
        database.WriteAsync((c, t) => c.ExecuteAsync("UPDATE videos SET transcode_progress = @progress WHERE id = @id", new { id, progress }, t), ct);

    public Task<bool> IncrementViewsAsync(long id, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) => await c.ExecuteAsync("UPDATE videos SET views = views + 1 WHERE id = @id", new { id }, t) == 1, ct);

    /// <summary>Public, published local videos, as NodeInfo counts them.</summary>
    public Task<long> CountLocalPublishedAsync(CancellationToken ct = default) =>
        database.ReadAsync(c => c.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM videos WHERE is_local = TRUE AND privacy = @privacy AND state = @state",
            new { privacy = (int)VideoPrivacy.Public, state = (int)VideoState.Published }), ct);

    /// <summary>
    /// Sets (<paramref name="rate"/> = Likes or Dislikes) or, with null, removes the remote actor's rate of the local video
    /// at <paramref name="url"/>; a removal touches only a rate of type <paramref name="undone"/>. One rate per actor and
    /// video; the video's likes and dislikes are then counted from the stored rates. False when no local video has that URL.
    /// </summary>
    public Task<bool> SetRemoteRateAsync(string url, long actorId, VideoCounter? rate, VideoCounter? undone, CancellationToken ct = default)
    {
        if (rate is VideoCounter.Views || undone is VideoCounter.Views)
        {
            throw new ArgumentOutOfRangeException(nameof(rate), "views are not rates");
        }
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        return database.WriteAsync(async (c, t) =>
        {
            var videoId = await c.ExecuteScalarAsync<long?>("SELECT id FROM videos WHERE url = @url AND is_local = TRUE", new { url }, t);
            if (videoId is null)
            {
                return false;
            }
            if (rate is { } r)
            {
                await c.ExecuteAsync("""
                    INSERT INTO video_rates (video_id, actor_id, type, created_at) VALUES (@videoId, @actorId, @type, @now)
                    ON CONFLICT (video_id, actor_id) DO UPDATE SET type = @type, created_at = CASE WHEN video_rates.type = @type THEN video_rates.created_at ELSE @now END
                    """, new { videoId, actorId, type = RateType(r), now }, t);
            }
            else if (undone is { } u)
            {
                await c.ExecuteAsync("DELETE FROM video_rates WHERE video_id = @videoId AND actor_id = @actorId AND type = @type",
                    new { videoId, actorId, type = RateType(u) }, t);
            }
            await c.ExecuteAsync("""
                UPDATE videos SET
                    likes = (SELECT COUNT(*) FROM video_rates WHERE video_id = @videoId AND type = 'like'),
                    dislikes = (SELECT COUNT(*) FROM video_rates WHERE video_id = @videoId AND type = 'dislike')
                WHERE id = @videoId
                """, new { videoId }, t);
            return true;
        }, ct);
    }

    private static string RateType(VideoCounter rate) => rate == VideoCounter.Likes ? "like" : "dislike";

    /// <summary>Adds one view to the local video at <paramref name="url"/> (a remote server's View activity).</summary>
    public Task<bool> AddRemoteViewAsync(string url, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) => await c.ExecuteAsync(
            "UPDATE videos SET views = views + 1 WHERE url = @url AND is_local = TRUE", new { url }, t) == 1, ct);

    public async Task<bool> UuidTakenAsync(DbConnection c, DbTransaction t, string uuid) =>
        await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM videos WHERE uuid = @uuid", new { uuid }, t) > 0;

    /// <summary>
    /// Rewrites a remote video from its origin's object. When <paramref name="imagesChanged"/>, our copies of its images
    /// are forgotten (the API shows the origin's until new copies are made).
    /// </summary>
    public Task UpdateRemoteAsync(DbConnection c, DbTransaction t, VideoRow row, bool imagesChanged)
    {
        InvalidateCounts();
        return c.ExecuteAsync("""
            UPDATE videos SET name = @Name, description = @Description, channel_id = @ChannelId, privacy = @Privacy, state = @State,
                duration = @Duration, category = @Category, licence = @Licence, language = @Language, tags = @Tags, nsfw = @Nsfw,
                comments_enabled = @CommentsEnabled, comments_policy = @CommentsPolicy, download_enabled = @DownloadEnabled,
                wait_transcoding = @WaitTranscoding, views = @Views, remote_thumbnail_url = @RemoteThumbnailUrl, search_text = @SearchText, published_at = @PublishedAt,
                originally_published_at = @OriginallyPublishedAt, updated_at = @UpdatedAt, is_live = @IsLive,
                thumbnail_name = CASE WHEN @imagesChanged THEN NULL ELSE thumbnail_name END,
                preview_name = CASE WHEN @imagesChanged THEN NULL ELSE preview_name END
            WHERE id = @Id
            """, new
        {
            row.Name, row.Description, row.ChannelId, Privacy = (int)row.Privacy, State = (int)row.State, row.Duration, row.Category,
            row.Licence, row.Language, row.Tags, row.Nsfw, row.CommentsEnabled, row.CommentsPolicy, row.DownloadEnabled, row.WaitTranscoding, row.Views,
            row.RemoteThumbnailUrl, row.SearchText, row.PublishedAt, row.OriginallyPublishedAt, row.UpdatedAt, row.IsLive, imagesChanged, row.Id,
        }, t);
    }

    private const string SelectImages = "SELECT is_local, remote_thumbnail_url, thumbnail_name, preview_name FROM videos WHERE id = @id";

    /// <summary>
    /// The counter that triggers (migration 0035) move whenever the names of class videos' images can change (a class
    /// audience set or lifted, a class video's new image, created or deleted): <see cref="RestrictedImagesAsync"/> read
    /// after it holds at least everything committed until then.
    /// </summary>
    public Task<long> RestrictedImagesGenerationAsync(CancellationToken ct = default) =>
        database.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT value FROM restricted_images_generation WHERE id = 1"), ct);

    /// <summary>The images of every video with a class audience (served only to those who may watch it), with its id.</summary>
    public Task<IReadOnlyList<RestrictedImage>> RestrictedImagesAsync(CancellationToken ct = default) =>
        database.ReadAsync(async c => (IReadOnlyList<RestrictedImage>)(await c.QueryAsync<RestrictedImage>(
            "SELECT id AS VideoId, thumbnail_name AS ThumbnailName, preview_name AS PreviewName FROM videos WHERE audience_groups IS NOT NULL")).AsList(), ct);

    public Task<VideoImages?> FindImagesAsync(long id, CancellationToken ct = default) =>
        database.ReadAsync(c => c.QuerySingleOrDefaultAsync<VideoImages>(SelectImages, new { id }), ct);

    public Task<VideoImages> ImagesAsync(DbConnection c, DbTransaction t, long id) => c.QuerySingleAsync<VideoImages>(SelectImages, new { id }, t);

    /// <summary>
    /// Points a remote video at our copies of its images, in one transaction with the check that it still
    /// <see cref="VideoImages.AwaitsCopiesOf">awaits copies of</see> <paramref name="originUrl"/>. Returns the images it
    /// had (whose copies are now unused), or null when it is gone or was updated meanwhile (nothing stored).
    /// </summary>
    public Task<VideoImages?> SetImageCopiesAsync(long id, string originUrl, string? thumbnailName, string? previewName, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var previous = await c.QuerySingleOrDefaultAsync<VideoImages>(SelectImages, new { id }, t);
            if (previous is null || !previous.AwaitsCopiesOf(originUrl))
            {
                return null;
            }
            await c.ExecuteAsync("UPDATE videos SET thumbnail_name = @thumbnailName, preview_name = @previewName WHERE id = @id",
                new { thumbnailName, previewName, id }, t);
            return previous;
        }, ct);

    public Task<StreamingPlaylistRow?> PlaylistAsync(long videoId, CancellationToken ct = default) =>
        database.ReadAsync(c => c.QuerySingleOrDefaultAsync<StreamingPlaylistRow>(
            "SELECT * FROM video_streaming_playlists WHERE video_id = @videoId", new { videoId }), ct);

    public Task<IReadOnlyList<VideoFileRow>> FilesAsync(long videoId, CancellationToken ct = default) =>
        database.ReadAsync(async c => (IReadOnlyList<VideoFileRow>)(await c.QueryAsync<VideoFileRow>(
            "SELECT * FROM video_files WHERE video_id = @videoId ORDER BY resolution DESC", new { videoId })).AsList(), ct);

    /// <summary>A local web-video or source file by its (unique, random) name: <c>/static/web-videos/{name}</c> carries no video id.</summary>
    public Task<VideoFileRow?> FindWebFileAsync(string fileName, CancellationToken ct = default) =>
        database.ReadAsync(c => c.QueryFirstOrDefaultAsync<VideoFileRow>(
            "SELECT * FROM video_files WHERE file_name = @fileName AND kind <> @hls", new { fileName, hls = VideoFileKinds.Hls }), ct);

    public Task<VideoFileRow?> FindFileAsync(long videoId, long fileId, CancellationToken ct = default) =>
        database.ReadAsync(c => c.QueryFirstOrDefaultAsync<VideoFileRow>(
            "SELECT * FROM video_files WHERE video_id = @videoId AND id = @fileId", new { videoId, fileId }), ct);

    public Task<VideoFileRow?> FindFileByInfoHashAsync(string infoHashHex, CancellationToken ct = default) =>
        database.ReadAsync(c => c.QueryFirstOrDefaultAsync<VideoFileRow>(
            "SELECT * FROM video_files WHERE info_hash = @infoHashHex", new { infoHashHex = infoHashHex.ToLowerInvariant() }), ct);
}
