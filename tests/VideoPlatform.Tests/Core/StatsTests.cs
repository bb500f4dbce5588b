using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Stats;

namespace VideoPlatform.Tests.Core;

public class WatchStatisticsTests
{
    private static WatchSection S(string viewer, int start, int end, long at = 0) => new(viewer, start, end, at, at);

    [Test]
    public void Retention_of_one_full_viewer_and_one_who_stopped_at_half()
    {
        var points = WatchStatistics.Retention(10, [S("a", 0, 9), S("b", 0, 4)]);
        Assert.That(points, Has.Count.EqualTo(10));
        Assert.That(points.Take(5).Select(p => p.RetentionPercent), Is.All.EqualTo(100));
        Assert.That(points.Skip(5).Select(p => p.RetentionPercent), Is.All.EqualTo(50));
        Assert.That(points.Select(p => p.Second), Is.EqualTo(Enumerable.Range(0, 10)));
    }

    [Test]
    public void A_second_watched_twice_by_one_viewer_counts_once_and_sections_are_clamped_to_the_video()
    {
        // b watched 2-6 then went back to 4-8: seconds 4-6 once; c's section runs past the end.
        var points = WatchStatistics.Retention(10, [S("a", 0, 9), S("b", 2, 6), S("b", 4, 8), S("c", 8, 50)]);
        Assert.That(points[0].RetentionPercent, Is.EqualTo(33.33));
        Assert.That(points[5].RetentionPercent, Is.EqualTo(66.67));
        Assert.That(points[8].RetentionPercent, Is.EqualTo(100));
        Assert.That(points[9].RetentionPercent, Is.EqualTo(66.67));
    }

    [Test]
    public void Retention_without_viewers_or_duration()
    {
        Assert.That(WatchStatistics.Retention(3, []).Select(p => p.RetentionPercent), Is.EqualTo(new[] { 0d, 0, 0 }));
        Assert.That(WatchStatistics.Retention(0, [S("a", 0, 5)]), Is.Empty);
    }

    [Test]
    public void Timeseries_counts_distinct_viewers_per_bucket_and_watch_time_where_sections_start()
    {
        const long minute = 60_000;
        WatchSection[] sections =
        [
            new("a", 0, 50, 0, 2 * minute + 1), // watching in buckets 0, 1 and 2
            new("b", 0, 20, minute + 5, minute + 30),
            new("b", 30, 40, minute + 40, minute + 50), // same viewer, same bucket: one viewer
        ];
        var viewers = WatchStatistics.Timeseries("viewers", 0, 4 * minute, TimeSpan.FromMinutes(1), sections);
        Assert.That(viewers.Select(p => p.Value), Is.EqualTo(new[] { 1d, 2, 1, 0 }));
        Assert.That(viewers.Select(p => p.At), Is.EqualTo(new[] { 0, minute, 2 * minute, 3 * minute }));
        var watch = WatchStatistics.Timeseries("aggregateWatchTime", 0, 4 * minute, TimeSpan.FromMinutes(1), sections);
        Assert.That(watch.Select(p => p.Value), Is.EqualTo(new[] { 50d, 30, 0, 0 }));
    }

    [TestCase(1000, 0, 10_000, 10, 100, 1000, TestName = "A plausible report is counted whole")]
    [TestCase(20_000, 0, 10_000, 10, 1000, 10_000, TestName = "Never more than the video's renditions hold")]
    [TestCase(5000, 8000, 10_000, 10, 1000, 2000, TestName = "The session's earlier bytes count against the cap")]
    [TestCase(1_000_000, 0, 100_000_000, 0, 1000, 120_000, TestName = "Never more than 4x the peak bitrate over the time since the last report plus 30 s")]
    [TestCase(-50, 0, 10_000, 10, 100, 0, TestName = "A counter that went back counts nothing")]
    [TestCase(500, 0, 0, 10, 100, 0, TestName = "A video without renditions gets no peer bytes")]
    public void Peer_bytes_are_capped(long delta, long counted, long cap, int seconds, long peak, long expected) =>
        Assert.That(WatchStatistics.PlausiblePeerBytes(delta, counted, cap, TimeSpan.FromSeconds(seconds), peak), Is.EqualTo(expected));
}

