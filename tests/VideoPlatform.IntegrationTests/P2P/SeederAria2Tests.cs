using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VideoPlatform.P2P;
using VideoPlatform.P2P.Metainfo;
using VideoPlatform.P2P.PeerWire;
using VideoPlatform.P2P.Tracker;

namespace VideoPlatform.IntegrationTests.P2P;

/// <summary>
/// Hosts only our tracker and seeder on loopback and lets a real client (aria2) download through them,
/// once from a .torrent without web seed and once from a bare magnet link (metadata over BEP 9).
/// </summary>
[Category("P2P")]
[NonParallelizable]
public class SeederAria2Tests
{
    private const string Aria2 = "/usr/bin/aria2c";
    private string _dir = null!;
    private WebApplication _app = null!;
    private CreatedTorrent _torrent = null!;
    private byte[] _content = null!;
    private string _trackerUrl = null!;

    /// <summary>Both ports over one torrent that is set once the server's port is known.</summary>
    private sealed class Content(string path) : ITrackedContentCatalog, ISeedContentSource
    {
        public SeedTorrent? Torrent { get; set; }

        public ValueTask<bool> IsKnownAsync(ReadOnlyMemory<byte> infoHash, CancellationToken cancellationToken) =>
            ValueTask.FromResult(Torrent is { } t && new InfoHash(infoHash.Span) == t.InfoHash);

        public ValueTask<SeedTorrent?> FindAsync(InfoHash infoHash, CancellationToken cancellationToken) =>
            ValueTask.FromResult(Torrent is { } t && infoHash == t.InfoHash ? t : null);

        public async IAsyncEnumerable<SeedTorrent> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.Yield();
            if (Torrent is { } t)
            {
                yield return t;
            }
        }

