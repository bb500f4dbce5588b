using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Api.Videos;
using VideoPlatform.Api.Accounts;
using VideoPlatform.Api.Auth;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Videos;
using VideoPlatform.Core.Data;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Storage;
using VideoPlatform.IntegrationTests.Infrastructure;
using VideoPlatform.P2P;
using VideoPlatform.P2P.Metainfo;
using VideoPlatform.P2P.PeerWire;

namespace VideoPlatform.IntegrationTests.P2P;

/// <summary>
/// The P2P layer of a real instance: torrents made by the job after publication, the tracker serving only known
/// swarms, the seeder feeding aria2 (a real BitTorrent client) with DHT, LPD and PEX off so only our parts serve it.
/// </summary>
[Category("P2P")]
[NonParallelizable]
public sealed class InstanceP2PTests
{
    private TestInstance _instance = null!;
    private byte[] _content = null!;
    private VideoRow _video = null!;
    private string _dir = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        Aria2.Require();
        _dir = Path.Combine(Path.GetTempPath(), "vp-p2p-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        _instance = await TestInstance.StartAsync(DbKind.Sqlite);
        _content = RandomNumberGenerator.GetBytes((3 * 1024 * 1024) + 12345);
        (_video, _) = await SeededRendition.PublishAsync(_instance, "root_channel", "Leçon partagée", _content);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_instance is not null)
        {
            await _instance.DisposeAsync();
        }
        if (_dir is not null && Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private async Task<string?> TorrentNameAsync() =>
        (await _instance.Services.GetRequiredService<VideoRepository>().FilesAsync(_video.Id)).Single().TorrentName;

    private async Task<TorrentMetainfo> TorrentAsync()
    {
        var path = _instance.Services.GetRequiredService<MediaStore>().TorrentPath((await TorrentNameAsync())!);
        return TorrentMetainfo.Parse(await File.ReadAllBytesAsync(path));
    }

    private string HttpTracker => _instance.BaseUrl + "/tracker/announce";

    private static Task Aria2Async(string target, string outDir, params string[] extra) =>
        Aria2.DownloadAsync(target, outDir, TimeSpan.FromSeconds(90), extra);

    private async Task AssertDownloadedAsync(string outDir, string name) =>
        Assert.That(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(outDir, name))), Is.EqualTo(SHA256.HashData(_content)));

    [Test]
    public async Task The_job_makes_a_torrent_with_web_seed_and_both_trackers_and_the_api_exposes_it()
    {
        var metainfo = await TorrentAsync();
        var fileName = (await _instance.Services.GetRequiredService<VideoRepository>().FilesAsync(_video.Id)).Single().FileName;
        Assert.That(metainfo.Name, Is.EqualTo(fileName));
        Assert.That(metainfo.Length, Is.EqualTo(_content.Length));
        Assert.That(metainfo.UrlList, Is.EqualTo(new[] { $"{_instance.BaseUrl}/static/streaming-playlists/hls/{_video.Uuid}/{fileName}" }));
        var trackers = metainfo.AnnounceList.SelectMany(tier => tier).ToList();
        Assert.That(trackers, Does.Contain(HttpTracker));
        Assert.That(trackers, Does.Contain(_instance.BaseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/tracker/socket"));
        Assert.That(metainfo.InfoHash, Is.EqualTo(InfoHash.Sha1Of(metainfo.RawInfo.Span)), "info hash over the exact info bytes");

        var details = await _instance.Http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{_video.Uuid}");
        var file = details.GetProperty("streamingPlaylists")[0].GetProperty("files")[0];
        Assert.That(file.GetProperty("torrentUrl").GetString(), Does.EndWith("-720-hls.torrent"));
        var magnet = file.GetProperty("magnetUri").GetString()!;
        Assert.That(magnet, Does.StartWith("magnet:?xt=urn:btih:" + metainfo.InfoHash.ToHex()));
        Assert.That(magnet, Does.Contain("&ws=").And.Contain("&xs=").And.Contain("&tr="));
        var swarms = details.GetProperty("streamingPlaylists")[0].GetProperty("p2pMediaLoaderInfohashes").EnumerateArray().Select(e => e.GetString()).ToList();
        var masterUrl = details.GetProperty("streamingPlaylists")[0].GetProperty("playlistUrl").GetString()!;
        Assert.That(swarms, Is.EqualTo(new[] { VideoPlatform.P2P.Hls.HlsSwarmIds.ForVariant(masterUrl, 0) }));
    }

    [Test]
    public async Task Aria2_downloads_our_torrent_through_the_http_web_seed()
    {
        var metainfo = await TorrentAsync();
        var path = Path.Combine(_dir, "webseed.torrent");
        await File.WriteAllBytesAsync(path, await _instance.Http.GetByteArrayAsync((await TorrentUrlAsync())));
        var outDir = Path.Combine(_dir, "out-webseed");
        var servedBefore = _instance.Services.GetRequiredService<P2PMetrics>().PeerWireBytesServedTotal;
        // No tracker at all: the only source left is the url-list (our media URL, answering Range requests).
        await Aria2Async(path, outDir, "--bt-exclude-tracker=*");
        await AssertDownloadedAsync(outDir, metainfo.Name);
        Assert.That(_instance.Services.GetRequiredService<P2PMetrics>().PeerWireBytesServedTotal, Is.EqualTo(servedBefore), "served over HTTP only");
    }

    private async Task<string> TorrentUrlAsync()
    {
        var details = await _instance.Http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{_video.Uuid}");
        return details.GetProperty("streamingPlaylists")[0].GetProperty("files")[0].GetProperty("torrentUrl").GetString()!;
    }

    [Test]
    public async Task Aria2_downloads_through_our_tracker_and_seeder_alone()
    {
        var metainfo = await TorrentAsync();
        // The same info dictionary without url-list: only the tracker and the peer wire can serve it.
        var announce = Encoding.UTF8.GetBytes(HttpTracker);
        var torrent = new List<byte>();
        torrent.AddRange(Encoding.ASCII.GetBytes($"d8:announce{announce.Length}:"));
        torrent.AddRange(announce);
        torrent.AddRange("4:info"u8.ToArray());
        torrent.AddRange(metainfo.RawInfo.ToArray());
        torrent.Add((byte)'e');
        var path = Path.Combine(_dir, "no-webseed.torrent");
        await File.WriteAllBytesAsync(path, torrent.ToArray());
        var outDir = Path.Combine(_dir, "out-tracker");
        await Aria2Async(path, outDir);
        await AssertDownloadedAsync(outDir, metainfo.Name);
        Assert.That(_instance.Services.GetRequiredService<P2PMetrics>().PeerWireBytesServedTotal, Is.GreaterThanOrEqualTo(_content.Length));
        var metrics = await _instance.Http.GetStringAsync("/metrics");
        Assert.That(metrics, Does.Contain("peer"), "P2P figures on /metrics");
    }

    [Test]
    public async Task Aria2_downloads_from_the_magnet_uri_alone_metadata_via_ut_metadata()
    {
        var metainfo = await TorrentAsync();
        var magnet = MagnetLink.Build(metainfo.InfoHash, metainfo.Name, [HttpTracker], [], null);
        var outDir = Path.Combine(_dir, "out-magnet-" + Guid.NewGuid().ToString("N"));
        await Aria2Async(magnet, outDir);
        await AssertDownloadedAsync(outDir, metainfo.Name);
    }

    [Test]
    public async Task The_tracker_serves_only_known_swarms_and_survives_garbage()
    {
        var metainfo = await TorrentAsync();
        static string Escape(byte[] bytes) => string.Concat(bytes.Select(b => $"%{b:X2}"));
        var peerId = Encoding.ASCII.GetBytes("-TT0001-abcdefghijkl");
        var known = await _instance.Http.GetByteArrayAsync(
            $"/tracker/announce?info_hash={Escape(metainfo.InfoHash.ToArray())}&peer_id={Escape(peerId)}&port=6881&uploaded=0&downloaded=0&left=100&compact=1");
        Assert.That(Encoding.Latin1.GetString(known), Does.Contain("8:interval"));
        var unknown = await _instance.Http.GetByteArrayAsync(
            $"/tracker/announce?info_hash={Escape(new byte[20])}&peer_id={Escape(peerId)}&port=6881&uploaded=0&downloaded=0&left=100&compact=1");
        Assert.That(Encoding.Latin1.GetString(unknown), Does.Contain("failure reason"));

        using (var response = await _instance.Http.GetAsync("/tracker/announce?info_hash=%ZZ&peer_id=x"))
        {
            Assert.That(Encoding.Latin1.GetString(await response.Content.ReadAsByteArrayAsync()), Does.Contain("failure reason"));
        }

        var wsUrl = new Uri(_instance.BaseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/tracker/socket");
        using (var socket = new ClientWebSocket())
        {
            await socket.ConnectAsync(wsUrl, CancellationToken.None);
            await socket.SendAsync(RandomNumberGenerator.GetBytes(300), WebSocketMessageType.Binary, true, CancellationToken.None);
            await socket.SendAsync("{\"action\":\"announce\",\"info_hash\":"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        }

        var seeder = await _instance.Services.GetRequiredService<PeerWireSeeder>().Listening;
        Assert.That(seeder, Is.Not.Null);
        for (var i = 0; i < 5; i++)
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, seeder!.Port);
            var stream = tcp.GetStream();
            await stream.WriteAsync(RandomNumberGenerator.GetBytes(100 + (i * 50)));
            await stream.FlushAsync();
        }

        // Everyone else is still served.
        await Aria2_downloads_from_the_magnet_uri_alone_metadata_via_ut_metadata();
        Assert.That((await _instance.Http.GetAsync("/health")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Browsers_meet_over_the_websocket_tracker_in_a_known_hls_swarm()
    {
        var swarm = (await _instance.Services.GetRequiredService<Database>().ReadAsync(c =>
            c.QueryAsync<string>("SELECT swarm_hash FROM video_swarm_ids WHERE video_id = @id AND scheme = 'p2p-media-loader-2'", new { id = _video.Id }))).Single();
        // What p2p-media-loader 2.3 announces for the master's only stream, given the video's uuid as swarm id.
        var variant = new VideoPlatform.P2P.Hls.HlsSwarmIds.MasterVariant("720.m3u8",
            new Dictionary<string, string> { ["BANDWIDTH"] = "1000000", ["RESOLUTION"] = "1280x720" });
        Assert.That(swarm, Is.EqualTo(VideoPlatform.P2P.Hls.HlsSwarmIds.ForLoaderStream(_video.Uuid, variant)));
        var infoHash = Encoding.Latin1.GetString(Convert.FromHexString(swarm));
        var wsUrl = new Uri(_instance.BaseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/tracker/socket");
        using var a = new ClientWebSocket();
        using var b = new ClientWebSocket();
        await a.ConnectAsync(wsUrl, CancellationToken.None);
        await b.ConnectAsync(wsUrl, CancellationToken.None);
        await SendAsync(a, new { action = "announce", info_hash = infoHash, peer_id = "-WW0100-aaaaaaaaaaaa", @event = "started", left = 10, numwant = 5, offers = Array.Empty<object>() });
        Assert.That((await ReceiveAsync(a)).GetProperty("interval").GetInt32(), Is.GreaterThan(0));
        await SendAsync(b, new
        {
            action = "announce", info_hash = infoHash, peer_id = "-WW0100-bbbbbbbbbbbb", @event = "started", left = 10, numwant = 1,
            offers = new[] { new { offer = new { type = "offer", sdp = "v=0 b" }, offer_id = "ooooooooooooooooooo1" } },
        });
        await ReceiveAsync(b);
        var relayed = await ReceiveAsync(a);
        Assert.That(relayed.GetProperty("offer").GetProperty("sdp").GetString(), Is.EqualTo("v=0 b"));
        await SendAsync(a, new
        {
            action = "announce", info_hash = infoHash, peer_id = "-WW0100-aaaaaaaaaaaa", to_peer_id = "-WW0100-bbbbbbbbbbbb",
            offer_id = "ooooooooooooooooooo1", answer = new { type = "answer", sdp = "v=0 a" },
        });
        Assert.That((await ReceiveAsync(b)).GetProperty("answer").GetProperty("sdp").GetString(), Is.EqualTo("v=0 a"));
    }

    [Test]
    public async Task The_npm_bittorrent_tracker_client_announces_over_http_and_websocket()
    {
        var script = Path.Combine(ReadmeRunTests.RepositoryRoot(), "tools", "tracker-clients", "client-announce.mjs");
        Prerequisites.Require(Prerequisites.HasCommand("node") && Directory.Exists(Path.Combine(Path.GetDirectoryName(script)!, "node_modules")),
            "node and tools/tracker-clients/node_modules (npm ci --ignore-scripts)");
        var infoHash = (await TorrentAsync()).InfoHash.ToHex();
        var seeder = (await _instance.Services.GetRequiredService<PeerWireSeeder>().Listening)!;

        var http = await NodeAsync(script, HttpTracker, infoHash);
        Assert.That(http, Does.Contain("\"event\":\"update\""), http);
        Assert.That(http, Does.Contain($"127.0.0.1:{seeder.Port}"), "the HTTP announce returned our seeder as a peer");
        Assert.That(http, Does.Not.Contain("\"event\":\"error\""), http);

        var ws = await NodeAsync(script, _instance.BaseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/tracker/socket", infoHash);
        Assert.That(ws, Does.Contain("\"event\":\"update\""), ws);
        Assert.That(ws, Does.Not.Contain("\"event\":\"error\""), ws);

        var unknown = await NodeAsync(script, HttpTracker, new string('0', 40));
        Assert.That(unknown, Does.Contain("warning").Or.Contain("error"), "an unknown info hash is refused");
    }

    private static async Task<string> NodeAsync(string script, params string[] args)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var output = await process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = await process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return output + error;
    }

    private static Task SendAsync(ClientWebSocket socket, object message) =>
        socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, true, CancellationToken.None);

    private static async Task<JsonElement> ReceiveAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        var result = await socket.ReceiveAsync(buffer, timeout.Token);
        return JsonDocument.Parse(buffer.AsMemory(0, result.Count)).RootElement.Clone();
    }
}
