using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Api.Hosting;
using VideoPlatform.IntegrationTests.Infrastructure;
using VideoPlatform.IntegrationTests.Transcoder;

namespace VideoPlatform.IntegrationTests.Media;

/// <summary>
/// Upload → transcode → published, then the media URLs over real HTTP. One transcode for the whole fixture
/// (the machine is shared): a 3 s 640×360 clip, giving 360p and 240p.
/// </summary>
[TestFixture(DbKind.Sqlite)]
[Category("Http")]
[Category("Ffmpeg")]
[NonParallelizable]
public sealed class MediaServingTests(DbKind kind)
{
    private TestInstance _instance = null!;
    private HttpClient _teacher = null!;
    private JsonElement _video;
    private string _uuid = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        FfmpegTool.RequireFfmpeg();
        _instance = await TestInstance.StartAsync(kind, "--Transcoder:Threads", "2");
        _teacher = await _instance.CreateUserAsync("teacher");
        var clip = await Uploader.ClipAsync(Path.Combine(_instance.Database.Folder, "clips"), "lesson.mp4", seconds: 3);
        var uploaded = await Uploader.UploadAsync(_teacher, await Uploader.ChannelIdAsync(_teacher), clip);
        _uuid = uploaded.GetProperty("uuid").GetString()!;
        _video = await Uploader.WaitForStateAsync(_teacher, _uuid, 1, TimeSpan.FromMinutes(3));
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _teacher?.Dispose();
        if (_instance is not null)
        {
            await _instance.DisposeAsync();
        }
    }

    private JsonElement Playlist => _video.GetProperty("streamingPlaylists")[0];

    private string Local(string url) => new Uri(url).PathAndQuery;

    [Test]
    public async Task Published_video_has_its_streaming_playlist_files_and_progress()
    {
        Assert.That(Playlist.GetProperty("playlistUrl").GetString(), Does.StartWith($"{_instance.BaseUrl}/static/streaming-playlists/hls/{_uuid}/").And.EndWith("-master.m3u8"));
        Assert.That(Playlist.GetProperty("segmentsSha256Url").GetString(), Does.EndWith("-segments-sha256.json"));
        var files = Playlist.GetProperty("files").EnumerateArray().ToList();
        // The video rungs, then the audio once (PeerTube's separated audio: resolution 0, no frame rate).
        Assert.That(files.Select(f => f.GetProperty("resolution").GetProperty("id").GetInt32()), Is.EqualTo(new[] { 360, 240, 0 }));
        foreach (var f in files)
        {
            Assert.That(f.GetProperty("size").GetInt64(), Is.GreaterThan(0));
            Assert.That(f.GetProperty("fps").GetInt32(), Is.EqualTo(f.GetProperty("resolution").GetProperty("id").GetInt32() == 0 ? 0 : 25));
            Assert.That(f.GetProperty("fileUrl").GetString(), Does.EndWith("-fragmented.mp4"));
        }
        Assert.That(_video.GetProperty("duration").GetInt32(), Is.EqualTo(3));
        Assert.That(_video.GetProperty("transcodingProgress").ValueKind, Is.EqualTo(JsonValueKind.Null), "as PeerTube: only while transcoding");
        var jobs = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{_uuid}/jobs");
        Assert.That(jobs.GetProperty("data")[0].GetProperty("state").GetString(), Is.EqualTo("completed"));
        Assert.That(jobs.GetProperty("data")[0].GetProperty("progress").GetInt32(), Is.EqualTo(100));
        using var anonymousJobs = await _instance.Http.GetAsync($"/api/v1/videos/{_uuid}/jobs");
        Assert.That(anonymousJobs.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));

        var thumbnail = _video.GetProperty("thumbnailPath").GetString()!;
        using var image = await _instance.Http.GetAsync(thumbnail);
        Assert.That(image.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(image.Content.Headers.ContentType!.MediaType, Is.EqualTo("image/jpeg"));
        using var preview = await _instance.Http.GetAsync(_video.GetProperty("previewPath").GetString()!);
        Assert.That(preview.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Ffprobe_reads_the_master_playlist_over_http()
    {
        var json = await FfmpegTool.RunAsync("ffprobe", "-v", "error", "-show_streams", "-of", "json", Playlist.GetProperty("playlistUrl").GetString()!);
        var streams = JsonDocument.Parse(json).RootElement.GetProperty("streams").EnumerateArray().ToList();
        Assert.That(streams.Any(s => s.GetProperty("codec_type").GetString() == "video" && s.GetProperty("height").GetInt32() == 360), Is.True, json);
        Assert.That(streams.Any(s => s.GetProperty("codec_type").GetString() == "audio"), Is.True, json);
    }

    [Test]
    public async Task Every_byte_range_of_every_rendition_matches_segments_sha256()
    {
        var hashes = await _instance.Http.GetFromJsonAsync<JsonElement>(Local(Playlist.GetProperty("segmentsSha256Url").GetString()!));
        var files = Playlist.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("fileUrl").GetString()!).ToList();
        Assert.That(hashes.EnumerateObject().Select(p => p.Name), Is.EquivalentTo(files.Select(f => f[(f.LastIndexOf('/') + 1)..])));
        var checkedRanges = 0;
        foreach (var file in files)
        {
            foreach (var range in hashes.GetProperty(file[(file.LastIndexOf('/') + 1)..]).EnumerateObject())
            {
                var bounds = range.Name.Split('-').Select(long.Parse).ToArray();
                using var request = new HttpRequestMessage(HttpMethod.Get, Local(file));
                request.Headers.Range = new RangeHeaderValue(bounds[0], bounds[1]);
                using var response = await _instance.Http.SendAsync(request);
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.PartialContent));
                var body = await response.Content.ReadAsByteArrayAsync();
                Assert.That(body, Has.Length.EqualTo(bounds[1] - bounds[0] + 1));
                Assert.That(Convert.ToHexStringLower(SHA256.HashData(body)), Is.EqualTo(range.Value.GetString()), $"{file} {range.Name}");
                checkedRanges++;
            }
        }
        Assert.That(checkedRanges, Is.GreaterThanOrEqualTo(2));
    }

    [Test]
    public async Task Range_head_416_etag_304_if_range_cors_and_cache()
    {
        var file = Local(Playlist.GetProperty("files")[0].GetProperty("fileUrl").GetString()!);
        var size = Playlist.GetProperty("files")[0].GetProperty("size").GetInt64();

        using var head = await _instance.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, file));
        Assert.That(head.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(head.Content.Headers.ContentLength, Is.EqualTo(size));
        Assert.That(head.Content.Headers.ContentType!.MediaType, Is.EqualTo("video/mp4"));
        Assert.That(head.Headers.AcceptRanges, Does.Contain("bytes"));
        Assert.That(head.Headers.CacheControl!.ToString(), Is.EqualTo("public, max-age=31536000, immutable"));
        Assert.That(head.Headers.GetValues("Access-Control-Allow-Origin").Single(), Is.EqualTo("*"));
        Assert.That(head.Headers.GetValues("Access-Control-Expose-Headers").Single(), Does.Contain("Content-Range"));
        var etag = head.Headers.ETag!;
        Assert.That(etag.IsWeak, Is.False);
        Assert.That(head.Content.Headers.LastModified, Is.Not.Null);
        Assert.That(await head.Content.ReadAsByteArrayAsync(), Is.Empty);

        using (var suffix = await SendAsync(file, r => r.Headers.Range = new RangeHeaderValue(null, 100)))
        {
            Assert.That(suffix.StatusCode, Is.EqualTo(HttpStatusCode.PartialContent));
            Assert.That(suffix.Content.Headers.ContentRange!.ToString(), Is.EqualTo($"bytes {size - 100}-{size - 1}/{size}"));
            Assert.That(suffix.Content.Headers.ContentLength, Is.EqualTo(100));
        }
        using (var open = await SendAsync(file, r => r.Headers.Range = new RangeHeaderValue(size - 10, null)))
        {
            Assert.That(open.StatusCode, Is.EqualTo(HttpStatusCode.PartialContent));
            Assert.That((await open.Content.ReadAsByteArrayAsync()).Length, Is.EqualTo(10));
        }
        using (var beyond = await SendAsync(file, r => r.Headers.Range = new RangeHeaderValue(size, size + 10)))
        {
            Assert.That(beyond.StatusCode, Is.EqualTo(HttpStatusCode.RequestedRangeNotSatisfiable));
            Assert.That(beyond.Content.Headers.ContentRange!.ToString(), Is.EqualTo($"bytes */{size}"));
        }
        using (var notModified = await SendAsync(file, r => r.Headers.IfNoneMatch.Add(etag)))
        {
            Assert.That(notModified.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        }
        using (var sinceDate = await SendAsync(file, r => r.Headers.IfModifiedSince = head.Content.Headers.LastModified))
        {
            Assert.That(sinceDate.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        }
        using (var ifRange = await SendAsync(file, r =>
               {
                   r.Headers.Range = new RangeHeaderValue(0, 9);
                   r.Headers.IfRange = new RangeConditionHeaderValue(etag);
               }))
        {
            Assert.That(ifRange.StatusCode, Is.EqualTo(HttpStatusCode.PartialContent), "If-Range with the current ETag keeps the range");
        }
        using (var stale = await SendAsync(file, r =>
               {
                   r.Headers.Range = new RangeHeaderValue(0, 9);
                   r.Headers.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue("\"old\""));
               }))
        {
            Assert.That(stale.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a stale If-Range gets the whole file");
            Assert.That(stale.Content.Headers.ContentLength, Is.EqualTo(size));
        }

        using var master = await _instance.Http.GetAsync(Local(Playlist.GetProperty("playlistUrl").GetString()!));
        Assert.That(master.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/vnd.apple.mpegurl"));
        using var sha = await _instance.Http.GetAsync(Local(Playlist.GetProperty("segmentsSha256Url").GetString()!));
        Assert.That(sha.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/json"));
    }

    [TestCase("/static/streaming-playlists/hls/{uuid}/..%2F..%2F..%2Fvideoplatform.db")]
    [TestCase("/static/streaming-playlists/hls/{uuid}/%2E%2E")]
    [TestCase("/static/streaming-playlists/hls/private/{uuid}")]
    [TestCase("/static/streaming-playlists/hls/not-a-uuid/master.m3u8")]
    [TestCase("/lazy-static/thumbnails/..%2F..%2Fvideoplatform.db")]
    [TestCase("/lazy-static/previews/..")]
    [TestCase("/download/torrents/%2Fetc%2Fpasswd")]
    public async Task Names_cannot_leave_their_folder(string path)
    {
        using var response = await _instance.Http.GetAsync(path.Replace("{uuid}", _uuid, StringComparison.Ordinal));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Private_media_only_to_the_owner_or_with_a_file_token()
    {
        var publicFile = Local(Playlist.GetProperty("files")[0].GetProperty("fileUrl").GetString()!);
        using (var toPrivate = await _teacher.PutAsJsonAsync($"/api/v1/videos/{_uuid}", new { privacy = 3 }))
        {
            Assert.That(toPrivate.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }
        try
        {
            // Made private, the video is re-keyed: its files get new names in the private tree.
            var video = await WaitForRekeyAsync(publicFile);
            var file = Local(video.GetProperty("streamingPlaylists")[0].GetProperty("files")[0].GetProperty("fileUrl").GetString()!);
            Assert.That(file, Does.StartWith($"/static/streaming-playlists/hls/private/{_uuid}/"));
            Assert.That((await _instance.Http.GetAsync(publicFile)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "moved out of the public tree");

            Assert.That((await _instance.Http.GetAsync(file)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            using (var other = await _instance.CreateUserAsync("student"))
            {
                Assert.That((await other.GetAsync(file)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
                using var denied = await other.PostAsync($"/api/v1/videos/{_uuid}/token", null);
                Assert.That(denied.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            }
            using (var owner = await _teacher.GetAsync(file))
            {
                Assert.That(owner.StatusCode, Is.EqualTo(HttpStatusCode.OK));
                Assert.That(owner.Headers.CacheControl!.Private, Is.True);
            }

            using var tokenResponse = await _teacher.PostAsync($"/api/v1/videos/{_uuid}/token", null);
            Assert.That(tokenResponse.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            var files = (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("files");
            var token = files.GetProperty("token").GetString()!;
            Assert.That(files.GetProperty("expires").GetDateTimeOffset(), Is.GreaterThan(DateTimeOffset.UtcNow));
            using (var withToken = await SendAsync($"{file}?videoFileToken={Uri.EscapeDataString(token)}", r => r.Headers.Range = new RangeHeaderValue(0, 99)))
            {
                Assert.That(withToken.StatusCode, Is.EqualTo(HttpStatusCode.PartialContent));
            }
            Assert.That((await _instance.Http.GetAsync($"{file}?videoFileToken={Uri.EscapeDataString(token)}x")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }
        finally
        {
            var privateFile = Local(TopFileUrl(await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{_uuid}")));
            using var back = await _teacher.PutAsJsonAsync($"/api/v1/videos/{_uuid}", new { privacy = 1 });
            Assert.That(back.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            // Public again under new names (the other tests of this fixture read the video as it is now).
            _video = await WaitForRekeyAsync(privateFile);
        }
        var publicAgain = Local(TopFileUrl(_video));
        Assert.That(publicAgain, Does.StartWith($"/static/streaming-playlists/hls/{_uuid}/"));
        Assert.That((await _instance.Http.GetAsync(publicAgain)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "public again");
        Assert.That((await _instance.Http.GetAsync(publicFile)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "the names it had before are dead");
    }

    private static string TopFileUrl(JsonElement video) =>
        video.GetProperty("streamingPlaylists")[0].GetProperty("files")[0].GetProperty("fileUrl").GetString()!;

    /// <summary>Waits until the re-key that follows a privacy change gave the files new names (and torrents when shared).</summary>
    private async Task<JsonElement> WaitForRekeyAsync(string previousFile)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (true)
        {
            var video = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{_uuid}");
            var file = video.GetProperty("streamingPlaylists")[0].GetProperty("files")[0];
            var name = TopFileUrl(video)[(TopFileUrl(video).LastIndexOf('/') + 1)..];
            var shared = video.GetProperty("privacy").GetProperty("id").GetInt32() is 1 or 2;
            var hasTorrent = file.TryGetProperty("torrentUrl", out var torrent) && torrent.ValueKind == JsonValueKind.String;
            if (name != previousFile[(previousFile.LastIndexOf('/') + 1)..] && hasTorrent == shared)
            {
                return video;
            }
            Assert.That(DateTimeOffset.UtcNow, Is.LessThan(deadline), "the re-key did not happen within 60 s: " + video);
            await Task.Delay(200);
        }
    }

    [Test]
    public async Task Bytes_served_are_counted_for_metrics_with_206_lengths()
    {
        var file = Local(Playlist.GetProperty("files")[0].GetProperty("fileUrl").GetString()!);
        var metrics = _instance.Services.GetRequiredService<HttpMetrics>();
        var before = metrics.BytesSent;
        using var partial = await SendAsync(file, r => r.Headers.Range = new RangeHeaderValue(0, 1023));
        Assert.That(partial.Content.Headers.ContentLength, Is.EqualTo(1024));
        // Recorded when the response completes, which may be just after the client has read it.
        for (var i = 0; i < 40 && metrics.BytesSent - before < 1024; i++)
        {
            await Task.Delay(50);
        }
        Assert.That(metrics.BytesSent - before, Is.EqualTo(1024));
    }

    private async Task<HttpResponseMessage> SendAsync(string path, Action<HttpRequestMessage> configure)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        configure(request);
        return await _instance.Http.SendAsync(request);
    }
}
