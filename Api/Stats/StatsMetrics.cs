using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Stats;

namespace VideoPlatform.Api.Stats;

/// <summary>The load history's figures on <c>/metrics</c>: viewers now, bytes peers shared, the last minute's gauges, active alerts.</summary>
public sealed class StatsMetrics(ViewerSessions sessions, StatsRecorder recorder, AlertState alerts, StatsFlusher flusher) : IMetricsSource
{
    public void Write(PrometheusWriter writer)
    {
        writer.Sample("videoplatform_viewers", "gauge", "Viewers whose player sent a heartbeat in the last 30 seconds.", sessions.Watching());
        writer.Sample("videoplatform_p2p_bytes_total", "counter", "Bytes players report they received from other players (after the plausibility check).", recorder.TotalP2PBytes);
        foreach (var (metric, value) in flusher.LastGauges.Where(g => g.Key != StatMetrics.Viewers).OrderBy(g => g.Key.Name, StringComparer.Ordinal))
        {
            writer.Sample("videoplatform_" + metric.Name, "gauge", $"{metric.Name} ({metric.Unit}) at the last minute written by the load history.", value);
        }
        writer.Describe("videoplatform_alert_active", "gauge", "1 while an alert of the dashboard is active.");
        foreach (var rule in new[] { "egress", "storage", "queue", "unreachable" })
        {
            writer.SampleLine("videoplatform_alert_active", alerts.Active.Any(a => a.Key == rule) ? 1 : 0, [("alert", rule)]);
        }
    }
}
