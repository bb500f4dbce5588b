using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace VideoPlatform.Bench;

/// <summary>Runs wrk against a URL and reads requests/s and the p99 latency from its --latency report.</summary>
public static partial class Wrk
{
    public sealed record Result(double RequestsPerSecond, double P99Ms, long Non2xx);

    public static async Task<Result> RunAsync(string url, int connections = 64, int seconds = 10, string? script = null, params string[] headers)
    {
        var args = new List<string> { "-t2", $"-c{connections}", $"-d{seconds}s", "--latency" };
        foreach (var header in headers)
        {
            args.AddRange(["-H", header]);
        }
        if (script is not null)
        {
            args.AddRange(["-s", script]);
        }
        args.Add(url);
        var start = new ProcessStartInfo("wrk", args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var rps = double.Parse(RequestsPattern().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var p99 = P99Pattern().Match(output);
        var value = double.Parse(p99.Groups[1].Value, CultureInfo.InvariantCulture);
        var ms = p99.Groups[2].Value switch { "us" => value / 1000, "ms" => value, "s" => value * 1000, _ => value * 60_000 };
        var non2xx = NonSuccessPattern().Match(output) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        return new Result(rps, ms, non2xx);
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPattern();

    [GeneratedRegex(@"99%\s+([\d.]+)(us|ms|s|m)")]
    private static partial Regex P99Pattern();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccessPattern();
}
