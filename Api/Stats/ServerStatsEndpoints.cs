using Microsoft.AspNetCore.Http.HttpResults;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Stats;

namespace VideoPlatform.Api.Stats;

/// <summary>Our load figures beside PeerTube's server statistics: what the national view compares academy by academy.</summary>
public sealed record ServerLoadDto(int Viewers, double HttpEgressBytesLastHour, double P2pBytesLastHour, double? P2pShare, long TranscodeQueueDepth,
    double TranscodeQueueWaitSeconds, long DeliveriesWaiting, long UnreachableServers, long StorageUsedBytes, long? StorageFreeBytes,
    IReadOnlyList<ServerAlertDto> Alerts);

public sealed record ServerAlertDto(string Key, string Message, DateTimeOffset Since);

/// <summary>PeerTube's <c>ServerStats</c> fields (those we count; the rest as PeerTube reports them when disabled: null or empty), plus <c>load</c>.</summary>
public sealed record ServerStatsDto(long TotalUsers, long TotalDailyActiveUsers, long TotalWeeklyActiveUsers, long TotalMonthlyActiveUsers, long? TotalModerators,
    long? TotalAdmins, long TotalLocalVideos, long TotalLocalVideoViews, long TotalLocalVideoComments, long TotalLocalVideoFilesSize, long TotalVideos,
    long TotalVideoComments, long TotalLocalVideoChannels, long TotalLocalDailyActiveVideoChannels, long TotalLocalWeeklyActiveVideoChannels,
    long TotalLocalMonthlyActiveVideoChannels, long TotalLocalPlaylists, long TotalInstanceFollowers, long TotalInstanceFollowing,
    IReadOnlyList<object> VideosRedundancy, long TotalActivityPubMessagesProcessed, long TotalActivityPubMessagesSuccesses, long TotalActivityPubMessagesErrors,
    double ActivityPubMessagesProcessedPerSecond, long TotalActivityPubMessagesWaiting, ServerLoadDto Load);

public static class ServerStatsEndpoints
{
    public static IEndpointRouteBuilder MapServerStatsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/server/stats", async (ServerStatsReader reader, CancellationToken ct) => TypedResults.Ok(await reader.ReadAsync(ct))).WithTags("Stats");
        return app;
    }
}

/// <summary>Reads the server statistics and the load of the last hour; the dashboard's live figures come from here too.</summary>
public sealed class ServerStatsReader(StatsRepository repo, ViewerSessions sessions, AlertState alerts, StatsJobTypes jobTypes, StatsFlusher flusher, TimeProvider clock)
{
    public async Task<ServerStatsDto> ReadAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var counts = await repo.ServerCountsAsync(jobTypes.Delivery, now, ct);
        var hourAgo = now - 3_600_000;
        var http = (await repo.SeriesAsync(StatMetrics.HttpMediaBytes, hourAgo, now + 1, TimeSpan.FromHours(2), ct)).Sum(p => p.Value);
        var p2p = (await repo.SeriesAsync(StatMetrics.P2PBytes, hourAgo, now + 1, TimeSpan.FromHours(2), ct)).Sum(p => p.Value);
        var load = await repo.LoadAsync(jobTypes.Transcode, jobTypes.Delivery, now, now, ct);
        var loadDto = new ServerLoadDto(sessions.Watching(), http, p2p, http + p2p > 0 ? Math.Round(p2p / (http + p2p), 4) : null, load.QueueDepth, load.QueueWaitSeconds,
            load.DeliveriesWaiting, load.UnreachableServers, load.StorageUsedBytes, flusher.FreeBytes(),
            alerts.Active.Select(a => new ServerAlertDto(a.Key, a.Message, a.Since)).ToList());
        return new ServerStatsDto(counts.TotalUsers, counts.TotalDailyActiveUsers, counts.TotalWeeklyActiveUsers, counts.TotalMonthlyActiveUsers, counts.TotalModerators,
            counts.TotalAdmins, counts.TotalLocalVideos, counts.TotalLocalVideoViews, 0, counts.TotalLocalVideoFilesSize, counts.TotalVideos, 0,
            counts.TotalLocalVideoChannels, 0, 0, 0, 0, counts.TotalInstanceFollowers, counts.TotalInstanceFollowing, [],
            counts.TotalActivityPubMessagesProcessed, counts.TotalActivityPubMessagesSuccesses, counts.TotalActivityPubMessagesErrors, 0,
            counts.TotalActivityPubMessagesWaiting, loadDto);
    }
}
