using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Storage;
using VideoPlatform.Core.Videos;

namespace VideoPlatform.Transcoder.Live;

/// <summary>Why a publish is refused, with the RTMP status code the publisher is told.</summary>
public sealed record LiveRefusal(string Code, string Description);

/// <summary>A publisher's hold on its live, from an accepted <c>publish</c> to the end of its connection.</summary>
public sealed class LiveHandle(LiveSessions owner, string streamKey, LivePublication publication, CancellationTokenSource expiry)
{
    public string StreamKey { get; } = streamKey;

    /// <summary>Cancelled when the session reaches Live:MaxDuration.</summary>
    public CancellationToken Expired => expiry.Token;

    public Task WriteAsync(byte type, uint timestamp, byte[] data, CancellationToken ct) => publication.WriteAsync(type, timestamp, data, ct);

    public bool TranscoderFailed => publication.Failed;

    public Task EndAsync(int? error) => owner.EndAsync(this, publication, error);

    internal CancellationTokenSource Expiry => expiry;
}

/// <summary>
/// The lives on air in this process: one publisher per stream key, the state changes of going on and off air, and
/// the replay. The RTMP ingest asks it to begin a session for a key and hands it the FLV tags.
/// </summary>
public sealed partial class LiveSessions(
    LiveRepository lives,
    VideoRepository videos,
    VideoChangeNotifier notifier,
    MediaStore store,
    LiveReplays replays,
    IOptions<LiveOptions> options,
    ILogger<LiveSessions> logger)
{
    /// <summary>PeerTube's LiveVideoError numbers recorded on a session that ended badly.</summary>
    public const int ErrorBadSocketHealth = 1;
    public const int ErrorDurationExceeded = 2;
    public const int ErrorFfmpeg = 4;

    private readonly ConcurrentDictionary<string, long> _active = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<LivePublication, long> _sessions = new();
    private readonly string _ffmpegPath = new TranscodeSettings().FfmpegPath;

    /// <summary>Lives on air (or starting) in this process.</summary>
    public int Count => _active.Count;

    public bool IsOnAir(long videoId) => _active.Values.Contains(videoId);

    public async Task<(LiveHandle? Handle, LiveRefusal? Refusal)> BeginAsync(string streamKey, CancellationToken ct)
    {
        var live = await lives.FindByStreamKeyAsync(streamKey, ct);
        var video = live is null ? null : await videos.FindAsync(live.VideoId.ToString(CultureInfo.InvariantCulture), ct);
        if (live is null || video is null)
        {
            return (null, new LiveRefusal("NetStream.Publish.BadName", "Unknown stream key."));
        }
        if (video.Video.State == VideoState.LiveEnded && !live.PermanentLive)
        {
            return (null, new LiveRefusal("NetStream.Publish.BadName", "This live has ended; create a new live or make it permanent."));
        }
        if (!_active.TryAdd(streamKey, live.VideoId))
        {
            return (null, new LiveRefusal("NetStream.Publish.BadConnection", "Another publisher is already streaming to this key."));
        }
        var folder = store.HlsFolder(video.Video.Uuid, MediaStore.IsPrivateMedia(video.Video.Privacy));
        LivePublication? publication = null;
        publication = new LivePublication(folder, live, options.Value, _ffmpegPath, ct2 => OnAirAsync(publication!, live, ct2), logger);
        var expiry = new CancellationTokenSource();
        if (options.Value.MaxDuration is { } max && max > TimeSpan.Zero)
        {
            expiry.CancelAfter(max);
        }
        LogBegin(logger, live.VideoId);
        return (new LiveHandle(this, streamKey, publication, expiry), null);
    }

    private async Task OnAirAsync(LivePublication publication, LiveRow live, CancellationToken ct)
    {
        var sessionId = await lives.StartSessionAsync(live.VideoId, live, LiveLadder.MasterName, LiveLadder.SegmentsSha256Name, ct);
        _sessions[publication] = sessionId;
        LogOnAir(logger, live.VideoId, sessionId);
        await replays.MakeImagesAsync(live.VideoId, publication.Folder, ct);
        await NotifyAsync(live.VideoId, ct);
    }

    internal async Task EndAsync(LiveHandle handle, LivePublication publication, int? error)
    {
        try
        {
            var recording = await publication.FinishAsync(TimeSpan.FromSeconds(15));
            if (_sessions.TryRemove(publication, out var sessionId))
            {
                var live = await lives.FindAsync(_active[handle.StreamKey], CancellationToken.None);
                if (live is not null)
                {
                    await lives.EndSessionAsync(live.VideoId, sessionId, live.PermanentLive, error, CancellationToken.None);
                    LogOffAir(logger, live.VideoId, sessionId, error);
                    await NotifyAsync(live.VideoId, CancellationToken.None);
                    if (recording is not null && live.SaveReplay && options.Value.AllowReplay)
                    {
                        await replays.SaveAsync(live, sessionId, recording, CancellationToken.None);
                    }
                }
            }
        }
        finally
        {
            _active.TryRemove(handle.StreamKey, out _);
            handle.Expiry.Dispose();
            await publication.DisposeAsync();
        }
    }

    private async Task NotifyAsync(long videoId, CancellationToken ct)
    {
        var video = await videos.FindAsync(videoId.ToString(CultureInfo.InvariantCulture), ct);
        if (video is not null)
        {
            await notifier.UpdatedAsync(videoId, video.Video.Privacy, ct);
        }
    }

    /// <summary>At start-up: sessions a stopped process left open are closed, so that their lives do not stay on air.</summary>
    public async Task CloseAbandonedAsync(CancellationToken ct)
    {
        foreach (var (videoId, sessionId, permanent) in await lives.OpenSessionsAsync(ct))
        {
            await lives.EndSessionAsync(videoId, sessionId, permanent, ErrorBadSocketHealth, ct);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Live {VideoId}: publisher accepted")]
    private static partial void LogBegin(ILogger logger, long videoId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Live {VideoId}: on air (session {SessionId})")]
    private static partial void LogOnAir(ILogger logger, long videoId, long sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Live {VideoId}: off air (session {SessionId}, error {Error})")]
    private static partial void LogOffAir(ILogger logger, long videoId, long sessionId, int? error);
}
