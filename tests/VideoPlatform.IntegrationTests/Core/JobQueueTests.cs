using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using VideoPlatform.Core.Data;
using VideoPlatform.Core.Jobs;
using VideoPlatform.IntegrationTests.Infrastructure;

namespace VideoPlatform.IntegrationTests.Core;

[TestFixture(DbKind.Sqlite)]
[TestFixture(DbKind.Postgres)]
[Category("Db")]
public sealed class JobQueueTests(DbKind kind)
{
    private TestDatabase _testDb = null!;
    private Database _db = null!;
    private FakeTimeProvider _clock = null!;
    private JobQueue _queue = null!;

    [SetUp]
    public async Task SetUp()
    {
        _testDb = await TestDatabase.CreateAsync(kind);
        _db = new Database(kind == DbKind.Sqlite ? SqlDialect.Sqlite : SqlDialect.Postgres, _testDb.ConnectionString);
        _clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-28T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await new Migrator(_db, _clock, NullLogger<Migrator>.Instance).MigrateAsync(CancellationToken.None);
        _queue = new JobQueue(_db, _clock);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _db.DisposeAsync();
        await _testDb.DisposeAsync();
    }

    [Test]
    public async Task Two_workers_racing_never_claim_the_same_job()
    {
        const int jobs = 300;
        for (var i = 0; i < jobs; i++)
        {
            await _queue.EnqueueAsync("race", $"{{\"n\":{i}}}");
        }
        var claimed = new ConcurrentBag<long>();
        // Two queues over two Database objects: two independent workers, as two processes would be.
        await using var otherDb = new Database(_db.Dialect, _testDb.ConnectionString);
        var other = new JobQueue(otherDb, _clock);
        async Task Work(JobQueue queue, string owner)
        {
            while (await queue.ClaimAsync(["race"], owner, TimeSpan.FromMinutes(1)) is { } job)
            {
                claimed.Add(job.Id);
                Assert.That(await queue.CompleteAsync(job.Id, owner), Is.True);
            }
        }
        await Task.WhenAll(Task.Run(() => Work(_queue, "a")), Task.Run(() => Work(other, "b")), Task.Run(() => Work(_queue, "c")), Task.Run(() => Work(other, "d")));
        Assert.That(claimed, Has.Count.EqualTo(jobs));
        Assert.That(claimed.Distinct().Count(), Is.EqualTo(jobs));
    }

    [Test]
    public async Task A_job_whose_worker_stops_heartbeating_is_taken_again_after_its_lease()
    {
        var id = await _queue.EnqueueAsync("lease", "{}");
        var first = await _queue.ClaimAsync(["lease"], "dead-worker", TimeSpan.FromSeconds(30));
        Assert.That(first!.Id, Is.EqualTo(id));
        Assert.That(await _queue.ClaimAsync(["lease"], "other", TimeSpan.FromSeconds(30)), Is.Null, "still leased");

        _clock.Advance(TimeSpan.FromSeconds(31));
        var second = await _queue.ClaimAsync(["lease"], "other", TimeSpan.FromSeconds(30));
        Assert.That(second!.Id, Is.EqualTo(id));
        Assert.That(second.Attempts, Is.EqualTo(2));
        Assert.That(await _queue.HeartbeatAsync(id, "dead-worker", TimeSpan.FromSeconds(30)), Is.False, "the old owner lost the lease");
        Assert.That(await _queue.CompleteAsync(id, "dead-worker"), Is.False);
        Assert.That(await _queue.CompleteAsync(id, "other"), Is.True);
    }

    [Test]
    public async Task Heartbeats_keep_the_lease_and_store_progress()
    {
        var id = await _queue.EnqueueAsync("hb", "{}");
        await _queue.ClaimAsync(["hb"], "w", TimeSpan.FromSeconds(30));
        _clock.Advance(TimeSpan.FromSeconds(20));
        Assert.That(await _queue.HeartbeatAsync(id, "w", TimeSpan.FromSeconds(30), 42), Is.True);
        _clock.Advance(TimeSpan.FromSeconds(20));
        Assert.That(await _queue.ClaimAsync(["hb"], "thief", TimeSpan.FromSeconds(30)), Is.Null);
        Assert.That((await _queue.GetAsync(id))!.Progress, Is.EqualTo(42));
    }

    [Test]
    public async Task Failures_back_off_exponentially_keep_the_error_and_give_up_after_max_attempts()
    {
        var id = await _queue.EnqueueAsync("flaky", "{}", new EnqueueOptions { MaxAttempts = 3 });
        var delays = new List<long>();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var job = await _queue.ClaimAsync(["flaky"], "w", TimeSpan.FromMinutes(1));
            Assert.That(job, Is.Not.Null, $"attempt {attempt} claimable");
            var state = await _queue.FailAsync(id, "w", $"boom {attempt}", TimeSpan.FromSeconds(5));
            var row = (await _queue.GetAsync(id))!;
            Assert.That(row.LastError, Is.EqualTo($"boom {attempt}"));
            if (attempt < 3)
            {
                Assert.That(state, Is.EqualTo(JobState.Pending));
                var delay = row.RunAfter - _clock.GetUtcNow().ToUnixTimeMilliseconds();
                delays.Add(delay);
                Assert.That(await _queue.ClaimAsync(["flaky"], "w", TimeSpan.FromMinutes(1)), Is.Null, "not before its backoff");
                _clock.Advance(TimeSpan.FromMilliseconds(delay));
            }
            else
            {
                Assert.That(state, Is.EqualTo(JobState.Failed));
                Assert.That(row.State, Is.EqualTo(JobState.Failed));
            }
        }
        Assert.That(delays, Is.EqualTo(new long[] { 5000, 10000 }));
        _clock.Advance(TimeSpan.FromDays(1));
        Assert.That(await _queue.ClaimAsync(["flaky"], "w", TimeSpan.FromMinutes(1)), Is.Null, "given up");

