using System.Collections.Concurrent;
using System.Threading.Channels;

namespace VideoPlatform.Core.Stats;

/// <summary>
/// One player heartbeat (PeerTube's <c>POST /api/v1/videos/{id}/views</c> with <c>currentTime</c> and <c>viewEvent</c>),
/// plus what the player says it received from peers so far (<paramref name="PeerBytes"/>, cumulative for the session) and
/// the video's bounds for that figure: the bytes of all its renditions and its peak bitrate in bytes per second.
/// </summary>
public sealed record ViewerHeartbeat(long VideoId, string Viewer, int CurrentTime, bool Seek, long? PeerBytes, long SessionPeerCap, long PeakBytesPerSecond);

/// <summary>A viewer's latest heartbeat (Unix ms) as this process saw it, to publish for the other processes.</summary>
public sealed record SeenViewer(long VideoId, string Viewer, long LastSeen);

/// <summary>
/// Viewers now and their watch sections, in memory: a heartbeat updates its viewer's open section under that viewer's
/// own lock; <see cref="StatsFlusher"/> writes the changed sections once a minute and forgets viewers gone quiet.
/// Several processes of one instance each see their share of the heartbeats: <see cref="SharedViewers"/> publishes this
/// process's viewers and reads back everyone's, and the counts here are the larger of that shared figure and this
/// process's own (which is never behind for its viewers, the shared one being a couple of seconds old).
/// </summary>
public sealed class ViewerSessions(TimeProvider clock, StatsRecorder recorder)
{
    /// <summary>A viewer counts as watching for this long after a heartbeat (the player sends one every 10 s).</summary>
    public static readonly TimeSpan ActiveWindow = TimeSpan.FromSeconds(30);

    /// <summary>After this long without a heartbeat the session is closed; a later heartbeat opens a new section.</summary>
    public static readonly TimeSpan SessionTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Sessions held at most: heartbeats that would open more are ignored until quiet ones are dropped (a flood of made-up session ids).</summary>
    public const int MaxSessions = 200_000;

    private readonly ConcurrentDictionary<(long VideoId, string Viewer), Session> _sessions = new();
    private readonly Channel<bool> _newViewer = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private volatile SharedCounts? _shared;