public class ViewerSessionsTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-11-30T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Test]
    public void Heartbeats_extend_a_section_and_a_seek_opens_another()
    {
        var recorder = new StatsRecorder();
        var sessions = new ViewerSessions(_clock, recorder);
        foreach (var t in new[] { 0, 10, 20 })
        {
            sessions.Heartbeat(new ViewerHeartbeat(1, "ip1|s", t, false, null, 0, 0));
            _clock.Advance(TimeSpan.FromSeconds(10));
        }
        sessions.Heartbeat(new ViewerHeartbeat(1, "ip1|s", 60, true, null, 0, 0));
        sessions.Heartbeat(new ViewerHeartbeat(1, "ip1|s", 62, false, null, 0, 0));
        var changed = sessions.TakeChanged();
        Assert.That(changed.Select(c => (c.Start, c.End)), Is.EqualTo(new[] { (0, 20), (60, 62) }));
        Assert.That(sessions.TakeChanged(), Is.Empty, "nothing changed since");
        Assert.That(sessions.Watching(), Is.EqualTo(1));
    }

    [Test]
    public void A_jump_further_than_the_time_elapsed_or_back_opens_a_new_section()
    {
        var sessions = new ViewerSessions(_clock, new StatsRecorder());
        sessions.Heartbeat(new ViewerHeartbeat(1, "v", 0, false, null, 0, 0));
        _clock.Advance(TimeSpan.FromSeconds(5));
        sessions.Heartbeat(new ViewerHeartbeat(1, "v", 100, false, null, 0, 0));
        _clock.Advance(TimeSpan.FromSeconds(5));
        sessions.Heartbeat(new ViewerHeartbeat(1, "v", 50, false, null, 0, 0));
        Assert.That(sessions.TakeChanged().Select(c => (c.Start, c.End)), Is.EqualTo(new[] { (0, 0), (100, 100), (50, 50) }));
    }

    [Test]
    public void Viewers_go_quiet_after_the_window_and_their_sessions_close_after_the_timeout()
    {
        var sessions = new ViewerSessions(_clock, new StatsRecorder());
        sessions.Heartbeat(new ViewerHeartbeat(1, "a", 0, false, null, 0, 0));
        sessions.Heartbeat(new ViewerHeartbeat(2, "b", 0, false, null, 0, 0));
        Assert.That(sessions.WatchingByVideo(), Is.EquivalentTo(new Dictionary<long, int> { [1] = 1, [2] = 1 }));
        _clock.Advance(ViewerSessions.ActiveWindow + TimeSpan.FromSeconds(1));
        Assert.That(sessions.Watching(), Is.Zero);
        Assert.That(sessions.TakeChanged(), Has.Count.EqualTo(2));
        _clock.Advance(ViewerSessions.SessionTimeout);
        sessions.TakeChanged();
        // A heartbeat after the timeout starts a new section even at the same position.
        sessions.Heartbeat(new ViewerHeartbeat(1, "a", 0, false, null, 0, 0));
        var again = sessions.TakeChanged();
        Assert.That(again, Has.Count.EqualTo(1));
        Assert.That(again[0].Section.Id, Is.Null);
    }

    [Test]
    public void Viewers_are_published_once_per_heartbeat_and_the_shared_counts_are_reported_while_fresh()
    {
        var sessions = new ViewerSessions(_clock, new StatsRecorder());
        sessions.Heartbeat(new ViewerHeartbeat(1, "a", 0, false, null, 0, 0));
        sessions.Heartbeat(new ViewerHeartbeat(2, "b", 0, false, null, 0, 0));
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.That(sessions.TakeUnpublished(), Is.EquivalentTo(new[] { new SeenViewer(1, "a", now), new SeenViewer(2, "b", now) }));
        Assert.That(sessions.TakeUnpublished(), Is.Empty, "no heartbeat since the last publication");
        _clock.Advance(TimeSpan.FromSeconds(10));
        sessions.Heartbeat(new ViewerHeartbeat(1, "a", 10, false, null, 0, 0));
        Assert.That(sessions.TakeUnpublished(), Is.EqualTo(new[] { new SeenViewer(1, "a", now + 10_000) }));

        // Other processes hear from more viewers of video 1 and from viewers of video 3; this process's own count of video 2 is larger.
        sessions.SetShared(new Dictionary<long, int> { [1] = 3, [2] = 0, [3] = 2 }, _clock.GetUtcNow().ToUnixTimeMilliseconds());
        Assert.That(sessions.Watching(1), Is.EqualTo(3));
        Assert.That(sessions.Watching(2), Is.EqualTo(1));
        Assert.That(sessions.Watching(3), Is.EqualTo(2));
        Assert.That(sessions.WatchingByVideo(), Is.EquivalentTo(new Dictionary<long, int> { [1] = 3, [2] = 1, [3] = 2 }));
        Assert.That(sessions.Watching(), Is.EqualTo(6));

        // Shared counts not refreshed within the active window are ignored (the database was unreachable): only this process's viewers remain.
        _clock.Advance(ViewerSessions.ActiveWindow + TimeSpan.FromSeconds(1));
        sessions.Heartbeat(new ViewerHeartbeat(2, "b", 40, false, null, 0, 0));
        Assert.That(sessions.WatchingByVideo(), Is.EquivalentTo(new Dictionary<long, int> { [2] = 1 }));
        Assert.That(sessions.Watching(3), Is.Zero);
        Assert.That(sessions.TakeUnpublished().Select(v => v.Viewer), Is.EqualTo(new[] { "b" }), "a viewer gone quiet is not published again");
    }

    [Test]
    public async Task A_new_viewer_wakes_the_publisher_once()
    {
        var sessions = new ViewerSessions(_clock, new StatsRecorder());
        sessions.Heartbeat(new ViewerHeartbeat(1, "a", 0, false, null, 0, 0));
        sessions.Heartbeat(new ViewerHeartbeat(1, "b", 0, false, null, 0, 0));
        sessions.Heartbeat(new ViewerHeartbeat(1, "a", 10, false, null, 0, 0));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.That(await sessions.NewViewerAsync(timeout.Token), Is.True);
        var again = sessions.NewViewerAsync(CancellationToken.None);
        Assert.That(again.IsCompleted, Is.False, "two new viewers before the publisher woke make one wake-up");
        sessions.Heartbeat(new ViewerHeartbeat(2, "c", 0, false, null, 0, 0));
        Assert.That(await again.AsTask().WaitAsync(TimeSpan.FromSeconds(10)), Is.True);
    }

    [Test]
    public void Peer_bytes_reach_the_recorder_after_the_plausibility_check()
    {
        var recorder = new StatsRecorder();
        var sessions = new ViewerSessions(_clock, recorder);
        sessions.Heartbeat(new ViewerHeartbeat(1, "a", 0, false, 4000, SessionPeerCap: 10_000, PeakBytesPerSecond: 1000));
        _clock.Advance(TimeSpan.FromSeconds(10));
        sessions.Heartbeat(new ViewerHeartbeat(1, "a", 10, false, 50_000, SessionPeerCap: 10_000, PeakBytesPerSecond: 1000));
        Assert.That(recorder.TotalP2PBytes, Is.EqualTo(10_000));
        Assert.That(recorder.Take()[StatMetrics.P2PBytes], Is.EqualTo(10_000));
        Assert.That(recorder.Take()[StatMetrics.P2PBytes], Is.Zero, "taken counters restart at zero");
    }
}