        Assert.That(await _queue.RetryAsync(id), Is.True);
        Assert.That(await _queue.ClaimAsync(["flaky"], "w", TimeSpan.FromMinutes(1)), Is.Not.Null, "an administrator's retry runs again");
    }

    [Test]
    public async Task Jobs_sharing_an_ordering_key_run_one_at_a_time_in_order()
    {
        var first = await _queue.EnqueueAsync("deliver", "1", new EnqueueOptions { OrderingKey = "inbox-a" });
        var second = await _queue.EnqueueAsync("deliver", "2", new EnqueueOptions { OrderingKey = "inbox-a" });
        var other = await _queue.EnqueueAsync("deliver", "3", new EnqueueOptions { OrderingKey = "inbox-b" });

        var a = await _queue.ClaimAsync(["deliver"], "w", TimeSpan.FromMinutes(1));
        var b = await _queue.ClaimAsync(["deliver"], "w", TimeSpan.FromMinutes(1));
        Assert.That(a!.Id, Is.EqualTo(first));
        Assert.That(b!.Id, Is.EqualTo(other), "inbox-a's second job waits for its first");
        Assert.That(await _queue.ClaimAsync(["deliver"], "w", TimeSpan.FromMinutes(1)), Is.Null);

        await _queue.CompleteAsync(first, "w");
        Assert.That((await _queue.ClaimAsync(["deliver"], "w", TimeSpan.FromMinutes(1)))!.Id, Is.EqualTo(second));
    }

    [Test]
    public async Task A_dedupe_key_is_queued_once_ever_while_jobs_without_one_never_collide()
    {
        var first = await _queue.EnqueueAsync("deliver", "1", new EnqueueOptions { DedupeKey = "create inbox-a" });
        var job = await _queue.ClaimAsync(["deliver"], "w", TimeSpan.FromMinutes(1));
        await _queue.CompleteAsync(job!.Id, "w");
        Assert.That(await _queue.EnqueueAsync("deliver", "1 again", new EnqueueOptions { DedupeKey = "create inbox-a" }), Is.Zero, "not even after it completed");
        Assert.That(await _queue.EnqueueAsync("deliver", "2", new EnqueueOptions { DedupeKey = "create inbox-b" }), Is.GreaterThan(first));
        await _queue.EnqueueAsync("deliver", "3");
        await _queue.EnqueueAsync("deliver", "4");
        var payloads = await _db.ReadAsync(c => Dapper.SqlMapper.QueryAsync<string>(c, "SELECT payload FROM jobs ORDER BY id"));
        Assert.That(payloads, Is.EqualTo(new[] { "1", "2", "3", "4" }));
    }

    [Test]
    public async Task Claims_only_the_requested_types_and_respects_run_after()
    {
        await _queue.EnqueueAsync("later", "{}", new EnqueueOptions { Delay = TimeSpan.FromMinutes(5) });
        await _queue.EnqueueAsync("other-type", "{}");
        Assert.That(await _queue.ClaimAsync(["later"], "w", TimeSpan.FromMinutes(1)), Is.Null);
        _clock.Advance(TimeSpan.FromMinutes(5));
        var job = await _queue.ClaimAsync(["later"], "w", TimeSpan.FromMinutes(1));
        Assert.That(job!.Type, Is.EqualTo("later"));
    }

    [Test]
    public async Task A_deferred_job_keeps_its_attempts_and_waits_until_brought_forward()
    {
        var id = await _queue.EnqueueAsync("deliver", "{}", new EnqueueOptions { OrderingKey = "http://creteil_1.test/inbox" });
        var other = await _queue.EnqueueAsync("deliver", "{}", new EnqueueOptions { OrderingKey = "http://creteil-1.test/inbox" });
        var job = await _queue.ClaimAsync(["deliver"], "w", TimeSpan.FromMinutes(1));
        Assert.That(job!.Id, Is.EqualTo(id));
        Assert.That(await _queue.DeferAsync(id, "w", _clock.GetUtcNow().AddHours(1), "target down"), Is.True);

        var deferred = (await _queue.GetAsync(id))!;
        Assert.Multiple(() =>
        {
            Assert.That(deferred.State, Is.EqualTo(JobState.Pending));
            Assert.That(deferred.Attempts, Is.Zero);
            Assert.That(deferred.LastError, Is.EqualTo("target down"));
        });
        // Only the other key's job is due now.
        var next = await _queue.ClaimAsync(["deliver"], "w", TimeSpan.FromMinutes(1));
        Assert.That(next!.Id, Is.EqualTo(other));
        await _queue.DeferAsync(other, "w", _clock.GetUtcNow().AddHours(1), "target down");
        Assert.That(await _queue.ClaimAsync(["deliver"], "w", TimeSpan.FromMinutes(1)), Is.Null);

        // "_" in the prefix is a literal, not LIKE's wildcard: creteil-1 stays deferred.
        Assert.That(await _queue.RunNowAsync("deliver", ["http://creteil_1.test/"]), Is.EqualTo(1));
        Assert.That((await _queue.ClaimAsync(["deliver"], "w", TimeSpan.FromMinutes(1)))!.Id, Is.EqualTo(id));
        Assert.That(await _queue.ClaimAsync(["deliver"], "w", TimeSpan.FromMinutes(1)), Is.Null);
    }
}
