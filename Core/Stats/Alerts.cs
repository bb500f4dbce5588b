using System.Globalization;

namespace VideoPlatform.Core.Stats;

/// <summary>An alert of the dashboard: a stable key (one per rule) and a French message for administrators.</summary>
public sealed record Alert(string Key, string Message, DateTimeOffset Since);

/// <summary>What the alert rules look at, read after each write of the minute figures.</summary>
public sealed record AlertInputs(double EgressMbps, double UplinkMbps, double? StorageDaysLeft, double QueueWaitSeconds, long UnreachableServers);

/// <summary>Told of every alert that starts (the webhook).</summary>
public interface IAlertSink
{
    Task NotifyAsync(Alert alert, CancellationToken ct);
}

/// <summary>The alert rules (pure) and the storage forecast they use.</summary>
public static class AlertRules
{
    public static IReadOnlyList<(string Key, string Message)> Evaluate(AlertInputs inputs, AlertOptions options)
    {
        var alerts = new List<(string, string)>();
        if (inputs.UplinkMbps > 0 && inputs.EgressMbps >= inputs.UplinkMbps * options.EgressPercent / 100)
        {
            alerts.Add(("egress", string.Create(CultureInfo.InvariantCulture,
                $"Le débit sortant HTTP atteint {inputs.EgressMbps:0.#} Mbit/s, soit {100 * inputs.EgressMbps / inputs.UplinkMbps:0} % du lien ({inputs.UplinkMbps:0.#} Mbit/s).")));
        }
        if (inputs.StorageDaysLeft is { } days && days < options.StorageDays)
        {
            alerts.Add(("storage", string.Create(CultureInfo.InvariantCulture, $"Le stockage sera plein dans environ {Math.Max(0, days):0} jours au rythme actuel.")));
        }
        if (inputs.QueueWaitSeconds > options.QueueWaitMinutes * 60)
        {
            alerts.Add(("queue", string.Create(CultureInfo.InvariantCulture, $"Une vidéo attend son transcodage depuis {inputs.QueueWaitSeconds / 60:0} minutes.")));
        }
        if (options.Unreachable && inputs.UnreachableServers > 0)
        {
            alerts.Add(("unreachable", string.Create(CultureInfo.InvariantCulture, $"{inputs.UnreachableServers} académie(s) injoignable(s) : les livraisons vers elles sont suspendues.")));
        }
        return alerts;
    }

    /// <summary>
    /// Days until <paramref name="free"/> bytes are used at the growth rate between the first and last samples of
    /// <paramref name="used"/> (bytes over time); null when storage does not grow or the history is shorter than an hour.
    /// </summary>
    public static double? DaysUntilFull(IReadOnlyList<StatPoint> used, double free)
    {
        if (used.Count < 2)
        {
            return null;
        }
        var first = used[0];
        var last = used[^1];
        var days = (last.At - first.At) / 86_400_000.0;
        if (days < 1.0 / 24 || last.Value <= first.Value)
        {
            return null;
        }
        var perDay = (last.Value - first.Value) / days;
        return free / perDay;
    }

    /// <summary>The date the storage fills at that rate, for the dashboard.</summary>
    public static DateTimeOffset? FullOn(DateTimeOffset now, double? daysLeft) =>
        daysLeft is { } d && d < 365 * 20 ? now.AddDays(d) : null;
}

/// <summary>The alerts active now (shown as a banner to administrators), updated after each minute write.</summary>
public sealed class AlertState
{
    private volatile IReadOnlyList<Alert> _active = [];

    public IReadOnlyList<Alert> Active => _active;

    /// <summary>Replaces the active set and returns the alerts that were not active before.</summary>
    public IReadOnlyList<Alert> Update(IReadOnlyList<(string Key, string Message)> current, DateTimeOffset now)
    {
        var previous = _active.ToDictionary(a => a.Key, StringComparer.Ordinal);
        var next = current.Select(c => previous.TryGetValue(c.Key, out var p) ? p with { Message = c.Message } : new Alert(c.Key, c.Message, now)).ToList();
        _active = next;
        return next.Where(a => !previous.ContainsKey(a.Key)).ToList();
    }
}
