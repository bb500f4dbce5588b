using Dapper;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Core.Data.Repositories;

/// <summary>A local rendition file as the P2P side needs it: where it lives and which video it belongs to.</summary>
public sealed record SeedableFile
{
    public long FileId { get; init; }
    public long VideoId { get; init; }
    public required string VideoUuid { get; init; }
    public required string VideoName { get; init; }
    public VideoPrivacy Privacy { get; init; }
    public int Resolution { get; init; }
    public string? FileName { get; init; }
    public string? TorrentName { get; init; }
    public string? InfoHash { get; init; }

    /// <summary>One of <see cref="VideoFileKinds"/>: where the file lives and which URL seeds it.</summary>
    public string Kind { get; init; } = VideoFileKinds.Hls;

    /// <summary>Where the file lives: the seeder serves only files on the local disk (object storage is their web seed).</summary>
    public FileStorage Storage { get; init; }
}

/// <summary>An id a player announces for one HLS variant (see HlsSwarmIds).</summary>
public sealed record SwarmId(string Hash, string Scheme, int VariantIndex, int Resolution);

/// <summary>
/// Torrents and P2P swarm ids of local renditions. Only published local videos that are public or unlisted
/// (<see cref="VideoAccess.IsShared"/>) are seedable, tracked or have a torrent served: every query here says so.
/// </summary>
public sealed class TorrentRepository(Database database)
{
    // Public (1) and unlisted (2): VideoAccess.IsShared. The tracker also knows remote videos' swarms; we seed only ours.
    // Swarm ids exist for published videos; a file is also tracked while its video waits for its transcode when it is the
    // uploaded source (listed with its torrent until the transcode replaces it, as PeerTube does).
    private const string Tracked = "v.state = 1 AND v.privacy IN (1, 2)";
    private const string FileTracked = "(v.state = 1 OR (v.state = 2 AND f.kind = 'source')) AND v.privacy IN (1, 2)";
    private const string Shared = "v.is_local = TRUE AND " + FileTracked;

    private const string Select =
        "SELECT f.id AS file_id, f.video_id, v.uuid AS video_uuid, v.name AS video_name, v.privacy, f.resolution, f.file_name,"
        + " f.torrent_name, f.info_hash, f.kind, f.storage FROM video_files f JOIN videos v ON v.id = f.video_id WHERE " + Shared + " AND f.file_name IS NOT NULL";

    public Task<IReadOnlyList<SeedableFile>> FilesOfVideoAsync(long videoId, CancellationToken ct = default) =>
        database.ReadAsync(async c => (IReadOnlyList<SeedableFile>)(await c.QueryAsync<SeedableFile>(
            Select + " AND f.video_id = @videoId ORDER BY f.resolution DESC", new { videoId })).AsList(), ct);

    public Task<SeedableFile?> FindByInfoHashAsync(string infoHashHex, CancellationToken ct = default) =>
        database.ReadAsync(c => c.QueryFirstOrDefaultAsync<SeedableFile>(Select + " AND f.info_hash = @infoHashHex", new { infoHashHex }), ct);

    public Task<IReadOnlyList<SeedableFile>> AllWithTorrentsAsync(CancellationToken ct = default) =>
        database.ReadAsync(async c => (IReadOnlyList<SeedableFile>)(await c.QueryAsync<SeedableFile>(
            Select + " AND f.torrent_name IS NOT NULL ORDER BY f.id")).AsList(), ct);

    /// <summary>Published local videos with at least one rendition that has no torrent yet.</summary>
    public Task<IReadOnlyList<long>> VideosLackingTorrentsAsync(CancellationToken ct = default) =>
        database.ReadAsync(async c => (IReadOnlyList<long>)(await c.QueryAsync<long>(
            "SELECT DISTINCT s.video_id FROM (" + Select + " AND f.torrent_name IS NULL) s")).AsList(), ct);

