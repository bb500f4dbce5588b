using System.Collections.Concurrent;

namespace VideoPlatform.Core.Stats;

/// <summary>
/// One player heartbeat (PeerTube's <c>POST /api/v1/videos/{id}/views</c> with <c>currentTime</c> and <c>viewEvent</c>),
/// plus what the player says it received from peers so far (<paramref name="PeerBytes"/>, cumulative for the session) and
/// the video's bounds for that figure: the bytes of all its renditions and its peak bitrate in bytes per second.
/// </summary>
public sealed record ViewerHeartbeat(long VideoId, string Viewer, int CurrentTime, bool Seek, long? PeerBytes, long SessionPeerCap, long PeakBytesPerSecond);

/// <summary>
/// Viewers now and their watch sections, in memory: a heartbeat updates its viewer's open section under that viewer's
/// own lock; <see cref="StatsFlusher"/> writes the changed sections once a minute and forgets viewers gone quiet.
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

    /// <summary>Viewers who sent a heartbeat within <see cref="ActiveWindow"/>, per video.</summary>
    public IReadOnlyDictionary<long, int> WatchingByVideo()
    {
        var since = clock.GetUtcNow().ToUnixTimeMilliseconds() - (long)ActiveWindow.TotalMilliseconds;
        return _sessions.Values.Where(s => Volatile.Read(ref s.LastSeen) >= since).GroupBy(s => s.VideoId).ToDictionary(g => g.Key, g => g.Count());
    }

    public int Watching() => WatchingByVideo().Values.Sum();

    /// <summary>Viewers of one video who sent a heartbeat within <see cref="ActiveWindow"/> (PeerTube's <c>viewers</c> of a video).</summary>
    public int Watching(long videoId)
    {
        var since = clock.GetUtcNow().ToUnixTimeMilliseconds() - (long)ActiveWindow.TotalMilliseconds;
        return _sessions.Count(s => s.Key.VideoId == videoId && Volatile.Read(ref s.Value.LastSeen) >= since);
    }

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
