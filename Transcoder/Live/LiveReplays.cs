using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Core.Storage;
using VideoPlatform.Core.Videos;
using VideoPlatform.Transcoder.Ffmpeg;
using VideoPlatform.Transcoder.Hls;
using VideoPlatform.Transcoder.Planning;

namespace VideoPlatform.Transcoder.Live;

/// <summary>
/// A session kept as a lesson, without re-encoding: each rung's init section and segments, concatenated, are one
/// fragmented MP4 (the VOD layout of DESIGN.md), its playlist addresses the segments by byte range, and the video is
/// published as a transcode publishes (file rows, the video-published outbox: torrents, federation, listings).
/// </summary>
public sealed partial class LiveReplays(
    Database database,
    VideoRepository videos,
    VideoMediaRepository media,
    LiveRepository lives,
    JobQueue queue,
    MediaStore store,
    IOptions<InstanceOptions> instance,
    TimeProvider clock,
    ILogger<LiveReplays> logger)
{
    public async Task<long?> SaveAsync(LiveRow live, long sessionId, LiveRecording recording, CancellationToken ct)
    {
        if (recording.Rungs.Count == 0 || recording.Segments.Any(s => s.Count == 0))
        {
            return null;
        }
        var source = await videos.FindAsync(live.VideoId.ToString(CultureInfo.InvariantCulture), ct);
        if (source is null)
        {
            return null;
        }
        var v = source.Video;
        var uuid = Guid.NewGuid();
        var uuidText = uuid.ToString("D");
        var now = clock.GetUtcNow();
        var name = $"{v.Name} ({now.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)})";
        if (name.Length > 120)
        {
            name = name[..120];
        }
        var row = v with
        {
            Id = 0,
            Uuid = uuidText,
            ShortUuid = ShortUuid.FromUuid(uuid),
            Name = name,
            Privacy = live.ReplayPrivacy ?? v.Privacy,
            State = VideoState.ToTranscode,
            IsLive = false,
            Views = 0,
            Likes = 0,
            Dislikes = 0,
            Url = LocalUrls.Video(instance.Value.PublicUrl, uuidText),
            ThumbnailName = null,
            PreviewName = null,
            SearchText = SearchText.ForVideo(name, v.Description, v.TagList()),
            PublishedAt = now.ToUnixTimeMilliseconds(),
            CreatedAt = now.ToUnixTimeMilliseconds(),
            UpdatedAt = now.ToUnixTimeMilliseconds(),
        };
        var replayId = await database.WriteAsync((c, t) => videos.CreateAsync(c, t, row), ct);
        await lives.SetReplayAsync(sessionId, replayId, ct);

        var id = Guid.NewGuid().ToString("N");
        var work = store.CreateWorkFolder("replay-" + id);
        try
        {
            var settings = new TranscodeSettings();
            var hashes = new List<KeyValuePair<string, IReadOnlyList<KeyValuePair<ByteRange, string>>>>();
            var files = new List<VideoFileRow>();
            var master = await File.ReadAllTextAsync(Path.Combine(recording.Folder, LiveLadder.MasterName), ct);
            var duration = recording.Segments[0].Sum(s => s.Duration);
            foreach (var rung in recording.Rungs)
            {
                var playlistName = FfmpegArguments.PlaylistName(id, rung.Height);
                var fragmentedName = FfmpegArguments.FragmentedName(id, rung.Height);
                var fragmentedPath = Path.Combine(work, fragmentedName);
                var ranges = new List<(LiveSegment Segment, ByteRange Range)>();
                long initLength;
                await using (var output = File.Create(fragmentedPath))
                {
                    initLength = await AppendAsync(output, Path.Combine(recording.Folder, $"{rung.Index.ToString(CultureInfo.InvariantCulture)}-init.mp4"), ct);
                    foreach (var segment in recording.Segments[rung.Index])
                    {
                        var offset = output.Position;
                        var length = await AppendAsync(output, Path.Combine(recording.Folder, segment.Name), ct);
                        ranges.Add((segment, new ByteRange(offset, length)));
                    }
                }
                await File.WriteAllTextAsync(Path.Combine(work, playlistName), VodPlaylist(fragmentedName, initLength, ranges), ct);
                hashes.Add(new(fragmentedName, await SegmentsSha256.HashRangesAsync(fragmentedPath, ranges.Select(r => r.Range), ct)));
                master = master.Replace("\n" + LiveLadder.PlaylistName(rung.Index) + "\n", "\n" + playlistName + "\n", StringComparison.Ordinal)
                    .Replace("URI=\"" + LiveLadder.PlaylistName(rung.Index) + "\"", "URI=\"" + playlistName + "\"", StringComparison.Ordinal);
                var size = new FileInfo(fragmentedPath).Length;
                files.Add(new VideoFileRow
                {
                    Resolution = rung.Height,
                    Width = rung.Width,
                    Height = rung.Height,
                    Fps = 0,
                    Size = size,
                    Bitrate = duration > 0 ? (long)(size * 8 / duration) : 0,
                    FileName = fragmentedName,
                    PlaylistName = playlistName,
                    Kind = VideoFileKinds.Hls,
                    // The audio is its own rendition (height 0) when the live had sound, as the VOD ladder's separate audio.
                    HasAudio = rung.Height == 0 || (recording.HasAudio && recording.Rungs.All(r => r.Height > 0)),
                    HasVideo = rung.Height > 0,
                });
            }
            var masterName = $"{id}-master.m3u8";
            var sha256Name = $"{id}-segments-sha256.json";
            await File.WriteAllTextAsync(Path.Combine(work, masterName), master, ct);
            await File.WriteAllTextAsync(Path.Combine(work, sha256Name), SegmentsSha256.Serialize(hashes), ct);

            var thumbnail = $"{id}-thumbnail.jpg";
            var preview = $"{id}-preview.jpg";
            await new FfmpegRunner(logger, clock).RunAsync(settings.FfmpegPath,
                FfmpegArguments.Images(Path.Combine(work, files[0].FileName!), true, duration / 2, thumbnail, preview, settings),
                work, TimeSpan.Zero, null, TimeSpan.FromMinutes(2), settings.CancelGracePeriod, ct);
            store.PublishFile(Path.Combine(work, thumbnail), store.ThumbnailPath(thumbnail));
            store.PublishFile(Path.Combine(work, preview), store.PreviewPath(preview));
            store.PublishFolder(work, store.HlsFolder(uuidText, MediaStore.IsPrivateMedia(row.Privacy)));
            await media.PublishAsync(replayId, new PublishedMedia(masterName, sha256Name, thumbnail, preview, (int)Math.Round(duration), files),
                (c, t) => VideoPublishedJob.EnqueueAsync(queue, c, t, replayId), ct);
            queue.Signal();
            LogSaved(logger, live.VideoId, replayId, duration);
            return replayId;
        }
        catch (Exception e) when (e is IOException or FfmpegException or UnauthorizedAccessException)
        {
            LogFailed(logger, live.VideoId, e);
            await media.MarkFailedAsync(replayId, "The replay of the live could not be made: " + e.Message, CancellationToken.None);
            return replayId;
        }
        finally
        {
            store.Delete(work);
        }
    }

    /// <summary>
    /// A live's thumbnail and preview from its first segment (the top rung's init section and segment 0), replacing the
    /// previous session's: a poster for the player and the icon followers require.
    /// </summary>
    public async Task MakeImagesAsync(long videoId, string liveFolder, CancellationToken ct)
    {
        var id = Guid.NewGuid().ToString("N");
        var work = store.CreateWorkFolder("live-images-" + id);
        try
        {
            var clip = Path.Combine(work, "first.mp4");
            await using (var output = File.Create(clip))
            {
                await AppendAsync(output, Path.Combine(liveFolder, "0-init.mp4"), ct);
                var first = Directory.EnumerateFiles(liveFolder, "0-0*.mp4").Order(StringComparer.Ordinal).First();
                await AppendAsync(output, first, ct);
            }
            var settings = new TranscodeSettings();
            var thumbnail = $"{id}-thumbnail.jpg";
            var preview = $"{id}-preview.jpg";
            await new FfmpegRunner(logger, clock).RunAsync(settings.FfmpegPath, FfmpegArguments.Images(clip, true, 0, thumbnail, preview, settings),
                work, TimeSpan.Zero, null, TimeSpan.FromSeconds(30), settings.CancelGracePeriod, ct);
            store.PublishFile(Path.Combine(work, thumbnail), store.ThumbnailPath(thumbnail));
            store.PublishFile(Path.Combine(work, preview), store.PreviewPath(preview));
            var before = await videos.FindImagesAsync(videoId, ct);
            await lives.SetImagesAsync(videoId, thumbnail, preview, ct);
            store.DeleteImages(before?.ThumbnailName, before?.PreviewName);
        }
        catch (Exception e) when (e is IOException or FfmpegException or InvalidOperationException or UnauthorizedAccessException)
        {
            LogImagesFailed(logger, videoId, e);
        }
        finally
        {
            store.Delete(work);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live {VideoId}: no thumbnail could be made from its first segment")]
    private static partial void LogImagesFailed(ILogger logger, long videoId, Exception exception);

    private static async Task<long> AppendAsync(Stream output, string path, CancellationToken ct)
    {
        await using var input = File.OpenRead(path);
        await input.CopyToAsync(output, ct);
        return input.Length;
    }

    /// <summary>A VOD playlist over one fragmented MP4, in the shape ffmpeg writes for <c>-hls_flags single_file</c>.</summary>
    public static string VodPlaylist(string fragmentedName, long initLength, IReadOnlyList<(LiveSegment Segment, ByteRange Range)> segments)
    {
        var target = segments.Count == 0 ? 1 : (int)Math.Ceiling(segments.Max(s => s.Segment.Duration));
        var sb = new StringBuilder();
        sb.Append("#EXTM3U\n#EXT-X-VERSION:7\n")
            .Append(CultureInfo.InvariantCulture, $"#EXT-X-TARGETDURATION:{target}\n")
            .Append("#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-INDEPENDENT-SEGMENTS\n")
            .Append(CultureInfo.InvariantCulture, $"#EXT-X-MAP:URI=\"{fragmentedName}\",BYTERANGE=\"{initLength}@0\"\n");
        foreach (var (segment, range) in segments)
        {
            sb.Append(CultureInfo.InvariantCulture, $"#EXTINF:{segment.Duration:0.000000},\n")
                .Append(CultureInfo.InvariantCulture, $"#EXT-X-BYTERANGE:{range.Length}@{range.Offset}\n")
                .Append(fragmentedName).Append('\n');
        }
        sb.Append("#EXT-X-ENDLIST\n");
        return sb.ToString();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Live {VideoId}: replay saved as video {ReplayId} ({Duration} s), remuxed from the live segments")]
    private static partial void LogSaved(ILogger logger, long videoId, long replayId, double duration);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live {VideoId}: the replay could not be made")]
    private static partial void LogFailed(ILogger logger, long videoId, Exception exception);
}
