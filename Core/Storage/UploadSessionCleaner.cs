using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Core.Storage;

/// <summary>
/// Removes resumable uploads left untouched for <see cref="UploadOptions.SessionLifetime"/>: their row and their bytes,
/// so that abandoned uploads neither fill the disk nor hold the user's quota. Also removes upload files without a row
/// (a process that died between creating the file and the row, or a multipart upload cut short). Files in use are never
/// removed: a multipart upload's file has no row, and its inspection can outlast a short lifetime on a loaded machine.
/// </summary>
public sealed partial class UploadSessionCleaner(
    IOptions<UploadOptions> options,
    UploadSessionRepository sessions,
    UploadStaging staging,
    Readiness readiness,
    TimeProvider clock,
    ILogger<UploadSessionCleaner> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await readiness.WaitAsync(stoppingToken);
        var lifetime = options.Value.SessionLifetime;
        // Sweep a few times per lifetime, at most every minute and at least every second.
        var interval = TimeSpan.FromMilliseconds(Math.Clamp(lifetime.TotalMilliseconds / 4, 1000, 60_000));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogSweepFailed(logger, ex);
            }
            try
            {
                await Task.Delay(interval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async Task SweepAsync(CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow() - options.Value.SessionLifetime;
        // A file in use (written, or held while its upload is inspected and published) is left, whatever its age.
        foreach (var id in await sessions.ExpiredAsync(cutoff.ToUnixTimeMilliseconds(), ct))
        {
            if (staging.TryDeleteUnused(id))
            {
                await sessions.DeleteAsync(id, ct);
                LogExpired(logger, id);
            }
        }
        foreach (var (name, lastWrite) in staging.List())
        {
            if (lastWrite < cutoff.UtcDateTime && await sessions.FindAsync(name, ct) is null && staging.TryDeleteUnused(name))
            {
                LogExpired(logger, name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Expired upload {Id} removed")]
    private static partial void LogExpired(ILogger logger, string id);

    [LoggerMessage(Level = LogLevel.Error, Message = "Upload cleanup failed; trying again later")]
    private static partial void LogSweepFailed(ILogger logger, Exception ex);

}