public class AlertRulesTests
{
    private static readonly AlertOptions Options = new() { EgressPercent = 80, StorageDays = 30, QueueWaitMinutes = 10, Unreachable = true };

    [Test]
    public void Nothing_fires_on_a_quiet_instance() =>
        Assert.That(AlertRules.Evaluate(new AlertInputs(10, 100, 200, 60, 0), Options), Is.Empty);

    [Test]
    public void Each_rule_fires_past_its_threshold()
    {
        var keys = AlertRules.Evaluate(new AlertInputs(85, 100, 12, 11 * 60, 2), Options).Select(a => a.Key);
        Assert.That(keys, Is.EqualTo(new[] { "egress", "storage", "queue", "unreachable" }));
    }

    [Test]
    public void Egress_is_not_judged_without_a_known_uplink() =>
        Assert.That(AlertRules.Evaluate(new AlertInputs(1000, 0, null, 0, 0), Options), Is.Empty);

    [Test]
    public void Storage_forecast_from_the_growth_of_used_bytes()
    {
        const long day = 86_400_000;
        // 10 GB a day with 100 GB free: full in 10 days.
        var days = AlertRules.DaysUntilFull([new StatPoint(0, 50e9), new StatPoint(2 * day, 70e9)], 100e9);
        Assert.That(days, Is.EqualTo(10).Within(1e-9));
        Assert.That(AlertRules.DaysUntilFull([new StatPoint(0, 50e9), new StatPoint(day, 50e9)], 1e9), Is.Null, "no growth, no date");
        Assert.That(AlertRules.DaysUntilFull([new StatPoint(0, 50e9)], 1e9), Is.Null);
    }

