using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Core.Stats;
using VideoPlatform.IntegrationTests.Infrastructure;

namespace VideoPlatform.IntegrationTests.Stats;

/// <summary>The load history's SQL on both dialects: minute upserts, roll-up and retention, series, watch sections, load figures.</summary>
[TestFixture(DbKind.Sqlite)]
[TestFixture(DbKind.Postgres)]
public sealed class StatsSqlTests(DbKind kind)
{
    private const long Minute = 60_000;
    private TestInstance _instance = null!;
    private StatsRepository _stats = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        // The flusher is off: only what these tests write is in the table.
        _instance = await TestInstance.StartAsync(kind, "--Stats:Enabled", "false");
        _stats = _instance.Services.GetRequiredService<StatsRepository>();
    }

    [OneTimeTearDown]
    public Task StopAsync() => _instance.DisposeAsync().AsTask();

    [Test]
    public async Task Counters_add_up_and_gauges_are_replaced_within_a_minute_and_series_group_by_bucket()
    {
        var t0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / (10 * Minute) * (10 * Minute) - 20 * Minute;
        await _stats.WriteMinuteAsync(t0, new Dictionary<StatMetric, double> { [StatMetrics.Requests] = 5, [StatMetrics.Viewers] = 2 }, CancellationToken.None);
        await _stats.WriteMinuteAsync(t0, new Dictionary<StatMetric, double> { [StatMetrics.Requests] = 3, [StatMetrics.Viewers] = 4 }, CancellationToken.None);
        await _stats.WriteMinuteAsync(t0 + Minute, new Dictionary<StatMetric, double> { [StatMetrics.Requests] = 10, [StatMetrics.Viewers] = 6 }, CancellationToken.None);

        var requests = await _stats.SeriesAsync(StatMetrics.Requests, t0, t0 + 10 * Minute, TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.That(requests, Is.EqualTo(new[] { new StatPoint(t0, 8), new StatPoint(t0 + Minute, 10) }));
        var viewers = await _stats.SeriesAsync(StatMetrics.Viewers, t0, t0 + 10 * Minute, TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.That(viewers, Is.EqualTo(new[] { new StatPoint(t0, 4), new StatPoint(t0 + Minute, 6) }));

        Assert.That(await _stats.SeriesAsync(StatMetrics.Requests, t0, t0 + 10 * Minute, TimeSpan.FromMinutes(10), CancellationToken.None),
            Is.EqualTo(new[] { new StatPoint(t0, 18) }), "counters are summed over a bucket");
        Assert.That(await _stats.SeriesAsync(StatMetrics.Viewers, t0, t0 + 10 * Minute, TimeSpan.FromMinutes(10), CancellationToken.None),
            Is.EqualTo(new[] { new StatPoint(t0, 5) }), "gauges are averaged");
    }

    [Test]
    public async Task Minutes_older_than_two_days_roll_up_into_hours_and_the_oldest_are_deleted()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var hour = (now - (long)TimeSpan.FromDays(3).TotalMilliseconds) / 3_600_000 * 3_600_000;
        var ancient = hour - (long)TimeSpan.FromDays(500).TotalMilliseconds;
        for (var i = 0; i < 3; i++)
        {
            await _stats.WriteMinuteAsync(hour + i * Minute, new Dictionary<StatMetric, double> { [StatMetrics.Errors] = i + 1, [StatMetrics.QueueDepth] = 2 * (i + 1) }, CancellationToken.None);
        }
        await _stats.WriteMinuteAsync(ancient, new Dictionary<StatMetric, double> { [StatMetrics.Errors] = 99 }, CancellationToken.None);
        var cutoff = now - (long)TimeSpan.FromDays(2).TotalMilliseconds;
        var keepAfter = now - (long)TimeSpan.FromDays(400).TotalMilliseconds;

        Assert.That(await _stats.RollUpAsync(cutoff, keepAfter, CancellationToken.None), Is.GreaterThanOrEqualTo(6));
        Assert.That(await _stats.RollUpAsync(cutoff, keepAfter, CancellationToken.None), Is.Zero, "a second run finds nothing left to roll up");

        Assert.That(await _stats.SeriesAsync(StatMetrics.Errors, hour - Minute, hour + 3_600_000, TimeSpan.FromMinutes(1), CancellationToken.None),
            Is.EqualTo(new[] { new StatPoint(hour, 6) }), "one hourly row: the sum");
        Assert.That(await _stats.SeriesAsync(StatMetrics.QueueDepth, hour - Minute, hour + 3_600_000, TimeSpan.FromMinutes(1), CancellationToken.None),
            Is.EqualTo(new[] { new StatPoint(hour, 4) }), "one hourly row: the average");
        Assert.That(await _stats.SeriesAsync(StatMetrics.Errors, ancient - Minute, ancient + Minute, TimeSpan.FromMinutes(1), CancellationToken.None), Is.Empty,
            "older than the retention");
    }

    [Test]
    public async Task Watch_sections_are_inserted_then_updated_and_rank_the_top_lessons()
    {
        var video = await _instance.SeedVideoAsync("root_channel", "Leçon SQL " + kind);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var section = new MutableSection { Start = 0, End = 4, StartedAt = now, UpdatedAt = now };
        await _stats.WriteSectionsAsync([new PendingSection(section, video.Id, "a")], CancellationToken.None);
        Assert.That(section.Id, Is.Not.Null.And.GreaterThan(0));
        section.End = 8;
        section.UpdatedAt = now + 1000;
        await _stats.WriteSectionsAsync([new PendingSection(section, video.Id, "a"),
            new PendingSection(new MutableSection { Start = 2, End = 3, StartedAt = now, UpdatedAt = now }, video.Id, "b")], CancellationToken.None);
        // A section of a video deleted meanwhile is dropped, not an error.
        await _stats.WriteSectionsAsync([new PendingSection(new MutableSection { Start = 0, End = 1, StartedAt = now, UpdatedAt = now }, 987_654_321, "c")], CancellationToken.None);

        var sections = await _stats.SectionsAsync(video.Id, 0, now + Minute, CancellationToken.None);
        Assert.That(sections.OrderBy(s => s.Viewer).Select(s => (s.Viewer, s.Start, s.End)), Is.EqualTo(new[] { ("a", 0, 8), ("b", 2, 3) }));
        var top = await _stats.TopVideosAsync(now - Minute, 5, CancellationToken.None);
        var line = top.Single(t => t.Id == video.Id);
        Assert.That((line.Viewers, line.WatchSeconds), Is.EqualTo((2L, 9L)));
    }

    [Test]
    public async Task Load_figures_and_server_counts_read_the_queue_and_the_tables()
    {
        var queue = _instance.Services.GetRequiredService<JobQueue>();
        const string type = "stats-test-waiting";
        await queue.EnqueueAsync(type, "{}");
        await queue.EnqueueAsync(type, "{}");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 5000;
        var load = await _stats.LoadAsync(type, "stats-test-delivery", now - Minute, now, CancellationToken.None);
        Assert.That(load.QueueDepth, Is.EqualTo(2));
        Assert.That(load.QueueWaitSeconds, Is.GreaterThan(0));
        Assert.That((load.DeliveriesSent, load.DeliveriesFailed, load.DeliveriesWaiting, load.UnreachableServers), Is.EqualTo((0L, 0L, 0L, 0L)));

        await _instance.SeedVideoAsync("root_channel", "Leçon comptée " + kind, views: 7);
        var counts = await _stats.ServerCountsAsync(type, now, CancellationToken.None);
        Assert.That(counts.TotalUsers, Is.GreaterThanOrEqualTo(1));
        Assert.That(counts.TotalAdmins, Is.GreaterThanOrEqualTo(1));
        Assert.That(counts.TotalLocalVideoViews, Is.GreaterThanOrEqualTo(7));
        Assert.That(counts.TotalLocalVideoChannels, Is.GreaterThanOrEqualTo(1));
        Assert.That(counts.TotalActivityPubMessagesWaiting, Is.EqualTo(2), "the jobs of the type given as deliveries");
    }
}
