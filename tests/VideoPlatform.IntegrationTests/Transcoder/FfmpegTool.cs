using System.Diagnostics;
using System.Text.Json;

namespace VideoPlatform.IntegrationTests.Transcoder;

/// <summary>Runs ffmpeg/ffprobe for test clips and for checking outputs; a missing ffmpeg is Ignored locally and Failed on CI.</summary>
internal static class FfmpegTool
{
    public static void RequireFfmpeg()
    {
        if (File.Exists("/usr/bin/ffmpeg") && File.Exists("/usr/bin/ffprobe"))
        {
            return;
        }

        const string message = "ffmpeg/ffprobe not found in /usr/bin (apt-get install -y ffmpeg)";
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Assert.Fail(message);
        }

        Assert.Ignore(message);
    }

    public static async Task<string> RunAsync(string tool, params string[] args)
    {
        var info = new ProcessStartInfo($"/usr/bin/{tool}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed: {await stderr}");
        }

        return await stdout;
    }

    /// <summary>A small test clip from lavfi sources, at most 2 encoder threads (the machine is shared).</summary>
    public static Task MakeClipAsync(string path, string video, double seconds, bool audio = true, params string[] extra)
    {
        var args = new List<string> { "-hide_banner", "-loglevel", "error", "-y" };
        if (video.Length > 0)
        {
            args.AddRange(["-f", "lavfi", "-i", video]);
        }

        if (audio)
        {
            args.AddRange(["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"]);
        }

        args.AddRange(["-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "-threads", "2"]);
        if (video.Length > 0 && !extra.Contains("-c:v"))
        {
            args.AddRange(["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]);
        }

        args.AddRange(extra);
        args.Add(path);
        return RunAsync("ffmpeg", [.. args]);
    }

    public static async Task<JsonElement> ProbeStreamAsync(string path, string selector = "v:0")
    {
        var json = await RunAsync("ffprobe", "-v", "error", "-select_streams", selector, "-show_streams", "-of", "json", path);
        return JsonDocument.Parse(json).RootElement.GetProperty("streams")[0];
    }

    /// <summary>Presentation times of the video keyframes, in seconds.</summary>
    public static async Task<IReadOnlyList<double>> KeyframeTimesAsync(string path)
    {
        var csv = await RunAsync("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time,flags", "-of", "csv=p=0", path);
        return csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split(','))
            .Where(p => p.Length >= 2 && p[1].Contains('K', StringComparison.Ordinal))
            .Select(p => double.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture))
            .Order()
            .ToList();
    }
}