    [Test]
    public void An_alert_starts_once_and_keeps_its_start_while_active()
    {
        var state = new AlertState();
        var t0 = DateTimeOffset.UnixEpoch;
        Assert.That(state.Update([("queue", "a")], t0).Select(a => a.Key), Is.EqualTo(new[] { "queue" }));
        Assert.That(state.Update([("queue", "b")], t0.AddMinutes(1)), Is.Empty);
        Assert.That(state.Active.Single().Since, Is.EqualTo(t0));
        Assert.That(state.Update([], t0.AddMinutes(2)), Is.Empty);
        Assert.That(state.Active, Is.Empty);
        Assert.That(state.Update([("queue", "c")], t0.AddMinutes(3)), Has.Count.EqualTo(1), "a new episode is announced again");
    }
}

public class MetricsAccessTests
{
    private static MetricsAccess Access(params (string Key, string Value)[] settings) =>
        MetricsAccess.From(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build());

    [Test]
    public void Open_by_default() => Assert.That(Access().Check(IPAddress.Parse("203.0.113.9"), ""), Is.Null);

    [Test]
    public void Networks_restrict_by_client_address()
    {
        var access = Access(("Metrics:AllowedNetworks", "10.0.0.0/8, 127.0.0.1/32"));
        Assert.That(access.Check(IPAddress.Parse("10.1.2.3"), ""), Is.Null);
        Assert.That(access.Check(IPAddress.Parse("::ffff:127.0.0.1"), ""), Is.Null, "IPv4-mapped clients are matched as IPv4");
        Assert.That(access.Check(IPAddress.Parse("192.168.1.1"), ""), Is.Not.Null);
        Assert.That(access.Check(null, ""), Is.Not.Null);
    }

    [Test]
    public void A_token_must_be_presented_as_bearer()
    {
        var access = Access(("Metrics:Token", "s3cret"));
        Assert.That(access.Check(IPAddress.Loopback, "Bearer s3cret"), Is.Null);
        Assert.That(access.Check(IPAddress.Loopback, "Bearer wrong"), Is.Not.Null);
        Assert.That(access.Check(IPAddress.Loopback, ""), Is.Not.Null);
    }

    [Test]
    public void A_bad_network_fails_at_start_with_its_name() =>
        Assert.That(() => Access(("Metrics:AllowedNetworks", "not-a-network")), Throws.InvalidOperationException.With.Message.Contains("not-a-network"));
}
