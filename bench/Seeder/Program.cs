// Benchmark: aria2 download throughput of one rendition from our BitTorrent seeder (peer wire only: torrent without
// url-list, our tracker) against the same file over HTTP from our server (aria2, one connection), in one run.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Bench;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Storage;
using VideoPlatform.P2P.Metainfo;

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
