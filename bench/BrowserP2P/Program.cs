using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using VideoPlatform.Bench;
using VideoPlatform.Core.Data;

// Two headless viewers of the same lesson on 127.0.0.1 (issue 5's benchmark): time to first frame for each, and the
// share of the second viewer's segment bytes that came from the first viewer after its first 20 s. The baseline, in
// the same run: the same page with WebRTC removed, i.e. the plain HTTP player.
var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 120;
var joinAfter = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;

await using var instance = await BenchInstance.StartAsync();
var clip = Path.Combine(instance.Folder, "lesson.mp4");
Console.WriteLine($"Generating a {seconds} s 640x360 lesson and publishing it…");
await RunAsync("ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25,noise=alls=8:allf=t",
    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", seconds.ToString(CultureInfo.InvariantCulture),
    "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-threads", "2", clip);
var uuid = await PublishAsync(instance, clip);
var watchUrl = instance.BaseUrl + "/videos/watch/" + uuid;

using var playwright = await Playwright.CreateAsync();
await using var browser = await BenchBrowser.LaunchAsync(playwright);

var httpOnly = await OpenViewerAsync(browser, watchUrl, webRtc: false);
var httpTtff = await FirstFrameAsync(httpOnly);
await httpOnly.Context.CloseAsync();

var first = await OpenViewerAsync(browser, watchUrl, webRtc: true);
var firstTtff = await FirstFrameAsync(first);
await Task.Delay(TimeSpan.FromSeconds(joinAfter));
var second = await OpenViewerAsync(browser, watchUrl, webRtc: true);
var secondTtff = await FirstFrameAsync(second);
await WaitForEndAsync(second, seconds);
var atEnd = await CountersAsync(second);
var firstEnd = await CountersAsync(first);

// The loader reports each segment it hands to hls.js with its source; its position in the lesson comes from the
// rendition's playlist (byte length within one rendition file identifies the segment).
var loads = (await second.EvaluateAsync<JsonElement>("() => window.__segments")).EnumerateArray()
    .Select(e => new SegmentLoad(e.GetProperty("url").GetString()!, e.GetProperty("bytes").GetInt64(), e.GetProperty("source").GetString()!))
    .ToList();
var (fromPeerAfter20, fromServerAfter20) = await SplitAfterAsync(loads, 20);

static double Share(double part, double total) => total <= 0 ? 0 : part / total;
Console.WriteLine();
Console.WriteLine($"Lesson: {seconds} s, second viewer joins {joinAfter} s after the first; the server and both browsers share the 2 cores.");
Console.WriteLine("time to first frame (navigation → first decoded frame):");
Console.WriteLine($"  HTTP-only player (baseline)   {httpTtff,7:0} ms");
Console.WriteLine($"  P2P player, first viewer      {firstTtff,7:0} ms   ×{firstTtff / httpTtff:0.00} of baseline");
Console.WriteLine($"  P2P player, second viewer     {secondTtff,7:0} ms   ×{secondTtff / httpTtff:0.00} of baseline");
Console.WriteLine("second viewer's bytes for the lesson after its first 20 s (segments starting at 20 s or later):");
Console.WriteLine($"  from the peer {fromPeerAfter20 / 1048576.0,7:0.0} MiB, from the server {fromServerAfter20 / 1048576.0,7:0.0} MiB"
    + $"   → {Share(fromPeerAfter20, fromPeerAfter20 + fromServerAfter20):P0} from the peer (aim ≥ 50 %)");
Console.WriteLine($"  whole session: {Share(atEnd.FromPeers, atEnd.FromPeers + atEnd.FromServer):P0} from the peer; first viewer uploaded {firstEnd.Uploaded / 1048576.0:0.0} MiB"
    + $", rejected segments {atEnd.Rejected}, segments reported by the loader {loads.Count}");
return;

