using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Api;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Federation.Delivery;
using VideoPlatform.Federation.Follows;
using VideoPlatform.Federation.Videos;
using VideoPlatform.Transcoder.Jobs;

namespace VideoPlatform.IntegrationTests.Federation;

/// <summary>The job handlers a process runs follow its roles: a transcoder-only worker runs none of federation's.</summary>
public sealed class FederationRolesTests
{
    private static readonly string[] FederationJobs = [DeliveryJob.JobType, OutboxCrawlJob.JobType, RemoteThumbnailJob.JobType];

    [Test]
    public async Task A_transcoder_only_process_has_no_federation_job_handler()
    {
        var types = await HandledJobTypesAsync("transcoder");
        Assert.Multiple(() =>
        {
            Assert.That(types, Does.Contain(TranscodeJob.JobType), "the transcoder's own handler");
            Assert.That(types.Intersect(FederationJobs), Is.Empty);
        });
    }

    [Test]
    public async Task A_process_with_all_roles_has_the_federation_job_handlers()
    {
        var types = await HandledJobTypesAsync("all");
        Assert.That(types, Is.SupersetOf(FederationJobs.Append(TranscodeJob.JobType)));
    }

    [Test]
    public async Task A_federation_process_has_them_without_the_transcoder()
    {
        var types = await HandledJobTypesAsync("federation");
        Assert.Multiple(() =>
        {
            Assert.That(types, Is.SupersetOf(FederationJobs));
            Assert.That(types, Does.Not.Contain(TranscodeJob.JobType));
        });
    }

    /// <summary>Builds the composition as Program does (not started: no database is touched) and lists the job types it handles.</summary>
    private static async Task<string[]> HandledJobTypesAsync(string roles)
    {
        var root = Path.Combine(Path.GetTempPath(), "vp-roles-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var app = VideoPlatformApp.Build(["--Roles", roles, "--Storage:Root", root, "--urls", "http://127.0.0.1:0"]);
            return app.Services.GetServices<IJobHandler>().Select(h => h.Type).ToArray();
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }
}
