using System.Data.Common;
using System.Globalization;
using Dapper;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Playlists;

namespace VideoPlatform.Core.Data.Repositories;

/// <summary>A playlist as stored, with its number of elements and the thumbnail of its first shared lesson.</summary>
public sealed record PlaylistRow
{
    public long Id { get; init; }
    public required string Uuid { get; init; }
    public required string Name { get; init; }
    public string? Description { get; init; }
    public PlaylistPrivacy Privacy { get; init; }
    public PlaylistType Type { get; init; } = PlaylistType.Regular;
    public long AccountId { get; init; }
    public long? ChannelId { get; init; }
    public string? ThumbnailName { get; init; }
    public bool IsLocal { get; init; }
    public required string Url { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }

    /// <summary>A remote playlist: when it was last fetched from its origin, or that fetch queued (ms; null: never since 0034).</summary>
    public long? RefreshedAt { get; init; }

    /// <summary>A remote playlist: the origin's icon that <see cref="ThumbnailName"/> is (or will be) our copy of.</summary>
    public string? RemoteThumbnailUrl { get; init; }

    /// <summary>Read only: the number of elements.</summary>
    public int VideosLength { get; init; }

    /// <summary>Read only: the thumbnail of the first public or unlisted video, standing for the playlist's own.</summary>
    public string? FirstThumbnailName { get; init; }

    public string ShortUuid => Domain.ShortUuid.FromUuid(Guid.Parse(Uuid));
}

/// <summary>A playlist with its owner account and its channel (none for a private playlist without one).</summary>
public sealed record PlaylistWithOwners(PlaylistRow Playlist, ActorRow Account, ActorRow? Channel);

public sealed record PlaylistElementRow
{
    public long Id { get; init; }
    public long PlaylistId { get; init; }
    public long? VideoId { get; init; }
    public int Position { get; init; }
    public int? StartTimestamp { get; init; }
    public int? StopTimestamp { get; init; }
    public string? Url { get; init; }
}

/// <summary>An element of a remote playlist as read from its origin: the video we know, its times, the element's URL.</summary>
public sealed record RemotePlaylistElement(long VideoId, int? StartTimestamp, int? StopTimestamp, string Url);

/// <summary>
/// A remote playlist once stored: its id, whether its icon (<see cref="PlaylistRow.RemoteThumbnailUrl"/>) still has to be
/// copied, and our copy of its former icon, now unused.
/// </summary>
public sealed record RemotePlaylistSaved(long Id, bool ThumbnailWanted, string? UnusedThumbnail);

/// <summary>An element of one of a user's playlists holding a given video (PeerTube's videos-exist).</summary>
public sealed record VideoInPlaylist
{
    public long VideoId { get; init; }
    public long PlaylistElementId { get; init; }
    public long PlaylistId { get; init; }
    public required string PlaylistUuid { get; init; }
    public required string PlaylistName { get; init; }
    public int? StartTimestamp { get; init; }
    public int? StopTimestamp { get; init; }
}

public sealed record PlaylistQuery
{
    public long? AccountId { get; init; }
    public long? ChannelId { get; init; }
    public IReadOnlyCollection<int> Privacies { get; init; } = [(int)PlaylistPrivacy.Public];
    public PlaylistType? Type { get; init; }
    public int Start { get; init; }
    public int Count { get; init; } = 15;

    /// <summary>PeerTube's playlist sorts: displayName, createdAt, updatedAt, with an optional leading '-'.</summary>
    public string Sort { get; init; } = "-updatedAt";
}

/// <summary>Playlists and their elements; positions stay 1..n (<see cref="PlaylistPositions"/>).</summary>
public sealed class PlaylistRepository(Database database, TimeProvider clock)
{
    private const string Select = """
        SELECT p.*,
          (SELECT COUNT(*) FROM video_playlist_elements e WHERE e.playlist_id = p.id) AS videos_length,
          (SELECT v.thumbnail_name FROM video_playlist_elements e JOIN videos v ON v.id = e.video_id
             WHERE e.playlist_id = p.id AND v.privacy IN (1, 2) AND v.thumbnail_name IS NOT NULL ORDER BY e.position LIMIT 1) AS first_thumbnail_name,
          ac.*, acs.host AS host, ch.*, chs.host AS host
        FROM video_playlists p
        JOIN actors ac ON ac.id = p.account_id
        LEFT JOIN servers acs ON acs.id = ac.server_id
        LEFT JOIN actors ch ON ch.id = p.channel_id
        LEFT JOIN servers chs ON chs.id = ch.server_id
        """;