static async Task<string> PublishAsync(BenchInstance instance, string clip)
{
    using var http = new HttpClient(new SocketsHttpHandler()) { BaseAddress = new Uri(instance.BaseUrl) };
    var client = await http.GetFromJsonAsync<JsonElement>("/api/v1/oauth-clients/local");
    using var tokenResponse = await http.PostAsync("/api/v1/users/token", new FormUrlEncodedContent(new Dictionary<string, string>
    {
        ["client_id"] = client.GetProperty("client_id").GetString()!,
        ["client_secret"] = client.GetProperty("client_secret").GetString()!,
        ["grant_type"] = "password",
        ["username"] = "root",
        ["password"] = "bench-pass",
    }));
    var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    var me = await http.GetFromJsonAsync<JsonElement>("/api/v1/users/me");
    using var form = new MultipartFormDataContent
    {
        { new StringContent(me.GetProperty("videoChannels")[0].GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture)), "channelId" },
        { new StringContent("Leçon de mesure"), "name" },
        { new StringContent("1"), "privacy" },
    };
    var file = new StreamContent(File.OpenRead(clip));
    file.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
    form.Add(file, "videofile", Path.GetFileName(clip));
    using var uploaded = await http.PostAsync("/api/v1/videos/upload", form);
    uploaded.EnsureSuccessStatusCode();
    var uuid = (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("video").GetProperty("uuid").GetString()!;
    var database = instance.App.Services.GetRequiredService<Database>();
    var clock = Stopwatch.StartNew();
    while (true)
    {
        var video = await http.GetFromJsonAsync<JsonElement>("/api/v1/videos/" + uuid);
        var state = video.GetProperty("state").GetProperty("id").GetInt32();
        var swarms = await database.ReadAsync(c => c.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM video_swarm_ids s JOIN videos v ON v.id = s.video_id WHERE v.uuid = @uuid", new { uuid }));
        if (state == 1 && swarms > 0)
        {
            Console.WriteLine($"Published after {clock.Elapsed.TotalSeconds:0} s.");
            return uuid;
        }
        if (state == 7 || clock.Elapsed > TimeSpan.FromMinutes(10))
        {
            throw new InvalidOperationException("the lesson was not published: " + video);
        }
        await Task.Delay(500);
    }
}

// Each viewer is a fresh context (own cache and storage) that presses play as the page loads; the first decoded frame
// is timed with requestVideoFrameCallback from the navigation start. webRtc: false removes RTCPeerConnection, which
// makes the player fall back to plain hls.js over HTTP.
static async Task<IPage> OpenViewerAsync(IBrowser browser, string url, bool webRtc)
{
    var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
    await context.GrantPermissionsAsync(["camera", "microphone"]);
    await context.AddInitScriptAsync((webRtc ? "" : "delete window.RTCPeerConnection;") + """
        window.__segments = [];
        document.addEventListener("vp-segment-loaded", e => window.__segments.push(e.detail));
        window.__firstFrame = new Promise(resolve => {
          document.addEventListener("DOMContentLoaded", () => {
            const video = document.querySelector("video");
            video.muted = true;
            video.autoplay = true;
            video.requestVideoFrameCallback(() => resolve(performance.now()));
          });
        });
        """);
    var page = await context.NewPageAsync();
    page.SetDefaultTimeout(120_000);
    await page.GotoAsync(url);
    return page;
}

static async Task<double> FirstFrameAsync(IPage page) =>
    await page.EvaluateAsync<double>("() => window.__firstFrame").WaitAsync(TimeSpan.FromMinutes(2));

static Task WaitForEndAsync(IPage page, int seconds) =>
    page.WaitForFunctionAsync("() => { const v = document.querySelector('video'); return v.ended || v.currentTime >= v.duration - 0.5; }",
        null, new() { PollingInterval = 500, Timeout = (seconds + 120) * 1000 });

static async Task<P2PCounters> CountersAsync(IPage page)
{
    var d = await page.EvaluateAsync<JsonElement>("() => ({ ...document.querySelector('[data-player]').dataset })");
    double Get(string name) => d.TryGetProperty(name, out var v) && double.TryParse(v.GetString(), CultureInfo.InvariantCulture, out var n) ? n : 0;
    return new P2PCounters(Get("p2pFromPeers"), Get("p2pFromServer"), Get("p2pUploaded"), Get("p2pRejected"));
}

static async Task<(double Peer, double Server)> SplitAfterAsync(IReadOnlyList<SegmentLoad> loads, double after)
{
    using var http = new HttpClient(new SocketsHttpHandler());
    double peer = 0, server = 0;
    foreach (var file in loads.GroupBy(l => l.Url))
    {
        var playlist = await http.GetStringAsync(file.Key.Replace("-fragmented.mp4", ".m3u8", StringComparison.Ordinal));
        var segments = new List<(double Start, long Length, bool Taken)>();
        double time = 0, duration = 0;
        foreach (var line in playlist.Split('\n', StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith("#EXTINF:", StringComparison.Ordinal))
            {
                duration = double.Parse(line["#EXTINF:".Length..].TrimEnd(','), CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("#EXT-X-BYTERANGE:", StringComparison.Ordinal))
            {
                segments.Add((time, long.Parse(line["#EXT-X-BYTERANGE:".Length..].Split('@')[0], CultureInfo.InvariantCulture), false));
                time += duration;
            }
        }
        foreach (var load in file)
        {
            var index = segments.FindIndex(s => !s.Taken && s.Length == load.Bytes);
            if (index < 0)
            {
                continue;
            }
            segments[index] = segments[index] with { Taken = true };
            if (segments[index].Start < after)
            {
                continue;
            }
            if (load.Source == "p2p")
            {
                peer += load.Bytes;
            }
            else
            {
                server += load.Bytes;
            }
        }
    }
    return (peer, server);
}

static async Task RunAsync(string file, params string[] arguments)
{
    using var process = Process.Start(new ProcessStartInfo(file, arguments))!;
    await process.WaitForExitAsync();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"{file} exited with {process.ExitCode}");
    }
}

internal sealed record SegmentLoad(string Url, long Bytes, string Source);

internal sealed record P2PCounters(double FromPeers, double FromServer, double Uploaded, double Rejected);
