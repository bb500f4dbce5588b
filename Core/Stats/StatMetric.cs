namespace VideoPlatform.Core.Stats;

/// <summary>How a metric's samples combine: counters add up over a bucket, gauges are averaged (the value at its end per minute).</summary>
public enum StatKind
{
    Counter,
    Gauge,
}

/// <summary>One series the instance records every minute.</summary>
public sealed record StatMetric(string Name, StatKind Kind, string Unit);

/// <summary>The series of the load history, by their stable names (used in the database, the dashboard, the CSV export and the API).</summary>
public static class StatMetrics
{
    public static readonly StatMetric Viewers = new("viewers", StatKind.Gauge, "viewers");
    public static readonly StatMetric HttpMediaBytes = new("http_media_bytes", StatKind.Counter, "bytes");
    public static readonly StatMetric P2PBytes = new("p2p_bytes", StatKind.Counter, "bytes");
    public static readonly StatMetric Requests = new("requests", StatKind.Counter, "requests");
    public static readonly StatMetric Errors = new("errors", StatKind.Counter, "requests");
    public static readonly StatMetric UploadBytes = new("upload_bytes", StatKind.Counter, "bytes");
    public static readonly StatMetric Views = new("views", StatKind.Counter, "views");
    public static readonly StatMetric QueueDepth = new("transcode_queue_depth", StatKind.Gauge, "jobs");
    public static readonly StatMetric QueueWait = new("transcode_queue_wait_seconds", StatKind.Gauge, "seconds");
    public static readonly StatMetric TranscodesDone = new("transcodes_done", StatKind.Counter, "jobs");
    public static readonly StatMetric DeliveriesSent = new("deliveries_sent", StatKind.Counter, "deliveries");
    public static readonly StatMetric DeliveriesFailed = new("deliveries_failed", StatKind.Counter, "deliveries");
    public static readonly StatMetric DeliveriesWaiting = new("deliveries_waiting", StatKind.Gauge, "deliveries");
    public static readonly StatMetric UnreachableServers = new("unreachable_servers", StatKind.Gauge, "servers");
    public static readonly StatMetric StorageUsed = new("storage_used_bytes", StatKind.Gauge, "bytes");
    public static readonly StatMetric StorageFree = new("storage_free_bytes", StatKind.Gauge, "bytes");

    public static readonly IReadOnlyList<StatMetric> All =
    [
        Viewers, HttpMediaBytes, P2PBytes, Requests, Errors, UploadBytes, Views, QueueDepth, QueueWait, TranscodesDone,
        DeliveriesSent, DeliveriesFailed, DeliveriesWaiting, UnreachableServers, StorageUsed, StorageFree,
    ];

    public static StatMetric? Find(string name) => All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.Ordinal));
}

/// <summary>The periods the dashboard plots, each with the bucket its points are grouped by.</summary>
public sealed record StatRange(string Key, TimeSpan Span, TimeSpan Bucket)
{
    public static readonly IReadOnlyList<StatRange> All =
    [
        new("1h", TimeSpan.FromHours(1), TimeSpan.FromMinutes(1)),
        new("24h", TimeSpan.FromHours(24), TimeSpan.FromMinutes(10)),
        new("7d", TimeSpan.FromDays(7), TimeSpan.FromHours(1)),
        new("30d", TimeSpan.FromDays(30), TimeSpan.FromHours(6)),
        new("1y", TimeSpan.FromDays(365), TimeSpan.FromDays(1)),
    ];

    public static StatRange? Find(string? key) => All.FirstOrDefault(r => string.Equals(r.Key, key, StringComparison.Ordinal));
}

/// <summary>One point of a series: the start of its bucket (Unix ms) and its value.</summary>
public sealed record StatPoint(long At, double Value);
