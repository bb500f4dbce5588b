using VideoPlatform.Api.Runners;
using VideoPlatform.Core.Jobs;

namespace VideoPlatform.Tests.Api;

/// <summary>The lease and state rules of runner jobs: who may report on a job, and what a stale runner is told.</summary>
public class RunnerJobRulesTests
{
    private const string Type = "transcode";

    private static JobRow Job(JobState state, string? owner, string type = Type) =>
        new() { Id = 42, Type = type, Payload = "{\"videoId\":7}", State = state, LeaseOwner = owner, Attempts = 1, MaxAttempts = 5 };

    [TestCase(1L)]
    [TestCase(42L)]
    [TestCase(0xFFFF_FFFF_FFFFL)]
    public void Job_uuids_are_well_formed_and_carry_the_job_id(long id)
    {
        var uuid = RunnerJobRules.JobUuid(id);
        Assert.That(Guid.TryParseExact(uuid, "D", out _), Is.True, uuid);
        Assert.That(RunnerJobRules.JobId(uuid), Is.EqualTo(id));
        Assert.That(RunnerJobRules.JobId(uuid.ToUpperInvariant()), Is.EqualTo(id));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("910ec12a-d9e6-458b-a274-0abb655f9464")]
    [TestCase("00000000-0000-4000-8000-00000000000g")]
    [TestCase("00000000-0000-4000-8000-000000000000")]
    [TestCase("00000000-0000-4000-8000-0000000000001")]
    [TestCase("../../etc/passwd")]
    public void Foreign_or_malformed_uuids_name_no_job(string? uuid) => Assert.That(RunnerJobRules.JobId(uuid), Is.Null);

    [Test]
    public void The_lease_holder_with_its_job_token_holds_the_job()
    {
        var owner = RunnerJobRules.Owner(3, "ptjt-secret");
        Assert.That(owner, Does.StartWith(RunnerJobRules.OwnerPrefix(3)));
        Assert.That(owner, Does.Not.Contain("ptjt-secret"), "only the job token's hash is stored");
        Assert.That(RunnerJobRules.Check(Job(JobState.Running, owner), Type, owner), Is.EqualTo(RunnerJobAccess.Held));
    }

    [Test]
    public void A_stale_runner_whose_job_went_to_another_is_refused()
    {
        var stale = RunnerJobRules.Owner(3, "ptjt-old");
        var current = RunnerJobRules.Owner(4, "ptjt-new");
        Assert.That(RunnerJobRules.Check(Job(JobState.Running, current), Type, stale), Is.EqualTo(RunnerJobAccess.NotHeld));
        // Same runner, another token (its earlier attempt at the job): refused too.
        Assert.That(RunnerJobRules.Check(Job(JobState.Running, RunnerJobRules.Owner(3, "ptjt-other")), Type, stale), Is.EqualTo(RunnerJobAccess.NotHeld));
        // Aborted or failed back to the queue: nobody holds it.
        Assert.That(RunnerJobRules.Check(Job(JobState.Pending, null), Type, stale), Is.EqualTo(RunnerJobAccess.NotHeld));
    }

    [TestCase(JobState.Completed)]
    [TestCase(JobState.Failed)]
    public void A_finished_job_takes_no_more_reports(JobState state)
    {
        var owner = RunnerJobRules.Owner(3, "ptjt-x");
        Assert.That(RunnerJobRules.Check(Job(state, null), Type, owner), Is.EqualTo(RunnerJobAccess.Finished));
    }

    [Test]
    public void Jobs_of_other_types_or_missing_are_not_runner_jobs()
    {
        var owner = RunnerJobRules.Owner(3, "ptjt-x");
        Assert.That(RunnerJobRules.Check(null, Type, owner), Is.EqualTo(RunnerJobAccess.NotFound));
        Assert.That(RunnerJobRules.Check(Job(JobState.Running, owner, "delivery"), Type, owner), Is.EqualTo(RunnerJobAccess.NotFound));
    }

    [Test]
    public void The_holder_of_a_running_job_is_read_from_its_lease_owner()
    {
        Assert.That(RunnerJobRules.HolderRunnerId(Job(JobState.Running, RunnerJobRules.Owner(12, "ptjt-x"))), Is.EqualTo(12));
        Assert.That(RunnerJobRules.HolderRunnerId(Job(JobState.Running, "host:123:abc")), Is.Null, "an in-process worker is no runner");
        Assert.That(RunnerJobRules.HolderRunnerId(Job(JobState.Pending, RunnerJobRules.Owner(12, "ptjt-x"))), Is.Null);
        Assert.That(RunnerJobRules.HolderRunnerId(Job(JobState.Running, "runner:x:abc")), Is.Null);
    }

    [Test]
    public void Job_tokens_are_fresh_and_prefixed()
    {
        var a = RunnerJobRules.NewJobToken();
        Assert.That(a, Does.StartWith(RunnerJobRules.JobTokenPrefix));
        Assert.That(RunnerJobRules.NewJobToken(), Is.Not.EqualTo(a));
    }
}
