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
}

/// <summary>Torrents and P2P swarm ids of local renditions.</summary>
/// <summary>An id a player announces for one HLS variant (see HlsSwarmIds).</summary>
public sealed record SwarmId(string Hash, string Scheme, int VariantIndex, int Resolution);

public sealed class TorrentRepository(Database database)
{
    private const string Select = """
        SELECT f.id AS file_id, f.video_id, v.uuid AS video_uuid, v.name AS video_name, v.privacy, f.resolution, f.file_name,
               f.torrent_name, f.info_hash, f.kind
        FROM video_files f JOIN videos v ON v.id = f.video_id
        WHERE v.is_local = TRUE AND (v.state = 1 OR (v.state = 2 AND f.kind = 'source')) AND f.file_name IS NOT NULL
        """;

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

    /// <summary>False when the file row is gone (a source replaced by its transcode meanwhile): the torrent belongs to nothing.</summary>
    public Task<bool> SetTorrentAsync(long fileId, string torrentName, string infoHashHex, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) => await c.ExecuteAsync("UPDATE video_files SET torrent_name = @torrentName, info_hash = @infoHashHex WHERE id = @fileId",
            new { fileId, torrentName, infoHashHex }, t) == 1, ct);

    public Task ClearTorrentAsync(long fileId, CancellationToken ct = default) =>
        database.WriteAsync((c, t) => c.ExecuteAsync("UPDATE video_files SET torrent_name = NULL, info_hash = NULL WHERE id = @fileId",
            new { fileId }, t), ct);

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

    /// <summary>Is this hex id a torrent info hash or an HLS swarm id of a published local video?</summary>
    public Task<bool> IsKnownAsync(string hex, CancellationToken ct = default) =>
        database.ReadAsync(async c => await c.ExecuteScalarAsync<long>("""
            SELECT (SELECT COUNT(*) FROM video_files f JOIN videos v ON v.id = f.video_id WHERE f.info_hash = @hex AND v.state = 1)
                 + (SELECT COUNT(*) FROM video_swarm_ids s JOIN videos v ON v.id = s.video_id WHERE s.swarm_hash = @hex AND v.state = 1)
            """, new { hex }) > 0, ct);
}
