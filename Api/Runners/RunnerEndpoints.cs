using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using VideoPlatform.Api.Auth;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Transcoder.Jobs;

namespace VideoPlatform.Api.Runners;

public sealed record RegisterRunnerRequest(string? RegistrationToken, string? Name, string? Description);

public sealed record RunnerTokenRequest(string? RunnerToken, IReadOnlyList<string>? JobTypes = null);

public sealed record RunnerJobRequest(string? RunnerToken, string? JobToken, int? Progress = null, string? Message = null, string? Reason = null,
    bool Permanent = false);

public sealed record RegistrationTokenDto(long Id, string? RegistrationToken, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int RegisteredRunnersCount);

public sealed record RunnerCurrentJobDto(string Uuid, long VideoId, int Progress);

/// <summary>PeerTube's <c>Runner</c>; ours in addition: the job it holds and its done/failed counters.</summary>
public sealed record RunnerDto(long Id, string Name, string? Description, string? Ip, DateTimeOffset LastContact, DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt, RunnerCurrentJobDto? CurrentJob, int JobsDone, int JobsFailed);

public sealed record ListDto<T>(long Total, IReadOnlyList<T> Data);

/// <summary>What a runner is given for a transcode: where to download the source, and what to make.</summary>
public sealed record RunnerJobPayload(RunnerJobInput Input, RunnerJobOutput Output);

public sealed record RunnerJobInput(string VideoFileUrl, string VideoFileName, string VideoUuid);

/// <summary>What the runner makes: web videos too or not, and the ladder's heights (the admin settings'; null from older servers: the default ladder).</summary>
public sealed record RunnerJobOutput(bool WebVideos, IReadOnlyList<int>? Resolutions = null);

public sealed record RunnerJobDto(string Uuid, string Type, RunnerJobPayload Payload, int Progress, int Failures, string? JobToken = null);

