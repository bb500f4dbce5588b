namespace VideoPlatform.Core.Stats;

/// <summary><c>Stats:*</c>: the instance's own load history.</summary>
public sealed class StatsOptions
{
    public const string Section = "Stats";

    /// <summary>Off, nothing is counted or written (the recording-overhead benchmark compares both).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the counters are written: one row per series and minute whatever the interval.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Minute samples older than this become hourly ones.</summary>
    public TimeSpan MinuteRetention { get; set; } = TimeSpan.FromDays(2);

    /// <summary>Samples and watch sections older than this are deleted.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(400);
}

/// <summary><c>Alerts:*</c>: when the dashboard shows a banner, the log says so and the webhook is called.</summary>
public sealed class AlertOptions
{
    public const string Section = "Alerts";

    /// <summary>Media egress over HTTP above this share of <c>Instance:UplinkMbps</c> (percent) raises an alert.</summary>
    public double EgressPercent { get; set; } = 80;

    /// <summary>Storage forecast to be full in fewer days than this raises an alert.</summary>
    public double StorageDays { get; set; } = 30;

    /// <summary>The oldest waiting transcode waiting longer than this raises an alert.</summary>
    public double QueueWaitMinutes { get; set; } = 30;

    /// <summary>Any followed or following academy unreachable raises an alert.</summary>
    public bool Unreachable { get; set; } = true;

    /// <summary>Optional: each new alert is POSTed there as JSON.</summary>
    public string? WebhookUrl { get; set; }
}

/// <summary><c>Stats:</c> job types the minute figures read from the queue (given by the host, which knows the modules).</summary>
public sealed record StatsJobTypes(string Transcode, string Delivery);
