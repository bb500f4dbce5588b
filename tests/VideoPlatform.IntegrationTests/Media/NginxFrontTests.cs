using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Core.Storage;
using VideoPlatform.IntegrationTests.Infrastructure;
using VideoPlatform.IntegrationTests.Transcoder;

namespace VideoPlatform.IntegrationTests.Media;

/// <summary>
/// deploy/nginx/videoplatform.conf, rendered and run by deploy/nginx/local.sh with Debian's nginx (unprivileged, 127.0.0.1,
/// free port), in front of an instance with <c>Media:AccelRedirect</c> and nginx as its known proxy. Two short clips are
/// transcoded once for the fixture (one public, one private); database-independent, so SQLite only.
/// </summary>
[TestFixture]
[Category("Http")]
[Category("Ffmpeg")]
[NonParallelizable]
public sealed class NginxFrontTests
{
    private const string Nginx = "/usr/sbin/nginx";

    private readonly ClientIpRecorder _seen = new();
    private TestInstance _instance = null!;
    private Process _nginx = null!;
    private string _front = null!;
    private string _token = null!;
    private HttpClient _teacher = null!;
    private HttpClient _anonymous = null!;
    private JsonElement _public;
    private JsonElement _private;

    [OneTimeSetUp]
    public async Task Start()
    {
        FfmpegTool.RequireFfmpeg();
        Prerequisites.Require(File.Exists(Nginx), "nginx (apt-get install -y nginx-light)");
        Prerequisites.Require(Prerequisites.HasCommand("envsubst"), "envsubst (apt-get install -y gettext-base)");

        var port = FreePort();
        _front = $"http://127.0.0.1:{port}";
        _instance = await TestInstance.StartAsync(DbKind.Sqlite, s => s.AddSingleton<IStartupFilter>(_seen),
            "--Media:AccelRedirect", "true", "--Proxy:KnownProxies", "127.0.0.1", "--Instance:PublicUrl", _front, "--Transcoder:Threads", "2");
        var root = _instance.Services.GetRequiredService<MediaStore>().Root;
        var prefix = Path.Combine(_instance.Database.Folder, "nginx");
        var start = new ProcessStartInfo(Path.Combine(ReadmeRunTests.RepositoryRoot(), "deploy", "nginx", "local.sh"), [prefix])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.Environment["VP_LISTEN"] = $"127.0.0.1:{port}";
        start.Environment["VP_UPSTREAM"] = _instance.Host;
        start.Environment["VP_STORAGE_ROOT"] = root;
        start.Environment["NGINX_WORKERS"] = "1";
        _nginx = Process.Start(start)!;
        _anonymous = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(_front), Timeout = TimeSpan.FromSeconds(60) };
        await WaitForNginxAsync();

