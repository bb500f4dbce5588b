using Dapper;

namespace VideoPlatform.Core.Data.Repositories;

/// <summary>Ids of the activities the inbox processed, so that a replayed one is ignored.</summary>
public sealed class ReceivedActivityRepository(Database database, TimeProvider clock)
{
    public Task<bool> WasReceivedAsync(string activityId, CancellationToken ct) =>
        database.ReadAsync(async c => await c.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM received_activities WHERE activity_id = @activityId", new { activityId }) > 0, ct);

    /// <summary>
    /// Remembers an activity id. Ids older than <see cref="ReplayMemory"/> are pruned now and then: signatures older than
    /// an hour are refused anyway, so a week is a wide margin.
    /// </summary>
    public Task RememberReceivedAsync(string activityId, CancellationToken ct)
    {
        var prune = Interlocked.Increment(ref _remembered) % 1000 == 0;
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        return database.WriteAsync(async (c, t) =>
        {
            await c.ExecuteAsync(
                "INSERT INTO received_activities (activity_id, received_at) VALUES (@activityId, @now) ON CONFLICT (activity_id) DO NOTHING",
                new { activityId, now }, t);
            if (prune)
            {
                await c.ExecuteAsync("DELETE FROM received_activities WHERE received_at < @cutoff",
                    new { cutoff = now - (long)ReplayMemory.TotalMilliseconds }, t);
            }
        }, ct);
    }

    public static readonly TimeSpan ReplayMemory = TimeSpan.FromDays(7);
    private long _remembered;
}
