using System.Globalization;
using System.Text.Json;
using VideoPlatform.Core.Stats;

namespace VideoPlatform.Web.Infrastructure;

/// <summary>
/// One plot of the dashboard or the lesson statistics: series aligned on one x axis, rendered as a table (always, for
/// readers without JavaScript) and as JSON in <c>data-chart</c> for Scripts/dashboard.ts.
/// </summary>
public sealed class ChartView
{
    public required string Title { get; init; }
    public required string Unit { get; init; }
    public bool Time { get; init; } = true;
    public required IReadOnlyList<double> X { get; init; }
    public required IReadOnlyList<(string Label, IReadOnlyList<double?> Values, string? CsvMetric)> Series { get; init; }

    /// <summary>Aligns series of points (absent buckets become gaps), each value passed through its transform.</summary>
    public static ChartView FromPoints(string title, string unit, IReadOnlyList<(string Label, IReadOnlyList<StatPoint> Points, Func<double, double> Transform, string? CsvMetric)> series)
    {
        var times = series.SelectMany(s => s.Points.Select(p => p.At)).Distinct().Order().ToList();
        var aligned = series.Select(s =>
        {
            var byTime = s.Points.ToDictionary(p => p.At, p => p.Value);
            return (s.Label, (IReadOnlyList<double?>)times.Select(t => byTime.TryGetValue(t, out var v) ? Math.Round(s.Transform(v), 3) : (double?)null).ToList(), s.CsvMetric);
        }).ToList();
        return new ChartView { Title = title, Unit = unit, X = times.Select(t => t / 1000.0).ToList(), Series = aligned };
    }

    public string XLabel(double x) => Time
        ? DateTimeOffset.FromUnixTimeMilliseconds((long)(x * 1000)).UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)
        : Text.Duration((int)x);

    public static string Value(double? value) => value is { } v ? v.ToString("0.###", CultureInfo.CurrentCulture) : "–";

    public string Json() => JsonSerializer.Serialize(new
    {
        x = X,
        time = Time,
        unit = Unit,
        series = Series.Select(s => new { label = s.Label, values = s.Values }),
    });
}