/// <summary>
/// PeerTube's remote runner API (<c>/api/v1/runners/…</c>): administrators manage registration tokens and runners; runners
/// register, ask for jobs, accept one, download its source, report progress and send the results or an error. Runner jobs
/// are the queue's <c>transcode</c> jobs claimed under a lease (<see cref="RunnerJobRules"/>).
/// </summary>
public static class RunnerEndpoints
{
    public static IEndpointRouteBuilder MapRunnerEndpoints(this IEndpointRouteBuilder app, long maxResultBytes)
    {
        var admin = app.MapGroup("/api/v1/runners").WithTags("Runners").RequireAuthorization(Policies.Admin);
        admin.MapPost("/registration-tokens/generate", async (RunnerRepository runners, TimeProvider clock, CancellationToken ct) =>
        {
            var (id, token) = await runners.GenerateRegistrationTokenAsync(ct);
            var now = clock.GetUtcNow();
            // PeerTube answers 204 and lists tokens in clear; ours are stored hashed, so the token is shown once, here.
            return TypedResults.Ok(new RegistrationTokenDto(id, token, now, now, 0));
        });
        admin.MapGet("/registration-tokens", async (RunnerRepository runners, CancellationToken ct) =>
        {
            var tokens = await runners.RegistrationTokensAsync(ct);
            return TypedResults.Ok(new ListDto<RegistrationTokenDto>(tokens.Count, tokens.Select(t =>
                new RegistrationTokenDto(t.Id, null, Time(t.CreatedAt), Time(t.CreatedAt), t.RegisteredRunnersCount)).ToList()));
        });
        admin.MapDelete("/registration-tokens/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (long id, RunnerRepository runners, CancellationToken ct) =>
            await runners.DeleteRegistrationTokenAsync(id, ct) ? TypedResults.NoContent() : Problems.NotFound("Unknown registration token."));
        admin.MapGet("/", async (RunnerRepository runners, JobQueue queue, CancellationToken ct) =>
        {
            var list = await RunnerStatus.ListAsync(runners, queue, ct);
            return TypedResults.Ok(new ListDto<RunnerDto>(list.Count, list));
        });
        admin.MapDelete("/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (long id, RunnerRepository runners, CancellationToken ct) =>
            await runners.DeleteAsync(id, ct) ? TypedResults.NoContent() : Problems.NotFound("Unknown runner."));

        var runner = app.MapGroup("/api/v1/runners").WithTags("Runners").AllowAnonymous();
        runner.MapPost("/register", async Task<IResult> (RegisterRunnerRequest request, HttpContext context, RunnerRepository runners, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(request.RegistrationToken))
            {
                return Problems.BadRequest("registrationToken is required.");
            }
            var name = request.Name?.Trim();
            if (string.IsNullOrEmpty(name) || name.Length > 100)
            {
                return Problems.BadRequest("name is required (1 to 100 characters).");
            }
            if (request.Description is { Length: > 1000 })
            {
                return Problems.BadRequest("description is at most 1000 characters.");
            }
            var (outcome, registered, token) = await runners.RegisterAsync(request.RegistrationToken, name, request.Description, Ip(context), ct);
            return outcome switch
            {
                RunnerRegistration.Registered => TypedResults.Ok(new { id = registered!.Id, runnerToken = token }),
                RunnerRegistration.NameTaken => Problems.BadRequest("This runner name already exists on this instance."),
                _ => Problems.Unauthorized("Unknown or deleted registration token."),
            };
        });
        runner.MapPost("/unregister", async Task<IResult> (RunnerTokenRequest request, HttpContext context, RunnerRepository runners, CancellationToken ct) =>
        {
            var found = await AuthenticateAsync(request.RunnerToken, context, runners, ct);
            if (found is null)
            {
                return UnknownRunner();
            }
            await runners.DeleteAsync(found.Id, ct);
            return TypedResults.NoContent();
        });
        runner.MapPost("/jobs/request", (RunnerTokenRequest request, HttpContext context, RunnerJobService jobs, CancellationToken ct) =>
            jobs.RequestAsync(request, context, ct));
        runner.MapPost("/jobs/{jobUuid}/accept", (string jobUuid, RunnerTokenRequest request, HttpContext context, RunnerJobService jobs, CancellationToken ct) =>
            jobs.AcceptAsync(jobUuid, request, context, ct));
        runner.MapPost("/jobs/{jobUuid}/update", (string jobUuid, RunnerJobRequest request, HttpContext context, RunnerJobService jobs, CancellationToken ct) =>
            jobs.UpdateAsync(jobUuid, request, context, ct));
        runner.MapPost("/jobs/{jobUuid}/error", (string jobUuid, RunnerJobRequest request, HttpContext context, RunnerJobService jobs, CancellationToken ct) =>
            jobs.ErrorAsync(jobUuid, request, context, ct));
        runner.MapPost("/jobs/{jobUuid}/abort", (string jobUuid, RunnerJobRequest request, HttpContext context, RunnerJobService jobs, CancellationToken ct) =>
            jobs.AbortAsync(jobUuid, request, context, ct));
        runner.MapPost("/jobs/{jobUuid}/files/videos/{videoId}/max-quality",
            (string jobUuid, string videoId, RunnerJobRequest request, HttpContext context, RunnerJobService jobs, CancellationToken ct) =>
                jobs.DownloadSourceAsync(jobUuid, videoId, request, context, ct));
        runner.MapPost("/jobs/{jobUuid}/success", (string jobUuid, HttpContext context, RunnerJobService jobs, CancellationToken ct) =>
            jobs.SuccessAsync(jobUuid, context, ct)).WithMetadata(new LargeBodyAttribute(maxResultBytes)).DisableAntiforgery();
        return app;
    }

    internal static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    internal static string? Ip(HttpContext context) => context.Connection.RemoteIpAddress?.ToString();

    internal static ProblemHttpResult UnknownRunner() => Problems.Unauthorized("Unknown or deleted runner token.");

    internal static async Task<RunnerRow?> AuthenticateAsync(string? runnerToken, HttpContext context, RunnerRepository runners, CancellationToken ct) =>
        string.IsNullOrWhiteSpace(runnerToken) || runnerToken.Length > 200 ? null : await runners.ContactAsync(runnerToken, Ip(context), ct);
}

/// <summary>Runners as the administrator sees them (API and admin page): last contact, current job, jobs done and failed.</summary>
public static class RunnerStatus
{
    public static async Task<IReadOnlyList<RunnerDto>> ListAsync(RunnerRepository runners, JobQueue queue, CancellationToken ct)
    {
        var rows = await runners.ListAsync(ct);
        var held = await queue.HeldAsync("runner:", ct);
        return rows.Select(r =>
        {
            var job = held.FirstOrDefault(j => RunnerJobRules.HolderRunnerId(j) == r.Id);
            var current = job is null ? null : new RunnerCurrentJobDto(RunnerJobRules.JobUuid(job.Id), VideoIdOf(job), job.Progress ?? 0);
            return new RunnerDto(r.Id, r.Name, r.Description, r.Ip, RunnerEndpoints.Time(r.LastContact), RunnerEndpoints.Time(r.CreatedAt),
                RunnerEndpoints.Time(r.LastContact), current, r.JobsDone, r.JobsFailed);
        }).ToList();
    }

    internal static long VideoIdOf(JobRow job)
    {
        try
        {
            return JsonSerializer.Deserialize<TranscodeJob>(job.Payload, JsonSerializerOptions.Web)?.VideoId ?? 0;
        }
        catch (JsonException)
        {
            return 0;
        }
    }

    internal static string Format(long id) => id.ToString(CultureInfo.InvariantCulture);
}
