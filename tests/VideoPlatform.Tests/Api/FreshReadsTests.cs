using System.Collections.Concurrent;
using VideoPlatform.Api.Auth;

namespace VideoPlatform.Tests.Api;

/// <summary>The auth generation read: never a read already under way, shared by every caller that waits for the next one.</summary>
public sealed class FreshReadsTests
{
    [Test]
    public async Task Callers_arriving_during_a_read_get_the_next_read_and_share_it()
    {
        var started = new BlockingCollection<TaskCompletionSource<int>>();
        var reads = new FreshReads<int>(ct =>
        {
            var pending = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            started.Add(pending, ct);
            return pending.Task;
        });

        var first = reads.ReadAsync();
        var firstRead = started.Take(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
        // These arrive while the first read runs: its result may predate what they know, so they wait for the next one.
        var later = Enumerable.Range(0, 3).Select(_ => reads.ReadAsync()).ToArray();
        firstRead.SetResult(1);
        Assert.That(await first, Is.EqualTo(1));
        Assert.That(later.Any(t => t.IsCompleted), Is.False);

        var secondRead = started.Take(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
        secondRead.SetResult(2);
        Assert.That(await Task.WhenAll(later), Is.EqualTo(new[] { 2, 2, 2 }));
        Assert.That(started.Count, Is.Zero, "three waiting callers, one read");

        // Idle again: the next caller starts a read of its own.
        var third = reads.ReadAsync();
        started.Take(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token).SetResult(3);
        Assert.That(await third, Is.EqualTo(3));
    }

    [Test]
    public async Task A_failed_read_fails_its_callers_only()
    {
        var calls = 0;
        var reads = new FreshReads<int>(_ => ++calls == 1 ? Task.FromException<int>(new InvalidOperationException("database down")) : Task.FromResult(calls));
        Assert.That(async () => await reads.ReadAsync(), Throws.InvalidOperationException.With.Message.EqualTo("database down"));
        Assert.That(await reads.ReadAsync(), Is.EqualTo(2));
    }
}