        _teacher = await _instance.CreateUserAsync("teacher");
        _token = _teacher.DefaultRequestHeaders.Authorization!.Parameter!;
        _teacher.Dispose();
        _teacher = Client(_token);
        var clips = Path.Combine(_instance.Database.Folder, "clips");
        var channel = await Uploader.ChannelIdAsync(_teacher);
        // Uploaded through nginx: the resumable protocol's Location and the chunks pass the proxy.
        var shared = await Uploader.UploadAsync(_teacher, channel, await Uploader.ClipAsync(clips, "public.mp4", seconds: 2, size: "320x240"));
        var hidden = await Uploader.UploadAsync(_teacher, channel, await Uploader.ClipAsync(clips, "private.mp4", seconds: 2, size: "320x240"), privacy: 3);
        _public = await Uploader.WaitForStateAsync(_teacher, shared.GetProperty("uuid").GetString()!, 1, TimeSpan.FromMinutes(2));
        _private = await Uploader.WaitForStateAsync(_teacher, hidden.GetProperty("uuid").GetString()!, 1, TimeSpan.FromMinutes(2));
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_nginx is { HasExited: false })
        {
            // local.sh execs nginx: this is the master, its workers are its children.
            _nginx.Kill(entireProcessTree: true);
            await _nginx.WaitForExitAsync();
        }
        _nginx?.Dispose();
        _teacher?.Dispose();
        _anonymous?.Dispose();
        if (_instance is not null)
        {
            await _instance.DisposeAsync();
        }
    }

    [Test]
    public async Task Public_segments_are_sent_by_nginx_with_range_validators_and_cache_headers()
    {
        var playlist = _public.GetProperty("streamingPlaylists")[0];
        var fileUrl = playlist.GetProperty("files")[0].GetProperty("fileUrl").GetString()!;
        Assert.That(fileUrl, Does.StartWith(_front + "/static/streaming-playlists/hls/"), "media URLs name the public URL: nginx");
        var hashes = await _anonymous.GetFromJsonAsync<JsonElement>(playlist.GetProperty("segmentsSha256Url").GetString()!);
        var segment = hashes.GetProperty(fileUrl[(fileUrl.LastIndexOf('/') + 1)..]).EnumerateObject().Last();
        var bounds = segment.Name.Split('-').Select(long.Parse).ToArray();

        using var range = await SendAsync(_anonymous, fileUrl, r => r.Headers.Range = new RangeHeaderValue(bounds[0], bounds[1]));
        Assert.That(range.StatusCode, Is.EqualTo(HttpStatusCode.PartialContent));
        Assert.That(range.Headers.Server.ToString(), Is.EqualTo("nginx"), "sent by nginx from the media folder, not by the instance");
        Assert.That(range.Content.Headers.ContentRange!.From, Is.EqualTo(bounds[0]));
        Assert.That(Convert.ToHexStringLower(SHA256.HashData(await range.Content.ReadAsByteArrayAsync())), Is.EqualTo(segment.Value.GetString()));
        Assert.That(range.Headers.CacheControl!.ToString(), Is.EqualTo("public, max-age=31536000, immutable"));
        Assert.That(range.Headers.GetValues("Access-Control-Allow-Origin").Single(), Is.EqualTo("*"));
        Assert.That(range.Content.Headers.ContentType!.MediaType, Is.EqualTo("video/mp4"));
        var etag = range.Headers.ETag!;
        var lastModified = range.Content.Headers.LastModified!;

        using (var byTag = await SendAsync(_anonymous, fileUrl, r => r.Headers.IfNoneMatch.Add(etag)))
        {
            Assert.That(byTag.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        }
        using (var byDate = await SendAsync(_anonymous, fileUrl, r => r.Headers.IfModifiedSince = lastModified))
        {
            Assert.That(byDate.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        }
        using (var stale = await SendAsync(_anonymous, fileUrl, r => r.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"other\""))))
        {
            Assert.That(stale.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        using (var master = await _anonymous.GetAsync(playlist.GetProperty("playlistUrl").GetString()))
        {
            Assert.That(master.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(master.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/vnd.apple.mpegurl"));
            Assert.That(master.Headers.CacheControl!.MaxAge, Is.EqualTo(TimeSpan.FromSeconds(2)), "playlists: short");
        }
        using (var thumbnail = await _anonymous.GetAsync(_public.GetProperty("thumbnailPath").GetString()))
        {
            Assert.That(thumbnail.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(thumbnail.Headers.Server.ToString(), Is.EqualTo("nginx"));
            Assert.That(thumbnail.Content.Headers.ContentType!.MediaType, Is.EqualTo("image/jpeg"));
        }

        // Not on disk, or trying to leave the folder: the instance answers (a problem document), and nothing internal is reachable.
        var uuid = _public.GetProperty("uuid").GetString();
        foreach (var path in new[]
                 {
                     $"/static/streaming-playlists/hls/{uuid}/missing-720-fragmented.mp4",
                     $"/static/streaming-playlists/hls/{uuid}/..%2F..%2F..%2Fvideoplatform.db",
                     "/lazy-static/thumbnails/..%2F..%2Fvideoplatform.db",
                     "/internal-media/videoplatform.db",
                     $"/internal-media/streaming-playlists/hls/{uuid}/{fileUrl[(fileUrl.LastIndexOf('/') + 1)..]}",
                 })
        {
            using var response = await _anonymous.GetAsync(path);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), path);
        }
    }

    [Test]
    public async Task Private_files_are_authorised_by_the_instance_and_sent_by_nginx_through_x_accel_redirect()
    {
        var uuid = _private.GetProperty("uuid").GetString()!;
        var hlsFile = _private.GetProperty("streamingPlaylists")[0].GetProperty("files")[0].GetProperty("fileUrl").GetString()!;
        Assert.That(hlsFile, Does.StartWith($"{_front}/static/streaming-playlists/hls/private/{uuid}/"));
        var onDisk = Path.Combine(_instance.Services.GetRequiredService<MediaStore>().HlsFolder(uuid, isPrivate: true), hlsFile[(hlsFile.LastIndexOf('/') + 1)..]);
        var bytes = await File.ReadAllBytesAsync(onDisk);

        using (var anonymous = await _anonymous.GetAsync(hlsFile))
        {
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(anonymous.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        }
        using (var owner = await _teacher.GetAsync(hlsFile))
        {
            Assert.That(owner.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await owner.Content.ReadAsByteArrayAsync(), Is.EqualTo(bytes));
            Assert.That(owner.Headers.Server.ToString(), Is.EqualTo("nginx"));
            Assert.That(owner.Headers.CacheControl!.Private && owner.Headers.CacheControl.NoCache, Is.True, "the instance's cache header travels with the redirect");
            Assert.That(owner.Headers.GetValues("Access-Control-Allow-Origin").Single(), Is.EqualTo("*"));
            Assert.That(owner.Headers.Contains("X-Accel-Redirect"), Is.False, "nginx never shows where the file is");
        }
        using (var ranged = await SendAsync(_teacher, hlsFile, r => r.Headers.Range = new RangeHeaderValue(100, 1123)))
        {
            Assert.That(ranged.StatusCode, Is.EqualTo(HttpStatusCode.PartialContent));
            Assert.That(await ranged.Content.ReadAsByteArrayAsync(), Is.EqualTo(bytes[100..1124]));
        }

        using var tokenResponse = await _teacher.PostAsync($"/api/v1/videos/{uuid}/token", null);
        var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("files").GetProperty("token").GetString()!;
        using (var withToken = await SendAsync(_anonymous, $"{hlsFile}?videoFileToken={Uri.EscapeDataString(token)}", r => r.Headers.Range = new RangeHeaderValue(0, 99)))
        {
            Assert.That(withToken.StatusCode, Is.EqualTo(HttpStatusCode.PartialContent));
            Assert.That(await withToken.Content.ReadAsByteArrayAsync(), Is.EqualTo(bytes[..100]));
        }

        // The instance itself only authorises: an empty answer naming the file under nginx's internal location.
        var path = new Uri(hlsFile).AbsolutePath;
        using (var direct = await Client(_token, _instance.BaseUrl).GetAsync(path))
        {
            Assert.That(direct.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(direct.Headers.GetValues("X-Accel-Redirect").Single(), Is.EqualTo("/internal-media" + path[("/static".Length)..]));
            Assert.That(await direct.Content.ReadAsByteArrayAsync(), Is.Empty);
        }

        // Web videos are found by name in the database, then sent by nginx as well (private: same rules).
        var webVideo = _private.GetProperty("files")[0].GetProperty("fileUrl").GetString()!;
        using (var anonymous = await _anonymous.GetAsync(webVideo))
        {
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }
        using (var owner = await SendAsync(_teacher, webVideo, r => r.Headers.Range = new RangeHeaderValue(0, 7)))
        {
            Assert.That(owner.StatusCode, Is.EqualTo(HttpStatusCode.PartialContent));
            Assert.That((await owner.Content.ReadAsByteArrayAsync())[4..8], Is.EqualTo("ftyp"u8.ToArray()));
        }
        using (var download = await _teacher.GetAsync(_private.GetProperty("files")[0].GetProperty("fileDownloadUrl").GetString()))
        {
            Assert.That(download.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(download.Content.Headers.ContentDisposition!.DispositionType, Is.EqualTo("attachment"), "kept through the redirect");
            Assert.That(download.Content.Headers.ContentLength, Is.EqualTo(_private.GetProperty("files")[0].GetProperty("size").GetInt64()));
        }
    }

    [Test]
    public async Task Browser_peers_meet_over_the_websocket_tracker_through_the_proxy()
    {
        // The swarm ids are listed by the torrent job, which may still run just after the video turned published.
        string? hex = null;
        await VideoPlatform.IntegrationTests.Federation.FederationHarness.EventuallyAsync(async () =>
        {
            var details = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{_public.GetProperty("uuid").GetString()}");
            var swarms = details.GetProperty("streamingPlaylists")[0].GetProperty("p2pMediaLoaderInfohashes");
            hex = swarms.GetArrayLength() > 0 ? swarms[0].GetString() : null;
            return hex is not null;
        }, "the public video's swarm ids listed", 60);
        var infoHash = Encoding.Latin1.GetString(Convert.FromHexString(hex!));
        var url = new Uri(_front.Replace("http://", "ws://", StringComparison.Ordinal) + "/tracker/socket");
        using var a = new ClientWebSocket();
        using var b = new ClientWebSocket();
        await a.ConnectAsync(url, CancellationToken.None);
        await b.ConnectAsync(url, CancellationToken.None);
        await SendAsync(a, new { action = "announce", info_hash = infoHash, peer_id = "-WW0100-aaaaaaaaaaaa", @event = "started", left = 10, numwant = 5, offers = Array.Empty<object>() });
        Assert.That((await ReceiveAsync(a)).GetProperty("interval").GetInt32(), Is.GreaterThan(0));
        await SendAsync(b, new
        {
            action = "announce", info_hash = infoHash, peer_id = "-WW0100-bbbbbbbbbbbb", @event = "started", left = 10, numwant = 1,
            offers = new[] { new { offer = new { type = "offer", sdp = "v=0 b" }, offer_id = "ooooooooooooooooooo1" } },
        });
        await ReceiveAsync(b);
        Assert.That((await ReceiveAsync(a)).GetProperty("offer").GetProperty("sdp").GetString(), Is.EqualTo("v=0 b"), "relayed to the other peer");
    }

    [Test]
    public async Task A_resumable_upload_of_200_MiB_passes_the_proxy_intact()
    {
        const long Size = 200L * 1024 * 1024;
        const int Chunk = 64 * 1024 * 1024;
        // A real clip followed by an MP4 `free` box up to 200 MiB (zeros, a sparse file): a valid video that transcodes in no time.
        var path = Path.Combine(_instance.Database.Folder, "clips", "big.mp4");
        var clip = await File.ReadAllBytesAsync(Path.Combine(_instance.Database.Folder, "clips", "public.mp4"));
        await using (var file = File.Create(path))
        {
            await file.WriteAsync(clip);
            var header = new byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(header, (uint)(Size - clip.Length));
            "free"u8.CopyTo(header.AsSpan(4));
            await file.WriteAsync(header);
            file.SetLength(Size);
        }
        string expected;
        await using (var file = File.OpenRead(path))
        {
            expected = Convert.ToHexStringLower(await SHA256.HashDataAsync(file));
        }

        var started = Stopwatch.StartNew();
        using var created = await Uploader.InitAsync(_teacher, await Uploader.ChannelIdAsync(_teacher), "big.mp4", Size, name: "Grande leçon");
        var id = Uploader.UploadId(created);
        string uuid;
        await using (var file = File.OpenRead(path))
        {
            for (long offset = 0; ; offset += Chunk)
            {
                var length = Math.Min(Chunk, Size - offset);
                using var request = new HttpRequestMessage(HttpMethod.Put, $"{Uploader.ResumablePath}?upload_id={id}")
                {
                    Content = new StreamContent(new ChunkStream(file, offset, length)),
                };
                request.Content.Headers.ContentLength = length;
                request.Content.Headers.ContentRange = new ContentRangeHeaderValue(offset, offset + length - 1, Size);
                using var response = await _teacher.SendAsync(request);
                if (offset + length == Size)
                {
                    Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
                    uuid = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("video").GetProperty("uuid").GetString()!;
                    break;
                }
                Assert.That((int)response.StatusCode, Is.EqualTo(308), await response.Content.ReadAsStringAsync());
                Assert.That(Uploader.Offset(response), Is.EqualTo(offset + length));
            }
        }
        TestContext.Out.WriteLine($"200 MiB through nginx in {started.Elapsed.TotalSeconds:F1} s");
        try
        {
            var stored = _instance.Services.GetRequiredService<MediaStore>().FindOriginal(uuid);
            Assert.That(stored, Is.Not.Null);
            await using var original = File.OpenRead(stored!);
            Assert.That(original.Length, Is.EqualTo(Size));
            Assert.That(Convert.ToHexStringLower(await SHA256.HashDataAsync(original)), Is.EqualTo(expected), "the bytes stored are the bytes sent");
        }
        finally
        {
            using var deleted = await _teacher.DeleteAsync($"/api/v1/videos/{uuid}");
            File.Delete(path);
        }
    }

    [Test]
    public async Task The_instance_sees_the_client_address_that_nginx_forwards()
    {
        // The client connects from 127.0.0.2 and claims another address; nginx (127.0.0.1, the known proxy) appends the real one.
        using var client = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        }) { BaseAddress = new Uri(_front) };
        var probe = Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/health?probe={probe}");
        request.Headers.Add("X-Forwarded-For", "198.51.100.9");
        using var response = await client.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(_seen.Seen[probe], Is.EqualTo(("127.0.0.2", "http")));
    }

    [Test]
    public async Task Bodies_over_the_limit_are_refused_by_nginx_with_a_problem_document()
    {
        using var tooLarge = await _anonymous.PostAsync("/api/v1/users/token", new ByteArrayContent(new byte[2 * 1024 * 1024]));
        Assert.That(tooLarge.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(tooLarge.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That((await tooLarge.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32(), Is.EqualTo(413));
        using var health = await _anonymous.GetAsync("/health");
        Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK), "still serving");
    }

    private HttpClient Client(string token, string? baseUrl = null)
    {
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(baseUrl ?? _front), Timeout = TimeSpan.FromSeconds(120) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task WaitForNginxAsync()
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(20);
        while (true)
        {
            if (_nginx.HasExited)
            {
                Assert.Fail($"nginx exited ({_nginx.ExitCode}): {await _nginx.StandardError.ReadToEndAsync()}");
            }
            try
            {
                using var response = await _anonymous.GetAsync("/health");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTimeOffset.UtcNow < deadline)
            {
            }
            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail("nginx did not answer /health within 20 s.");
            }
            await Task.Delay(50);
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string url, Action<HttpRequestMessage> configure)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        configure(request);
        return await client.SendAsync(request);
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Records, for requests carrying <c>?probe=</c>, the client address and scheme the app saw once forwarded headers were applied.</summary>
    private sealed class ClientIpRecorder : IStartupFilter
    {
        public ConcurrentDictionary<string, (string Ip, string Scheme)> Seen { get; } = new();

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (HttpContext context, RequestDelegate nextMiddleware) =>
            {
                await nextMiddleware(context);
                if (context.Request.Query["probe"].ToString() is { Length: > 0 } probe)
                {
                    Seen[probe] = (context.Connection.RemoteIpAddress?.ToString() ?? "", context.Request.Scheme);
                }
            });
            next(app);
        };
    }

    /// <summary>One chunk of a file read as a stream from its offset, so that 200 MiB never sit in memory.</summary>
    private sealed class ChunkStream(FileStream file, long offset, long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset1, int count) => ReadAsync(buffer.AsMemory(offset1, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var wanted = (int)Math.Min(buffer.Length, length - _position);
            if (wanted <= 0)
            {
                return 0;
            }
            var read = await RandomAccess.ReadAsync(file.SafeFileHandle, buffer[..wanted], offset + _position, cancellationToken);
            _position += read;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset1, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset1, int count) => throw new NotSupportedException();
    }
}
