using System.Diagnostics;

namespace VideoPlatform.IntegrationTests.Infrastructure;

/// <summary>
/// aria2c, a real BitTorrent client, as the tests run it: DHT, LPD and peer exchange off (only our tracker, seeder and
/// web seeds can serve it), no seeding after the download, no .torrent saved from a magnet, a quiet console.
/// </summary>
internal static class Aria2
{
    /// <summary>aria2c missing: Ignored locally, Failed on CI.</summary>
    public static void Require() => Prerequisites.Require(Prerequisites.HasCommand("aria2c"), "aria2c (apt-get install aria2)");

    /// <summary>
    /// Runs aria2c on <paramref name="target"/> (a .torrent path, a magnet or a URL) into <paramref name="outDir"/>, with
    /// <paramref name="extra"/> options first. Returns its exit status and console output; -1 when it was still running
    /// after <paramref name="limit"/> (it is then killed).
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string target, string outDir, TimeSpan limit, params string[] extra)
    {
        var start = new ProcessStartInfo("aria2c") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])
        [
            .. extra,
            "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false", "--enable-peer-exchange=false", "--seed-time=0",
            "--bt-save-metadata=false", "--summary-interval=0", "--console-log-level=warn", "--dir=" + outDir, target,
        ])
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            return (-1, await output + await error);
        }
        return (process.ExitCode, await output + await error);
    }

    /// <summary>Runs aria2c as <see cref="RunAsync"/> does and fails the test unless it finishes, with status 0, within <paramref name="limit"/>.</summary>
    public static async Task DownloadAsync(string target, string outDir, TimeSpan limit, params string[] extra)
    {
        var (exitCode, output) = await RunAsync(target, outDir, limit, extra);
        if (exitCode == -1)
        {
            Assert.Fail($"aria2c did not finish in {limit.TotalSeconds:0} s");
        }
        Assert.That(exitCode, Is.Zero, output);
    }
}
