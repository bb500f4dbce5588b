using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Stats;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Web.Pages.Admin;

/// <summary>The academy's load over 1 h to 1 year, from the instance's own history; each series as CSV too.</summary>
[Authorize(Policy = WebPolicies.Admin)]
public sealed class DashboardModel(StatsRepository stats, ViewerSessions sessions, StatsFlusher flusher, TimeProvider clock) : PageModel
{
    private const double GiB = 1024d * 1024 * 1024;

    [BindProperty(SupportsGet = true)]
    public string Range { get; set; } = "24h";

    public StatRange Period { get; private set; } = StatRange.All[1];
    public int WatchingNow { get; private set; }
    public IReadOnlyList<ChartView> Charts { get; private set; } = [];
    public double? P2PShare { get; private set; }
    public DateTimeOffset? StorageFullOn { get; private set; }
    public IReadOnlyList<TopVideo> TopVideos { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (StatRange.Find(Range) is not { } period)
        {
            return RedirectToPage(new { range = "24h" });
        }
        Period = period;
        var now = clock.GetUtcNow();
        var to = now.ToUnixTimeMilliseconds() + 1;
        var from = now.Add(-period.Span).ToUnixTimeMilliseconds();
        var bucketSeconds = period.Bucket.TotalSeconds;
        async Task<IReadOnlyList<StatPoint>> Read(StatMetric metric) => await stats.SeriesAsync(metric, from, to, period.Bucket, ct);
        Func<double, double> same = v => v;
        Func<double, double> mbps = v => v * 8 / bucketSeconds / 1e6;
        Func<double, double> gib = v => v / GiB;
        Func<double, double> minutes = v => v / 60;

        var http = await Read(StatMetrics.HttpMediaBytes);
        var p2p = await Read(StatMetrics.P2PBytes);
        var httpTotal = http.Sum(p => p.Value);
        var p2pTotal = p2p.Sum(p => p.Value);
        P2PShare = httpTotal + p2pTotal > 0 ? p2pTotal / (httpTotal + p2pTotal) : null;
        var used = await Read(StatMetrics.StorageUsed);
        var free = flusher.FreeBytes();
        StorageFullOn = free is { } f ? AlertRules.FullOn(now, AlertRules.DaysUntilFull(used, f)) : null;

        Charts =
        [
            ChartView.FromPoints(Text.L("Dash_Viewers"), Text.L("Dash_UnitViewers"), [(Text.L("Dash_Viewers"), await Read(StatMetrics.Viewers), same, StatMetrics.Viewers.Name)]),
            ChartView.FromPoints(Text.L("Dash_Egress"), "Mbit/s", [(Text.L("Dash_EgressHttp"), http, mbps, StatMetrics.HttpMediaBytes.Name), (Text.L("Dash_EgressP2P"), p2p, mbps, StatMetrics.P2PBytes.Name)]),
            ChartView.FromPoints(Text.L("Dash_Queue"), Text.L("Dash_UnitJobs"),
            [
                (Text.L("Dash_QueueDepth"), await Read(StatMetrics.QueueDepth), same, StatMetrics.QueueDepth.Name),
                (Text.L("Dash_QueueWait"), await Read(StatMetrics.QueueWait), minutes, StatMetrics.QueueWait.Name),
                (Text.L("Dash_TranscodesDone"), await Read(StatMetrics.TranscodesDone), same, StatMetrics.TranscodesDone.Name),
            ]),
            ChartView.FromPoints(Text.L("Dash_Federation"), Text.L("Dash_UnitDeliveries"),
            [
                (Text.L("Dash_DeliveriesSent"), await Read(StatMetrics.DeliveriesSent), same, StatMetrics.DeliveriesSent.Name),
                (Text.L("Dash_DeliveriesFailed"), await Read(StatMetrics.DeliveriesFailed), same, StatMetrics.DeliveriesFailed.Name),
                (Text.L("Dash_DeliveriesWaiting"), await Read(StatMetrics.DeliveriesWaiting), same, StatMetrics.DeliveriesWaiting.Name),
                (Text.L("Dash_Unreachable"), await Read(StatMetrics.UnreachableServers), same, StatMetrics.UnreachableServers.Name),
            ]),
            ChartView.FromPoints(Text.L("Dash_Storage"), "Gio",
            [
                (Text.L("Dash_StorageUsed"), used, gib, StatMetrics.StorageUsed.Name),
                (Text.L("Dash_StorageFree"), await Read(StatMetrics.StorageFree), gib, StatMetrics.StorageFree.Name),
            ]),
            ChartView.FromPoints(Text.L("Dash_Requests"), Text.L("Dash_UnitRequests"),
            [
                (Text.L("Dash_RequestsAll"), await Read(StatMetrics.Requests), same, StatMetrics.Requests.Name),
                (Text.L("Dash_Errors"), await Read(StatMetrics.Errors), same, StatMetrics.Errors.Name),
                (Text.L("Dash_Views"), await Read(StatMetrics.Views), same, StatMetrics.Views.Name),
            ]),
            ChartView.FromPoints(Text.L("Dash_Uploads"), "Gio", [(Text.L("Dash_Uploads"), await Read(StatMetrics.UploadBytes), gib, StatMetrics.UploadBytes.Name)]),
        ];
        WatchingNow = sessions.Watching();
        TopVideos = await stats.TopVideosAsync(from, 10, ct);
        return Page();
    }

    /// <summary>One series over the period as CSV (<c>time,value</c>, UTC ISO 8601, raw unit: bytes, seconds, counts).</summary>
    public async Task<IActionResult> OnGetCsvAsync(string? metric, CancellationToken ct)
    {
        if (StatMetrics.Find(metric ?? "") is not { } m || StatRange.Find(Range) is not { } period)
        {
            return BadRequest();
        }
        var now = clock.GetUtcNow();
        var points = await stats.SeriesAsync(m, now.Add(-period.Span).ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds() + 1, period.Bucket, ct);
        var csv = new StringBuilder("time,").Append(m.Name).Append('\n');
        foreach (var p in points)
        {
            csv.Append(DateTimeOffset.FromUnixTimeMilliseconds(p.At).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture))
                .Append(',').Append(p.Value.ToString("0.###", CultureInfo.InvariantCulture)).Append('\n');
        }
        return File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", $"{m.Name}-{period.Key}.csv");
    }
}