        public ValueTask<Stream> OpenAsync(SeedTorrent seed, CancellationToken cancellationToken) =>
            ValueTask.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous));
    }

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        if (!File.Exists(Aria2))
        {
            if (Environment.GetEnvironmentVariable("CI") is not null)
            {
                Assert.Fail("aria2c is required on CI (apt-get install -y aria2)");
            }

            Assert.Ignore("aria2c is not installed");
        }

        _dir = Path.Combine(Path.GetTempPath(), "vp-p2p-it-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        _content = new byte[3 * 1024 * 1024 + 12345];
        new Random(7).NextBytes(_content);
        var payload = Path.Combine(_dir, "payload.mp4");
        await File.WriteAllBytesAsync(payload, _content);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var content = new Content(payload);
        builder.Services.AddSingleton<ITrackedContentCatalog>(content);
        builder.Services.AddSingleton<ISeedContentSource>(content);
        builder.Services.AddP2PTracker(o => o.AnnounceInterval = TimeSpan.FromSeconds(30));
        builder.Services.AddP2PSeeder(o =>
        {
            o.ListenAddress = "127.0.0.1";
            o.ReannounceInterval = TimeSpan.FromSeconds(1);
        });
        _app = builder.Build();
        _app.UseWebSockets();
        _app.MapP2PTracker();

        // The torrent needs the tracker URL, which needs the bound port: bind first, then create.
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _trackerUrl = address + "/tracker/announce";
        _torrent = await TorrentCreator.CreateFromFileAsync(payload, new TorrentCreateOptions { Name = "lecon.mp4", HttpTrackerUrl = _trackerUrl }, CancellationToken.None);
        content.Torrent = new SeedTorrent(_torrent.Metainfo, payload);
        var listening = await _app.Services.GetRequiredService<PeerWireSeeder>().Listening;
        Assert.That(listening, Is.Not.Null);
        var registry = _app.Services.GetRequiredService<SwarmRegistry>();
        for (var i = 0; i < 50 && registry.Scrape(_torrent.InfoHash).Complete == 0; i++)
        {
            await Task.Delay(100);
        }

        Assert.That(registry.Scrape(_torrent.InfoHash).Complete, Is.EqualTo(1), "the seeder announced itself");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        if (_dir is not null)
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private async Task<string> DownloadAsync(string target, string outDir)
    {
        var start = new ProcessStartInfo(Aria2) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false", "--enable-peer-exchange=false",
            "--seed-time=0", "--bt-exclude-tracker=*", "--bt-tracker=" + _trackerUrl,
            "--bt-save-metadata=false", "--summary-interval=0", "--console-log-level=warn", "--dir=" + outDir, target,
        })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            Assert.Fail("aria2c did not finish in 90 s");
        }

        var log = await output + await error;
        Assert.That(process.ExitCode, Is.Zero, log);
        return log;
    }

    [Test]
    public async Task Aria2_downloads_a_torrent_from_the_seeder_through_the_http_tracker()
    {
        var torrentPath = Path.Combine(_dir, "lecon.torrent");
        await File.WriteAllBytesAsync(torrentPath, _torrent.TorrentFile);
        var outDir = Path.Combine(_dir, "out-torrent");
        await DownloadAsync(torrentPath, outDir);
        Assert.That(await File.ReadAllBytesAsync(Path.Combine(outDir, "lecon.mp4")), Is.EqualTo(_content));
        var metrics = _app.Services.GetRequiredService<P2PMetrics>();
        Assert.That(metrics.PeerWireBytesServedTotal, Is.GreaterThanOrEqualTo(_content.Length));
    }

    [Test]
    public async Task Aria2_gets_metadata_over_ut_metadata_from_a_bare_magnet()
    {
        var magnet = MagnetLink.Build(_torrent.InfoHash, "lecon.mp4", [_trackerUrl], [], null);
        var outDir = Path.Combine(_dir, "out-magnet");
        await DownloadAsync(magnet, outDir);
        Assert.That(await File.ReadAllBytesAsync(Path.Combine(outDir, "lecon.mp4")), Is.EqualTo(_content));
    }

    private static string Bin(byte[] bytes) => Encoding.Latin1.GetString(bytes);

    private static async Task SendAsync(ClientWebSocket socket, object message) =>
        await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, true, CancellationToken.None);

    private static async Task<JsonElement> ReceiveAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        var result = await socket.ReceiveAsync(buffer, timeout.Token);
        Assert.That(result.EndOfMessage, Is.True);
        return JsonDocument.Parse(buffer.AsMemory(0, result.Count)).RootElement.Clone();
    }

    [Test]
    public async Task WebSocket_tracker_relays_offers_and_answers_between_browsers()
    {
        var wsUrl = new Uri(_trackerUrl.Replace("http://", "ws://", StringComparison.Ordinal).Replace("/announce", "/socket", StringComparison.Ordinal));
        using var a = new ClientWebSocket();
        using var b = new ClientWebSocket();
        await a.ConnectAsync(wsUrl, CancellationToken.None);
        await b.ConnectAsync(wsUrl, CancellationToken.None);
        var infoHash = Bin(_torrent.InfoHash.ToArray());
        var peerA = "-WW0100-aaaaaaaaaaaa";
        var peerB = "-WW0100-bbbbbbbbbbbb";

        await SendAsync(a, new { action = "announce", info_hash = infoHash, peer_id = peerA, @event = "started", left = 10, numwant = 5, offers = Array.Empty<object>() });
        var first = await ReceiveAsync(a);
        Assert.That(first.GetProperty("action").GetString(), Is.EqualTo("announce"));
        Assert.That(first.GetProperty("info_hash").GetString(), Is.EqualTo(infoHash));
        Assert.That(first.GetProperty("interval").GetInt32(), Is.GreaterThan(0));

        var offerId = "ooooooooooooooooooo1";
        await SendAsync(b, new { action = "announce", info_hash = infoHash, peer_id = peerB, @event = "started", left = 10, numwant = 1, offers = new[] { new { offer = new { type = "offer", sdp = "v=0 b" }, offer_id = offerId } } });
        var response = await ReceiveAsync(b);
        Assert.That(response.GetProperty("incomplete").GetInt32(), Is.EqualTo(2), "two browsers, the TCP seeder counts as complete");
        var relayed = await ReceiveAsync(a);
        Assert.That(relayed.GetProperty("offer").GetProperty("sdp").GetString(), Is.EqualTo("v=0 b"));
        Assert.That(relayed.GetProperty("offer_id").GetString(), Is.EqualTo(offerId));
        Assert.That(relayed.GetProperty("peer_id").GetString(), Is.EqualTo(peerB));

        await SendAsync(a, new { action = "announce", info_hash = infoHash, peer_id = peerA, to_peer_id = peerB, offer_id = offerId, answer = new { type = "answer", sdp = "v=0 a" } });
        var answer = await ReceiveAsync(b);
        Assert.That(answer.GetProperty("answer").GetProperty("sdp").GetString(), Is.EqualTo("v=0 a"));
        Assert.That(answer.GetProperty("peer_id").GetString(), Is.EqualTo(peerA));

        await SendAsync(a, new { action = "announce", info_hash = Bin(new byte[20]), peer_id = peerA });
        var refused = await ReceiveAsync(a);
        Assert.That(refused.GetProperty("failure reason").GetString(), Is.EqualTo("torrent not tracked here"));

        await a.SendAsync("not json"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        Assert.That((await ReceiveAsync(a)).GetProperty("failure reason").GetString(), Is.EqualTo("invalid JSON"));
    }
}