    /// <summary>
    /// Records the torrent made from <paramref name="fileName"/>, only if the row still has that name and its video is
    /// still shared (a re-key or a privacy change meanwhile wins). False when nothing was recorded.
    /// </summary>
    /// <remarks>With <paramref name="storage"/>, only while the file still lives there (its web seed names that place).</remarks>
    public Task<bool> SetTorrentAsync(long fileId, string fileName, string torrentName, string infoHashHex, FileStorage? storage = null,
        CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) => await c.ExecuteAsync("""
            UPDATE video_files SET torrent_name = @torrentName, info_hash = @infoHashHex
            WHERE id = @fileId AND file_name = @fileName AND video_id IN (SELECT id FROM videos WHERE privacy IN (1, 2))
                AND (@anyStorage OR storage = @storage)
            """, new { fileId, fileName, torrentName, infoHashHex, anyStorage = storage is null, storage = (int)(storage ?? FileStorage.FileSystem) }, t) > 0, ct);

    /// <summary>Replaces the video's swarm ids.</summary>
    public Task ReplaceSwarmIdsAsync(long videoId, IReadOnlyList<SwarmId> ids, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            await c.ExecuteAsync("DELETE FROM video_swarm_ids WHERE video_id = @videoId", new { videoId }, t);
            foreach (var id in ids)
            {
                await c.ExecuteAsync("""
                    INSERT INTO video_swarm_ids (swarm_hash, video_id, scheme, variant_index, resolution)
                    VALUES (@Hash, @videoId, @Scheme, @VariantIndex, @Resolution)
                    """, new { id.Hash, videoId, id.Scheme, id.VariantIndex, id.Resolution }, t);
            }
        }, ct);

    /// <summary>PeerTube's p2pMediaLoaderInfohashes of the video, in master playlist order.</summary>
    public Task<IReadOnlyList<string>> SwarmIdsAsync(long videoId, CancellationToken ct = default) =>
        database.ReadAsync(async c => (IReadOnlyList<string>)(await c.QueryAsync<string>(
            "SELECT swarm_hash FROM video_swarm_ids WHERE video_id = @videoId AND scheme = 'peertube' ORDER BY variant_index", new { videoId })).AsList(), ct);

    /// <summary>Is this hex id a torrent info hash or an HLS swarm id of a published, public or unlisted video?</summary>
    public Task<bool> IsKnownAsync(string hex, CancellationToken ct = default) =>
        database.ReadAsync(async c => await c.ExecuteScalarAsync<long>(
            "SELECT (SELECT COUNT(*) FROM video_files f JOIN videos v ON v.id = f.video_id WHERE f.info_hash = @hex AND " + FileTracked + ")"
            + " + (SELECT COUNT(*) FROM video_swarm_ids s JOIN videos v ON v.id = s.video_id WHERE s.swarm_hash = @hex AND " + Tracked + ")",
            new { hex }) > 0, ct);

    /// <summary>Is this .torrent file one of a published, public or unlisted local video (the only ones served)?</summary>
    public Task<bool> IsServedTorrentAsync(string torrentName, CancellationToken ct = default) =>
        database.ReadAsync(async c => await c.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM video_files f JOIN videos v ON v.id = f.video_id WHERE f.torrent_name = @torrentName AND " + Shared,
            new { torrentName }) > 0, ct);

    /// <summary>Every info hash and swarm id the video has now, whatever its privacy: what to revoke when it stops being shared.</summary>
    public Task<IReadOnlyList<string>> HashesOfVideoAsync(long videoId, CancellationToken ct = default) =>
        database.ReadAsync(async c => (IReadOnlyList<string>)(await c.QueryAsync<string>("""
            SELECT info_hash FROM video_files WHERE video_id = @videoId AND info_hash IS NOT NULL
            UNION SELECT swarm_hash FROM video_swarm_ids WHERE video_id = @videoId
            """, new { videoId })).AsList(), ct);

    /// <summary>Published local videos that are not shared but still have a torrent: a re-key that never ran (crash).</summary>
    public Task<IReadOnlyList<long>> UnsharedVideosWithTorrentsAsync(CancellationToken ct = default) =>
        database.ReadAsync(async c => (IReadOnlyList<long>)(await c.QueryAsync<long>("""
            SELECT DISTINCT v.id FROM videos v JOIN video_files f ON f.video_id = v.id
            WHERE v.is_local = TRUE AND v.state = 1 AND v.privacy NOT IN (1, 2) AND f.info_hash IS NOT NULL
            """)).AsList(), ct);
}