    private static readonly Dictionary<string, string> SortColumns = new(StringComparer.Ordinal)
    {
        ["displayName"] = "p.name",
        ["createdAt"] = "p.created_at",
        ["updatedAt"] = "p.updated_at",
    };

    public static bool IsValidSort(string sort) => SortColumns.ContainsKey(sort.TrimStart('-'));

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public Task<long> CreateAsync(PlaylistRow p, CancellationToken ct = default) =>
        database.WriteAsync((c, t) => c.ExecuteScalarAsync<long>("""
            INSERT INTO video_playlists (uuid, name, description, privacy, type, account_id, channel_id, thumbnail_name, is_local, url, created_at, updated_at)
            VALUES (@Uuid, @Name, @Description, @Privacy, @Type, @AccountId, @ChannelId, @ThumbnailName, @IsLocal, @Url, @now, @now) RETURNING id
            """, new { p.Uuid, p.Name, p.Description, Privacy = (int)p.Privacy, Type = (int)p.Type, p.AccountId, p.ChannelId, p.ThumbnailName, p.IsLocal, p.Url, now = Now }, t), ct);

    /// <summary>By numeric id, UUID or PeerTube short UUID.</summary>
    public Task<PlaylistWithOwners?> FindAsync(string idOrUuid, CancellationToken ct = default)
    {
        if (long.TryParse(idOrUuid, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return FindOneAsync("p.id = @key", id, ct);
        }
        if (Guid.TryParse(idOrUuid, out var uuid) || Domain.ShortUuid.TryToUuid(idOrUuid, out uuid))
        {
            return FindOneAsync("p.uuid = @key", uuid.ToString("D"), ct);
        }
        return Task.FromResult<PlaylistWithOwners?>(null);
    }

    public Task<PlaylistWithOwners?> FindByUrlAsync(string url, CancellationToken ct = default) => FindOneAsync("p.url = @key", url, ct);

    private Task<PlaylistWithOwners?> FindOneAsync(string where, object key, CancellationToken ct) =>
        database.ReadAsync(async c => (await QueryAsync(c, Select + " WHERE " + where, new { key })).FirstOrDefault(), ct);

    private static async Task<List<PlaylistWithOwners>> QueryAsync(DbConnection c, string sql, object param) =>
        (await c.QueryAsync<PlaylistRow, ActorRow, ActorRow?, PlaylistWithOwners>(sql, (p, ac, ch) => new PlaylistWithOwners(p, ac, ch), param, splitOn: "id,id")).AsList();

    public Task<(long Total, IReadOnlyList<PlaylistWithOwners> Playlists)> ListAsync(PlaylistQuery q, CancellationToken ct = default)
    {
        var where = new List<string> { database.In("p.privacy", "privacies") };
        if (q.AccountId is not null)
        {
            where.Add("p.account_id = @AccountId");
        }
        if (q.ChannelId is not null)
        {
            where.Add("p.channel_id = @ChannelId");
        }
        if (q.Type is not null)
        {
            where.Add("p.type = @type");
        }
        var filter = " WHERE " + string.Join(" AND ", where);
        var column = SortColumns.GetValueOrDefault(q.Sort.TrimStart('-'), "p.updated_at");
        var order = $" ORDER BY {column} {(q.Sort.StartsWith('-') ? "DESC" : "ASC")}, p.id DESC LIMIT @Count OFFSET @Start";
        var param = new { privacies = q.Privacies.ToArray(), q.AccountId, q.ChannelId, type = (int?)q.Type, q.Count, q.Start };
        return database.ReadAsync(async c =>
        {
            var total = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM video_playlists p" + filter, param);
            var list = await QueryAsync(c, Select + filter + order, param);
            return (total, (IReadOnlyList<PlaylistWithOwners>)list);
        }, ct);
    }

    public Task UpdateAsync(long id, string name, string? description, PlaylistPrivacy privacy, long? channelId, CancellationToken ct = default) =>
        database.WriteAsync((c, t) => c.ExecuteAsync("""
            UPDATE video_playlists SET name = @name, description = @description, privacy = @privacy, channel_id = @channelId, updated_at = @now
            WHERE id = @id
            """, new { id, name, description, privacy = (int)privacy, channelId, now = Now }, t), ct);

    public Task DeleteAsync(long id, CancellationToken ct = default) =>
        database.WriteAsync((c, t) => c.ExecuteAsync("DELETE FROM video_playlists WHERE id = @id", new { id }, t), ct);

    private const string SelectElement = "SELECT id, playlist_id, video_id, position, start_timestamp, stop_timestamp, url FROM video_playlist_elements";

    public Task<(long Total, IReadOnlyList<PlaylistElementRow> Elements)> ListElementsAsync(long playlistId, int start, int count, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            var total = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM video_playlist_elements WHERE playlist_id = @playlistId", new { playlistId });
            var list = (await c.QueryAsync<PlaylistElementRow>(SelectElement + " WHERE playlist_id = @playlistId ORDER BY position LIMIT @count OFFSET @start",
                new { playlistId, start, count })).AsList();
            return (total, (IReadOnlyList<PlaylistElementRow>)list);
        }, ct);

