using System.Data.Common;
using Dapper;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Jobs;

namespace VideoPlatform.Core.Data.Repositories;

/// <summary>A finished transcode as stored: the playlist, one file row per rendition, the images and the duration.</summary>
public sealed record PublishedMedia(
    string MasterName,
    string SegmentsSha256Name,
    string ThumbnailName,
    string PreviewName,
    int DurationSeconds,
    IReadOnlyList<VideoFileRow> Files);

/// <summary>New names of a video's media after a re-key: the playlist's files and each rendition row's.</summary>
public sealed record RekeyedMedia(string MasterName, string? SegmentsSha256Name, IReadOnlyList<RekeyedFile> Files);

public sealed record RekeyedFile(long FileId, string? FileName, string? PlaylistName);

/// <summary>Where a local video's kept original upload lives, and its file name there (null: found on the disk by the video's uuid).</summary>
public sealed record StoredOriginal
{
    public FileStorage Storage { get; init; }
    public string? Name { get; init; }
}

/// <summary>The media side of a video: publishing a transcode, its failure, and the jobs working on it.</summary>
public sealed class VideoMediaRepository(Database database, TimeProvider clock)
{
    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Replaces the playlist and file rows and moves the video to Published, in one transaction, only if it still waits
    /// for this transcode (state 2): a job taken up again after a crash never publishes twice. False when nothing changed.
    /// <paramref name="onPublished"/> runs in the same transaction (the outbox: what must follow publication is queued
    /// if and only if the publication commits).
    /// </summary>
    public Task<bool> PublishAsync(long videoId, PublishedMedia media, Func<DbConnection, DbTransaction, Task> onPublished, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var now = Now;
            var updated = await c.ExecuteAsync("""
                UPDATE videos SET state = @published, error_message = NULL, transcode_progress = 100, duration = @duration,
                    thumbnail_name = @thumbnail, preview_name = @preview, published_at = @now, updated_at = @now
                WHERE id = @videoId AND state = @toTranscode
                """, new
            {
                videoId,
                published = (int)VideoState.Published,
                toTranscode = (int)VideoState.ToTranscode,
                duration = media.DurationSeconds,
                thumbnail = media.ThumbnailName,
                preview = media.PreviewName,
                now,
            }, t);
            if (updated == 0)
            {
                return false;
            }
            await c.ExecuteAsync("DELETE FROM video_files WHERE video_id = @videoId", new { videoId }, t);
            await c.ExecuteAsync("DELETE FROM video_streaming_playlists WHERE video_id = @videoId", new { videoId }, t);
            await c.ExecuteAsync("""
                INSERT INTO video_streaming_playlists (video_id, master_name, segments_sha256_name, created_at)
                VALUES (@videoId, @master, @sha, @now)
                """, new { videoId, master = media.MasterName, sha = media.SegmentsSha256Name, now }, t);
            foreach (var f in media.Files)
            {
                await c.ExecuteAsync("""
                    INSERT INTO video_files (video_id, resolution, width, height, fps, size, bitrate, file_name, playlist_name, kind, has_audio, has_video, created_at)
                    VALUES (@videoId, @Resolution, @Width, @Height, @Fps, @Size, @Bitrate, @FileName, @PlaylistName, @Kind, @HasAudio, @HasVideo, @now)
                    """, new { videoId, f.Resolution, f.Width, f.Height, f.Fps, f.Size, f.Bitrate, f.FileName, f.PlaylistName, f.Kind, f.HasAudio, f.HasVideo, now }, t);
            }
            await onPublished(c, t);
            return true;
        }, ct);

    /// <summary>
    /// The uploaded original as a file row of kind <see cref="VideoFileKinds.Source"/>, written in the upload's transaction:
    /// PeerTube lists the original in <c>files[]</c> (with its torrent once made) until the transcode replaces it.
    /// </summary>
    public static Task AddSourceFileAsync(DbConnection c, DbTransaction t, long videoId, VideoFileRow f) =>
        c.ExecuteAsync("""
            INSERT INTO video_files (video_id, resolution, width, height, fps, size, bitrate, file_name, kind, has_audio, has_video, created_at)
            VALUES (@videoId, @Resolution, @Width, @Height, @Fps, @Size, @Bitrate, @FileName, @Kind, @HasAudio, @HasVideo, @CreatedAt)
            """, new { videoId, f.Resolution, f.Width, f.Height, f.Fps, f.Size, f.Bitrate, f.FileName, Kind = VideoFileKinds.Source, f.HasAudio, f.HasVideo, f.CreatedAt }, t);

    /// <summary>
    /// Switches a published video to re-keyed media (same renditions under new names) in one transaction, only if its
    /// playlist still is <paramref name="expectedMasterName"/> (a transcode or another re-key did not win meanwhile).
    /// Torrents, info hashes and swarm ids of the old names are cleared with it. <paramref name="onRekeyed"/> runs in the
    /// same transaction (e.g. queues the new torrents). False when nothing changed.
    /// </summary>
    public Task<bool> RekeyAsync(long videoId, string expectedMasterName, RekeyedMedia media, Func<DbConnection, DbTransaction, Task> onRekeyed,
        CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var updated = await c.ExecuteAsync("""
                UPDATE video_streaming_playlists SET master_name = @master, segments_sha256_name = @sha
                WHERE video_id = @videoId AND master_name = @expectedMasterName
                """, new { videoId, expectedMasterName, master = media.MasterName, sha = media.SegmentsSha256Name }, t);
            if (updated == 0)
            {
                return false;
            }
            foreach (var f in media.Files)
            {
                await c.ExecuteAsync("""
                    UPDATE video_files SET file_name = @FileName, playlist_name = @PlaylistName, torrent_name = NULL, info_hash = NULL
                    WHERE id = @FileId AND video_id = @videoId
                    """, new { videoId, f.FileId, f.FileName, f.PlaylistName }, t);
            }
            await c.ExecuteAsync("DELETE FROM video_swarm_ids WHERE video_id = @videoId", new { videoId }, t);
            await c.ExecuteAsync("UPDATE videos SET updated_at = @now WHERE id = @videoId", new { videoId, now = Now }, t);
            await onRekeyed(c, t);
            return true;
        }, ct);

    /// <summary>
    /// Switches where a published video's media lives (its playlist row and every HLS and web-video file row), in one
    /// transaction, only if its playlist still is <paramref name="expectedMasterName"/> (a re-key or a new transcode did
    /// not win meanwhile) and it is not there already. The files' torrents are cleared with it (their web seeds named
    /// the old place; the info hashes stay, the content is the same). False when nothing changed.
    /// </summary>
    /// <para>With <paramref name="originalName"/>, the kept original (named so in its new place) switches in the same transaction.</para>
    public Task<bool> SwitchStorageAsync(long videoId, string expectedMasterName, FileStorage storage, string? originalName = null,
        CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var updated = await c.ExecuteAsync("""
                UPDATE video_streaming_playlists SET storage = @storage
                WHERE video_id = @videoId AND master_name = @expectedMasterName AND storage <> @storage
                """, new { videoId, expectedMasterName, storage = (int)storage }, t);
            if (updated == 0)
            {
                return false;
            }
            await c.ExecuteAsync("""
                UPDATE video_files SET storage = @storage, torrent_name = NULL
                WHERE video_id = @videoId AND kind IN (@hls, @webVideo)
                """, new { videoId, storage = (int)storage, hls = VideoFileKinds.Hls, webVideo = VideoFileKinds.WebVideo }, t);
            await c.ExecuteAsync("UPDATE videos SET updated_at = @now WHERE id = @videoId", new { videoId, now = Now }, t);
            if (originalName is not null)
            {
                await SwitchOriginalAsync(c, t, videoId, storage, originalName);
            }
            return true;
        }, ct);

    /// <summary>Where a local video's kept original lives and its name there (the name is only recorded for object storage).</summary>
    public Task<StoredOriginal> OriginalAsync(long videoId, CancellationToken ct = default) =>
        database.ReadAsync(async c => await c.QuerySingleOrDefaultAsync<StoredOriginal>(
            "SELECT original_storage AS Storage, original_name AS Name FROM videos WHERE id = @videoId", new { videoId })
            ?? new StoredOriginal(), ct);

    /// <summary>
    /// Switches only the kept original to <paramref name="storage"/> (its media already there); false when it already was.
    /// </summary>
    public Task<bool> SwitchOriginalStorageAsync(long videoId, FileStorage storage, string originalName, CancellationToken ct = default) =>
        database.WriteAsync((c, t) => SwitchOriginalAsync(c, t, videoId, storage, originalName), ct);

    private static async Task<bool> SwitchOriginalAsync(DbConnection c, DbTransaction t, long videoId, FileStorage storage, string originalName) =>
        await c.ExecuteAsync("""
            UPDATE videos SET original_storage = @storage, original_name = @originalName WHERE id = @videoId AND original_storage <> @storage
            """, new { videoId, storage = (int)storage, originalName }, t) > 0;

    /// <summary>Records where an administrator wants these videos' media (an explicit storage move), before the move is queued.</summary>
    public Task SetWantedStorageAsync(IReadOnlyCollection<long> videoIds, FileStorage storage, CancellationToken ct = default) =>
        database.WriteAsync((c, t) => c.ExecuteAsync(
            "UPDATE videos SET wanted_storage = @storage WHERE id = @videoId",
            videoIds.Select(videoId => new { videoId, storage = (int)storage }), t), ct);

    /// <summary>Where an administrator wants the video's media; null when they never moved it (the instance's default).</summary>
    public Task<FileStorage?> WantedStorageAsync(long videoId, CancellationToken ct = default) =>
        database.ReadAsync(async c => (FileStorage?)await c.QuerySingleOrDefaultAsync<int?>(
            "SELECT wanted_storage FROM videos WHERE id = @videoId", new { videoId }), ct);

    /// <summary>Published local videos whose media lives in <paramref name="storage"/> (the admin's bulk move).</summary>
    public Task<IReadOnlyList<long>> PublishedVideosInStorageAsync(FileStorage storage, CancellationToken ct = default) =>
        database.ReadAsync(async c => (IReadOnlyList<long>)(await c.QueryAsync<long>("""
            SELECT v.id FROM videos v JOIN video_streaming_playlists p ON p.video_id = v.id
            WHERE v.is_local = TRUE AND v.state = @published AND p.master_name IS NOT NULL AND p.storage = @storage ORDER BY v.id
            """, new { storage = (int)storage, published = (int)VideoState.Published })).AsList(), ct);

    /// <summary>
    /// An administrator's new transcode of a published local video (PeerTube's <c>POST /videos/{id}/transcoding</c>): back
    /// to state 2 and <paramref name="enqueue"/> (the transcode job) in one transaction, only if it still is published and
    /// not a live. False when it was not (already transcoding, or changed meanwhile).
    /// </summary>
    public Task<bool> RequestTranscodeAsync(long videoId, Func<DbConnection, DbTransaction, Task> enqueue, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var updated = await c.ExecuteAsync("""
                UPDATE videos SET state = @toTranscode, transcode_progress = 0, updated_at = @now
                WHERE id = @videoId AND state = @published AND is_local = TRUE AND is_live = FALSE
                """, new { videoId, toTranscode = (int)VideoState.ToTranscode, published = (int)VideoState.Published, now = Now }, t);
            if (updated == 0)
            {
                return false;
            }
            await enqueue(c, t);
            return true;
        }, ct);

    /// <summary>A transcode that cannot succeed: state 7 with the reason the uploader reads.</summary>
    public Task MarkFailedAsync(long videoId, string error, CancellationToken ct = default) =>
        database.WriteAsync((c, t) => c.ExecuteAsync("""
            UPDATE videos SET state = @failed, error_message = @error, updated_at = @now WHERE id = @videoId AND state = @toTranscode
            """, new { videoId, error, failed = (int)VideoState.TranscodingFailed, toTranscode = (int)VideoState.ToTranscode, now = Now }, t), ct);

    /// <summary>Jobs for one video, newest first, found by the ordering key they were queued with.</summary>
    public Task<IReadOnlyList<JobRow>> JobsAsync(string orderingKey, CancellationToken ct = default) =>
        database.ReadAsync(async c => (IReadOnlyList<JobRow>)(await c.QueryAsync<JobRow>(
            "SELECT * FROM jobs WHERE ordering_key = @orderingKey ORDER BY id DESC LIMIT 20", new { orderingKey })).AsList(), ct);

    /// <summary>
    /// Replaces a remote video's playlist and file rows with its origin's URLs (playlist, files, torrents, magnets), inside
    /// the caller's transaction.
    /// </summary>
    public async Task ReplaceRemoteAsync(DbConnection c, DbTransaction t, long videoId, StreamingPlaylistRow? playlist, IEnumerable<VideoFileRow> files)
    {
        await c.ExecuteAsync("DELETE FROM video_files WHERE video_id = @videoId", new { videoId }, t);
        await c.ExecuteAsync("DELETE FROM video_streaming_playlists WHERE video_id = @videoId", new { videoId }, t);
        if (playlist is not null)
        {
            await c.ExecuteAsync("""
                INSERT INTO video_streaming_playlists (video_id, remote_playlist_url, remote_segments_sha256_url, created_at)
                VALUES (@videoId, @RemotePlaylistUrl, @RemoteSegmentsSha256Url, @CreatedAt)
                """, new { videoId, playlist.RemotePlaylistUrl, playlist.RemoteSegmentsSha256Url, playlist.CreatedAt }, t);
        }
        foreach (var file in files)
        {
            await c.ExecuteAsync("""
                INSERT INTO video_files (video_id, resolution, width, height, fps, size, info_hash, remote_file_url, remote_torrent_url,
                    remote_magnet_uri, has_audio, has_video, created_at)
                VALUES (@videoId, @Resolution, @Width, @Height, @Fps, @Size, @InfoHash, @RemoteFileUrl, @RemoteTorrentUrl, @RemoteMagnetUri,
                    @HasAudio, @HasVideo, @CreatedAt)
                """, new
            {
                videoId, file.Resolution, file.Width, file.Height, file.Fps, file.Size, file.InfoHash, file.RemoteFileUrl, file.RemoteTorrentUrl,
                file.RemoteMagnetUri, file.HasAudio, file.HasVideo, file.CreatedAt,
            }, t);
        }
    }
}
