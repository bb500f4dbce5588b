using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using VideoPlatform.Core;
using VideoPlatform.Transcoder;

namespace VideoPlatform.Api.Runners;

/// <summary>What a runner keeps in <c>{Runner:StateFolder}/runner.json</c>: its token with the instance it belongs to.</summary>
public sealed record RunnerState(string InstanceUrl, long RunnerId, string RunnerToken, string Name);

/// <summary>
/// The runner's loop: register once (the runner token is kept in the state folder), then ask for jobs every poll interval,
/// accept one, download its source, run the same <see cref="HlsPipeline"/> as the in-process worker in a work folder,
/// report progress (which keeps the lease), and send the results or the error. A runner told that its job is no longer
/// its own stops working on it; a runner that stops aborts its job so another takes it at once.
/// </summary>
public sealed partial class RunnerWorker(
    RunnerClient client,
    HlsPipeline pipeline,
    IOptions<RunnerOptions> options,
    Readiness readiness,
    TimeProvider clock,
    ILogger<RunnerWorker> logger) : BackgroundService
{
    private static readonly TimeSpan AbortTimeout = TimeSpan.FromSeconds(5);

    private RunnerOptions Options => options.Value;
    private string StateFolder => Path.GetFullPath(Options.StateFolder);
    private string StatePath => Path.Combine(StateFolder, "runner.json");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        RunnerState? state = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                state ??= await RegisterAsync(stoppingToken);
                readiness.MarkReady();
                var jobs = await client.RequestAsync(state.RunnerToken, stoppingToken);
                var worked = false;
                foreach (var offered in jobs)
                {
                    if (await client.AcceptAsync(offered.Uuid, state.RunnerToken, stoppingToken) is { JobToken: not null } job)
                    {
                        await RunJobAsync(state, job, stoppingToken);
                        worked = true;
                        break;
                    }
                }
                if (!worked)
                {
                    await Task.Delay(Options.PollInterval, clock, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (RunnerUnauthorizedException ex)
            {
                // Our runner token was deleted by an administrator: register again (if our registration token still works).
                LogUnauthorized(logger, ex.Message);
                state = null;
                File.Delete(StatePath);
                await Task.Delay(Options.PollInterval * 5, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            catch (Exception ex)
            {
                LogLoopError(logger, ex);
                await Task.Delay(Options.PollInterval * 2, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task<RunnerState> RegisterAsync(CancellationToken ct)
    {
        var instanceUrl = Options.InstanceUrl.TrimEnd('/');
        if (File.Exists(StatePath))
        {
            var saved = JsonSerializer.Deserialize<RunnerState>(await File.ReadAllTextAsync(StatePath, ct), JsonSerializerOptions.Web);
            if (saved is not null && string.Equals(saved.InstanceUrl, instanceUrl, StringComparison.OrdinalIgnoreCase))
            {
                return saved;
            }
        }
        if (string.IsNullOrWhiteSpace(Options.RegistrationToken))
        {
            throw new InvalidOperationException($"The runner is not registered with {instanceUrl}: set Runner:RegistrationToken to a token an administrator generated.");
        }
        var name = string.IsNullOrWhiteSpace(Options.Name)
            ? $"{Environment.MachineName.ToLowerInvariant()}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}"
            : Options.Name.Trim();
        var (id, token) = await client.RegisterAsync(Options.RegistrationToken, name, Options.Description, ct);
        var state = new RunnerState(instanceUrl, id, token, name);
        Directory.CreateDirectory(StateFolder);
        var temp = StatePath + ".tmp";
        await File.WriteAllTextAsync(temp, JsonSerializer.Serialize(state, JsonSerializerOptions.Web), ct);
        if (!OperatingSystem.IsWindows())
        {
            // The runner token is a credential: readable by the runner's user only.
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.Move(temp, StatePath, overwrite: true);
        LogRegistered(logger, name, instanceUrl);
        return state;
    }

    private async Task RunJobAsync(RunnerState state, RunnerJobDto job, CancellationToken stoppingToken)
    {
        var jobToken = job.JobToken!;
        var work = Path.Combine(StateFolder, "work", job.Uuid);
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }
        Directory.CreateDirectory(work);
        LogAccepted(logger, job.Uuid, job.Payload.Input.VideoUuid);
        using var lost = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var sink = new LatestProgress();
        var updates = UpdateLoopAsync(state, job, sink, lost);
        try
        {
            var extension = Path.GetExtension(job.Payload.Input.VideoFileName);
            var source = Path.Combine(work, "source" + (extension.Length is > 1 and <= 10 ? extension : ".bin"));
            await client.DownloadAsync(job.Payload.Input.VideoFileUrl, state.RunnerToken, jobToken, source, lost.Token);
            var settings = new TranscodeSettings { Threads = Options.Threads, Preset = Options.Preset, WebVideos = job.Payload.Output.WebVideos };
            if (job.Payload.Output.Resolutions is { Count: > 0 } ladder)
            {
                settings = settings with { EnabledResolutions = ladder.ToHashSet() };
            }
            var result = await pipeline.RunAsync(source, Path.Combine(work, "out"), settings, sink, lost.Token);
            await StopAsync(lost, updates);
            if (await client.SuccessAsync(job.Uuid, state.RunnerToken, jobToken, result.Output, result.Directory, stoppingToken))
            {
                LogSucceeded(logger, job.Uuid);
            }
            else
            {
                LogLost(logger, job.Uuid);
            }
        }
        catch (UploadRejectedException ex)
        {
            await StopAsync(lost, updates);
            await client.ErrorAsync(job.Uuid, state.RunnerToken, jobToken, ex.Message, permanent: true, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await StopAsync(lost, updates);
            // Hand the job back at once rather than after the lease.
            using var timeout = new CancellationTokenSource(AbortTimeout);
            try
            {
                await client.AbortAsync(job.Uuid, state.RunnerToken, jobToken, "The runner is stopping.", timeout.Token);
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                LogAbortFailed(logger, job.Uuid, ex.Message);
            }
            throw;
        }
        catch (OperationCanceledException) when (lost.IsCancellationRequested)
        {
            await StopAsync(lost, updates);
            LogLost(logger, job.Uuid);
        }
        catch (Exception ex) when (ex is not RunnerUnauthorizedException)
        {
            await StopAsync(lost, updates);
            LogJobFailed(logger, ex, job.Uuid);
            await client.ErrorAsync(job.Uuid, state.RunnerToken, jobToken, ex.Message, permanent: false, stoppingToken);
        }
        finally
        {
            await StopAsync(lost, updates);
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException ex)
            {
                LogCleanupFailed(logger, work, ex.Message);
            }
        }
    }

    /// <summary>Reports progress every update interval; when the instance says the job is no longer ours, cancels the work.</summary>
    private async Task UpdateLoopAsync(RunnerState state, RunnerJobDto job, LatestProgress sink, CancellationTokenSource lost)
    {
        try
        {
            while (!lost.IsCancellationRequested)
            {
                if (!await client.UpdateAsync(job.Uuid, state.RunnerToken, job.JobToken!, sink.Percent, lost.Token))
                {
                    await lost.CancelAsync();
                    return;
                }
                await Task.Delay(Options.UpdateInterval, clock, lost.Token);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            // A failed report is retried at the next interval by the next loop iteration; the lease covers a few misses.
            LogUpdateFailed(logger, job.Uuid, ex.Message);
            if (!lost.IsCancellationRequested)
            {
                await Task.Delay(Options.UpdateInterval, clock, CancellationToken.None);
                await UpdateLoopAsync(state, job, sink, lost);
            }
        }
    }

    private static async Task StopAsync(CancellationTokenSource lost, Task updates)
    {
        if (!updates.IsCompleted)
        {
            await lost.CancelAsync();
        }
        await updates;
    }

    private sealed class LatestProgress : IProgress<double>
    {
        private int _percent;

        public int Percent => Volatile.Read(ref _percent);

        public void Report(double value) => Volatile.Write(ref _percent, (int)Math.Clamp(Math.Floor(value * 100), 0, 100));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Runner {Name} registered with {InstanceUrl}")]
    private static partial void LogRegistered(ILogger logger, string name, string instanceUrl);

    [LoggerMessage(Level = LogLevel.Information, Message = "Runner job {JobUuid} accepted (video {VideoUuid})")]
    private static partial void LogAccepted(ILogger logger, string jobUuid, string videoUuid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Runner job {JobUuid} done")]
    private static partial void LogSucceeded(ILogger logger, string jobUuid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Runner job {JobUuid} is no longer ours (lease lost): work dropped")]
    private static partial void LogLost(ILogger logger, string jobUuid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Runner job {JobUuid} failed")]
    private static partial void LogJobFailed(ILogger logger, Exception ex, string jobUuid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Runner job {JobUuid}: progress report failed ({Reason})")]
    private static partial void LogUpdateFailed(ILogger logger, string jobUuid, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Runner job {JobUuid}: could not abort ({Reason})")]
    private static partial void LogAbortFailed(ILogger logger, string jobUuid, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The instance refused our runner token ({Detail}); registering again")]
    private static partial void LogUnauthorized(ILogger logger, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Runner loop error")]
    private static partial void LogLoopError(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove the work folder {Folder}: {Reason}")]
    private static partial void LogCleanupFailed(ILogger logger, string folder, string reason);
}
