// Benchmark: aria2 download throughput of one rendition from our BitTorrent seeder (peer wire only: torrent without
// url-list, our tracker) against the same file over HTTP from our server (aria2, one connection), in one run. Then, from
// aria2's own debug log (so that its start and exit are not counted): time to the first block and transfer rate from
// our seeder (the served torrent's trackers in order, MSE as aria2 opens) vs from aria2 as seeder of a file of the same
// size, announced to a second instance whose own seeder is off.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Bench;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Storage;
using VideoPlatform.P2P.Metainfo;
using VideoPlatform.P2P.Tracker;

var megabytes = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 256;
await using var instance = await BenchInstance.StartAsync();
var (infoHash, filePath, fileUrl) = await instance.SeedRenditionWithTorrentAsync(megabytes * 1024L * 1024);
var torrentName = (await instance.App.Services.GetRequiredService<TorrentRepository>().FindByInfoHashAsync(infoHash))!.TorrentName!;
var metainfo = TorrentMetainfo.Parse(await File.ReadAllBytesAsync(instance.App.Services.GetRequiredService<MediaStore>().TorrentPath(torrentName)));
var announce = Encoding.UTF8.GetBytes(instance.BaseUrl + "/tracker/announce");
var stripped = Path.Combine(instance.Folder, "peerwire.torrent");
await File.WriteAllBytesAsync(stripped, [.. Encoding.ASCII.GetBytes($"d8:announce{announce.Length}:"), .. announce, .. "4:info"u8.ToArray(), .. metainfo.RawInfo.ToArray(), (byte)'e']);

async Task<double> Aria2Async(string target, params string[] extra)
{
    var outDir = Path.Combine(instance.Folder, "out-" + Guid.NewGuid().ToString("N"));
    var start = new ProcessStartInfo("aria2c") { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var arg in (string[])["--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false", "--enable-peer-exchange=false",
        "--seed-time=0", "--bt-save-metadata=false", "--summary-interval=0", "--console-log-level=warn", "--file-allocation=none",
        "--max-connection-per-server=1", "--split=1", "--dir=" + outDir, .. extra, target])
    {
        start.ArgumentList.Add(arg);
    }
    var watch = Stopwatch.StartNew();
    using var process = Process.Start(start)!;
    await process.StandardOutput.ReadToEndAsync();
    await process.WaitForExitAsync();
    watch.Stop();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException("aria2c failed: " + await process.StandardError.ReadToEndAsync());
    }
    Directory.Delete(outDir, true);
    return megabytes / watch.Elapsed.TotalSeconds;
}

Console.WriteLine($"{megabytes} MiB rendition, aria2c on 127.0.0.1 (DHT/LPD/PEX off), alternating HTTP and peer wire, 2 rounds");
var http = new List<double>();
var wire = new List<double>();
for (var round = 0; round < 2; round++)
{
    http.Add(await Aria2Async(fileUrl));
    wire.Add(await Aria2Async(stripped));
}
Console.WriteLine($"| HTTP (our media endpoint) | {http.Max():F0} MiB/s |");
Console.WriteLine($"| peer wire (our seeder) | {wire.Max():F0} MiB/s |");
Console.WriteLine($"peer wire / HTTP = {wire.Max() / http.Max():F2} (aim >= 0.5); best of 2 each");

// First block and transfer rate from the client's log: our seeder vs aria2 as seeder.
static byte[] PeerWireTorrent(TorrentMetainfo metainfo)
{
    static byte[] Text(string s) => [.. Encoding.ASCII.GetBytes($"{Encoding.UTF8.GetByteCount(s)}:"), .. Encoding.UTF8.GetBytes(s)];
    var bytes = new List<byte>();
    bytes.AddRange("d8:announce"u8.ToArray());
    bytes.AddRange(Text(metainfo.Announce!));
    bytes.AddRange("13:announce-listl"u8.ToArray());
    foreach (var tier in metainfo.AnnounceList)
    {
        bytes.Add((byte)'l');
        tier.ToList().ForEach(t => bytes.AddRange(Text(t)));
        bytes.Add((byte)'e');
    }
    bytes.AddRange("e4:info"u8.ToArray());
    bytes.AddRange(metainfo.RawInfo.ToArray());
    bytes.Add((byte)'e');
    return [.. bytes];
}

