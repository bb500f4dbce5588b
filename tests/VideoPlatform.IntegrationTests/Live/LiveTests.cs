using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.IntegrationTests.Infrastructure;
using VideoPlatform.IntegrationTests.Media;
using VideoPlatform.IntegrationTests.Transcoder;
using VideoPlatform.Transcoder.Live;

namespace VideoPlatform.IntegrationTests.Live;

/// <summary>
/// Lives end to end on one instance (SQLite: the database part is covered on both by <see cref="LiveApiTests"/>): ffmpeg
/// publishes over RTMP as Jibri does, the live goes on air, wrong keys, second publishers and garbage are cut without
/// disturbing it, and the killed publisher's session becomes a replay that plays.
/// </summary>
[Category("Http")]
[Category("Ffmpeg")]
[NonParallelizable]
public class LiveStreamingTests
{
    private TestInstance _instance = null!;
    private TestInstance _follower = null!;
    private HttpClient _teacher = null!;
    private long _channelId;
    private string _clip = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        FfmpegTool.RequireFfmpeg();
        _instance = await VideoPlatform.IntegrationTests.Federation.FederationHarness.StartAsync(
            "--Live:Enabled", "true", "--Live:RtmpPort", "0", "--Live:RtmpAddress", "127.0.0.1",
            "--Live:Transcoding:Resolutions:0", "144", "--Live:Transcoding:Preset", "ultrafast", "--Live:Transcoding:Threads", "1",
            "--Live:IdleTimeout", "00:00:03", "--Live:ReconnectGrace", "00:00:08",
            // A 30 s window: room for a second viewer well behind the first one (the P2P test).
            "--Live:Transcoding:PlaylistSize", "15");
        _teacher = await _instance.CreateUserAsync("teacher");
        // Another academy follows this one: it sees the lives and their replays.
        _follower = await VideoPlatform.IntegrationTests.Federation.FederationHarness.StartAsync();
        await VideoPlatform.IntegrationTests.Federation.FederationHarness.FollowAsync(_follower, _instance);
        _channelId = await Uploader.ChannelIdAsync(_teacher);
        // A 4 s source with a key frame every second and a burned-in clock when the font exists, pushed in a loop (-c copy: no encoding while pushing).
        _clip = Path.Combine(_instance.Database.Folder, "source.flv");
        const string font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
        var video = "testsrc=size=320x240:rate=25" + (File.Exists(font) ? $",drawtext=fontfile={font}:text='%{{localtime\\:%T}}':fontsize=24:x=8:y=8:fontcolor=white:box=1:boxcolor=black" : "");
        await FfmpegTool.MakeClipAsync(_clip, video, 4, audio: true, "-g", "25", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-f", "flv");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _teacher?.Dispose();
        if (_follower is not null)
        {
            await _follower.DisposeAsync();
        }
        if (_instance is not null)
        {
            await _instance.DisposeAsync();
        }
    }

