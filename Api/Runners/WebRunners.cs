using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Web;

namespace VideoPlatform.Api.Runners;

/// <summary>The admin page's view of runners and registration tokens: the same data as the admin API.</summary>
public sealed class WebRunners(RunnerRepository runners, JobQueue queue, IOptions<RemoteRunnersOptions> options) : IWebRunners
{
    public bool Enabled => options.Value.Enabled;

    public async Task<IReadOnlyList<WebRunner>> RunnersAsync(CancellationToken ct) =>
        (await RunnerStatus.ListAsync(runners, queue, ct)).Select(r => new WebRunner(r.Id, r.Name, r.Description, r.Ip,
            r.LastContact.ToUnixTimeMilliseconds(), r.CurrentJob?.Uuid, r.CurrentJob?.VideoId, r.CurrentJob?.Progress ?? 0, r.JobsDone, r.JobsFailed)).ToList();

    public async Task<IReadOnlyList<WebRunnerToken>> TokensAsync(CancellationToken ct) =>
        (await runners.RegistrationTokensAsync(ct)).Select(t => new WebRunnerToken(t.Id, t.CreatedAt, t.RegisteredRunnersCount)).ToList();

    public async Task<string> GenerateTokenAsync(CancellationToken ct) => (await runners.GenerateRegistrationTokenAsync(ct)).Token;

    public Task<bool> DeleteTokenAsync(long id, CancellationToken ct) => runners.DeleteRegistrationTokenAsync(id, ct);

    public Task<bool> DeleteRunnerAsync(long id, CancellationToken ct) => runners.DeleteAsync(id, ct);
}