async Task<Aria2Log.Times> LoggedAsync(string torrent)
{
    var outDir = Path.Combine(instance.Folder, "logged-" + Guid.NewGuid().ToString("N"));
    var log = outDir + ".log";
    var start = new ProcessStartInfo("aria2c") { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var arg in (string[])["--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false", "--enable-peer-exchange=false",
        "--seed-time=0", "--bt-save-metadata=false", "--summary-interval=0", "--console-log-level=warn", "--file-allocation=none",
        "--log=" + log, "--log-level=debug", "--dir=" + outDir, torrent])
    {
        start.ArgumentList.Add(arg);
    }
    using var process = Process.Start(start)!;
    await process.StandardOutput.ReadToEndAsync();
    await process.WaitForExitAsync();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException("aria2c failed: " + await process.StandardError.ReadToEndAsync());
    }
    var times = Aria2Log.Read(log);
    Directory.Delete(outDir, true);
    File.Delete(log);
    return times;
}

var oursTorrent = Path.Combine(instance.Folder, "served-peer-wire.torrent");
await File.WriteAllBytesAsync(oursTorrent, PeerWireTorrent(metainfo));

await using var other = await BenchInstance.StartAsync("--P2P:PeerPort", "-1");
var (otherHash, otherFile, _) = await other.SeedRenditionWithTorrentAsync(megabytes * 1024L * 1024);
var otherName = (await other.App.Services.GetRequiredService<TorrentRepository>().FindByInfoHashAsync(otherHash))!.TorrentName!;
var otherMetainfo = TorrentMetainfo.Parse(await File.ReadAllBytesAsync(other.App.Services.GetRequiredService<MediaStore>().TorrentPath(otherName)));
var theirsTorrent = Path.Combine(instance.Folder, "aria2-seeded.torrent");
await File.WriteAllBytesAsync(theirsTorrent, PeerWireTorrent(otherMetainfo));
var seederStart = new ProcessStartInfo("aria2c") { RedirectStandardOutput = true, RedirectStandardError = true };
foreach (var arg in (string[])["--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false", "--enable-peer-exchange=false",
    "--seed-ratio=0.0", "--seed-time=600", "--bt-seed-unverified=true", "--check-integrity=false", "--summary-interval=0",
    "--console-log-level=warn", "--listen-port=16881-16899", "--dir=" + Path.GetDirectoryName(otherFile)!, theirsTorrent])
{
    seederStart.ArgumentList.Add(arg);
}
using var aria2Seeder = Process.Start(seederStart)!;
var registry = other.App.Services.GetRequiredService<SwarmRegistry>();
var deadline = DateTime.UtcNow.AddSeconds(30);
while (registry.Scrape(otherMetainfo.InfoHash).Complete == 0)
{
    if (DateTime.UtcNow > deadline)
    {
        throw new InvalidOperationException("aria2 as seeder did not announce itself");
    }
    await Task.Delay(100);
}

var ours = new List<Aria2Log.Times>();
var theirs = new List<Aria2Log.Times>();
for (var round = 0; round < 3; round++)
{
    ours.Add(await LoggedAsync(oursTorrent));
    theirs.Add(await LoggedAsync(theirsTorrent));
}
aria2Seeder.Kill();
await aria2Seeder.WaitForExitAsync();

static string Ms(IEnumerable<Aria2Log.Times> runs) => string.Join(" / ", runs.Select(t => t.TimeToFirstBlock.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture)));
var bytes = megabytes * 1024L * 1024;
static double Median(IEnumerable<double> values) => values.Order().ElementAt(values.Count() / 2);
var oursFirst = Median(ours.Select(t => t.TimeToFirstBlock.TotalSeconds));
var theirsFirst = Median(theirs.Select(t => t.TimeToFirstBlock.TotalSeconds));
var oursRate = Median(ours.Select(t => t.Rate(bytes) / (1 << 20)));
var theirsRate = Median(theirs.Select(t => t.Rate(bytes) / (1 << 20)));
Console.WriteLine();
Console.WriteLine("From aria2's debug log (aria2 start -> first block; first -> last block), 3 rounds alternating, medians:");
Console.WriteLine("| seeder | first block ms (each run) | median first block s | median rate MiB/s |");
Console.WriteLine("|---|---|---|---|");
Console.WriteLine($"| ours (served torrent, HTTP tracker first, MSE) | {Ms(ours)} | {oursFirst:F2} | {oursRate:F0} |");
Console.WriteLine($"| aria2 as seeder | {Ms(theirs)} | {theirsFirst:F2} | {theirsRate:F0} |");
Console.WriteLine($"first block: ours {oursFirst:F2} s vs aria2 {theirsFirst:F2} s (aim <= 1.5 s); rate ours / aria2 = {oursRate / theirsRate:F2} (aim >= 0.8)");
