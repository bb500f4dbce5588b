using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.IntegrationTests.Infrastructure;
using VideoPlatform.IntegrationTests.Media;
using VideoPlatform.IntegrationTests.Transcoder;
using VideoPlatform.P2P.Metainfo;
using VideoPlatform.P2P.PeerWire;
using VideoPlatform.P2P.Tracker;

namespace VideoPlatform.IntegrationTests.P2P;

/// <summary>
/// P2P and privacy on a real instance with a real transcode: a video made private leaves the swarm at once (seeder,
/// tracker, torrent files; aria2 with its old magnet gets nothing), and is re-keyed (new names and info hashes, every
/// playback file reachable) when it is shared again. Also the seeder's per-IP connection limit. The tests run in order
/// on one video: public → private → public.
/// </summary>
[TestFixture(DbKind.Sqlite)]
[TestFixture(DbKind.Postgres)]
[Category("P2P")]
[Category("Ffmpeg")]
[NonParallelizable]
public sealed class P2PPrivacyTests(DbKind kind)
{
    private const int PerIpLimit = 3;
    private TestInstance _instance = null!;
    private HttpClient _teacher = null!;
    private string _uuid = null!;
    private IPEndPoint _seeder = null!;
    private JsonElement _firstFile;
    private string _firstMaster = null!;
    private byte[] _firstBlock = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        FfmpegTool.RequireFfmpeg();
        Aria2.Require();
        _instance = await TestInstance.StartAsync(kind, "--Transcoder:Threads", "2", "--P2P:MaxConnectionsPerIp", PerIpLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _teacher = await _instance.CreateUserAsync("teacher");
        var clip = await Uploader.ClipAsync(System.IO.Path.Combine(_instance.Database.Folder, "clips"), "lesson.mp4", seconds: 3);
        var uploaded = await Uploader.UploadAsync(_teacher, await Uploader.ChannelIdAsync(_teacher), clip);
        _uuid = uploaded.GetProperty("uuid").GetString()!;
        await Uploader.WaitForStateAsync(_teacher, _uuid, 1, TimeSpan.FromMinutes(3));
        var video = await WaitForAsync(v => Str(TopFile(v), "torrentUrl") is not null, "torrents made");
        _firstFile = TopFile(video);
        _firstMaster = Playlist(video).GetProperty("playlistUrl").GetString()!;
        _seeder = (await _instance.Services.GetRequiredService<PeerWireSeeder>().Listening)!;
        var registry = _instance.Services.GetRequiredService<SwarmRegistry>();
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (registry.Scrape(InfoHashOf(_firstFile)).Complete == 0)
        {
            Assert.That(DateTimeOffset.UtcNow, Is.LessThan(deadline), "the seeder did not announce the torrent");
            await Task.Delay(100);
        }
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _teacher?.Dispose();
        if (_instance is not null)
        {
            await _instance.DisposeAsync();
        }
    }

    private static JsonElement Playlist(JsonElement video) => video.GetProperty("streamingPlaylists")[0];

    private static JsonElement TopFile(JsonElement video) => Playlist(video).GetProperty("files")[0];

    private static InfoHash InfoHashOf(JsonElement file) => InfoHash.FromHex(file.GetProperty("infoHash").GetString()!);

    private static string Path(string url) => new Uri(url).AbsolutePath;

