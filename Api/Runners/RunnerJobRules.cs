using System.Globalization;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Jobs;

namespace VideoPlatform.Api.Runners;

/// <summary>What a runner's request about a job may do, given the job as stored (see <see cref="RunnerJobRules.Check"/>).</summary>
public enum RunnerJobAccess
{
    /// <summary>The job runs under this runner's lease, with this job token.</summary>
    Held,
    /// <summary>No such job of ours (unknown UUID, or not a runner job).</summary>
    NotFound,
    /// <summary>The job finished (published, or gave up): nothing more to report.</summary>
    Finished,
    /// <summary>The job is not (or no longer) this runner's: its lease expired and it went back to the queue or to another runner, or the job token is wrong.</summary>
    NotHeld,
}

/// <summary>
/// The pure rules of runner jobs. A runner job is a row of the durable queue (type <c>transcode</c>); accepting it claims
/// it under a lease whose owner is <c>runner:{runnerId}:{sha256(jobToken)}</c>, so the queue's own guarantees apply: a
/// runner that stops updating loses the job when its lease expires, another claims it (a new owner), and only the
/// current owner can update, fail or complete it, once.
/// </summary>
public static class RunnerJobRules
{
    public const string JobTokenPrefix = "ptjt-";

    /// <summary>Our job type for runners (PeerTube's have one job per resolution; ours is the whole single-decode ladder).</summary>
    public const string TranscodingJobType = "vod-hls-ladder-transcoding";

    // Runner job UUIDs carry the queue's job id: a stable, well-formed UUID per job (authority comes from the job token).
    private const string UuidPrefix = "00000000-0000-4000-8000-";

    public static string JobUuid(long jobId) => UuidPrefix + jobId.ToString("x12", CultureInfo.InvariantCulture);

    public static long? JobId(string? uuid) =>
        uuid is { Length: 36 } && uuid.StartsWith(UuidPrefix, StringComparison.OrdinalIgnoreCase)
        && long.TryParse(uuid.AsSpan(UuidPrefix.Length), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var id) && id > 0
            ? id
            : null;

    public static string OwnerPrefix(long runnerId) => "runner:" + runnerId.ToString(CultureInfo.InvariantCulture) + ":";

    /// <summary>The lease owner of a job accepted by <paramref name="runnerId"/> with <paramref name="jobToken"/> (only the token's hash is stored).</summary>
    public static string Owner(long runnerId, string jobToken) => OwnerPrefix(runnerId) + OAuthRepository.Hash(jobToken);

    public static string NewJobToken() => JobTokenPrefix + OAuthRepository.NewToken();

    /// <summary>
    /// Whether <paramref name="owner"/> (a runner with a job token) holds <paramref name="job"/>. A lease past its expiry that
    /// nobody claimed yet is still held: the queue hands the job to another runner only by a new claim, which changes the owner.
    /// </summary>
    public static RunnerJobAccess Check(JobRow? job, string jobType, string owner)
    {
        if (job is null || !string.Equals(job.Type, jobType, StringComparison.Ordinal))
        {
            return RunnerJobAccess.NotFound;
        }
        return job.State switch
        {
            JobState.Completed or JobState.Failed => RunnerJobAccess.Finished,
            JobState.Running when string.Equals(job.LeaseOwner, owner, StringComparison.Ordinal) => RunnerJobAccess.Held,
            _ => RunnerJobAccess.NotHeld,
        };
    }

    /// <summary>The runner currently working on <paramref name="job"/>, from its lease owner; null when no runner holds it.</summary>
    public static long? HolderRunnerId(JobRow job)
    {
        if (job.State != JobState.Running || job.LeaseOwner is not { } owner || !owner.StartsWith("runner:", StringComparison.Ordinal))
        {
            return null;
        }
        var end = owner.IndexOf(':', "runner:".Length);
        return end > 0 && long.TryParse(owner.AsSpan("runner:".Length, end - "runner:".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : null;
    }
}
