using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using VideoPlatform.Api.Hosting;

using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Core.Storage;
using VideoPlatform.Transcoder;
using VideoPlatform.Transcoder.Jobs;

namespace VideoPlatform.Api.Runners;

/// <summary>
/// The runner side of the runner API. Every request names its runner by runner token (401 when unknown or deleted) and,
/// about a job, its job token: only the lease holder (<see cref="RunnerJobRules.Check"/>) may update, fail, abort, download
/// or complete, and the completion happens in the publishing transaction, so a job finishes once.
/// </summary>
public sealed partial class RunnerJobService(
    RunnerRepository runners,
    JobQueue queue,
    VideoRepository videos,
    VideoMediaRepository media,
    MediaStore store,
    VideoOriginals originals,
    ObjectStore objects,
    TranscodePublisher publisher,
    IOptions<RemoteRunnersOptions> options,
    IOptions<InstanceOptions> instance,
    IConfiguration configuration,
    VideoPlatform.Core.Settings.InstanceSettings instanceSettings,
    TimeProvider clock,
    ILogger<RunnerJobService> logger)
{
    private const int OfferedJobs = 5;
    private static readonly string JobType = TranscodeJob.JobType;

    private RemoteRunnersOptions Options => options.Value;

    /// <summary>
    /// Copies one result file, extending the runner's lease every third of it: a single big rendition on a slow link
    /// may take longer than the lease, and the job must not go to another runner while its results are arriving.
    /// False when the lease was lost meanwhile (the copy stops there).
    /// </summary>
    private async Task<bool> CopyKeepingLeaseAsync(Stream from, Stream to, HeldJob held, CancellationToken ct)
    {
        var buffer = new byte[128 * 1024];
        var lastBeat = clock.GetTimestamp();
        int read;
        while ((read = await from.ReadAsync(buffer, ct)) > 0)
        {
            await to.WriteAsync(buffer.AsMemory(0, read), ct);
            if (clock.GetElapsedTime(lastBeat) >= Options.Lease / 3)
            {
                if (!await queue.HeartbeatAsync(held.Job.Id, held.Owner, Options.Lease, null, ct))
                {
                    return false;
                }
                lastBeat = clock.GetTimestamp();
            }
        }
        return true;
    }

    public async Task<IResult> RequestAsync(RunnerTokenRequest request, HttpContext context, CancellationToken ct)
    {
        if (await RunnerEndpoints.AuthenticateAsync(request.RunnerToken, context, runners, ct) is null)
        {
            return RunnerEndpoints.UnknownRunner();
        }
        var offered = new List<RunnerJobDto>();
        if (Options.Enabled && (request.JobTypes is null || request.JobTypes.Contains(RunnerJobRules.TranscodingJobType, StringComparer.Ordinal)))
        {
            foreach (var job in await queue.ClaimableAsync(JobType, OfferedJobs, ct))
            {
                if (await PayloadAsync(job, ct) is { } payload)
                {
                    offered.Add(new RunnerJobDto(RunnerJobRules.JobUuid(job.Id), RunnerJobRules.TranscodingJobType, payload, 0, Failures(job)));
                }
                else
                {
                    await SettleMootAsync(job, ct);
                }
            }
        }
        return TypedResults.Ok(new { availableJobs = offered });
    }

    public async Task<IResult> AcceptAsync(string jobUuid, RunnerTokenRequest request, HttpContext context, CancellationToken ct)
    {
        var runner = await RunnerEndpoints.AuthenticateAsync(request.RunnerToken, context, runners, ct);
        if (runner is null)
        {
            return RunnerEndpoints.UnknownRunner();
        }
        if (RunnerJobRules.JobId(jobUuid) is not { } id || !Options.Enabled)
        {
            return Problems.NotFound("Unknown runner job.");
        }
        var jobToken = RunnerJobRules.NewJobToken();
        var owner = RunnerJobRules.Owner(runner.Id, jobToken);
        var job = await queue.ClaimAsync(id, JobType, owner, Options.Lease, ct);
        if (job is null)
        {
            return await queue.GetAsync(id, ct) is { } existing && existing.Type == JobType
                ? Problems.Conflict("This runner job is not pending: another runner holds it, or it is finished.")
                : Problems.NotFound("Unknown runner job.");
        }
        var payload = await PayloadAsync(job, ct);
        if (payload is null)
        {
            await SettleAsync(job, owner);
            return Problems.Conflict("This runner job has nothing left to do (the video was deleted or already published, or its source is missing).");
        }
        LogAccepted(logger, runner.Name, job.Id, job.Attempts);
        return TypedResults.Ok(new { job = new RunnerJobDto(RunnerJobRules.JobUuid(job.Id), RunnerJobRules.TranscodingJobType, payload, 0, Failures(job), jobToken) });
    }

    public async Task<IResult> UpdateAsync(string jobUuid, RunnerJobRequest request, HttpContext context, CancellationToken ct)
    {
        if (request.Progress is < 0 or > 100)
        {
            return Problems.BadRequest("progress must be between 0 and 100.");
        }
        var (held, refusal) = await HeldJobAsync(jobUuid, request.RunnerToken, request.JobToken, context, ct);
        if (held is null)
        {
            return refusal!;
        }
        if (!await queue.HeartbeatAsync(held.Job.Id, held.Owner, Options.Lease, request.Progress, ct))
        {
            return await RefusalAsync(held.Job.Id, held.Owner, ct);
        }
        if (request.Progress is { } progress)
        {
            await videos.SetProgressAsync(held.VideoId, progress, ct);
        }
        return TypedResults.NoContent();
    }

    public async Task<IResult> ErrorAsync(string jobUuid, RunnerJobRequest request, HttpContext context, CancellationToken ct)
    {
        var (held, refusal) = await HeldJobAsync(jobUuid, request.RunnerToken, request.JobToken, context, ct);
        if (held is null)
        {
            return refusal!;
        }
        var message = string.IsNullOrWhiteSpace(request.Message) ? "The runner reported an error." : request.Message.Trim();
        var state = await queue.FailAsync(held.Job.Id, held.Owner, $"Runner {held.Runner.Name}: {message}", Options.RetryBackoff, request.Permanent, ct);
        await runners.CountJobAsync(held.Runner.Id, succeeded: false, CancellationToken.None);
        if (state == JobState.Failed)
        {
            await media.MarkFailedAsync(held.VideoId, request.Permanent ? message : "Transcoding failed: " + message, CancellationToken.None);
        }
        LogRunnerError(logger, held.Runner.Name, held.Job.Id, message);
        return TypedResults.NoContent();
    }

    public async Task<IResult> AbortAsync(string jobUuid, RunnerJobRequest request, HttpContext context, CancellationToken ct)
    {
        var (held, refusal) = await HeldJobAsync(jobUuid, request.RunnerToken, request.JobToken, context, ct);
        if (held is null)
        {
            return refusal!;
        }
        var reason = string.IsNullOrWhiteSpace(request.Reason) ? "aborted" : request.Reason.Trim();
        await queue.DeferAsync(held.Job.Id, held.Owner, clock.GetUtcNow(), $"Runner {held.Runner.Name} aborted: {reason}", ct);
        queue.Signal();
        return TypedResults.NoContent();
    }

    public async Task<IResult> DownloadSourceAsync(string jobUuid, string videoId, RunnerJobRequest request, HttpContext context, CancellationToken ct)
    {
        var (held, refusal) = await HeldJobAsync(jobUuid, request.RunnerToken, request.JobToken, context, ct);
        if (held is null)
        {
            return refusal!;
        }
        if (!string.Equals(videoId, held.Video.Uuid, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(videoId, RunnerStatus.Format(held.Video.Id), StringComparison.Ordinal))
        {
            return Problems.NotFound("This job is not about that video.");
        }
        // From the disk or, once moved, streamed from the originals' bucket (with the runner's Range, if any).
        return await originals.FindAsync(held.Video, ct) switch
        {
            null => Problems.NotFound("The uploaded file is missing from storage."),
            { LocalPath: { } local } => TypedResults.Stream(store.OpenRead(local), "application/octet-stream", Path.GetFileName(local), enableRangeProcessing: true),
            var remote => Media.FileResponder.Object(objects, ObjectKind.OriginalVideo, remote.ObjectKey!, Media.MediaCache.Private, remote.Name),
        };
    }

    /// <summary>
    /// The results: a multipart body with <c>runnerToken</c>, <c>jobToken</c> and <c>payload</c> (the <see cref="TranscodeOutput"/>
    /// as JSON) first, then one file part per file the payload names. Files are written to a work folder, checked against
    /// the payload, and published through the same <see cref="TranscodePublisher"/> as the in-process worker.
    /// </summary>
    public async Task<IResult> SuccessAsync(string jobUuid, HttpContext context, CancellationToken ct)
    {
        var boundary = MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type) && type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            ? HeaderUtilities.RemoveQuotes(type.Boundary).Value
            : null;
        if (string.IsNullOrEmpty(boundary))
        {
            return Problems.BadRequest("The results must be sent as multipart/form-data.");
        }
        var reader = new MultipartReader(boundary, context.Request.Body);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        HeldJob? held = null;
        TranscodeOutput? output = null;
        string? work = null;
        var received = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            for (var section = await reader.ReadNextSectionAsync(ct); section is not null; section = await reader.ReadNextSectionAsync(ct))
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFormDisposition() && !disposition.IsFileDisposition())
                {
                    return Problems.BadRequest("Every part needs a form-data Content-Disposition.");
                }
                if (disposition.IsFileDisposition())
                {
                    if (held is null || output is null || work is null)
                    {
                        return Problems.BadRequest("runnerToken, jobToken and payload must come before the files.");
                    }
                    var name = HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? "";
                    if (!output.FileNames.Contains(name, StringComparer.Ordinal) || !received.Add(name))
                    {
                        return Problems.BadRequest($"File '{name}' is not named by the payload, or sent twice.");
                    }
                    bool kept;
                    await using (var file = new FileStream(Path.Combine(work, name), FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
                    {
                        kept = await CopyKeepingLeaseAsync(section.Body, file, held, ct);
                    }
                    // A long upload keeps the lease, between files and within one.
                    if (!kept || !await queue.HeartbeatAsync(held.Job.Id, held.Owner, Options.Lease, null, ct))
                    {
                        return await RefusalAsync(held.Job.Id, held.Owner, ct);
                    }
                    continue;
                }

                var field = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (field is not ("runnerToken" or "jobToken" or "payload") || fields.ContainsKey(field))
                {
                    return Problems.BadRequest($"Unexpected form field '{field}'.");
                }
                using (var text = new StreamReader(section.Body))
                {
                    var value = await text.ReadToEndAsync(ct);
                    if (value.Length > 1024 * 1024)
                    {
                        return Problems.BadRequest($"Form field '{field}' is too long.");
                    }
                    fields[field] = value;
                }
                if (fields.Count == 3)
                {
                    var (found, refusal) = await HeldJobAsync(jobUuid, fields["runnerToken"], fields["jobToken"], context, ct);
                    if (found is null)
                    {
                        return refusal!;
                    }
                    held = found;
                    try
                    {
                        output = JsonSerializer.Deserialize<TranscodeOutput>(fields["payload"], JsonSerializerOptions.Web);
                    }
                    catch (JsonException ex)
                    {
                        return Problems.BadRequest("payload is not a transcode result: " + ex.Message);
                    }
                    var problem = output is null ? "missing." : output.Check();
                    if (problem is not null)
                    {
                        return Problems.BadRequest("payload: " + problem);
                    }
                    work = store.CreateWorkFolder("runner-" + jobUuid);
                }
            }

            if (held is null || output is null || work is null)
            {
                return Problems.BadRequest("runnerToken, jobToken and payload are required.");
            }
            if (output.FileNames.FirstOrDefault(n => !received.Contains(n)) is { } missing)
            {
                return Problems.BadRequest($"File '{missing}' named by the payload was not sent.");
            }
            foreach (var r in output.Renditions)
            {
                if (new FileInfo(Path.Combine(work, r.FragmentedName)).Length != r.SizeBytes
                    || r.WebVideoName is not null && new FileInfo(Path.Combine(work, r.WebVideoName)).Length != r.WebVideoSizeBytes)
                {
                    return Problems.BadRequest($"The files of rendition {r.Resolution} do not have the sizes the payload states.");
                }
            }

            var job = held;
            bool published;
            try
            {
                published = await publisher.PublishAsync(job.Video, output, work, async (c, t) =>
                {
                    if (!await queue.CompleteAsync(c, t, job.Job.Id, job.Owner))
                    {
                        throw new StaleRunnerResultException();
                    }
                }, CancellationToken.None);
            }
            catch (StaleRunnerResultException)
            {
                return await RefusalAsync(job.Job.Id, job.Owner, CancellationToken.None);
            }
            if (!published)
            {
                // Deleted or published meanwhile: the job is done all the same.
                await queue.CompleteAsync(job.Job.Id, job.Owner, CancellationToken.None);
            }
            await runners.CountJobAsync(job.Runner.Id, succeeded: true, CancellationToken.None);
            LogSucceeded(logger, job.Runner.Name, job.Job.Id, job.VideoId);
            return TypedResults.NoContent();
        }
        finally
        {
            if (work is not null)
            {
                store.Delete(work);
            }
        }
    }

    private sealed record HeldJob(RunnerRow Runner, JobRow Job, string Owner, VideoRow Video)
    {
        public long VideoId => Video.Id;
    }

    private async Task<(HeldJob? Held, IResult? Refusal)> HeldJobAsync(string jobUuid, string? runnerToken, string? jobToken, HttpContext context, CancellationToken ct)
    {
        var runner = await RunnerEndpoints.AuthenticateAsync(runnerToken, context, runners, ct);
        if (runner is null)
        {
            return (null, RunnerEndpoints.UnknownRunner());
        }
        if (RunnerJobRules.JobId(jobUuid) is not { } id)
        {
            return (null, Problems.NotFound("Unknown runner job."));
        }
        if (string.IsNullOrWhiteSpace(jobToken) || jobToken.Length > 200)
        {
            return (null, Problems.Forbidden("jobToken is required."));
        }
        var owner = RunnerJobRules.Owner(runner.Id, jobToken);
        var job = await queue.GetAsync(id, ct);
        var access = RunnerJobRules.Check(job, JobType, owner);
        if (access != RunnerJobAccess.Held)
        {
            return (null, Refusal(access));
        }
        var found = await videos.FindAsync(RunnerStatus.Format(RunnerStatus.VideoIdOf(job!)), ct);
        if (found is null)
        {
            return (null, Problems.NotFound("The video of this job was deleted."));
        }
        return (new HeldJob(runner, job!, owner, found.Video), null);
    }

    private async Task<IResult> RefusalAsync(long jobId, string owner, CancellationToken ct) =>
        Refusal(RunnerJobRules.Check(await queue.GetAsync(jobId, ct), JobType, owner) switch
        {
            RunnerJobAccess.Held => RunnerJobAccess.NotHeld,
            var other => other,
        });

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Refusal(RunnerJobAccess access) => access switch
    {
        RunnerJobAccess.NotFound => Problems.NotFound("Unknown runner job."),
        RunnerJobAccess.Finished => Problems.Conflict("This runner job is already finished."),
        _ => Problems.Forbidden("This runner job is not yours: wrong job token, or your lease expired and the job went to another runner."),
    };

    private async Task<RunnerJobPayload?> PayloadAsync(JobRow job, CancellationToken ct)
    {
        var found = await videos.FindAsync(RunnerStatus.Format(RunnerStatus.VideoIdOf(job)), ct);
        if (found is null || found.Video.State != VideoState.ToTranscode || await originals.FindAsync(found.Video, ct) is not { } source)
        {
            return null;
        }
        var uuid = RunnerJobRules.JobUuid(job.Id);
        var url = $"{instance.Value.PublicUrl}/api/v1/runners/jobs/{uuid}/files/videos/{found.Video.Uuid}/max-quality";
        return new RunnerJobPayload(new RunnerJobInput(url, source.Name, found.Video.Uuid),
            new RunnerJobOutput(configuration.GetValue("Transcoding:WebVideos", true), (await instanceSettings.CurrentAsync(ct)).TranscodingResolutions));
    }

    /// <summary>A job no runner can do (its video deleted or published meanwhile, or its source missing) is settled, not offered forever.</summary>
    private async Task SettleMootAsync(JobRow job, CancellationToken ct)
    {
        var owner = "settle:" + Guid.NewGuid().ToString("N");
        if (await queue.ClaimAsync(job.Id, JobType, owner, Options.Lease, ct) is { } claimed)
        {
            await SettleAsync(claimed, owner);
        }
    }

    private async Task SettleAsync(JobRow job, string owner)
    {
        var found = await videos.FindAsync(RunnerStatus.Format(RunnerStatus.VideoIdOf(job)), CancellationToken.None);
        if (found is null || found.Video.State != VideoState.ToTranscode)
        {
            await queue.CompleteAsync(job.Id, owner, CancellationToken.None);
            return;
        }
        const string missing = "The uploaded file is missing from storage; please upload the video again.";
        await media.MarkFailedAsync(found.Video.Id, missing, CancellationToken.None);
        await queue.FailAsync(job.Id, owner, missing, giveUp: true, ct: CancellationToken.None);
    }

    private static int Failures(JobRow job) => Math.Max(0, job.Attempts - (job.State == JobState.Running ? 1 : 0));

    private sealed class StaleRunnerResultException : Exception;

    [LoggerMessage(Level = LogLevel.Information, Message = "Runner {Runner} accepted job {JobId} (attempt {Attempt})")]
    private static partial void LogAccepted(ILogger logger, string runner, long jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Runner {Runner} finished job {JobId} (video {VideoId})")]
    private static partial void LogSucceeded(ILogger logger, string runner, long jobId, long videoId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Runner {Runner} failed job {JobId}: {Message}")]
    private static partial void LogRunnerError(ILogger logger, string runner, long jobId, string message);
}