    /// <summary>A string field, or null when it is null or left out.</summary>
    private static string? Str(JsonElement file, string name) =>
        file.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> condition, string what)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(90);
        while (true)
        {
            var video = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{_uuid}");
            if (condition(video))
            {
                return video;
            }
            Assert.That(DateTimeOffset.UtcNow, Is.LessThan(deadline), $"not reached within 90 s: {what}; video: {video}");
            await Task.Delay(200);
        }
    }

    private async Task SetPrivacyAsync(int privacy)
    {
        using var response = await _teacher.PutAsJsonAsync($"/api/v1/videos/{_uuid}", new { privacy });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await response.Content.ReadAsStringAsync());
    }

    private async Task<string?> AnnounceFailureAsync(InfoHash infoHash)
    {
        var query = "?info_hash=" + string.Concat(infoHash.ToArray().Select(b => "%" + b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)))
            + "&peer_id=-TT0001-abcdefghijkl&port=6881&uploaded=0&downloaded=0&left=1000&event=started&compact=1";
        var body = await _instance.Http.GetByteArrayAsync("/tracker/announce" + query);
        var text = Encoding.Latin1.GetString(body);
        var at = text.IndexOf("14:failure reason", StringComparison.Ordinal);
        return at < 0 ? null : text[(at + "14:failure reason".Length)..];
    }

    [Test]
    [Order(1)]
    public async Task A_video_made_private_leaves_the_swarm_at_once_and_aria2_with_its_old_magnet_gets_nothing()
    {
        var oldHash = InfoHashOf(_firstFile);
        var oldMagnet = _firstFile.GetProperty("magnetUri").GetString()!;
        var oldTorrent = Path(_firstFile.GetProperty("torrentUrl").GetString()!);
        var oldDownload = Path(_firstFile.GetProperty("torrentDownloadUrl").GetString()!);
        var oldFileUrl = Path(_firstFile.GetProperty("fileUrl").GetString()!);

        // While public: our minimal peer-wire client gets the first block, identical to the file over HTTP.
        await using var connected = await WireClient.ConnectAsync(_seeder, oldHash);
        Assert.That(connected, Is.Not.Null, "the seeder serves the public video");
        _firstBlock = await connected!.DownloadBlockAsync(0, 0, 16 * 1024);
        var overHttp = await _instance.Http.GetByteArrayAsync(oldFileUrl);
        Assert.That(_firstBlock, Is.EqualTo(overHttp.AsSpan(0, 16 * 1024).ToArray()));
        Assert.That(await AnnounceFailureAsync(oldHash), Is.Null, "the tracker knows the public video's swarm");

        await SetPrivacyAsync(3);

        Assert.That(await connected.IsClosedBySeederAsync(TimeSpan.FromSeconds(10)), Is.True, "the connected peer is disconnected");
        await using (var again = await WireClient.ConnectAsync(_seeder, oldHash))
        {
            Assert.That(again, Is.Null, "an anonymous peer-wire client is refused the private video's rendition");
        }
        Assert.That(await AnnounceFailureAsync(oldHash), Does.Contain("not tracked"), "the tracker dropped the swarm");
        Assert.That(_instance.Services.GetRequiredService<SwarmRegistry>().Scrape(oldHash).Complete, Is.Zero);
        foreach (var url in new[] { oldTorrent, oldDownload, oldFileUrl })
        {
            using var response = await _instance.Http.GetAsync(url);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), url + " must not be served anonymously");
        }

        // The re-key: new names in the private tree, no torrent, no magnet.
        var video = await WaitForAsync(v => Path(TopFile(v).GetProperty("fileUrl").GetString()!) != oldFileUrl.Replace("/hls/", "/hls/private/", StringComparison.Ordinal)
            && TopFile(v).GetProperty("fileUrl").GetString()!.Contains("/private/", StringComparison.Ordinal), "re-keyed in the private tree");
        foreach (var file in Playlist(video).GetProperty("files").EnumerateArray())
        {
            Assert.That(Str(file, "torrentUrl"), Is.Null);
            Assert.That(Str(file, "torrentDownloadUrl"), Is.Null);
            Assert.That(Str(file, "magnetUri"), Is.Null);
            Assert.That(Str(file, "infoHash"), Is.Null);
        }
        // The old files go right after the rows switch: even the owner finds them no more.
        var oldPrivateUrl = oldFileUrl.Replace("/hls/", "/hls/private/", StringComparison.Ordinal);
        var gone = DateTimeOffset.UtcNow.AddSeconds(10);
        while ((await _teacher.GetAsync(oldPrivateUrl)).StatusCode != HttpStatusCode.NotFound)
        {
            Assert.That(DateTimeOffset.UtcNow, Is.LessThan(gone), "the old names are gone, even for the owner");
            await Task.Delay(100);
        }
        using (var anonymous = await _instance.Http.GetAsync(Path(TopFile(video).GetProperty("fileUrl").GetString()!)))
        {
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }
        Assert.That(File.Exists(_instance.Services.GetRequiredService<VideoPlatform.Core.Storage.MediaStore>().TorrentPath(System.IO.Path.GetFileName(oldTorrent))), Is.False);

        // aria2 with the magnet it got while the video was public: trackers, web seed and torrent URL all dead.
        var outDir = System.IO.Path.Combine(_instance.Database.Folder, "aria2-" + Guid.NewGuid().ToString("N"));
        var exit = await Aria2Async(oldMagnet, outDir, TimeSpan.FromSeconds(40));
        var got = Directory.Exists(outDir)
            ? Directory.EnumerateFiles(outDir, "*", SearchOption.AllDirectories).Where(f => new FileInfo(f).Length > 0).ToList()
            : [];
        Assert.That(got, Is.Empty, $"aria2 (exit {exit}) must get nothing");
        Assert.That(exit, Is.Not.Zero, "aria2 does not complete");
    }

    [Test]
    [Order(2)]
    public async Task Back_to_public_makes_new_names_and_info_hashes_and_every_playback_file_answers()
    {
        Assert.That(_firstBlock, Is.Not.Null, "runs after the private test");
        var privateVideo = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{_uuid}");
        var privateMaster = Playlist(privateVideo).GetProperty("playlistUrl").GetString()!;
        await SetPrivacyAsync(1);
        var video = await WaitForAsync(v => !Playlist(v).GetProperty("playlistUrl").GetString()!.Contains("/private/", StringComparison.Ordinal)
            && Playlist(v).GetProperty("files").EnumerateArray().All(f => Str(f, "torrentUrl") is not null), "public again with torrents");
        var file = TopFile(video);
        var master = Playlist(video).GetProperty("playlistUrl").GetString()!;
        Assert.Multiple(() =>
        {
            Assert.That(master, Is.Not.EqualTo(_firstMaster));
            Assert.That(System.IO.Path.GetFileName(master), Is.Not.EqualTo(System.IO.Path.GetFileName(privateMaster)), "back to public re-keys again");
            Assert.That(file.GetProperty("fileUrl").GetString(), Is.Not.EqualTo(_firstFile.GetProperty("fileUrl").GetString()));
            Assert.That(file.GetProperty("infoHash").GetString(), Is.Not.EqualTo(_firstFile.GetProperty("infoHash").GetString()));
            Assert.That(file.GetProperty("torrentUrl").GetString(), Is.Not.EqualTo(_firstFile.GetProperty("torrentUrl").GetString()));
        });

        // The old info hash stays unknown to the tracker and the seeder; the new one is served, same bytes.
        var oldHash = InfoHashOf(_firstFile);
        Assert.That(await AnnounceFailureAsync(oldHash), Does.Contain("not tracked"));
        await using (var old = await WireClient.ConnectAsync(_seeder, oldHash))
        {
            Assert.That(old, Is.Null, "the seeder refuses the old info hash");
        }
        var newHash = InfoHashOf(file);
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (_instance.Services.GetRequiredService<SwarmRegistry>().Scrape(newHash).Complete == 0)
        {
            Assert.That(DateTimeOffset.UtcNow, Is.LessThan(deadline), "the seeder did not announce the new torrent");
            await Task.Delay(100);
        }
        await using (var fresh = await WireClient.ConnectAsync(_seeder, newHash))
        {
            Assert.That(fresh, Is.Not.Null);
            Assert.That(await fresh!.DownloadBlockAsync(0, 0, 16 * 1024), Is.EqualTo(_firstBlock), "same media, new key");
        }
        using (var torrent = await _instance.Http.GetAsync(Path(file.GetProperty("torrentUrl").GetString()!)))
        {
            Assert.That(torrent.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the new torrent is served anonymously");
            Assert.That(TorrentMetainfo.Parse(await torrent.Content.ReadAsByteArrayAsync()).InfoHash, Is.EqualTo(newHash));
        }
        using (var oldTorrent = await _instance.Http.GetAsync(Path(_firstFile.GetProperty("torrentUrl").GetString()!)))
        {
            Assert.That(oldTorrent.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }
        using (var oldFile = await _instance.Http.GetAsync(Path(_firstFile.GetProperty("fileUrl").GetString()!)))
        {
            Assert.That(oldFile.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }

        // Playback: master → media playlists → every referenced file answers, and segments-sha256.json names the new files
        // with the right hashes of the byte ranges the playlists give.
        var masterText = await _instance.Http.GetStringAsync(Path(master));
        var variants = masterText.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        // The separate audio rendition is named by its #EXT-X-MEDIA line.
        variants.AddRange(masterText.Split('\n').Where(l => l.StartsWith("#EXT-X-MEDIA:", StringComparison.Ordinal)).Select(l => l.Split("URI=\"")[1].Split('"')[0]));
        Assert.That(variants, Has.Count.EqualTo(Playlist(video).GetProperty("files").GetArrayLength()));
        var baseUrl = master[..(master.LastIndexOf('/') + 1)];
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var variant in variants)
        {
            var media = await _instance.Http.GetStringAsync(Path(baseUrl + variant));
            foreach (var line in media.Split('\n').Select(l => l.Trim()))
            {
                var uri = line.StartsWith("#EXT-X-MAP:", StringComparison.Ordinal)
                    ? line.Split("URI=\"")[1].Split('"')[0]
                    : line.Length > 0 && !line.StartsWith('#') ? line : null;
                if (uri is not null)
                {
                    referenced.Add(uri);
                }
            }
        }
        Assert.That(referenced, Is.Not.Empty);
        var id = System.IO.Path.GetFileName(master)[..^"-master.m3u8".Length];
        foreach (var name in referenced.Concat(variants))
        {
            Assert.That(name, Does.StartWith(id + "-"), "every name carries the new id");
            using var response = await _instance.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, Path(baseUrl + name)));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), name);
        }
        var sha = await _instance.Http.GetFromJsonAsync<JsonElement>(Path(Playlist(video).GetProperty("segmentsSha256Url").GetString()!));
        var shaFiles = sha.EnumerateObject().Select(p => p.Name).ToList();
        Assert.That(shaFiles, Is.EquivalentTo(referenced.Where(n => n.EndsWith(".mp4", StringComparison.Ordinal))));
        foreach (var entry in sha.EnumerateObject())
        {
            var bytes = await _instance.Http.GetByteArrayAsync(Path(baseUrl + entry.Name));
            foreach (var range in entry.Value.EnumerateObject())
            {
                var bounds = range.Name.Split('-').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
                Assert.That(Convert.ToHexStringLower(SHA256.HashData(bytes.AsSpan(bounds[0], bounds[1] - bounds[0] + 1))),
                    Is.EqualTo(range.Value.GetString()), $"{entry.Name} {range.Name}");
            }
        }
    }

    [Test]
    [Order(3)]
    public async Task The_seeder_closes_connections_beyond_the_per_ip_limit_at_once()
    {
        var video = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{_uuid}");
        var hash = InfoHashOf(TopFile(video));
        var idle = new List<TcpClient>();
        try
        {
            for (var i = 0; i < PerIpLimit; i++)
            {
                var client = new TcpClient();
                await client.ConnectAsync(_seeder);
                idle.Add(client);
            }
            foreach (var client in idle)
            {
                Assert.That(await ClosedWithinAsync(client, TimeSpan.FromSeconds(1)), Is.False, "connections within the limit stay open");
            }
            using (var extra = new TcpClient())
            {
                await extra.ConnectAsync(_seeder);
                Assert.That(await ClosedWithinAsync(extra, TimeSpan.FromSeconds(3)), Is.True, "the connection beyond the limit is closed at once");
            }
            await using (var refused = await WireClient.ConnectAsync(_seeder, hash))
            {
                Assert.That(refused, Is.Null, "even a real peer from that address waits for a free slot");
            }
            idle[0].Dispose();
            idle.RemoveAt(0);
            var deadline = DateTimeOffset.UtcNow.AddSeconds(10);
            while (true)
            {
                await using var peer = await WireClient.ConnectAsync(_seeder, hash);
                if (peer is not null)
                {
                    break;
                }
                Assert.That(DateTimeOffset.UtcNow, Is.LessThan(deadline), "a freed slot is given to the next connection");
                await Task.Delay(100);
            }
        }
        finally
        {
            foreach (var client in idle)
            {
                client.Dispose();
            }
        }
    }

    private static async Task<bool> ClosedWithinAsync(TcpClient client, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            return await client.GetStream().ReadAsync(new byte[1], timeout.Token) == 0;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>aria2c's exit status, -1 when still trying after <paramref name="limit"/> (it got nothing so far, which is what we check).</summary>
    private static async Task<int> Aria2Async(string target, string outDir, TimeSpan limit)
    {
        var (exitCode, output) = await Aria2.RunAsync(target, outDir, limit, "--bt-stop-timeout=15", "--max-tries=2", "--retry-wait=1");
        TestContext.Out.WriteLine(output);
        return exitCode;
    }

    /// <summary>
    /// A minimal BitTorrent peer-wire client (BEP 3), written here rather than borrowed from the seeder: plain handshake
    /// (no extensions), interested, wait for unchoke, request one block, read the piece.
    /// </summary>
    private sealed class WireClient : IAsyncDisposable
    {
        private readonly TcpClient _tcp;
        private readonly NetworkStream _stream;

        private WireClient(TcpClient tcp)
        {
            _tcp = tcp;
            _stream = tcp.GetStream();
        }

        /// <summary>Connects and handshakes; null when the seeder closes the connection instead of answering.</summary>
        public static async Task<WireClient?> ConnectAsync(IPEndPoint seeder, InfoHash infoHash)
        {
            var tcp = new TcpClient();
            await tcp.ConnectAsync(seeder);
            var client = new WireClient(tcp);
            var handshake = new byte[68];
            handshake[0] = 19;
            Encoding.ASCII.GetBytes("BitTorrent protocol").CopyTo(handshake, 1);
            infoHash.ToArray().CopyTo(handshake, 28);
            Encoding.ASCII.GetBytes("-TT0001-" + Guid.NewGuid().ToString("N")[..12]).CopyTo(handshake, 48);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await client._stream.WriteAsync(handshake, timeout.Token);
                var answer = new byte[68];
                await client._stream.ReadExactlyAsync(answer, timeout.Token);
                Assert.That(answer.AsSpan(28, 20).ToArray(), Is.EqualTo(infoHash.ToArray()), "the seeder answers for the same torrent");
                return client;
            }
            catch (Exception ex) when (ex is EndOfStreamException or IOException)
            {
                await client.DisposeAsync();
                return null;
            }
        }

        public async Task<byte[]> DownloadBlockAsync(int piece, int begin, int length)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _stream.WriteAsync(new byte[] { 0, 0, 0, 1, 2 }, timeout.Token); // interested
            while (true)
            {
                var (id, payload) = await ReadMessageAsync(timeout.Token);
                if (id == 1) // unchoke
                {
                    var request = new byte[17];
                    BinaryPrimitives.WriteInt32BigEndian(request, 13);
                    request[4] = 6;
                    BinaryPrimitives.WriteInt32BigEndian(request.AsSpan(5), piece);
                    BinaryPrimitives.WriteInt32BigEndian(request.AsSpan(9), begin);
                    BinaryPrimitives.WriteInt32BigEndian(request.AsSpan(13), length);
                    await _stream.WriteAsync(request, timeout.Token);
                }
                else if (id == 7) // piece
                {
                    Assert.That(BinaryPrimitives.ReadInt32BigEndian(payload), Is.EqualTo(piece));
                    Assert.That(BinaryPrimitives.ReadInt32BigEndian(payload.AsSpan(4)), Is.EqualTo(begin));
                    return payload[8..];
                }
            }
        }

        /// <summary>True when the seeder closes the connection within the time (messages meanwhile are read and ignored).</summary>
        public async Task<bool> IsClosedBySeederAsync(TimeSpan within)
        {
            using var timeout = new CancellationTokenSource(within);
            try
            {
                while (true)
                {
                    await ReadMessageAsync(timeout.Token);
                }
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            catch (Exception ex) when (ex is EndOfStreamException or IOException)
            {
                return true;
            }
        }

        private async Task<(int Id, byte[] Payload)> ReadMessageAsync(CancellationToken ct)
        {
            var header = new byte[4];
            await _stream.ReadExactlyAsync(header, ct);
            var length = BinaryPrimitives.ReadInt32BigEndian(header);
            if (length == 0)
            {
                return (-1, []); // keep-alive
            }
            var body = new byte[length];
            await _stream.ReadExactlyAsync(body, ct);
            return (body[0], body[1..]);
        }

        public ValueTask DisposeAsync()
        {
            _stream.Dispose();
            _tcp.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
