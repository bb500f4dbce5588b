// Benchmark: announces/s over HTTP and over WebSocket, our tracker vs PeerTube's (@peertube/bittorrent-tracker-server),
// same client load in the same run. HTTP load: wrk (64 connections, random peer ids); WebSocket load: 64 sockets each
// announcing and waiting for the reply (tools/tracker-clients/ws-load.mjs).
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using VideoPlatform.Bench;

var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
var root = Directory.GetCurrentDirectory();
var tools = Path.Combine(root, "tools", "tracker-clients");

// Per-IP and per-socket limits protect a public tracker from one abusive host; the load here comes from one host by design.
await using var instance = await BenchInstance.StartAsync("--P2P:Tracker:MaxWebSocketsPerIp", "1000", "--P2P:Tracker:MaxWebSocketMessagesPerSecond", "100000");
var (infoHash, _, _) = await instance.SeedRenditionWithTorrentAsync(4 * 1024 * 1024);

var peertube = Process.Start(new ProcessStartInfo("node", [Path.Combine(tools, "peertube-tracker.mjs")]) { RedirectStandardOutput = true, RedirectStandardInput = true })!;
var ready = await peertube.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("PeerTube tracker did not start");
var peertubeUrl = "http://127.0.0.1:" + ready.Split(' ')[1];

var lua = Path.Combine(Path.GetTempPath(), "vp-announce.lua");
var escaped = string.Concat(Convert.FromHexString(infoHash).Select(b => $"%{b:X2}"));
await File.WriteAllTextAsync(lua, $$"""
    math.randomseed(os.time())
    local base = wrk.path
    if base == "/" then base = "" end
    request = function()
      local id = "-WK0001-" .. string.format("%012d", math.random(0, 999999999999))
      local port = math.random(1025, 65000)
      return wrk.format("GET", base .. "/announce?info_hash={{escaped}}&peer_id=" .. id .. "&port=" .. port .. "&uploaded=0&downloaded=0&left=100&compact=1&numwant=50")
    end
    """);

async Task<double> WsAsync(string url)
{
    using var process = Process.Start(new ProcessStartInfo("node", [Path.Combine(tools, "ws-load.mjs"), url, infoHash, "64", seconds.ToString(CultureInfo.InvariantCulture)]) { RedirectStandardOutput = true })!;
    var output = await process.StandardOutput.ReadToEndAsync();
    await process.WaitForExitAsync();
    Console.WriteLine($"  {url}: {output.Trim()}");
    return double.Parse(Regex.Match(output, @"announces/s (\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
}

Console.WriteLine($"{seconds}s per run; wrk -t2 -c64 for HTTP, 64 WebSocket clients; everything on this machine's cores");
// Our tracker answers /tracker/announce; PeerTube's /announce: point wrk at each base so the script's path matches.
var ours = await Wrk.RunAsync(instance.BaseUrl + "/tracker", 64, seconds, lua);
var theirs = await Wrk.RunAsync(peertubeUrl, 64, seconds, lua);
Console.WriteLine($"| HTTP announce | ours {ours.RequestsPerSecond:F0}/s (non-2xx {ours.Non2xx}) | PeerTube {theirs.RequestsPerSecond:F0}/s | ratio {ours.RequestsPerSecond / theirs.RequestsPerSecond:F2} (aim >= 1.0) |");
var wsOurs = await WsAsync(instance.BaseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/tracker/socket");
var wsTheirs = await WsAsync(peertubeUrl.Replace("http://", "ws://", StringComparison.Ordinal));
Console.WriteLine($"| WebSocket announce | ours {wsOurs:F0}/s | PeerTube {wsTheirs:F0}/s | ratio {wsOurs / wsTheirs:F2} (aim >= 1.0) |");
peertube.StandardInput.Close();
await peertube.WaitForExitAsync();
