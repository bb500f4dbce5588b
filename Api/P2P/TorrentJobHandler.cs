using System.Globalization;
using Microsoft.Extensions.Options;
using VideoPlatform.Api.Videos;
using VideoPlatform.Api.Accounts;
using VideoPlatform.Api.Auth;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Videos;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Core.Storage;
using VideoPlatform.P2P.Metainfo;

namespace VideoPlatform.Api.P2P;

/// <summary>Payload of the <c>create-torrents</c> job.</summary>
public sealed record CreateTorrentsJob(long VideoId) : IJobPayload
{
    public static string JobType => "create-torrents";

    /// <summary>The ordering key keeps two jobs of one video from hashing the same files at once in two processes.</summary>
    public static EnqueueOptions Options(long videoId) =>
        new() { MaxAttempts = 8, OrderingKey = "torrents:" + videoId.ToString(CultureInfo.InvariantCulture) };
}

/// <summary>
/// Job <c>create-torrents</c>: a .torrent per rendition file (web seed = the file's HTTP URL, both trackers) and the
/// HLS swarm ids of the video, then tells the change listeners that the files changed. Runs after publication, hashing each file by streaming it from the store; a video
/// that lacks them (older media, a failed attempt) gets them from the start-up sweep.
/// </summary>
public sealed partial class TorrentJobHandler(
    TorrentRepository torrents,
    VideoRepository videos,
    MediaStore store,
    VideoMediaFiles media,
    VideoFileFormatter files,
    TrackedContentCatalog catalog,
    // The seeder of this process, when it has the P2P role (none otherwise).
    IEnumerable<VideoPlatform.P2P.PeerWire.PeerWireSeeder> seeders,
    IOptions<InstanceOptions> instance,
    VideoChangeNotifier notifier,
    HlsSwarms swarms,
    TimeProvider clock,
    ILogger<TorrentJobHandler> logger) : IJobHandler<CreateTorrentsJob>
{
    public async Task HandleAsync(CreateTorrentsJob payload, JobContext context, CancellationToken ct)
    {
        var videoId = payload.VideoId;
        var video = await videos.FindAsync(videoId.ToString(CultureInfo.InvariantCulture), ct);
        // Published videos, and a video waiting for its transcode (its source file is listed until then, as PeerTube's);
        // private, internal and password videos have no torrent (their files are re-keyed if they become shared again).
        if (video is null || !video.Video.IsLocal || video.Video.State is not (VideoState.Published or VideoState.ToTranscode)
            || !VideoAccess.IsShared(video.Video.Privacy))
        {
            return;
        }
        var baseUrl = instance.Value.PublicUrl;
        var trackers = files.TrackerUrls();
        var list = await torrents.FilesOfVideoAsync(videoId, ct);
        for (var i = 0; i < list.Count; i++)
        {
            var file = list[i];
            if (file.TorrentName is not null)
            {
                continue;
            }
            // Read from wherever the file lives (local disk, or object storage after the move-storage job).
            if (await media.OpenAsync(video.Video, file.Kind, file.FileName!, file.Storage, ct) is not { } opened)
            {
                // The source, replaced by the transcode's files while this job waited.
                continue;
            }
            await using var content = opened.Content;
            var torrent = await TorrentCreator.CreateAsync(content, opened.Length, new TorrentCreateOptions
            {
                Name = file.FileName!,
                WebSocketTrackerUrl = trackers[0],
                HttpTrackerUrl = trackers[1],
                // The file's HTTP URL: the instance's, or the bucket's (CDN's) once in object storage.
                WebSeeds = [media.FileUrl(video.Video, file.Kind, file.FileName!, file.Storage)],
                Comment = $"{video.Video.Name} {file.Resolution}p — {baseUrl}{MediaUrls.Embed(video.Video.Uuid)}",
                CreationDate = clock.GetUtcNow(),
            }, ct);
            // A fresh name per torrent, as every media URL: immutable and cacheable forever.
            var name = file.Kind == VideoFileKinds.Hls ? $"{Guid.NewGuid():D}-{file.Resolution}-hls.torrent" : $"{Guid.NewGuid():D}-{file.Resolution}.torrent";
            var target = store.TorrentPath(name);
            await store.WriteAsync(target, torrent.TorrentFile, ct);
            if (!await torrents.SetTorrentAsync(file.FileId, file.FileName!, name, torrent.InfoHash.ToHex(), file.Storage, ct))
            {
                // Re-keyed, made private, replaced by its transcode or moved to another store while we hashed: this
                // torrent names a file no longer served there.
                store.Delete(target);
            }
            await context.ReportProgressAsync((i + 1) * 100 / list.Count);
        }
        await swarms.RegisterAsync(video, ct);
        catalog.Forget();
        // In a single-process instance the seeder starts serving at once; a separate seeder finds them at its next period.
        foreach (var seeder in seeders)
        {
            seeder.AnnounceNow();
        }
        LogCreated(logger, video.Video.Uuid, list.Count);
        // The video is complete now: federation sends its Create, or an Update with the new files.
        await notifier.FilesChangedAsync(videoId, ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Torrents created for video {Uuid} ({Count} renditions)")]
    private static partial void LogCreated(ILogger logger, string uuid, int count);
}

/// <summary>
/// Queues torrent creation when a video is published, and at start for videos that still lack torrents (and a re-key
/// for private videos that still have some). A privacy change is handled by the media re-key (MediaFilesListener).
/// </summary>
public sealed partial class TorrentScheduler(
    JobQueue queue,
    TorrentRepository torrents,
    VideoRepository videos,
    MediaStore store,
    P2PRevocation revocation,
    Core.Readiness readiness,
    ILogger<TorrentScheduler> logger) : BackgroundService, IVideoChangeListener
{
    /// <summary>
    /// Safe to run twice (a retried publication job, the start-up sweep): the job skips files that have a torrent, and
    /// the ordering key keeps two jobs of one video from hashing the same files at once in two processes.
    /// </summary>
    public Task OnPublishedAsync(long videoId, CancellationToken ct) => queue.EnqueueAsync(new CreateTorrentsJob(videoId), CreateTorrentsJob.Options(videoId), ct);

    /// <summary>Files moved to another store lost their torrents (web seeds at the old place): new ones are made, same info hashes.</summary>
    public Task OnStorageChangedAsync(long videoId, CancellationToken ct) => OnPublishedAsync(videoId, ct);

    /// <summary>A deleted video leaves the swarm at once: its torrents are removed and its peers disconnected.</summary>
    public async Task OnDeletingAsync(VideoWithOwners video, CancellationToken ct)
    {
        var hashes = await revocation.HashesOfAsync(video.Video.Id, ct);
        foreach (var file in await videos.FilesAsync(video.Video.Id, ct))
        {
            if (file.TorrentName is not null)
            {
                store.Delete(store.TorrentPath(file.TorrentName));
            }
        }
        revocation.Revoke(hashes);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await readiness.WaitAsync(stoppingToken);
        try
        {
            foreach (var videoId in await torrents.VideosLackingTorrentsAsync(stoppingToken))
            {
                await OnPublishedAsync(videoId, stoppingToken);
            }
            // A video made private whose re-key was never queued (a crash right after the change): re-key it now.
            foreach (var videoId in await torrents.UnsharedVideosWithTorrentsAsync(stoppingToken))
            {
                await RekeyMediaJob.EnqueueAsync(queue, videoId, stoppingToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSweepFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Start-up sweep for missing torrents failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception ex);
}
