using VideoPlatform.Core.Storage;

namespace VideoPlatform.Api.Media;

/// <summary>
/// At start, with object storage enabled, gives the public media buckets their CORS rule
/// (<see cref="ObjectStore.AllowBrowserReadsAsync"/>), so that buckets filled by an earlier version, or by another
/// process, let players read them before this process uploads anything. In the background: an unreachable S3 server
/// delays nothing and stops nothing (logged; the rule is asked again before the first upload).
/// </summary>
public sealed partial class ObjectStorageStartup(ObjectStore objects, ILogger<ObjectStorageStartup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!objects.Enabled)
        {
            return;
        }
        foreach (var bucket in objects.PublicMediaBuckets())
        {
            try
            {
                await objects.AllowBrowserReadsAsync(bucket, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogCorsFailed(logger, bucket, ex.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not set the CORS rule of bucket {Bucket} at start: {Reason}; it is asked again before the first upload")]
    private static partial void LogCorsFailed(ILogger logger, string bucket, string reason);
}