    private async Task<(long Id, string Uuid)> CreateLiveAsync(object body)
    {
        using var response = await _teacher.PostAsJsonAsync("/api/v1/videos/live", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var video = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("video");
        return (video.GetProperty("id").GetInt64(), video.GetProperty("uuid").GetString()!);
    }

    private async Task<(string RtmpUrl, string Key)> PublishingPointAsync(long id)
    {
        var live = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/live/{id}");
        return (live.GetProperty("rtmpUrl").GetString()!, live.GetProperty("streamKey").GetString()!);
    }

    private Process Publish(string url, double? seconds = null)
    {
        var info = new ProcessStartInfo("/usr/bin/ffmpeg") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardInput = true };
        string[] args = ["-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1", "-i", _clip];
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        if (seconds is { } s)
        {
            info.ArgumentList.Add("-t");
            info.ArgumentList.Add(s.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        foreach (var a in new[] { "-c", "copy", "-f", "flv", url })
        {
            info.ArgumentList.Add(a);
        }
        return Process.Start(info)!;
    }

    private static async Task<int> ExitCodeWithinAsync(Process process, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
        return process.ExitCode;
    }

    private async Task<JsonElement> WaitForVideoAsync(string id, Func<JsonElement, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        JsonElement video = default;
        while (DateTimeOffset.UtcNow < deadline)
        {
            video = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{id}");
            if (condition(video))
            {
                return video;
            }
            await Task.Delay(200);
        }
        Assert.Fail($"{what} not reached within {timeout.TotalSeconds} s; last state {video.GetProperty("state")}");
        return video;
    }

    private static int State(JsonElement video) => video.GetProperty("state").GetProperty("id").GetInt32();

    /// <summary>Waits until the following academy has the video <paramref name="uuid"/> in <paramref name="state"/> (a listing shows published videos only).</summary>
    private async Task<JsonElement> FollowerSeesAsync(string uuid, int state, string what)
    {
        var found = await VideoPlatform.IntegrationTests.Federation.FederationHarness.EventuallyAsync(async () =>
        {
            using var response = await _follower.Http.GetAsync($"/api/v1/videos/{uuid}");
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return null;
            }
            var video = await response.Content.ReadFromJsonAsync<JsonElement>();
            return State(video) == state ? (object)video : null;
        }, what, 30);
        return (JsonElement)found;
    }

    [Test]
    public async Task Goes_on_air_refuses_intruders_and_becomes_a_replay_when_the_publisher_dies()
    {
        var (id, uuid) = await CreateLiveAsync(new { channelId = _channelId, name = "Conseil de classe", privacy = 1, saveReplay = true, replaySettings = new { privacy = 1 } });
        var waiting = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{uuid}");
        Assert.That((State(waiting), waiting.GetProperty("isLive").GetBoolean()), Is.EqualTo((4, true)), "waiting for live");
        Assert.That(waiting.GetProperty("thumbnailPath").GetString(), Does.EndWith("-thumbnail.jpg"), "a waiting live has the default live image");
        // The following academy has the live before it goes on air (its icon is the default live image).
        var remoteWaiting = await FollowerSeesAsync(uuid, 4, "the waiting live at the follower");
        Assert.That(remoteWaiting.GetProperty("isLive").GetBoolean(), Is.True);
        var (rtmpUrl, key) = await PublishingPointAsync(id);
        var port = new Uri(rtmpUrl).Port;
        Assert.That(port, Is.Not.EqualTo(1935).And.GreaterThan(0), "rtmpUrl carries the bound port");

        using var publisher = Publish($"{rtmpUrl}/{key}");
        var started = Stopwatch.StartNew();
        var onAir = await WaitForVideoAsync(uuid, v => State(v) == 1, TimeSpan.FromSeconds(20), "on air");
        TestContext.Out.WriteLine($"on air after {started.Elapsed.TotalSeconds:0.0} s");
        Assert.That(onAir.GetProperty("isLive").GetBoolean(), Is.True);
        // The following academy lists the live while it is on air (an Update with isLiveBroadcast and state 1).
        var remote = await VideoPlatform.IntegrationTests.Federation.FederationHarness.EventuallyAsync(
            async () => await VideoPlatform.IntegrationTests.Federation.FederationHarness.RemoteVideoAsync(_follower, "Conseil de classe") is { } v && v.GetProperty("state").GetProperty("id").GetInt32() == 1 ? (object)v : null,
            "the live listed by the follower", 20);
        Assert.That(((JsonElement)remote).GetProperty("isLive").GetBoolean(), Is.True);
        var playlist = onAir.GetProperty("streamingPlaylists")[0];
        var masterUrl = playlist.GetProperty("playlistUrl").GetString()!;
        var probe = JsonDocument.Parse(await FfmpegTool.RunAsync("ffprobe", "-v", "error", "-show_entries", "stream=codec_type,height", "-of", "json", masterUrl)).RootElement;
        var heights = probe.GetProperty("streams").EnumerateArray().Where(s => s.GetProperty("codec_type").GetString() == "video")
            .Select(s => s.GetProperty("height").GetInt32()).Distinct().Order().ToList();
        Assert.That(heights, Is.EqualTo(new[] { 144, 240 }), "the source's 240p kept and the 144p rung, no upscale");
        // The audio once, its own rendition shared by both rungs (EXT-X-MEDIA TYPE=AUDIO), not muxed in each nor a variant of its own.
        Assert.That(probe.GetProperty("streams").EnumerateArray().Count(s => s.GetProperty("codec_type").GetString() == "audio"), Is.EqualTo(1));
        var masterText = await _instance.Http.GetStringAsync(masterUrl);
        Assert.That(masterText, Does.Contain("#EXT-X-MEDIA:TYPE=AUDIO"));
        Assert.That(masterText.Split('\n').Count(l => l.StartsWith("#EXT-X-STREAM-INF:", StringComparison.Ordinal)), Is.EqualTo(2), masterText);

        // Each listed segment is hashed; the hash is that of the bytes served.
        var hashes = (await _instance.Http.GetFromJsonAsync<Dictionary<string, Dictionary<string, string>>>(playlist.GetProperty("segmentsSha256Url").GetString()!))!;
        Assert.That(hashes, Is.Not.Empty);
        var (segment, ranges) = hashes!.First();
        var bytes = await _instance.Http.GetByteArrayAsync(masterUrl[..(masterUrl.LastIndexOf('/') + 1)] + segment);
        Assert.That(ranges.Single(), Is.EqualTo(new KeyValuePair<string, string>($"0-{bytes.Length - 1}", Convert.ToHexStringLower(SHA256.HashData(bytes)))));

        // A wrong key and a second publisher on the key are refused; the live goes on.
        using (var wrong = Publish($"{rtmpUrl}/not-a-key", 2))
        {
            Assert.That(await ExitCodeWithinAsync(wrong, TimeSpan.FromSeconds(10)), Is.Not.EqualTo(0), "wrong key refused");
        }
        using (var second = Publish($"{rtmpUrl}/{key}", 2))
        {
            Assert.That(await ExitCodeWithinAsync(second, TimeSpan.FromSeconds(10)), Is.Not.EqualTo(0), "second publisher refused");
        }
        // Random bytes, and a good handshake followed by a malformed chunk, are cut.
        foreach (var garbage in new[] { RandomNumberGenerator.GetBytes(4000), Handshake().Concat(new byte[] { 0x44, 0, 0, 1, 0, 0, 1, 8, 0 }).ToArray() })
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            var stream = client.GetStream();
            await stream.WriteAsync(garbage);
            var buffer = new byte[8192];
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            while (await stream.ReadAsync(buffer, cts.Token) > 0)
            {
            }
        }
        // A silent connection is cut after Live:IdleTimeout (3 s here).
        using (var silent = new TcpClient())
        {
            await silent.ConnectAsync(IPAddress.Loopback, port);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            Assert.That(await silent.GetStream().ReadAsync(new byte[16], cts.Token), Is.EqualTo(0), "silent connection closed");
        }
        var before = hashes!.Count;
        var grown = await WaitForVideoAsync(uuid, v => State(v) == 1, TimeSpan.FromSeconds(1), "still on air");
        var later = await _instance.Http.GetFromJsonAsync<Dictionary<string, Dictionary<string, string>>>(grown.GetProperty("streamingPlaylists")[0].GetProperty("segmentsSha256Url").GetString()!);
        Assert.That(later!.Count, Is.GreaterThan(before), "the live kept producing segments");
        Assert.That(publisher.HasExited, Is.False, "the publisher was not disturbed");

        // The publisher dies: the live ends and its session is kept as an unlisted replay.
        publisher.Kill();
        // It does not come back within Live:ReconnectGrace (8 s here).
        var ended = await WaitForVideoAsync(uuid, v => State(v) == 5, TimeSpan.FromSeconds(30), "live ended");
        Assert.That(ended.GetProperty("streamingPlaylists").GetArrayLength(), Is.Zero, "nothing to play once ended");
        // The follower sees the live end (PeerTube's Update with state 5) and has nothing left to play.
        var remoteEnded = await FollowerSeesAsync(uuid, 5, "the live ended at the follower");
        Assert.That(remoteEnded.GetProperty("streamingPlaylists").GetArrayLength(), Is.Zero, "the follower has nothing to play once ended");
        JsonElement session = default;
        var deadline = DateTimeOffset.UtcNow.AddSeconds(20);
        while (DateTimeOffset.UtcNow < deadline)
        {
            var sessions = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/live/{id}/sessions");
            session = sessions.GetProperty("data")[0];
            if (session.GetProperty("replayVideo").ValueKind == JsonValueKind.Object)
            {
                break;
            }
            await Task.Delay(200);
        }
        Assert.That(session.GetProperty("endDate").ValueKind, Is.EqualTo(JsonValueKind.String));
        var replayId = session.GetProperty("replayVideo").GetProperty("uuid").GetString()!;
        var replay = await WaitForVideoAsync(replayId, v => State(v) == 1, TimeSpan.FromSeconds(30), "replay published");
        Assert.That((replay.GetProperty("isLive").GetBoolean(), replay.GetProperty("privacy").GetProperty("id").GetInt32()), Is.EqualTo((false, 1)));
        var replayMaster = replay.GetProperty("streamingPlaylists")[0].GetProperty("playlistUrl").GetString()!;
        // As a VOD lesson with separate audio: one HLS file per video rung and one for the audio (resolution 0).
        Assert.That(replay.GetProperty("streamingPlaylists")[0].GetProperty("files").EnumerateArray().Select(f => f.GetProperty("resolution").GetProperty("id").GetInt32()),
            Is.EquivalentTo(new[] { 240, 144, 0 }));
        var duration = double.Parse(await FfmpegTool.RunAsync("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", replayMaster),
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(duration, Is.GreaterThan(4), "the replay plays the session to its end");
        // The follower lists the replay (a public lesson, federated by the normal publication path).
        await VideoPlatform.IntegrationTests.Federation.FederationHarness.EventuallyAsync(
            async () => await VideoPlatform.IntegrationTests.Federation.FederationHarness.RemoteVideoAsync(_follower, replay.GetProperty("name").GetString()!) is { } v ? (object)v : null,
            "the replay listed by the follower", 20);
        // It plays to its end: every frame of the last rendition decodes.
        await FfmpegTool.RunAsync("ffmpeg", "-v", "error", "-xerror", "-i", replayMaster, "-map", "0:v:0", "-f", "null", "-");
    }

    [Test]
    public async Task A_dropped_publisher_that_reconnects_within_the_grace_continues_the_same_live()
    {
        var (id, uuid) = await CreateLiveAsync(new { channelId = _channelId, name = "Sortie au musée", privacy = 2 });
        var (rtmpUrl, key) = await PublishingPointAsync(id);
        var first = Publish($"{rtmpUrl}/{key}");
        Process? second = null;
        try
        {
            var onAir = await WaitForVideoAsync(uuid, v => State(v) == 1, TimeSpan.FromSeconds(20), "on air");
            var playlist = onAir.GetProperty("streamingPlaylists")[0];
            var masterUrl = playlist.GetProperty("playlistUrl").GetString()!;
            var hashesUrl = playlist.GetProperty("segmentsSha256Url").GetString()!;
            async Task<IReadOnlyCollection<string>> SegmentsAsync() =>
                (await _instance.Http.GetFromJsonAsync<Dictionary<string, Dictionary<string, string>>>(hashesUrl))!.Keys;
            var before = await SegmentsAsync();

            // The encoder crashes (no unpublish) and is restarted with the same key within the grace.
            first.Kill();
            await first.WaitForExitAsync();
            var sessionsInProcess = _instance.Services.GetRequiredService<LiveSessions>();
            await VideoPlatform.IntegrationTests.Federation.FederationHarness.EventuallyAsync(
                () => Task.FromResult(sessionsInProcess.IsWaitingForPublisher(id)), "the live waiting for its publisher", 10);
            second = Publish($"{rtmpUrl}/{key}");

            // The same live goes on: still on air with the same playlists, and new segments continue the hash file.
            IReadOnlyCollection<string> after = before;
            var deadline = DateTimeOffset.UtcNow.AddSeconds(40);
            while (after.Count < before.Count + 3 && DateTimeOffset.UtcNow < deadline)
            {
                var video = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{uuid}");
                Assert.That(State(video), Is.EqualTo(1), "on air while the publisher reconnects");
                Assert.That(video.GetProperty("streamingPlaylists")[0].GetProperty("playlistUrl").GetString(), Is.EqualTo(masterUrl), "same master playlist");
                await Task.Delay(200);
                after = await SegmentsAsync();
            }
            Assert.That(after, Is.SupersetOf(before), "the session's earlier segments are still listed (the same session)");
            Assert.That(after.Count, Is.GreaterThanOrEqualTo(before.Count + 3), "the reconnected publisher's stream makes new segments");
            var sessions = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/live/{id}/sessions");
            Assert.That(sessions.GetProperty("total").GetInt32(), Is.EqualTo(1), "one session across the reconnection");
            Assert.That(sessions.GetProperty("data")[0].GetProperty("endDate").ValueKind, Is.EqualTo(JsonValueKind.Null));

            // The publisher then stops properly ('q': ffmpeg unpublishes): the live ends.
            await second.StandardInput.WriteAsync('q');
            await second.StandardInput.FlushAsync();
            Assert.That(await ExitCodeWithinAsync(second, TimeSpan.FromSeconds(20)), Is.EqualTo(0));
            await WaitForVideoAsync(uuid, v => State(v) == 5, TimeSpan.FromSeconds(30), "live ended");
            sessions = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/live/{id}/sessions");
            Assert.That(sessions.GetProperty("total").GetInt32(), Is.EqualTo(1));
            Assert.That(sessions.GetProperty("data")[0].GetProperty("endDate").ValueKind, Is.EqualTo(JsonValueKind.String));
        }
        finally
        {
            foreach (var p in new[] { first, second })
            {
                if (p is { HasExited: false })
                {
                    p.Kill();
                }
                p?.Dispose();
            }
        }
    }

    [Test]
    public async Task Permanent_live_keeps_its_key_for_the_next_session()
    {
        var (id, uuid) = await CreateLiveAsync(new { channelId = _channelId, name = "Permanence du CDI", permanentLive = true, latencyMode = 3 });
        var (rtmpUrl, key) = await PublishingPointAsync(id);
        for (var session = 1; session <= 2; session++)
        {
            using var publisher = Publish($"{rtmpUrl}/{key}", 4);
            await WaitForVideoAsync(uuid, v => State(v) == 1, TimeSpan.FromSeconds(20), $"session {session} on air");
            if (session == 1)
            {
                // Small latency: the player plays close to the edge with no peers (PeerTube's choice for this mode).
                var page = await _teacher.GetStringAsync($"/w/{uuid}");
                Assert.That(page, Does.Contain("data-small-latency=\"true\"").And.Contain("data-p2p=\"false\"").And.Contain("data-live=\"true\""));
            }
            Assert.That(await ExitCodeWithinAsync(publisher, TimeSpan.FromSeconds(20)), Is.EqualTo(0));
            await WaitForVideoAsync(uuid, v => State(v) == 4, TimeSpan.FromSeconds(20), $"session {session} back to waiting");
        }
        Assert.That(await PublishingPointAsync(id), Is.EqualTo((rtmpUrl, key)), "same URL and key");
        var sessions = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/live/{id}/sessions");
        Assert.That(sessions.GetProperty("total").GetInt32(), Is.EqualTo(2));
        Assert.That(sessions.GetProperty("data").EnumerateArray().All(s => s.GetProperty("endDate").ValueKind == JsonValueKind.String
            && s.GetProperty("replayVideo").ValueKind == JsonValueKind.Null), Is.True, "two ended sessions, no replay asked");
    }

    [Test]
    public async Task Watch_page_gives_the_owner_url_and_key_then_two_viewers_share_the_live_and_are_counted()
    {
        // Loopback ICE candidates exist only with this switch (and camera/microphone granted to the page).
        await using var chromium = await VideoPlatform.IntegrationTests.Web.Chromium.LaunchAsync("--allow-loopback-in-peer-connection");
        var (id, uuid) = await CreateLiveAsync(new { channelId = _channelId, name = "Cours de chimie en direct", privacy = 1 });
        var (rtmpUrl, key) = await PublishingPointAsync(id);

        await using var ownerContext = await chromium.ContextAsync(_instance.BaseUrl, width: 390);
        var owner = await ownerContext.NewPageAsync();
        var ownerErrors = VideoPlatform.IntegrationTests.Web.Chromium.WatchErrors(owner);
        await VideoPlatform.IntegrationTests.Web.Chromium.LoginAsync(owner, "teacher", "password123");
        await owner.GotoAsync($"/w/{uuid}");
        await Microsoft.Playwright.Assertions.Expect(owner.GetByRole(Microsoft.Playwright.AriaRole.Status).First).ToContainTextAsync("pas encore commencé");
        await Microsoft.Playwright.Assertions.Expect(owner.GetByLabel("URL RTMP")).ToHaveValueAsync(rtmpUrl);
        await Microsoft.Playwright.Assertions.Expect(owner.GetByLabel("Clé de diffusion")).ToHaveValueAsync(key);
        await owner.Locator("[data-copy=live-stream-key]").ClickAsync();
        await Microsoft.Playwright.Assertions.Expect(owner.Locator(".copy-status")).ToContainTextAsync("Copié");

        using var publisher = Publish($"{rtmpUrl}/{key}");
        try
        {
            await WaitForVideoAsync(uuid, v => State(v) == 1, TimeSpan.FromSeconds(20), "on air");
            // On air, the live's swarms are in the tracker's catalogue (it refuses announces of unknown swarms).
            await VideoPlatform.IntegrationTests.Federation.FederationHarness.EventuallyAsync(async () =>
                await VideoPlatform.IntegrationTests.Federation.FederationHarness.CountAsync(_instance,
                    $"SELECT COUNT(*) FROM video_swarm_ids s JOIN videos v ON v.id = s.video_id WHERE v.uuid = '{uuid}' AND s.scheme = 'p2p-media-loader-2'") > 0,
                "the live's swarms listed for the tracker", 20);
            await using var viewerContext = await ViewerContextAsync(chromium);
            var viewer = await viewerContext.NewPageAsync();
            var errors = VideoPlatform.IntegrationTests.Web.Chromium.WatchErrors(viewer);
            await viewer.GotoAsync($"/w/{uuid}");
            await Microsoft.Playwright.Assertions.Expect(viewer.Locator("h1 .live-badge")).ToHaveTextAsync("EN DIRECT");
            Assert.That(await viewer.ContentAsync(), Does.Not.Contain(key), "the key is for the owner only");
            // hls.js reaches the live edge and the latency is shown.
            await Microsoft.Playwright.Assertions.Expect(viewer.Locator("[data-player][data-latency]")).ToHaveCountAsync(1, new() { Timeout = 60_000 });
            await Microsoft.Playwright.Assertions.Expect(viewer.Locator(".live-latency")).ToContainTextAsync("Retard sur le direct");
            await viewer.EvaluateAsync("document.querySelector('video').play()");
            var playUntil = DateTimeOffset.UtcNow.AddSeconds(20);
            while (await viewer.EvaluateAsync<double>("document.querySelector('video').currentTime") <= 1 && DateTimeOffset.UtcNow < playUntil)
            {
                await Task.Delay(200);
            }
            Assert.That(await viewer.EvaluateAsync<double>("document.querySelector('video').currentTime"), Is.GreaterThan(1), "the live plays");
            var latency = double.Parse((await viewer.Locator("[data-player]").GetAttributeAsync("data-latency"))!, System.Globalization.CultureInfo.InvariantCulture);
            TestContext.Out.WriteLine($"latency shown: {latency} s");
            Assert.That(latency, Is.LessThan(15), "near the live edge");

            // Both students watch the same rung (one swarm per rung): the first one picks 144p.
            await SelectQualityAsync(viewer, "144");

            // A second student joins and plays too, then goes back within the live's window to well behind the first
            // one: the segments the first one holds (those it plays next) are ahead of the second one's high-demand
            // window, so its player takes them from the first one's over WebRTC, introduced by our tracker, each checked
            // against the live's segments-sha256.json. (Side by side, both would need each segment at the same instant.)
            await using var secondContext = await ViewerContextAsync(chromium);
            var second = await secondContext.NewPageAsync();
            var secondErrors = VideoPlatform.IntegrationTests.Web.Chromium.WatchErrors(second);
            await second.GotoAsync($"/w/{uuid}");
            await SelectQualityAsync(second, "144");
            await second.EvaluateAsync("() => { const v = document.querySelector('video'); v.muted = true; void v.play().catch(() => undefined); }");
            await second.WaitForFunctionAsync("() => document.querySelector('video').currentTime > 1 && document.querySelector('[data-player]').dataset.latency !== undefined",
                null, new() { Timeout = 30_000, PollingInterval = 250 });
            var firstBehind = await LatencyAsync(viewer);
            var secondBehind = await LatencyAsync(second);
            // 10 s behind the first one, within the 30 s window (the first one plays 4-7 s behind the edge, more after stalls).
            var goBack = Math.Min(firstBehind + 10, 24) - secondBehind;
            TestContext.Out.WriteLine($"first viewer {firstBehind} s behind the edge, second {secondBehind} s: the second goes back {goBack:0.0} s");
            await second.EvaluateAsync("back => { const v = document.querySelector('video'); v.currentTime = Math.max(0, v.currentTime - back); }", goBack);
            await second.WaitForFunctionAsync("() => Number(document.querySelector('[data-player]').dataset.p2pFromPeers) > 0", null,
                new() { Timeout = 60_000, PollingInterval = 250 });
            var player = second.Locator("[data-player]");
            Assert.That(int.Parse((await player.GetAttributeAsync("data-p2p-rejected"))!, System.Globalization.CultureInfo.InvariantCulture), Is.Zero,
                "the peer's live segments pass the sha256 check");
            await viewer.WaitForFunctionAsync("() => Number(document.querySelector('[data-player]').dataset.p2pUploaded) > 0", null,
                new() { Timeout = 30_000, PollingInterval = 250 });
            Assert.That(await second.EvaluateAsync<string>("() => document.querySelector('[data-player]').dataset.currentHeight"), Is.EqualTo("144"));

            // Both are counted: the video's viewers and the live badge's "2 spectateurs", refreshed as heartbeats come.
            await Microsoft.Playwright.Assertions.Expect(second.Locator(".live-viewers")).ToHaveTextAsync("2 spectateurs", new() { Timeout = 40_000 });
            var counted = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{uuid}");
            Assert.That(counted.GetProperty("viewers").GetInt32(), Is.EqualTo(2));
            Assert.That(errors, Is.Empty);
            Assert.That(secondErrors, Is.Empty);
        }
        finally
        {
            publisher.Kill();
        }
        Assert.That(ownerErrors, Is.Empty);
    }

    /// <summary>Picks a height in the player's quality menu (filled once the master playlist is read) and waits for hls.js to switch.</summary>
    private static async Task SelectQualityAsync(Microsoft.Playwright.IPage page, string height)
    {
        var menu = page.Locator("select.quality");
        await Microsoft.Playwright.Assertions.Expect(menu).ToBeEnabledAsync(new() { Timeout = 30_000 });
        await menu.SelectOptionAsync(new Microsoft.Playwright.SelectOptionValue { Label = height + "p" });
        await Microsoft.Playwright.Assertions.Expect(page.Locator($"[data-player][data-current-height='{height}']")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
    }

    /// <summary>How far behind the live edge the player says it plays (seconds).</summary>
    private static async Task<double> LatencyAsync(Microsoft.Playwright.IPage page) =>
        double.Parse((await page.Locator("[data-player]").GetAttributeAsync("data-latency"))!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A viewer's browser context; Chromium offers loopback ICE candidates only to a page granted camera and microphone.</summary>
    private async Task<Microsoft.Playwright.IBrowserContext> ViewerContextAsync(VideoPlatform.IntegrationTests.Web.Chromium chromium)
    {
        var context = await chromium.ContextAsync(_instance.BaseUrl);
        await context.GrantPermissionsAsync(["camera", "microphone"]);
        return context;
    }

    /// <summary>C0, C1 and C2 of a client that then sends garbage.</summary>
    private static byte[] Handshake() => [3, .. new byte[1536], .. new byte[1536]];
}
