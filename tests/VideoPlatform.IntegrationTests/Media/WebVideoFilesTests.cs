using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using VideoPlatform.IntegrationTests.Infrastructure;
using VideoPlatform.IntegrationTests.Transcoder;
using VideoPlatform.P2P.Metainfo;

namespace VideoPlatform.IntegrationTests.Media;

/// <summary>
/// <c>files[]</c> as PeerTube fills it. An instance without the transcoder role keeps an upload waiting, so the source's
/// listing is seen for sure; a transcoder process of the same instance then publishes the web videos in its place.
/// </summary>
[TestFixture(DbKind.Sqlite)]
[TestFixture(DbKind.Postgres)]
[Category("Http")]
[Category("Ffmpeg")]
public sealed class WebVideoFilesTests(DbKind kind)
{
    private TestInstance _web = null!;
    private TestInstance? _transcoder;

    [OneTimeSetUp]
    public async Task Start()
    {
        FfmpegTool.RequireFfmpeg();
        _web = await TestInstance.StartAsync(kind, "--Roles", "web,federation,p2p");
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_transcoder is not null)
        {
            await _transcoder.DisposeAsync();
        }
        if (_web is not null)
        {
            await _web.DisposeAsync();
        }
    }

    [Test]
    public async Task The_source_is_listed_with_its_torrent_until_web_videos_replace_it()
    {
        using var teacher = await _web.CreateUserAsync("prof_web");
        var clip = await Uploader.ClipAsync(Path.Combine(_web.Database.Folder, "clips"), "lesson.mp4", seconds: 3, size: "640x360");
        var source = await File.ReadAllBytesAsync(clip);
        var uploaded = await Uploader.UploadAsync(teacher, await Uploader.ChannelIdAsync(teacher), clip);
        var uuid = uploaded.GetProperty("uuid").GetString()!;

        // Waiting for its transcode: files[0] is the original, and gets a torrent (PeerTube's CLI waits for exactly that).
        var waiting = await WaitAsync(teacher, uuid, v => v.GetProperty("files").EnumerateArray().Any(f => f.GetProperty("torrentUrl").ValueKind == JsonValueKind.String));
        Assert.That(waiting.GetProperty("state").GetProperty("id").GetInt32(), Is.EqualTo(2));
        Assert.That(waiting.GetProperty("streamingPlaylists").GetArrayLength(), Is.EqualTo(0));
        var sourceFile = waiting.GetProperty("files").EnumerateArray().Single();
        Assert.That(sourceFile.GetProperty("resolution").GetProperty("id").GetInt32(), Is.EqualTo(360));
        Assert.That(sourceFile.GetProperty("size").GetInt64(), Is.EqualTo(source.Length));
        Assert.That(sourceFile.GetProperty("hasAudio").GetBoolean() && sourceFile.GetProperty("hasVideo").GetBoolean(), Is.True);
        Assert.That(await BytesAsync(sourceFile.GetProperty("fileUrl").GetString()!), Is.EqualTo(source), "the original is served as uploaded");
        using (var torrentBytes = await _web.Http.GetAsync(sourceFile.GetProperty("torrentUrl").GetString()))
        {
            var torrent = TorrentMetainfo.Parse(await torrentBytes.Content.ReadAsByteArrayAsync());
            Assert.That(torrent.InfoHash.ToHex(), Is.EqualTo(sourceFile.GetProperty("infoHash").GetString()));
            Assert.That(torrent.UrlList, Does.Contain(sourceFile.GetProperty("fileUrl").GetString()), "the web seed is the source's URL");
        }

        // A transcoder process of the same instance publishes: web videos replace the source in files[].
        _transcoder = await TestInstance.StartSharingAsync(_web, "--Roles", "transcoder");
        var published = await WaitAsync(teacher, uuid, v => v.GetProperty("state").GetProperty("id").GetInt32() == 1
            && v.GetProperty("files").EnumerateArray().All(f => f.GetProperty("torrentUrl").ValueKind == JsonValueKind.String), TimeSpan.FromMinutes(4));
        var files = published.GetProperty("files").EnumerateArray().ToList();
        var hls = published.GetProperty("streamingPlaylists")[0].GetProperty("files").EnumerateArray().ToList();
        Assert.That(files.Select(f => f.GetProperty("resolution").GetProperty("id").GetInt32()),
            Is.EqualTo(hls.Where(f => f.GetProperty("hasVideo").GetBoolean()).Select(f => f.GetProperty("resolution").GetProperty("id").GetInt32())),
            "one web video per HLS video rendition, largest first");
        // The HLS audio is stored once, as PeerTube 6.3's separated audio: resolution 0 "Audio", audio only; the video rungs carry none
        // (their web videos, the downloads, keep it: checked below).
        var audioFile = hls.Single(f => f.GetProperty("resolution").GetProperty("id").GetInt32() == 0);
        Assert.That((audioFile.GetProperty("resolution").GetProperty("label").GetString(), audioFile.GetProperty("hasAudio").GetBoolean(),
            audioFile.GetProperty("hasVideo").GetBoolean()), Is.EqualTo(("Audio", true, false)));
        Assert.That(audioFile.GetProperty("torrentUrl").GetString(), Does.EndWith("-0-hls.torrent"), "the audio file has its own torrent");
        Assert.That(hls.Where(f => f.GetProperty("resolution").GetProperty("id").GetInt32() != 0).Select(f => (f.GetProperty("hasAudio").GetBoolean(), f.GetProperty("hasVideo").GetBoolean())),
            Has.All.EqualTo((false, true)));
        Assert.That(files.Select(f => (f.GetProperty("hasAudio").GetBoolean(), f.GetProperty("hasVideo").GetBoolean())), Has.All.EqualTo((true, true)));
        Assert.That(files.Select(f => f.GetProperty("fileUrl").GetString()), Has.None.EqualTo(sourceFile.GetProperty("fileUrl").GetString()));

        var folder = Path.Combine(_web.Database.Folder, "downloads");
        Directory.CreateDirectory(folder);
        foreach (var file in files)
        {
            var url = file.GetProperty("fileUrl").GetString()!;
            Assert.That(url, Does.StartWith(_web.BaseUrl + "/static/web-videos/").And.EndWith(".mp4"));

            // Served with Range like every media file.
            using var range = new HttpRequestMessage(HttpMethod.Get, url);
            range.Headers.Range = new RangeHeaderValue(0, 99);
            using var partial = await _web.Http.SendAsync(range);
            Assert.That(partial.StatusCode, Is.EqualTo(HttpStatusCode.PartialContent));
            Assert.That((await partial.Content.ReadAsByteArrayAsync()).Length, Is.EqualTo(100));

            // The download: an attachment, a plain MP4 with its index first (plays while it downloads, offline in VLC).
            using var download = await _web.Http.GetAsync(file.GetProperty("fileDownloadUrl").GetString());
            Assert.That(download.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(download.Content.Headers.ContentDisposition?.DispositionType, Is.EqualTo("attachment"));
            var bytes = await download.Content.ReadAsByteArrayAsync();
            Assert.That(bytes.LongLength, Is.EqualTo(file.GetProperty("size").GetInt64()));
            var boxes = TopLevelBoxes(bytes);
            Assert.That(boxes, Does.Contain("moov").And.Contain("mdat").And.Not.Contain("moof"), "a progressive MP4, not a fragmented one");
            Assert.That(boxes.IndexOf("moov"), Is.LessThan(boxes.IndexOf("mdat")), "faststart: moov before mdat");
            var path = Path.Combine(folder, Path.GetFileName(new Uri(url).LocalPath));
            await File.WriteAllBytesAsync(path, bytes);
            var video = await FfmpegTool.ProbeStreamAsync(path);
            Assert.That(video.GetProperty("height").GetInt32(), Is.EqualTo(file.GetProperty("resolution").GetProperty("id").GetInt32()));
            var audio = await FfmpegTool.ProbeStreamAsync(path, "a:0");
            Assert.That(audio.GetProperty("codec_name").GetString(), Is.EqualTo("aac"));
            // Decodes from end to end (what a player does offline).
            await FfmpegTool.RunAsync("ffmpeg", "-v", "error", "-xerror", "-i", path, "-f", "null", "-");

            using var torrentBytes = await _web.Http.GetAsync(file.GetProperty("torrentUrl").GetString());
            var torrent = TorrentMetainfo.Parse(await torrentBytes.Content.ReadAsByteArrayAsync());
            Assert.That(torrent.UrlList, Does.Contain(url));
            Assert.That(torrent.InfoHash.ToHex(), Is.EqualTo(file.GetProperty("infoHash").GetString()));
        }

        // The original is no longer listed nor served as a web video, and its torrent is gone with it.
        using var gone = await _web.Http.GetAsync(sourceFile.GetProperty("fileUrl").GetString());
        Assert.That(gone.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        using var goneTorrent = await _web.Http.GetAsync(sourceFile.GetProperty("torrentUrl").GetString());
        Assert.That(goneTorrent.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    private async Task<byte[]> BytesAsync(string url)
    {
        using var response = await _web.Http.GetAsync(url);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), url);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static async Task<JsonElement> WaitAsync(HttpClient client, string uuid, Func<JsonElement, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromMinutes(1));
        while (true)
        {
            var video = await client.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{uuid}");
            if (done(video))
            {
                return video;
            }
            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail($"Video {uuid} did not reach the expected state: {video}");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>The top-level ISO BMFF box types of a file, in order.</summary>
    private static List<string> TopLevelBoxes(byte[] bytes)
    {
        var boxes = new List<string>();
        long offset = 0;
        while (offset + 8 <= bytes.LongLength)
        {
            long size = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan((int)offset, 4));
            boxes.Add(System.Text.Encoding.ASCII.GetString(bytes, (int)offset + 4, 4));
            if (size == 1)
            {
                size = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan((int)offset + 8, 8));
            }
            if (size < 8)
            {
                break;
            }
            offset += size;
        }
        return boxes;
    }
}
