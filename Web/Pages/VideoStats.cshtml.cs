using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Stats;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Web.Pages;

/// <summary>A lesson's statistics for its teacher: viewers, watch time, viewers over time and where students stop (retention).</summary>
[Authorize(Policy = WebPolicies.User)]
public sealed class VideoStatsModel(VideoRepository videos, StatsRepository stats, TimeProvider clock) : PageModel
{
    public VideoRow Video { get; private set; } = null!;
    public int Viewers { get; private set; }
    public long TotalWatchSeconds { get; private set; }
    public ChartView ViewersChart { get; private set; } = null!;
    public ChartView RetentionChart { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string uuid, CancellationToken ct)
    {
        if (await videos.FindAsync(uuid, ct) is not { } found || !VideoAccess.CanManage(found, User) || !found.Video.IsLocal)
        {
            return NotFound();
        }
        Video = found.Video;
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var from = Math.Max(Math.Max(Video.PublishedAt, Video.CreatedAt), now - (long)TimeSpan.FromDays(365).TotalMilliseconds);
        var sections = await stats.SectionsAsync(Video.Id, 0, now + 1, ct);
        Viewers = sections.Select(s => s.Viewer).Distinct(StringComparer.Ordinal).Count();
        TotalWatchSeconds = sections.Sum(s => (long)Math.Abs(s.End - s.Start));
        var span = TimeSpan.FromMilliseconds(Math.Max(1, now - from));
        var bucket = span <= TimeSpan.FromHours(2) ? TimeSpan.FromMinutes(1) : span <= TimeSpan.FromDays(2) ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);
        var start = from - from % (long)bucket.TotalMilliseconds;
        ViewersChart = ChartView.FromPoints(Text.L("Stats_ViewersOverTime"), Text.L("Dash_UnitViewers"),
            [(Text.L("Dash_Viewers"), WatchStatistics.Timeseries("viewers", start, now + 1, bucket, sections), v => v, null)]);
        // A long lesson is shown every few seconds (at most 600 points); the API gives every second.
        var step = Math.Max(1, (Video.Duration + 599) / 600);
        var retention = WatchStatistics.Retention(Video.Duration, sections).Where(p => p.Second % step == 0).ToList();
        RetentionChart = new ChartView
        {
            Title = Text.L("Stats_Retention"),
            Unit = "%",
            Time = false,
            X = retention.Select(p => (double)p.Second).ToList(),
            Series = [(Text.L("Stats_StillWatching"), retention.Select(p => (double?)p.RetentionPercent).ToList(), null)],
        };
        return Page();
    }
}