    public void Heartbeat(ViewerHeartbeat beat)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var time = Math.Max(0, beat.CurrentTime);
        if (!_sessions.TryGetValue((beat.VideoId, beat.Viewer), out var session))
        {
            if (_sessions.Count >= MaxSessions)
            {
                return;
            }
            session = _sessions.GetOrAdd((beat.VideoId, beat.Viewer), _ => new Session(beat.VideoId, beat.Viewer, now));
            // A new viewer is published at once rather than at the next period, so that the other processes count them soon.
            _newViewer.Writer.TryWrite(true);
        }
        long peerBytes;
        lock (session)
        {
            var elapsed = TimeSpan.FromMilliseconds(Math.Max(0, now - session.LastSeen));
            var section = session.Open;
            // A seek, a jump back, or a jump forward further than the time elapsed closes the section (PeerTube's rule).
            if (section is null || beat.Seek || time < section.End - 1 || time > section.End + elapsed.TotalSeconds + 15)
            {
                if (section is not null)
                {
                    session.Closed.Add(section);
                }
                session.Open = new MutableSection { Start = time, End = time, StartedAt = now, UpdatedAt = now };
            }
            else
            {
                section.End = Math.Max(section.End, time);
                section.UpdatedAt = now;
            }
            session.Open!.Dirty = true;
            peerBytes = 0;
            if (beat.PeerBytes is { } reported)
            {
                var delta = reported - session.PeerReported;
                session.PeerReported = Math.Max(session.PeerReported, reported);
                peerBytes = WatchStatistics.PlausiblePeerBytes(delta, session.PeerCounted, beat.SessionPeerCap, elapsed, beat.PeakBytesPerSecond);
                session.PeerCounted += peerBytes;
            }
            session.LastSeen = now;
        }
        recorder.PeerBytes(peerBytes);
    }

    /// <summary>Viewers who sent a heartbeat within <see cref="ActiveWindow"/>, per video, on any process of the instance.</summary>
    public IReadOnlyDictionary<long, int> WatchingByVideo()
    {
        var since = clock.GetUtcNow().ToUnixTimeMilliseconds() - (long)ActiveWindow.TotalMilliseconds;
        var counts = _sessions.Values.Where(s => Volatile.Read(ref s.LastSeen) >= since).GroupBy(s => s.VideoId).ToDictionary(g => g.Key, g => g.Count());
        if (Shared() is { } shared)
        {
            foreach (var (video, count) in shared)
            {
                counts[video] = Math.Max(count, counts.GetValueOrDefault(video));
            }
        }
        return counts;
    }

    public int Watching() => WatchingByVideo().Values.Sum();

    /// <summary>
    /// Viewers of one video who sent a heartbeat within <see cref="ActiveWindow"/>, on any process of the instance
    /// (PeerTube's <c>viewers</c> of a video).
    /// </summary>
    public int Watching(long videoId)
    {
        var since = clock.GetUtcNow().ToUnixTimeMilliseconds() - (long)ActiveWindow.TotalMilliseconds;
        var here = _sessions.Count(s => s.Key.VideoId == videoId && Volatile.Read(ref s.Value.LastSeen) >= since);
        return Math.Max(here, Shared()?.GetValueOrDefault(videoId) ?? 0);
    }

    /// <summary>The viewers whose heartbeat is newer than what was last published, marked as published.</summary>
    public IReadOnlyList<SeenViewer> TakeUnpublished()
    {
        var since = clock.GetUtcNow().ToUnixTimeMilliseconds() - (long)ActiveWindow.TotalMilliseconds;
        var seen = new List<SeenViewer>();
        foreach (var session in _sessions.Values)
        {
            var last = Volatile.Read(ref session.LastSeen);
            if (last > session.Published && last >= since)
            {
                seen.Add(new SeenViewer(session.VideoId, session.Viewer, last));
                session.Published = last;
            }
        }
        return seen;
    }

    /// <summary>The viewers per video read from the shared table at <paramref name="readAt"/> (Unix ms).</summary>
    public void SetShared(IReadOnlyDictionary<long, int> counts, long readAt) => _shared = new SharedCounts(counts, readAt);

    /// <summary>Completes when a viewer new to this process sent their first heartbeat since the previous call.</summary>
    public ValueTask<bool> NewViewerAsync(CancellationToken ct) => _newViewer.Reader.ReadAsync(ct);

    /// <summary>The shared counts, unless they were read longer ago than the active window (the database was unreachable since).</summary>
    private IReadOnlyDictionary<long, int>? Shared() =>
        _shared is { } shared && clock.GetUtcNow().ToUnixTimeMilliseconds() - shared.ReadAt <= ActiveWindow.TotalMilliseconds ? shared.Counts : null;

    private sealed record SharedCounts(IReadOnlyDictionary<long, int> Counts, long ReadAt);

    /// <summary>
    /// The sections changed since the previous call (to insert when <see cref="PendingSection.Id"/> is null, else to update);
    /// sessions quiet for <see cref="SessionTimeout"/> are closed and dropped. <paramref name="all"/> closes every session (shutdown).
    /// </summary>
    public IReadOnlyList<PendingSection> TakeChanged(bool all = false)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var changed = new List<PendingSection>();
        foreach (var (key, session) in _sessions)
        {
            lock (session)
            {
                foreach (var s in session.Closed.Where(s => s.Dirty))
                {
                    changed.Add(new PendingSection(s, session.VideoId, session.Viewer));
                    s.Dirty = false;
                }
                session.Closed.Clear();
                if (session.Open is { Dirty: true } open)
                {
                    changed.Add(new PendingSection(open, session.VideoId, session.Viewer));
                    open.Dirty = false;
                }
                if (all || now - session.LastSeen > SessionTimeout.TotalMilliseconds)
                {
                    _sessions.TryRemove(key, out _);
                }
            }
        }
        return changed;
    }

    private sealed class Session(long videoId, string viewer, long now)
    {
        public long VideoId { get; } = videoId;
        public string Viewer { get; } = viewer;
        public long LastSeen = now;
        public long Published;
        public MutableSection? Open { get; set; }
        public List<MutableSection> Closed { get; } = [];
        public long PeerReported { get; set; }
        public long PeerCounted { get; set; }
    }
}

/// <summary>A watch section as the sessions hold it; <see cref="Id"/> is set once it is written.</summary>
public sealed class MutableSection
{
    public long? Id { get; set; }
    public int Start { get; set; }
    public int End { get; set; }
    public long StartedAt { get; set; }
    public long UpdatedAt { get; set; }
    public bool Dirty { get; set; }
}

/// <summary>A section to write, with a snapshot of its figures (the live one may move on while it is written).</summary>
public sealed record PendingSection(MutableSection Section, long VideoId, string Viewer)
{
    public int Start { get; } = Section.Start;
    public int End { get; } = Section.End;
    public long StartedAt { get; } = Section.StartedAt;
    public long UpdatedAt { get; } = Section.UpdatedAt;
}