    public Task<PlaylistElementRow?> FindElementAsync(long playlistId, long elementId, CancellationToken ct = default) =>
        database.ReadAsync(c => c.QuerySingleOrDefaultAsync<PlaylistElementRow>(SelectElement + " WHERE playlist_id = @playlistId AND id = @elementId",
            new { playlistId, elementId }), ct);

    /// <summary>Adds a video at the end of the playlist (position n + 1); returns the element.</summary>
    public Task<PlaylistElementRow> AddElementAsync(long playlistId, long videoId, int? startTimestamp, int? stopTimestamp, string? url = null, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var now = Now;
            var position = await c.ExecuteScalarAsync<int>("SELECT COALESCE(MAX(position), 0) + 1 FROM video_playlist_elements WHERE playlist_id = @playlistId", new { playlistId }, t);
            var id = await c.ExecuteScalarAsync<long>("""
                INSERT INTO video_playlist_elements (playlist_id, video_id, position, start_timestamp, stop_timestamp, url, created_at, updated_at)
                VALUES (@playlistId, @videoId, @position, @startTimestamp, @stopTimestamp, @url, @now, @now) RETURNING id
                """, new { playlistId, videoId, position, startTimestamp, stopTimestamp, url, now }, t);
            await TouchAsync(c, t, playlistId, now);
            return new PlaylistElementRow
            {
                Id = id, PlaylistId = playlistId, VideoId = videoId, Position = position, StartTimestamp = startTimestamp, StopTimestamp = stopTimestamp, Url = url,
            };
        }, ct);

    public Task<bool> UpdateElementAsync(long playlistId, long elementId, int? startTimestamp, int? stopTimestamp, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var now = Now;
            var changed = await c.ExecuteAsync("""
                UPDATE video_playlist_elements SET start_timestamp = @startTimestamp, stop_timestamp = @stopTimestamp, updated_at = @now
                WHERE playlist_id = @playlistId AND id = @elementId
                """, new { playlistId, elementId, startTimestamp, stopTimestamp, now }, t) > 0;
            if (changed)
            {
                await TouchAsync(c, t, playlistId, now);
            }
            return changed;
        }, ct);

    /// <summary>Removes an element and closes the gap behind it; false when the playlist has no such element.</summary>
    public Task<bool> RemoveElementAsync(long playlistId, long elementId, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var position = await c.ExecuteScalarAsync<int?>("SELECT position FROM video_playlist_elements WHERE playlist_id = @playlistId AND id = @elementId",
                new { playlistId, elementId }, t);
            if (position is null)
            {
                return false;
            }
            await c.ExecuteAsync("DELETE FROM video_playlist_elements WHERE id = @elementId", new { elementId }, t);
            await c.ExecuteAsync("UPDATE video_playlist_elements SET position = position - 1 WHERE playlist_id = @playlistId AND position > @position",
                new { playlistId, position }, t);
            await TouchAsync(c, t, playlistId, Now);
            return true;
        }, ct);

    /// <summary>Moves a block of elements (<see cref="PlaylistPositions.Reorder"/>); the error of an invalid move, or null once done.</summary>
    public Task<string?> ReorderAsync(long playlistId, int startPosition, int insertAfterPosition, int reorderLength, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var ids = (await c.QueryAsync<long>("SELECT id FROM video_playlist_elements WHERE playlist_id = @playlistId ORDER BY position, id",
                new { playlistId }, t)).AsList();
            if (PlaylistPositions.ValidateReorder(ids.Count, startPosition, insertAfterPosition, reorderLength) is { } error)
            {
                return error;
            }
            var order = PlaylistPositions.Reorder(ids.Count, startPosition, insertAfterPosition, reorderLength);
            for (var i = 0; i < order.Count; i++)
            {
                await c.ExecuteAsync("UPDATE video_playlist_elements SET position = @position WHERE id = @id", new { position = i + 1, id = ids[order[i] - 1] }, t);
            }
            await TouchAsync(c, t, playlistId, Now);
            return (string?)null;
        }, ct);

    /// <summary>Which of <paramref name="videoIds"/> are in the playlists of the account, and where (PeerTube's videos-exist).</summary>
    public Task<IReadOnlyList<VideoInPlaylist>> VideosInPlaylistsOfAsync(long accountId, IReadOnlyCollection<long> videoIds, CancellationToken ct = default) =>
        database.ReadAsync(async c => (IReadOnlyList<VideoInPlaylist>)(await c.QueryAsync<VideoInPlaylist>($"""
            SELECT e.video_id, e.id AS playlist_element_id, p.id AS playlist_id, p.uuid AS playlist_uuid, p.name AS playlist_name, e.start_timestamp, e.stop_timestamp
            FROM video_playlist_elements e JOIN video_playlists p ON p.id = e.playlist_id
            WHERE p.account_id = @accountId AND {database.In("e.video_id", "videoIds")}
            ORDER BY e.video_id, p.id, e.position
            """, new { accountId, videoIds = videoIds.ToArray() })).AsList(), ct);

    /// <summary>
    /// Stores a remote playlist (created, or updated by its url) with its elements replaced by <paramref name="elements"/>, in
    /// that order (positions 1..n), as PeerTube rebuilds a remote playlist's elements, and marks it refreshed now. A new
    /// icon (<see cref="PlaylistRow.RemoteThumbnailUrl"/>) forgets our copy of the former one. Returns null when a different
    /// playlist (a local one, or another origin's) already has its uuid.
    /// </summary>
    public Task<RemotePlaylistSaved?> ReplaceRemoteAsync(PlaylistRow p, IReadOnlyList<RemotePlaylistElement> elements, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var now = Now;
            var previous = await c.QuerySingleOrDefaultAsync<PlaylistRow>(
                "SELECT id, uuid, name, url, thumbnail_name, remote_thumbnail_url FROM video_playlists WHERE url = @Url AND is_local = FALSE", new { p.Url }, t);
            var id = previous?.Id;
            var uuidOwner = await c.ExecuteScalarAsync<long?>("SELECT id FROM video_playlists WHERE uuid = @Uuid", new { p.Uuid }, t);
            if (uuidOwner is not null && uuidOwner != id)
            {
                return null;
            }
            var iconChanged = !string.Equals(previous?.RemoteThumbnailUrl, p.RemoteThumbnailUrl, StringComparison.Ordinal);
            var thumbnailName = iconChanged ? null : previous?.ThumbnailName;
            var param = new
            {
                id, p.Uuid, p.Name, p.Description, Privacy = (int)p.Privacy, p.AccountId, p.ChannelId, p.Url, p.CreatedAt, p.UpdatedAt, p.RemoteThumbnailUrl,
                thumbnailName, now,
            };
            if (id is null)
            {
                id = await c.ExecuteScalarAsync<long>("""
                    INSERT INTO video_playlists (uuid, name, description, privacy, type, account_id, channel_id, is_local, url, created_at, updated_at,
                      remote_thumbnail_url, refreshed_at)
                    VALUES (@Uuid, @Name, @Description, @Privacy, 1, @AccountId, @ChannelId, FALSE, @Url, @CreatedAt, @UpdatedAt, @RemoteThumbnailUrl, @now)
                    RETURNING id
                    """, param, t);
            }
            else
            {
                await c.ExecuteAsync("""
                    UPDATE video_playlists SET uuid = @Uuid, name = @Name, description = @Description, privacy = @Privacy, account_id = @AccountId,
                      channel_id = @ChannelId, updated_at = @UpdatedAt, remote_thumbnail_url = @RemoteThumbnailUrl, thumbnail_name = @thumbnailName,
                      refreshed_at = @now
                    WHERE id = @id
                    """, param, t);
                await c.ExecuteAsync("DELETE FROM video_playlist_elements WHERE playlist_id = @id", new { id }, t);
            }
            for (var i = 0; i < elements.Count; i++)
            {
                var e = elements[i];
                await c.ExecuteAsync("""
                    INSERT INTO video_playlist_elements (playlist_id, video_id, position, start_timestamp, stop_timestamp, url, created_at, updated_at)
                    VALUES (@id, @VideoId, @position, @StartTimestamp, @StopTimestamp, @Url, @now, @now)
                    """, new { id, e.VideoId, position = i + 1, e.StartTimestamp, e.StopTimestamp, e.Url, now }, t);
            }
            return new RemotePlaylistSaved(id.Value, p.RemoteThumbnailUrl is not null && thumbnailName is null, iconChanged ? previous?.ThumbnailName : null);
        }, ct);

    /// <summary>
    /// Points a remote playlist at <paramref name="thumbnailName"/>, our copy of its icon, if it still has the icon
    /// <paramref name="originUrl"/>. Returns whether it was stored and the copy it replaces (now unused).
    /// </summary>
    public Task<(bool Stored, string? Replaced)> SetThumbnailCopyAsync(long id, string originUrl, string thumbnailName, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var current = await c.QuerySingleOrDefaultAsync<PlaylistRow>(
                "SELECT id, uuid, name, url, thumbnail_name, remote_thumbnail_url FROM video_playlists WHERE id = @id AND is_local = FALSE", new { id }, t);
            if (current is null || !string.Equals(current.RemoteThumbnailUrl, originUrl, StringComparison.Ordinal))
            {
                return (false, (string?)null);
            }
            await c.ExecuteAsync("UPDATE video_playlists SET thumbnail_name = @thumbnailName WHERE id = @id", new { id, thumbnailName }, t);
            return (true, current.ThumbnailName);
        }, ct);

    /// <summary>
    /// Marks a remote playlist refreshed now if it was not since <paramref name="staleBefore"/> (ms), in the caller's
    /// transaction: true for the one caller who then queues its fetch, so that a playlist has at most one refresh queued.
    /// </summary>
    public async Task<bool> ClaimRefreshAsync(DbConnection c, DbTransaction t, long id, long staleBefore) =>
        await c.ExecuteAsync("""
            UPDATE video_playlists SET refreshed_at = @now
            WHERE id = @id AND is_local = FALSE AND COALESCE(refreshed_at, 0) < @staleBefore
            """, new { id, staleBefore, now = Now }, t) > 0;

    /// <summary>Deletes the remote playlist at <paramref name="url"/>; its icon copy (now unused) when it had one.</summary>
    public Task<(bool Deleted, string? ThumbnailName)> DeleteRemoteAsync(string url, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var thumbnail = await c.QuerySingleOrDefaultAsync<string?>("SELECT thumbnail_name FROM video_playlists WHERE url = @url AND is_local = FALSE", new { url }, t);
            var deleted = await c.ExecuteAsync("DELETE FROM video_playlists WHERE url = @url AND is_local = FALSE", new { url }, t) > 0;
            return (deleted, deleted ? thumbnail : null);
        }, ct);

    private static Task<int> TouchAsync(DbConnection c, DbTransaction t, long playlistId, long now) =>
        c.ExecuteAsync("UPDATE video_playlists SET updated_at = @now WHERE id = @playlistId", new { playlistId, now }, t);
}
