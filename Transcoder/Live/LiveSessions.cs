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
public sealed class LiveHandle
{
    private readonly LiveSessions _owner;
    private readonly LiveSessions.OnAir _live;

    internal LiveHandle(LiveSessions owner, LiveSessions.OnAir live)
    {
        _owner = owner;
        _live = live;
    }

    public string StreamKey => _live.StreamKey;

    /// <summary>Cancelled when the session reaches Live:MaxDuration (reconnections included).</summary>
    public CancellationToken Expired => _live.Expiry.Token;

    public Task WriteAsync(byte type, uint timestamp, byte[] data, CancellationToken ct) => _live.Publication.WriteAsync(type, timestamp, data, ct);

    public bool TranscoderFailed => _live.Publication.Failed;

    /// <summary>The connection ended: the live ends now, or waits Live:ReconnectGrace for the publisher when it dropped.</summary>
    public Task EndAsync(LiveDisconnect how, int? error) => _owner.DisconnectAsync(this, _live, how, error);
}

/// <summary>
/// The lives on air in this process: one publisher per stream key, the state changes of going on and off air, the grace
/// a dropped publisher has to come back (<see cref="LiveReconnection"/>), and the replay. The RTMP ingest asks it to begin
/// a session for a key and hands it the FLV tags.
/// </summary>
public sealed partial class LiveSessions(
    LiveRepository lives,
    VideoRepository videos,
    VideoChangeNotifier notifier,
    MediaStore store,
    LiveReplays replays,
    IOptions<LiveOptions> options,
    LiveSettings liveSettings,
    TimeProvider clock,
    ILogger<LiveSessions> logger)
{
    /// <summary>PeerTube's LiveVideoError numbers recorded on a session that ended badly.</summary>
    public const int ErrorBadSocketHealth = 1;
    public const int ErrorDurationExceeded = 2;
    public const int ErrorFfmpeg = 4;

    /// <summary>A live on air in this process: its one transcoder, and whether a publisher is connected to it.</summary>
    internal sealed class OnAir(string streamKey, long videoId, LivePublication publication, CancellationTokenSource expiry)
    {
        public string StreamKey { get; } = streamKey;
        public long VideoId { get; } = videoId;
        public LivePublication Publication { get; } = publication;
        public CancellationTokenSource Expiry { get; } = expiry;
        public LiveHandle? Publisher { get; set; }
        /// <summary>Set while waiting for a dropped publisher; cancelled when it is back or the instance stops.</summary>
        public CancellationTokenSource? Grace { get; set; }
        public Task? GraceTask { get; set; }
        public bool Ending { get; set; }
    }

    private readonly Lock _gate = new();
    private readonly Dictionary<string, OnAir> _active = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<LivePublication, long> _sessions = new();
    private readonly string _ffmpegPath = new TranscodeSettings().FfmpegPath;

    /// <summary>Lives on air (or starting, or waiting for their publisher) in this process.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _active.Count;
            }
        }
    }

    public bool IsOnAir(long videoId)
    {
        lock (_gate)
        {
            return _active.Values.Any(a => a.VideoId == videoId);
        }
    }

    /// <summary>Whether the live is on air without a publisher, waiting Live:ReconnectGrace for one.</summary>
    public bool IsWaitingForPublisher(long videoId)
    {
        lock (_gate)
        {
            return _active.Values.Any(a => a.VideoId == videoId && a.Publisher is null && !a.Ending);
        }
    }

    public async Task<(LiveHandle? Handle, LiveRefusal? Refusal)> BeginAsync(string streamKey, CancellationToken ct)
    {
        var live = await lives.FindByStreamKeyAsync(streamKey, ct);
        var video = live is null ? null : await videos.FindAsync(live.VideoId.ToString(CultureInfo.InvariantCulture), ct);
        if (live is null || video is null)
        {
            return (null, new LiveRefusal("NetStream.Publish.BadName", "Unknown stream key."));
        }
        lock (_gate)
        {
            if (_active.TryGetValue(streamKey, out var current))
            {
                if (current.Publisher is not null || current.Ending)
                {
                    return (null, new LiveRefusal("NetStream.Publish.BadConnection", "Another publisher is already streaming to this key."));
                }
                // The dropped publisher (or another with the key) is back within the grace: the same session goes on.
                current.Grace?.Cancel();
                current.Publication.Reconnected();
                current.Publisher = new LiveHandle(this, current);
                LogReconnected(logger, live.VideoId);
                return (current.Publisher, null);
            }
        }
        if (video.Video.State == VideoState.LiveEnded && !live.PermanentLive)
        {
            return (null, new LiveRefusal("NetStream.Publish.BadName", "This live has ended; create a new live or make it permanent."));
        }
        // The limits in force now (configuration and admin settings): the ladder and the longest session of this one.
        var limits = await liveSettings.CurrentAsync(ct);
        if (!limits.Enabled)
        {
            return (null, new LiveRefusal("NetStream.Publish.BadName", "Lives are switched off on this instance."));
        }
        var folder = store.HlsFolder(video.Video.Uuid, MediaStore.IsPrivateMedia(video.Video.Privacy));
        LivePublication? publication = null;
        publication = new LivePublication(folder, live, limits, _ffmpegPath, ct2 => OnAirAsync(publication!, live, ct2), logger);
        var expiry = new CancellationTokenSource();
        var entry = new OnAir(streamKey, live.VideoId, publication, expiry);
        entry.Publisher = new LiveHandle(this, entry);
        lock (_gate)
        {
            if (!_active.TryAdd(streamKey, entry))
            {
                expiry.Dispose();
                return (null, new LiveRefusal("NetStream.Publish.BadConnection", "Another publisher is already streaming to this key."));
            }
        }
        if (limits.MaxDuration is { } max && max > TimeSpan.Zero)
        {
            expiry.CancelAfter(max);
        }
        LogBegin(logger, live.VideoId);
        return (entry.Publisher, null);
    }

    internal async Task DisconnectAsync(LiveHandle handle, OnAir live, LiveDisconnect how, int? error)
    {
        if (!ReferenceEquals(live.Publisher, handle))
        {
            return;
        }
        if (LiveReconnection.WaitsForPublisher(how, options.Value.ReconnectGrace) && !live.Publication.Failed && !live.Expiry.IsCancellationRequested)
        {
            lock (_gate)
            {
                live.Publisher = null;
                live.Grace?.Dispose();
                live.Grace = new CancellationTokenSource();
                live.GraceTask = AwaitPublisherAsync(live, error, live.Grace.Token);
            }
            LogWaiting(logger, live.VideoId, options.Value.ReconnectGrace.TotalSeconds);
            return;
        }
        lock (_gate)
        {
            live.Publisher = null;
            live.Ending = true;
        }
        await EndAsync(live, error);
    }

    /// <summary>Waits Live:ReconnectGrace; ends the live unless its publisher came back meanwhile.</summary>
    private async Task AwaitPublisherAsync(OnAir live, int? error, CancellationToken back)
    {
        try
        {
            await Task.Delay(options.Value.ReconnectGrace, clock, back);
        }
        catch (OperationCanceledException)
        {
        }
        lock (_gate)
        {
            if (live.Publisher is not null || live.Ending)
            {
                return;
            }
            live.Ending = true;
        }
        LogNotBack(logger, live.VideoId);
        await EndAsync(live, error);
    }

    /// <summary>The instance stops: lives waiting for their publisher end now (their sessions closed, replays made).</summary>
    public async Task StopWaitingAsync()
    {
        List<Task> waiting;
        lock (_gate)
        {
            waiting = [];
            foreach (var live in _active.Values.Where(a => a.GraceTask is not null))
            {
                live.Grace?.Cancel();
                waiting.Add(live.GraceTask!);
            }
        }
        await Task.WhenAll(waiting);
    }

    private async Task OnAirAsync(LivePublication publication, LiveRow live, CancellationToken ct)
    {
        var sessionId = await lives.StartSessionAsync(live.VideoId, live, LiveLadder.MasterName, LiveLadder.SegmentsSha256Name, ct);
        _sessions[publication] = sessionId;
        LogOnAir(logger, live.VideoId, sessionId);
        await replays.MakeImagesAsync(live.VideoId, publication.Folder, ct);
        await NotifyAsync(live.VideoId, ct);
    }

    private async Task EndAsync(OnAir onAir, int? error)
    {
        var publication = onAir.Publication;
        try
        {
            var recording = await publication.FinishAsync(TimeSpan.FromSeconds(15));
            if (_sessions.TryRemove(publication, out var sessionId))
            {
                var live = await lives.FindAsync(onAir.VideoId, CancellationToken.None);
                if (live is not null)
                {
                    await lives.EndSessionAsync(live.VideoId, sessionId, live.PermanentLive, error, CancellationToken.None);
                    LogOffAir(logger, live.VideoId, sessionId, error);
                    await NotifyAsync(live.VideoId, CancellationToken.None);
                    if (recording is not null && live.SaveReplay && (await liveSettings.CurrentAsync(CancellationToken.None)).AllowReplay)
                    {
                        await replays.SaveAsync(live, sessionId, recording, CancellationToken.None);
                    }
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _active.Remove(onAir.StreamKey);
            }
            onAir.Expiry.Dispose();
            onAir.Grace?.Dispose();
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Live {VideoId}: publisher reconnected, the session goes on")]
    private static partial void LogReconnected(ILogger logger, long videoId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Live {VideoId}: publisher dropped, waiting {Seconds} s for it to reconnect")]
    private static partial void LogWaiting(ILogger logger, long videoId, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Live {VideoId}: publisher not back within the grace period")]
    private static partial void LogNotBack(ILogger logger, long videoId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Live {VideoId}: on air (session {SessionId})")]
    private static partial void LogOnAir(ILogger logger, long videoId, long sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Live {VideoId}: off air (session {SessionId}, error {Error})")]
    private static partial void LogOffAir(ILogger logger, long videoId, long sessionId, int? error);
}
