using Microsoft.Extensions.Logging;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Core.Videos;

/// <summary>Something that reacts to a local video's changes: media cleanup, federation, the P2P catalog.</summary>
public interface IVideoChangeListener
{
    Task OnPublishedAsync(long videoId, CancellationToken ct) => Task.CompletedTask;
    Task OnUpdatedAsync(long videoId, VideoPrivacy previousPrivacy, CancellationToken ct) => Task.CompletedTask;

    /// <summary>The published video's files changed: their torrents and info hashes were (re)made.</summary>
    Task OnFilesChangedAsync(long videoId, CancellationToken ct) => Task.CompletedTask;

    /// <summary>The published video's files moved to another store (local disk ↔ object storage): their URLs changed, their torrents were cleared.</summary>
    Task OnStorageChangedAsync(long videoId, CancellationToken ct) => Task.CompletedTask;
    Task OnDeletingAsync(VideoWithOwners video, CancellationToken ct) => Task.CompletedTask;
    Task OnDeletedAsync(VideoWithOwners video, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>Fans a change out to every registered listener; one failing listener does not stop the others.</summary>
public sealed partial class VideoChangeNotifier(IEnumerable<IVideoChangeListener> listeners, ILogger<VideoChangeNotifier> logger)
{
    /// <summary>
    /// Run by the <see cref="VideoPublishedJobHandler"/> job: after every listener had its turn, a failure is thrown so
    /// that the job is retried (the listeners that succeeded run again, and must be idempotent).
    /// </summary>
    public async Task PublishedAsync(long videoId, CancellationToken ct)
    {
        var failures = await EachAsync(l => l.OnPublishedAsync(videoId, ct));
        if (failures.Count > 0)
        {
            throw new AggregateException($"{failures.Count} listener(s) failed on the publication of video {videoId}", failures);
        }
    }

    /// <summary>Run by the job that made the files' torrents; throws after every listener ran so that the job is retried.</summary>
    public async Task FilesChangedAsync(long videoId, CancellationToken ct)
    {
        var failures = await EachAsync(l => l.OnFilesChangedAsync(videoId, ct));
        if (failures.Count > 0)
        {
            throw new AggregateException($"{failures.Count} listener(s) failed on the file change of video {videoId}", failures);
        }
    }

    /// <summary>Run by the move-storage jobs; throws after every listener ran so that the job is retried.</summary>
    public async Task StorageChangedAsync(long videoId, CancellationToken ct)
    {
        var failures = await EachAsync(l => l.OnStorageChangedAsync(videoId, ct));
        if (failures.Count > 0)
        {
            throw new AggregateException($"{failures.Count} listener(s) failed on the storage change of video {videoId}", failures);
        }
    }

    public Task UpdatedAsync(long videoId, VideoPrivacy previousPrivacy, CancellationToken ct) => EachAsync(l => l.OnUpdatedAsync(videoId, previousPrivacy, ct));
    public Task DeletingAsync(VideoWithOwners video, CancellationToken ct) => EachAsync(l => l.OnDeletingAsync(video, ct));
    public Task DeletedAsync(VideoWithOwners video, CancellationToken ct) => EachAsync(l => l.OnDeletedAsync(video, ct));

    /// <summary>Runs every listener, logging each failure; returns the failures.</summary>
    private async Task<List<Exception>> EachAsync(Func<IVideoChangeListener, Task> action)
    {
        var failures = new List<Exception>();
        foreach (var listener in listeners)
        {
            try
            {
                await action(listener);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogListenerFailed(logger, ex, listener.GetType().Name);
                failures.Add(ex);
            }
        }
        return failures;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Video change listener {Listener} failed")]
    private static partial void LogListenerFailed(ILogger logger, Exception ex, string listener);
}
