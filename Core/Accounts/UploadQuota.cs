using VideoPlatform.Core.Data.Repositories;

namespace VideoPlatform.Core.Accounts;

/// <summary>The upload quota of a user: what both upload protocols check before and while bytes arrive.</summary>
public sealed class UploadQuota(UserRepository users, UploadSessionRepository sessions, TimeProvider clock)
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    /// <summary>PeerTube's rule: stored originals plus this upload within the total and daily quotas (-1 = unlimited); open sessions count too.</summary>
    public async Task<bool> AllowsAsync(long userId, long size, string? exceptSessionId, CancellationToken ct) =>
        size <= await RemainingAsync(userId, exceptSessionId, ct);

    /// <summary>Bytes the user may still upload under the total and daily quotas (<see cref="long.MaxValue"/> when unlimited, negative for an unknown user).</summary>
    public async Task<long> RemainingAsync(long userId, string? exceptSessionId, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(userId, ct);
        if (user is null)
        {
            return -1;
        }
        if (user.VideoQuota < 0 && user.VideoQuotaDaily < 0)
        {
            return long.MaxValue;
        }
        var pending = await sessions.PendingBytesAsync(userId, exceptSessionId, ct);
        var remaining = long.MaxValue;
        if (user.VideoQuota >= 0)
        {
            remaining = user.VideoQuota - await users.VideoQuotaUsedAsync(userId, 0, ct) - pending;
        }
        if (user.VideoQuotaDaily >= 0)
        {
            var since = clock.GetUtcNow().Add(-Day).ToUnixTimeMilliseconds();
            remaining = Math.Min(remaining, user.VideoQuotaDaily - await users.VideoQuotaUsedAsync(userId, since, ct) - pending);
        }
        return remaining;
    }
}
