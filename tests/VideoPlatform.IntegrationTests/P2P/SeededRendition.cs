using Dapper;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Core.Data;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Storage;
using VideoPlatform.Core.Videos;
using VideoPlatform.IntegrationTests.Infrastructure;
using VideoPlatform.P2P.Metainfo;

namespace VideoPlatform.IntegrationTests.P2P;

/// <summary>A published local video whose one rendition is given bytes (BitTorrent does not care what they are), seeded by the instance.</summary>
internal static class SeededRendition
{
    /// <summary>
    /// Seeds the video, announces its publication, then waits (at most 60 s) for its torrent and for the instance's
    /// seeder to announce it to the tracker. Returns the video and its torrent as stored.
    /// </summary>
    public static async Task<(VideoRow Video, TorrentMetainfo Torrent)> PublishAsync(TestInstance instance, string channel, string name, byte[] content)
    {
        var video = await SeedAsync(instance, channel, name, content);
        await instance.Services.GetRequiredService<VideoChangeNotifier>().PublishedAsync(video.Id, CancellationToken.None);

        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        var files = instance.Services.GetRequiredService<VideoRepository>();
        string? torrentName;
        while ((torrentName = (await files.FilesAsync(video.Id)).Single().TorrentName) is null)
        {
            Assert.That(DateTimeOffset.UtcNow, Is.LessThan(deadline), "torrent job did not run");
            await Task.Delay(100);
        }
        var torrent = TorrentMetainfo.Parse(await File.ReadAllBytesAsync(instance.Services.GetRequiredService<MediaStore>().TorrentPath(torrentName)));
        var registry = instance.Services.GetRequiredService<VideoPlatform.P2P.Tracker.SwarmRegistry>();
        while (registry.Scrape(torrent.InfoHash).Complete == 0)
        {
            Assert.That(DateTimeOffset.UtcNow, Is.LessThan(deadline), "the seeder did not announce the new torrent");
            await Task.Delay(100);
        }
        return (video, torrent);
    }

    /// <summary>The video with its one 720p rendition (file, master playlist, rows), not yet announced.</summary>
    private static async Task<VideoRow> SeedAsync(TestInstance instance, string channel, string name, byte[] content)
    {
        var video = await instance.SeedVideoAsync(channel, name);
        var store = instance.Services.GetRequiredService<MediaStore>();
        var id = Guid.NewGuid().ToString("D");
        var folder = store.HlsFolder(video.Uuid, isPrivate: false);
        Directory.CreateDirectory(folder);
        await File.WriteAllBytesAsync(Path.Combine(folder, $"{id}-720-fragmented.mp4"), content);
        await File.WriteAllTextAsync(Path.Combine(folder, $"{id}-master.m3u8"),
            $"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000000,RESOLUTION=1280x720\n{id}-720.m3u8\n");
        var db = instance.Services.GetRequiredService<Database>();
        await db.WriteAsync(async (c, t) =>
        {
            await c.ExecuteAsync("INSERT INTO video_streaming_playlists (video_id, master_name, created_at) VALUES (@v, @m, 0)",
                new { v = video.Id, m = $"{id}-master.m3u8" }, t);
            await c.ExecuteAsync("""
                INSERT INTO video_files (video_id, resolution, width, height, fps, size, file_name, playlist_name, created_at)
                VALUES (@v, 720, 1280, 720, 30, @size, @f, @p, 0)
                """, new { v = video.Id, size = (long)content.Length, f = $"{id}-720-fragmented.mp4", p = $"{id}-720.m3u8" }, t);
        });
        return video;
    }
}
