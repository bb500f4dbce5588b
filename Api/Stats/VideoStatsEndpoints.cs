using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Stats;

namespace VideoPlatform.Api.Stats;

public sealed record VideoStatsOverallDto(double AverageWatchTime, double TotalWatchTime, int ViewersPeak, DateTimeOffset? ViewersPeakDate, int TotalViewers,
    IReadOnlyList<object> Countries, IReadOnlyList<object> Subdivisions);

public sealed record VideoStatsTimeserieDto(string GroupInterval, IReadOnlyList<VideoStatsPointDto> Data);

public sealed record VideoStatsPointDto(DateTimeOffset Date, double Value);

public sealed record VideoStatsRetentionDto(IReadOnlyList<RetentionPoint> Data);

/// <summary>PeerTube's video statistics (owner, moderators and administrators): overall, timeseries and retention, from the watch sections.</summary>
public static class VideoStatsEndpoints
{
    public static readonly string[] TimeseriesMetrics = ["viewers", "aggregateWatchTime"];

    public static IEndpointRouteBuilder MapVideoStatsEndpoints(this IEndpointRouteBuilder app)
    {
        var stats = app.MapGroup("/api/v1/videos/{id}/stats").WithTags("Video Stats").RequireAuthorization();
        stats.MapGet("/overall", async Task<Results<Ok<VideoStatsOverallDto>, ProblemHttpResult>> (string id, string? startDate, string? endDate, ClaimsPrincipal user,
            VideoRepository videos, StatsRepository repo, TimeProvider clock, CancellationToken ct) =>
        {
            var (video, problem) = await FindAsync(id, user, videos, ct);
            if (problem is not null)
            {
                return problem;
            }
            if (Period(startDate, endDate, video!.Video, clock) is not { } period)
            {
                return Problems.BadRequest("startDate and endDate must be ISO 8601 dates, startDate before endDate.");
            }
            var sections = await repo.SectionsAsync(video.Video.Id, period.From, period.To, ct);
            var bucket = period.To - period.From <= TimeSpan.FromDays(7).TotalMilliseconds ? TimeSpan.FromMinutes(1) : TimeSpan.FromHours(1);
            var peak = WatchStatistics.Timeseries("viewers", period.From, period.To, bucket, sections).MaxBy(p => p.Value);
            var viewers = sections.Select(s => s.Viewer).Distinct(StringComparer.Ordinal).Count();
            double total = sections.Sum(s => Math.Abs(s.End - s.Start));
            return TypedResults.Ok(new VideoStatsOverallDto(
                viewers == 0 ? 0 : Math.Round(total / viewers, 2), total,
                (int)(peak?.Value ?? 0), peak is { Value: > 0 } ? DateTimeOffset.FromUnixTimeMilliseconds(peak.At) : null,
                viewers, [], []));
        });
        stats.MapGet("/timeseries/{metric}", async Task<Results<Ok<VideoStatsTimeserieDto>, ProblemHttpResult>> (string id, string metric, string? startDate, string? endDate,
            ClaimsPrincipal user, VideoRepository videos, StatsRepository repo, TimeProvider clock, CancellationToken ct) =>
        {
            if (!TimeseriesMetrics.Contains(metric, StringComparer.Ordinal))
            {
                return Problems.BadRequest($"metric must be one of {string.Join(", ", TimeseriesMetrics)}.");
            }
            var (video, problem) = await FindAsync(id, user, videos, ct);
            if (problem is not null)
            {
                return problem;
            }
            if (Period(startDate, endDate, video!.Video, clock) is not { } period)
            {
                return Problems.BadRequest("startDate and endDate must be ISO 8601 dates, startDate before endDate.");
            }
            var span = TimeSpan.FromMilliseconds(period.To - period.From);
            var (bucket, interval) = span <= TimeSpan.FromHours(2) ? (TimeSpan.FromMinutes(1), "1 minute")
                : span <= TimeSpan.FromDays(2) ? (TimeSpan.FromHours(1), "1 hour") : (TimeSpan.FromDays(1), "1 day");
            var from = period.From - period.From % (long)bucket.TotalMilliseconds;
            var sections = await repo.SectionsAsync(video.Video.Id, from, period.To, ct);
            var points = WatchStatistics.Timeseries(metric, from, period.To, bucket, sections);
            return TypedResults.Ok(new VideoStatsTimeserieDto(interval, points.Select(p => new VideoStatsPointDto(DateTimeOffset.FromUnixTimeMilliseconds(p.At), p.Value)).ToList()));
        });
        stats.MapGet("/retention", async Task<Results<Ok<VideoStatsRetentionDto>, ProblemHttpResult>> (string id, ClaimsPrincipal user, VideoRepository videos,
            StatsRepository repo, TimeProvider clock, CancellationToken ct) =>
        {
            var (video, problem) = await FindAsync(id, user, videos, ct);
            if (problem is not null)
            {
                return problem;
            }
            var sections = await repo.SectionsAsync(video!.Video.Id, 0, clock.GetUtcNow().ToUnixTimeMilliseconds() + 1, ct);
            return TypedResults.Ok(new VideoStatsRetentionDto(WatchStatistics.Retention(video.Video.Duration, sections)));
        });
        return app;
    }

    private static async Task<(VideoWithOwners? Video, ProblemHttpResult? Problem)> FindAsync(string id, ClaimsPrincipal user, VideoRepository videos, CancellationToken ct)
    {
        var video = await videos.FindAsync(id, ct);
        if (video is null || !VideoAccess.CanView(video, user))
        {
            return (null, Problems.NotFound("Video not found."));
        }
        if (!VideoAccess.CanManage(video, user) || !video.Video.IsLocal)
        {
            return (null, Problems.Forbidden("Only the owner of a local video, a moderator or an administrator can see its statistics."));
        }
        return (video, null);
    }

    /// <summary>PeerTube's <c>startDate</c>/<c>endDate</c>; by default from the video's publication (at most a year back) to now.</summary>
    private static (long From, long To)? Period(string? startDate, string? endDate, VideoRow video, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        DateTimeOffset end = now, start;
        if (endDate is not null && !DateTimeOffset.TryParse(endDate, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out end))
        {
            return null;
        }
        if (startDate is null)
        {
            var published = DateTimeOffset.FromUnixTimeMilliseconds(Math.Max(video.PublishedAt, video.CreatedAt));
            start = published > end.AddDays(-365) ? published : end.AddDays(-365);
            start = start < end ? start : end.AddHours(-1);
        }
        else if (!DateTimeOffset.TryParse(startDate, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out start))
        {
            return null;
        }
        return start < end && end - start <= TimeSpan.FromDays(400) ? (start.ToUnixTimeMilliseconds(), end.ToUnixTimeMilliseconds()) : null;
    }
}
