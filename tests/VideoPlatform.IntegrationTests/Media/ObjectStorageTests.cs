using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Storage;
using VideoPlatform.IntegrationTests.Infrastructure;
using VideoPlatform.IntegrationTests.Transcoder;
using VideoPlatform.IntegrationTests.Web;
using VideoPlatform.P2P.Metainfo;

namespace VideoPlatform.IntegrationTests.Media;

/// <summary>
/// Object storage against a real S3 server (s3rver): uploads to published to the bucket, local copies gone; ffprobe
/// and aria2 read through the bucket URLs; private media served by the instance only to those allowed; privacy changes
/// and deletions move and remove objects; an S3 outage during a move is retried while the local copy keeps serving.
/// Database-independent: SQLite only.
/// </summary>
[Category("Http")]
[Category("Ffmpeg")]
[NonParallelizable]
public sealed class ObjectStorageTests
{
    private const string HlsBucket = "academy-hls";
    private const string VideosBucket = "academy-videos";
    private const string HlsPrefix = "lyon/";
    private const string OriginalsBucket = "academy-originals";
    private const string OriginalsPrefix = "sources/";

    private S3Server _s3 = null!;
    private TestInstance _instance = null!;
    private HttpClient _teacher = null!;
    private string _clip = null!;
    private string _dir = null!;
    private JsonElement _public;
    private JsonElement _private;
    private Dictionary<string, int> _corsRulesBeforeAnyUpload = [];

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        FfmpegTool.RequireFfmpeg();
        _dir = Path.Combine(Path.GetTempPath(), "vp-s3-" + Guid.NewGuid().ToString("N"));
        _s3 = await S3Server.StartAsync(Path.Combine(_dir, "s3"));
        // The buckets exist before the instance starts (as in a deployment): it gives the public ones their CORS rule at start.
        using (var admin = new Amazon.S3.AmazonS3Client(new Amazon.Runtime.BasicAWSCredentials(S3Server.AccessKey, S3Server.SecretKey),
            new Amazon.S3.AmazonS3Config { ServiceURL = _s3.Endpoint, ForcePathStyle = true }))
        {
            foreach (var bucket in new[] { HlsBucket, VideosBucket, OriginalsBucket })
            {
                await admin.PutBucketAsync(bucket);
            }
        }
        _instance = await TestInstance.StartAsync(DbKind.Sqlite, [.. _s3.InstanceArgs(HlsBucket, VideosBucket, HlsPrefix), "--P2P:PeerPort", "-1",
            "--ObjectStorage:OriginalVideoFiles:BucketName", OriginalsBucket, "--ObjectStorage:OriginalVideoFiles:Prefix", OriginalsPrefix,
            "--Live:Enabled", "true", "--Live:RtmpPort", "0", "--Live:RtmpAddress", "127.0.0.1",
            "--Live:Transcoding:Resolutions:0", "144", "--Live:Transcoding:Preset", "ultrafast", "--Live:Transcoding:Threads", "1"]);
        _corsRulesBeforeAnyUpload = await CorsRulesAsync();
        _teacher = await _instance.CreateUserAsync("teacher");
        _clip = await Uploader.ClipAsync(Path.Combine(_dir, "clips"), "lesson.mp4", seconds: 2, size: "320x180");
        var channel = await Uploader.ChannelIdAsync(_teacher);
        var uploadedPublic = await Uploader.UploadAsync(_teacher, channel, _clip);
        var uploadedPrivate = await Uploader.UploadAsync(_teacher, channel, _clip, privacy: 3);
        _public = await WaitMovedAsync(uploadedPublic.GetProperty("uuid").GetString()!);
        _private = await WaitMovedAsync(uploadedPrivate.GetProperty("uuid").GetString()!);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _teacher?.Dispose();
        if (_instance is not null)
        {
            await _instance.DisposeAsync();
        }
        if (_s3 is not null)
        {
            await _s3.DisposeAsync();
        }
        if (_dir is not null && Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private async Task<StreamingPlaylistRow> PlaylistAsync(string uuid)
    {
        var repo = _instance.Services.GetRequiredService<VideoRepository>();
        var video = (await repo.FindAsync(uuid))!;
        return (await repo.PlaylistAsync(video.Video.Id))!;
    }

    /// <summary>Waits until the video is published, in object storage, and its moved local copies (the original's too) are gone; returns its details.</summary>
    private async Task<JsonElement> WaitMovedAsync(string uuid, FileStorage storage = FileStorage.ObjectStorage)
    {
        await Uploader.WaitForStateAsync(_teacher, uuid, 1, TimeSpan.FromSeconds(90));
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while ((await PlaylistAsync(uuid)).Storage != storage
            || (storage == FileStorage.ObjectStorage && (LocalFiles(uuid).Count > 0 || LocalOriginal(uuid) is not null)))
        {
            Assert.That(DateTimeOffset.UtcNow, Is.LessThan(deadline), $"video {uuid} did not move to {storage}");
            await Task.Delay(100);
        }
        return await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{uuid}");
    }

    private List<string> LocalFiles(string uuid)
    {
        var store = _instance.Services.GetRequiredService<MediaStore>();
        return [.. store.ListFiles(store.HlsFolder(uuid, isPrivate: false)), .. store.ListFiles(store.HlsFolder(uuid, isPrivate: true))];
    }

    private string? LocalOriginal(string uuid) => _instance.Services.GetRequiredService<MediaStore>().FindOriginal(uuid);

    private Task<List<string>> OriginalKeysAsync(string uuid) => KeysAsync(OriginalsBucket, OriginalsPrefix + "private/" + uuid + "/");

    /// <summary>Waits (bounded) until a bucket holds no key under a prefix: deletions follow the switch.</summary>
    private async Task WaitNoKeysAsync(string bucket, string prefix, string what)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while ((await KeysAsync(bucket, prefix)).Count > 0)
        {
            Assert.That(DateTimeOffset.UtcNow, Is.LessThan(deadline), what);
            await Task.Delay(100);
        }
    }

    private async Task<List<string>> KeysAsync(string bucket, string prefix)
    {
        var response = await Objects.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix });
        return (response.S3Objects ?? []).Select(o => o.Key).ToList();
    }

    private static string Uuid(JsonElement video) => video.GetProperty("uuid").GetString()!;
    private static JsonElement Hls(JsonElement video) => video.GetProperty("streamingPlaylists")[0];

    /// <summary>The instance's store (owned by its container).</summary>
    private ObjectStore Objects => _instance.Services.GetRequiredService<ObjectStore>();

    private string BucketUrl(string bucket, string key) => $"{_s3.Endpoint}/{bucket}/{key}";

    [Test, Order(1)]
    public async Task A_published_video_lives_in_the_buckets_and_its_api_urls_name_them()
    {
        var uuid = Uuid(_public);
        Assert.That(LocalFiles(uuid), Is.Empty, "local copies are removed after the switch");
        var hlsKeys = await KeysAsync(HlsBucket, HlsPrefix + uuid + "/");
        var playlist = await PlaylistAsync(uuid);
        Assert.That(hlsKeys, Does.Contain(HlsPrefix + uuid + "/" + playlist.MasterName).And.Contain(HlsPrefix + uuid + "/" + playlist.SegmentsSha256Name));
        Assert.That(hlsKeys.Count(k => k.EndsWith("-fragmented.mp4", StringComparison.Ordinal)), Is.EqualTo(Hls(_public).GetProperty("files").GetArrayLength()));
        var webVideos = _public.GetProperty("files").EnumerateArray().ToList();
        Assert.That(webVideos, Is.Not.Empty);
        Assert.That(await KeysAsync(VideosBucket, uuid + "/"), Has.Count.EqualTo(webVideos.Count));

        Assert.That(Hls(_public).GetProperty("playlistUrl").GetString(), Is.EqualTo(BucketUrl(HlsBucket, HlsPrefix + uuid + "/" + playlist.MasterName)));
        Assert.That(Hls(_public).GetProperty("segmentsSha256Url").GetString(), Is.EqualTo(BucketUrl(HlsBucket, HlsPrefix + uuid + "/" + playlist.SegmentsSha256Name)));
        foreach (var file in Hls(_public).GetProperty("files").EnumerateArray())
        {
            Assert.That(file.GetProperty("fileUrl").GetString(), Does.StartWith(BucketUrl(HlsBucket, HlsPrefix + uuid + "/")));
            Assert.That(file.GetProperty("playlistUrl").GetString(), Does.StartWith(BucketUrl(HlsBucket, HlsPrefix + uuid + "/")));
        }
        Assert.That(webVideos[0].GetProperty("fileUrl").GetString(), Does.StartWith(BucketUrl(VideosBucket, uuid + "/")));

        // The segments' hashes are read through the bucket URL, byte for byte what was uploaded.
        using var http = new HttpClient(new SocketsHttpHandler());
        var sha = await http.GetFromJsonAsync<JsonElement>(Hls(_public).GetProperty("segmentsSha256Url").GetString());
        Assert.That(sha.EnumerateObject().Count(), Is.GreaterThan(0));
        // A URL handed out before the move still works: the instance redirects to the bucket.
        using var old = await _instance.Http.GetAsync(MediaUrls.HlsFile(uuid, playlist.MasterName!, isPrivate: false));
        Assert.That(old.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(old.Headers.Location!.ToString(), Is.EqualTo(Hls(_public).GetProperty("playlistUrl").GetString()));
    }

    /// <summary>The CORS rules of the public media buckets, once both have one (bounded wait: the instance sets them in the background at start).</summary>
    private async Task<Dictionary<string, int>> CorsRulesAsync()
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            var rules = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var bucket in new[] { HlsBucket, VideosBucket })
            {
                try
                {
                    var cors = await Objects.Client.GetCORSConfigurationAsync(bucket);
                    rules[bucket] = cors.Configuration?.Rules?.Count(r => r.AllowedOrigins.Contains("*") && r.AllowedMethods.Contains("GET")) ?? 0;
                }
                catch (Amazon.S3.AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
                {
                    rules[bucket] = 0;
                }
            }
            if (rules.Values.All(n => n > 0) || DateTimeOffset.UtcNow > deadline)
            {
                return rules;
            }
            await Task.Delay(100);
        }
    }

    [Test, Order(1)]
    public void Public_media_buckets_get_their_cors_rule_at_start_before_any_upload()
    {
        Assert.That(_corsRulesBeforeAnyUpload, Is.EqualTo(new Dictionary<string, int> { [HlsBucket] = 1, [VideosBucket] = 1 }));
    }

    [Test, Order(1)]
    public async Task The_original_upload_is_kept_in_its_own_bucket_under_the_private_folder_and_leaves_the_disk()
    {
        var clipHash = SHA256.HashData(await File.ReadAllBytesAsync(_clip));
        foreach (var video in new[] { _public, _private })
        {
            var uuid = Uuid(video);
            Assert.That(LocalOriginal(uuid), Is.Null, "the local original is removed after the switch");
            var keys = await OriginalKeysAsync(uuid);
            Assert.That(keys, Has.Count.EqualTo(1), "one original, under the private folder whatever the video's privacy");
            Assert.That(keys[0], Does.EndWith(".mp4"));
            Assert.That(await KeysAsync(OriginalsBucket, OriginalsPrefix + uuid + "/"), Is.Empty, "never under the public folder");
            using var original = await Objects.Client.GetObjectAsync(OriginalsBucket, keys[0]);
            Assert.That(await SHA256.HashDataAsync(original.ResponseStream), Is.EqualTo(clipHash), "the bytes uploaded by the teacher");
            var id = (await _instance.Services.GetRequiredService<VideoRepository>().FindAsync(uuid))!.Video.Id;
            var stored = await _instance.Services.GetRequiredService<VideoMediaRepository>().OriginalAsync(id);
            Assert.That(stored.Storage, Is.EqualTo(FileStorage.ObjectStorage));
            Assert.That(OriginalsPrefix + "private/" + uuid + "/" + stored.Name, Is.EqualTo(keys[0]));
            // No URL of the originals' bucket is ever handed out.
            var details = await _teacher.GetStringAsync($"/api/v1/videos/{uuid}");
            Assert.That(details, Does.Not.Contain(OriginalsBucket).And.Not.Contain(stored.Name!));
        }
    }

    [Test, Order(2)]
    public async Task File_metadata_of_files_in_object_storage_is_read_from_the_bucket_in_the_local_shape()
    {
        foreach (var (video, client) in new[] { (_public, _instance.Http), (_private, _teacher) })
        {
            var files = video.GetProperty("files").EnumerateArray().Concat(Hls(video).GetProperty("files").EnumerateArray()).ToList();
            Assert.That(files, Has.Count.GreaterThanOrEqualTo(2), "web videos and HLS renditions");
            foreach (var file in files)
            {
                var fileUrl = file.GetProperty("fileUrl").GetString()!;
                using var response = await client.GetAsync(file.GetProperty("metadataUrl").GetString());
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
                var metadata = await response.Content.ReadFromJsonAsync<JsonElement>();
                var format = metadata.GetProperty("format");
                Assert.That(format.GetProperty("filename").GetString(), Is.EqualTo(fileUrl[(fileUrl.LastIndexOf('/') + 1)..]), "the file's name, not the signed URL");
                Assert.That(double.Parse(format.GetProperty("duration").GetString()!, System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(2).Within(0.5));
                var hasVideo = file.GetProperty("resolution").GetProperty("id").GetInt32() > 0;
                Assert.That(metadata.GetProperty("streams").EnumerateArray().Select(st => st.GetProperty("codec_type").GetString()),
                    Does.Contain(hasVideo ? "video" : "audio"));
            }
        }
        // A private video's file metadata is no more public than the video.
        var privateFile = _private.GetProperty("files")[0].GetProperty("metadataUrl").GetString();
        using var anonymous = await _instance.Http.GetAsync(privateFile);
        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test, Order(2)]
    public async Task Ffprobe_reads_the_master_playlist_through_the_bucket_url()
    {
        var json = await FfmpegTool.RunAsync("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "json",
            Hls(_public).GetProperty("playlistUrl").GetString()!);
        var duration = double.Parse(JsonDocument.Parse(json).RootElement.GetProperty("format").GetProperty("duration").GetString()!,
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(duration, Is.EqualTo(2).Within(0.5));
    }

    [Test, Order(3)]
    public async Task Aria2_downloads_through_the_bucket_web_seed()
    {
        Aria2.Require();
        var uuid = Uuid(_public);
        // The torrents are made again after the move: their web seed is the bucket URL.
        JsonElement file;
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            file = Hls(await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{uuid}")).GetProperty("files")[0];
            if (file.GetProperty("torrentUrl").ValueKind == JsonValueKind.String)
            {
                break;
            }
            Assert.That(DateTimeOffset.UtcNow, Is.LessThan(deadline), "torrents were not made again after the move");
            await Task.Delay(100);
        }
        var torrentBytes = await _instance.Http.GetByteArrayAsync(file.GetProperty("torrentUrl").GetString());
        var metainfo = TorrentMetainfo.Parse(torrentBytes);
        Assert.That(metainfo.UrlList, Is.EqualTo(new[] { file.GetProperty("fileUrl").GetString() }));
        Assert.That(metainfo.UrlList[0], Does.StartWith(BucketUrl(HlsBucket, HlsPrefix + uuid + "/")));
        var torrentPath = Path.Combine(_dir, "bucket.torrent");
        await File.WriteAllBytesAsync(torrentPath, torrentBytes);
        var outDir = Path.Combine(_dir, "aria2");
        await Aria2.DownloadAsync(torrentPath, outDir, TimeSpan.FromSeconds(60), "--bt-exclude-tracker=*");
        using var http = new HttpClient(new SocketsHttpHandler());
        var fromBucket = await http.GetByteArrayAsync(metainfo.UrlList[0]);
        Assert.That(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(outDir, metainfo.Name))), Is.EqualTo(SHA256.HashData(fromBucket)));
    }

    [Test, Order(3)]
    [Category("Browser")]
    public async Task Chromium_plays_the_video_from_the_bucket()
    {
        var uuid = Uuid(_public);
        await using var chromium = await Chromium.LaunchAsync();
        await using var context = await chromium.ContextAsync(_instance.BaseUrl);
        var page = await context.NewPageAsync();
        var errors = Chromium.WatchErrors(page);
        var media = new System.Collections.Concurrent.ConcurrentQueue<(string Url, int Status)>();
        page.Response += (_, response) => media.Enqueue((response.Url, response.Status));
        await page.GotoAsync("/w/" + _public.GetProperty("shortUUID").GetString());
        var player = page.Locator("[data-player]");
        await Microsoft.Playwright.Assertions.Expect(player).ToHaveAttributeAsync("data-ready", "true");
        // play() is not awaited: its promise never settles when the media cannot load; the wait below is bounded.
        await page.EvaluateAsync("() => { const v = document.querySelector('video'); v.muted = true; v.play().catch(() => {}); }");
        await page.WaitForFunctionAsync("() => document.querySelector('video').currentTime > 1", null, new() { Timeout = 30_000 });

        var bucketFolder = BucketUrl(HlsBucket, HlsPrefix + uuid + "/");
        var fromBucket = media.Where(r => r.Url.StartsWith(bucketFolder, StringComparison.Ordinal)).ToList();
        Assert.That(fromBucket.Where(r => r.Url.EndsWith(".m3u8", StringComparison.Ordinal)), Is.Not.Empty, "playlists read from the bucket");
        Assert.That(fromBucket.Where(r => r.Url.EndsWith(".mp4", StringComparison.Ordinal)), Is.Not.Empty, "segments read from the bucket");
        Assert.That(fromBucket.Select(r => r.Status), Has.All.InRange(200, 206), "the bucket answers the cross-origin requests");
        Assert.That(media.Where(r => r.Url.Contains("/static/streaming-playlists/", StringComparison.Ordinal)), Is.Empty, "no media through the instance");
        Assert.That(errors, Is.Empty);
    }

    [Test, Order(4)]
    public async Task A_private_video_is_under_the_private_prefix_and_served_by_the_instance_only_to_those_allowed()
    {
        var uuid = Uuid(_private);
        Assert.That(await KeysAsync(HlsBucket, HlsPrefix + uuid + "/"), Is.Empty, "nothing under the public folder");
        Assert.That(await KeysAsync(HlsBucket, HlsPrefix + "private/" + uuid + "/"), Is.Not.Empty);
        Assert.That(await KeysAsync(VideosBucket, "private/" + uuid + "/"), Is.Not.Empty);
        var master = Hls(_private).GetProperty("playlistUrl").GetString()!;
        Assert.That(master, Does.StartWith(_instance.BaseUrl + "/static/streaming-playlists/hls/private/" + uuid + "/"));

        using (var anonymous = await _instance.Http.GetAsync(master))
        {
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }
        using (var allowed = await _teacher.GetAsync(master))
        {
            Assert.That(allowed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await allowed.Content.ReadAsStringAsync(), Does.StartWith("#EXTM3U"));
        }
        // A byte range of a rendition, streamed from the bucket.
        var fileUrl = Hls(_private).GetProperty("files")[0].GetProperty("fileUrl").GetString()!;
        var key = HlsPrefix + "private/" + uuid + "/" + fileUrl[(fileUrl.LastIndexOf('/') + 1)..];
        using var whole = await Objects.Client.GetObjectAsync(HlsBucket, key);
        using var buffer = new MemoryStream();
        await whole.ResponseStream.CopyToAsync(buffer);
        using var request = new HttpRequestMessage(HttpMethod.Get, fileUrl);
        request.Headers.Range = new RangeHeaderValue(100, 1123);
        using var ranged = await _teacher.SendAsync(request);
        Assert.That(ranged.StatusCode, Is.EqualTo(HttpStatusCode.PartialContent));
        Assert.That(ranged.Content.Headers.ContentRange!.ToString(), Is.EqualTo($"bytes 100-1123/{buffer.Length}"));
        Assert.That(await ranged.Content.ReadAsByteArrayAsync(), Is.EqualTo(buffer.ToArray()[100..1124]));
    }

    [Test, Order(5)]
    public async Task A_privacy_change_moves_the_objects_under_new_names_and_a_deletion_removes_them()
    {
        var uuid = Uuid(_private);
        var before = await PlaylistAsync(uuid);
        using (var update = await _teacher.PutAsJsonAsync($"/api/v1/videos/{uuid}", new { privacy = 1 }))
        {
            Assert.That(update.IsSuccessStatusCode, Is.True, await update.Content.ReadAsStringAsync());
        }
        // Re-keyed (new names) and back in object storage, now under the public folder.
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        StreamingPlaylistRow after;
        while ((after = await PlaylistAsync(uuid)).MasterName == before.MasterName || after.Storage != FileStorage.ObjectStorage || LocalFiles(uuid).Count > 0)
        {
            Assert.That(DateTimeOffset.UtcNow, Is.LessThan(deadline), "the re-key did not bring the media back to object storage");
            await Task.Delay(100);
        }
        var publicKeys = await KeysAsync(HlsBucket, HlsPrefix + uuid + "/");
        Assert.That(publicKeys, Does.Contain(HlsPrefix + uuid + "/" + after.MasterName));
        Assert.That(publicKeys.Where(k => k.Contains(before.MasterName!, StringComparison.Ordinal)), Is.Empty, "the old names are gone");
        Assert.That(await KeysAsync(HlsBucket, HlsPrefix + "private/" + uuid + "/"), Is.Empty);
        Assert.That(await KeysAsync(VideosBucket, "private/" + uuid + "/"), Is.Empty);
        var details = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{uuid}");
        Assert.That(Hls(details).GetProperty("playlistUrl").GetString(), Is.EqualTo(BucketUrl(HlsBucket, HlsPrefix + uuid + "/" + after.MasterName)));

        Assert.That(await OriginalKeysAsync(uuid), Has.Count.EqualTo(1), "the original stays in its private folder whatever the privacy");
        using (var delete = await _teacher.DeleteAsync($"/api/v1/videos/{uuid}"))
        {
            Assert.That(delete.IsSuccessStatusCode, Is.True, await delete.Content.ReadAsStringAsync());
        }
        Assert.That(await KeysAsync(HlsBucket, HlsPrefix + uuid + "/"), Is.Empty);
        Assert.That(await KeysAsync(VideosBucket, uuid + "/"), Is.Empty);
        Assert.That(await OriginalKeysAsync(uuid), Is.Empty, "the deleted video's original is removed from its bucket");
        Assert.That(LocalOriginal(uuid), Is.Null);
    }

    [Test, Order(6)]
    public async Task The_admin_moves_a_video_back_and_a_move_during_an_s3_outage_is_retried_while_the_local_copy_serves()
    {
        var uuid = Uuid(_public);
        using var admin = _instance.Authed(await _instance.TokenAsync());
        using (var back = await admin.PostAsJsonAsync("/api/v1/server/storage-moves", new { to = "file-system", videos = new[] { uuid } }))
        {
            Assert.That(back.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await back.Content.ReadAsStringAsync());
        }
        var local = await WaitMovedAsync(uuid, FileStorage.FileSystem);
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while ((await KeysAsync(HlsBucket, HlsPrefix + uuid + "/")).Count > 0)
        {
            Assert.That(DateTimeOffset.UtcNow, Is.LessThan(deadline), "the objects were not removed after the move back");
            await Task.Delay(100);
        }
        // The original came back to the disk with the media (same bytes), and left its bucket.
        Assert.That(LocalOriginal(uuid), Is.Not.Null, "the original is back on the disk");
        Assert.That(SHA256.HashData(await File.ReadAllBytesAsync(LocalOriginal(uuid)!)), Is.EqualTo(SHA256.HashData(await File.ReadAllBytesAsync(_clip))));
        await WaitNoKeysAsync(OriginalsBucket, OriginalsPrefix + "private/" + uuid + "/", "the original's object was not removed after the move back");
        var master = Hls(local).GetProperty("playlistUrl").GetString()!;
        Assert.That(master, Does.StartWith(_instance.BaseUrl + "/static/streaming-playlists/hls/" + uuid + "/"));

        // The move back stays back: the automatic move that follows a publication, a re-transcode or a re-key (the job
        // the object storage listener queues) leaves the video on the disk where the administrator put it.
        var queue = _instance.Services.GetRequiredService<VideoPlatform.Core.Jobs.JobQueue>();
        var videoId = (await _instance.Services.GetRequiredService<VideoRepository>().FindAsync(uuid))!.Video.Id;
        var automatic = await MoveToObjectStorageJob.EnqueueAsync(queue, videoId, CancellationToken.None);
        queue.Signal();
        deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        VideoPlatform.Core.Jobs.JobRow? job;
        while ((job = await queue.GetAsync(automatic))?.State is not VideoPlatform.Core.Jobs.JobState.Completed)
        {
            Assert.That(DateTimeOffset.UtcNow, Is.LessThan(deadline), () => $"the automatic move did not finish: {job?.State} {job?.LastError}");
            await Task.Delay(100);
        }
        Assert.That((await PlaylistAsync(uuid)).Storage, Is.EqualTo(FileStorage.FileSystem), "an explicit move back to the disk is respected");
        Assert.That(await KeysAsync(HlsBucket, HlsPrefix + uuid + "/"), Is.Empty);
        Assert.That(LocalFiles(uuid), Is.Not.Empty);

        await _s3.StopAsync();
        try
        {
            using (var move = await admin.PostAsJsonAsync("/api/v1/server/storage-moves", new { to = "object-storage", allVideos = true }))
            {
                Assert.That(move.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await move.Content.ReadAsStringAsync());
                Assert.That((await move.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("total").GetInt32(), Is.EqualTo(1));
            }
            var media = _instance.Services.GetRequiredService<VideoMediaRepository>();
            var id = (await _instance.Services.GetRequiredService<VideoRepository>().FindAsync(uuid))!.Video.Id;
            deadline = DateTimeOffset.UtcNow.AddSeconds(60);
            IReadOnlyList<VideoPlatform.Core.Jobs.JobRow> jobs;
            while (!(jobs = await media.JobsAsync("rekey:" + id)).Any(j => j.Type == "move-to-object-storage" && j.Attempts >= 1 && j.LastError is not null))
            {
                Assert.That(DateTimeOffset.UtcNow, Is.LessThan(deadline),
                    () => "the move did not fail while S3 was down: " + string.Join("; ", jobs.Select(j => $"{j.Type} state {j.State} attempts {j.Attempts} {j.LastError}")));
                await Task.Delay(100);
            }
            // Still playing from the local copy.
            using var playing = await _instance.Http.GetAsync(master);
            Assert.That(playing.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await PlaylistAsync(uuid)).Storage, Is.EqualTo(FileStorage.FileSystem));
        }
        finally
        {
            await _s3.StartAgainAsync();
        }
        var moved = await WaitMovedAsync(uuid);
        Assert.That(Hls(moved).GetProperty("playlistUrl").GetString(), Does.StartWith(BucketUrl(HlsBucket, HlsPrefix + uuid + "/")));
        Assert.That(await OriginalKeysAsync(uuid), Has.Count.EqualTo(1), "the original went back to its bucket with the media");
        using var http = new HttpClient(new SocketsHttpHandler());
        Assert.That(await http.GetStringAsync(Hls(moved).GetProperty("playlistUrl").GetString()), Does.StartWith("#EXTM3U"));
    }

    [Test, Order(7)]
    public async Task An_admin_re_transcode_reads_the_original_from_its_bucket_and_publishes_again_to_object_storage()
    {
        var uuid = Uuid(_public);
        var before = await PlaylistAsync(uuid);
        Assert.That(before.Storage, Is.EqualTo(FileStorage.ObjectStorage));
        Assert.That(LocalOriginal(uuid), Is.Null, "the only copy of the original is the bucket's");
        var originalKeys = await OriginalKeysAsync(uuid);
        Assert.That(originalKeys, Has.Count.EqualTo(1));

        using var admin = _instance.Authed(await _instance.TokenAsync());
        using (var wrong = await admin.PostAsJsonAsync($"/api/v1/videos/{uuid}/transcoding", new { transcodingType = "mp3" }))
        {
            Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(wrong.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        }
        using (var notAdmin = await _teacher.PostAsJsonAsync($"/api/v1/videos/{uuid}/transcoding", new { transcodingType = "hls" }))
        {
            Assert.That(notAdmin.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        }
        using (var unknown = await admin.PostAsJsonAsync("/api/v1/videos/00000000-0000-4000-8000-000000000000/transcoding", new { transcodingType = "hls" }))
        {
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }
        using (var transcode = await admin.PostAsJsonAsync($"/api/v1/videos/{uuid}/transcoding", new { transcodingType = "hls" }))
        {
            Assert.That(transcode.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await transcode.Content.ReadAsStringAsync());
        }
        using (var again = await admin.PostAsJsonAsync($"/api/v1/videos/{uuid}/transcoding", new { transcodingType = "web-video" }))
        {
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "already transcoding");
        }

        // Published again under new names, moved to the buckets, the old transcode's objects gone, the original kept.
        await Uploader.WaitForStateAsync(_teacher, uuid, 1, TimeSpan.FromSeconds(90));
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        StreamingPlaylistRow after;
        while ((after = await PlaylistAsync(uuid)).MasterName == before.MasterName || after.Storage != FileStorage.ObjectStorage
            || LocalFiles(uuid).Count > 0 || (await KeysAsync(HlsBucket, HlsPrefix + uuid + "/" + before.MasterName)).Count > 0)
        {
            Assert.That(DateTimeOffset.UtcNow, Is.LessThan(deadline), "the re-transcode was not published and moved to object storage");
            await Task.Delay(100);
        }
        var hlsKeys = await KeysAsync(HlsBucket, HlsPrefix + uuid + "/");
        Assert.That(hlsKeys, Does.Contain(HlsPrefix + uuid + "/" + after.MasterName));
        var details = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{uuid}");
        Assert.That(hlsKeys.Count(k => k.EndsWith("-fragmented.mp4", StringComparison.Ordinal)), Is.EqualTo(Hls(details).GetProperty("files").GetArrayLength()),
            "only the new transcode's renditions are in the bucket");
        // The old web videos are removed from their bucket after the switch, the HLS leftovers first: wait for it (bounded).
        var webVideos = details.GetProperty("files").GetArrayLength();
        var webDeadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while ((await KeysAsync(VideosBucket, uuid + "/")).Count != webVideos && DateTimeOffset.UtcNow < webDeadline)
        {
            await Task.Delay(100);
        }
        Assert.That(await KeysAsync(VideosBucket, uuid + "/"), Has.Count.EqualTo(webVideos));
        Assert.That(await OriginalKeysAsync(uuid), Is.EqualTo(originalKeys), "the original stays in its bucket");
        Assert.That(LocalOriginal(uuid), Is.Null, "the transcode's local copy of the original is not kept");
        using var http = new HttpClient(new SocketsHttpHandler());
        Assert.That(await http.GetStringAsync(Hls(details).GetProperty("playlistUrl").GetString()), Does.StartWith("#EXTM3U"));
    }

    [Test]
    public async Task A_new_live_is_not_queued_for_the_move_to_object_storage()
    {
        // Lives are published at creation, with no media yet (their playlists are rewritten on the disk while on air).
        var channel = await Uploader.ChannelIdAsync(_teacher);
        using var created = await _teacher.PostAsJsonAsync("/api/v1/videos/live", new { channelId = channel, name = "Direct sans fichier", privacy = 1 });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.OK), await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("video").GetProperty("id").GetInt64();
        var payload = $"{{\"videoId\":{id}}}";
        // Its publication has been handled by every listener (the job completed)...
        await VideoPlatform.IntegrationTests.Federation.FederationHarness.EventuallyAsync(async () =>
            await VideoPlatform.IntegrationTests.Federation.FederationHarness.CountAsync(_instance,
                $"SELECT COUNT(*) FROM jobs WHERE type = 'video-published' AND payload = '{payload}' AND state = 2") == 1,
            "the live's video-published job completed", 30);
        // ... and no move was queued for it.
        Assert.That(await VideoPlatform.IntegrationTests.Federation.FederationHarness.CountAsync(_instance,
            $"SELECT COUNT(*) FROM jobs WHERE type = '{MoveToObjectStorageJob.JobType}' AND payload = '{payload}'"), Is.Zero);
    }

    [Test]
    public async Task A_saved_replay_moves_to_object_storage_and_its_urls_playlists_and_web_seeds_name_the_bucket()
    {
        var channel = await Uploader.ChannelIdAsync(_teacher);
        using var created = await _teacher.PostAsJsonAsync("/api/v1/videos/live",
            new { channelId = channel, name = "Direct gardé", privacy = 1, saveReplay = true, replaySettings = new { privacy = 1 } });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.OK), await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("video").GetProperty("id").GetInt64();
        var live = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/live/{id}");
        // 3 s pushed over RTMP as Jibri does (key frames every second); ffmpeg then says it stops, so the live ends at once.
        var source = Path.Combine(_dir, "live.flv");
        await FfmpegTool.MakeClipAsync(source, "testsrc=size=320x180:rate=25", 3, audio: true,
            "-g", "25", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-f", "flv");
        await FfmpegTool.RunAsync("ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-i", source, "-c", "copy", "-f", "flv",
            live.GetProperty("rtmpUrl").GetString() + "/" + live.GetProperty("streamKey").GetString());

        var replayUuid = (string)await VideoPlatform.IntegrationTests.Federation.FederationHarness.EventuallyAsync(async () =>
        {
            var sessions = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/live/{id}/sessions");
            return sessions.GetProperty("data") is { } data && data.GetArrayLength() > 0 && data[0].GetProperty("replayVideo") is { ValueKind: JsonValueKind.Object } replay
                ? replay.GetProperty("uuid").GetString()
                : null;
        }, "the session's replay", 30);
        // Published through the normal path, the replay moves to the bucket like an upload and leaves the disk.
        var details = await WaitMovedAsync(replayUuid);
        Assert.That(details.GetProperty("isLive").GetBoolean(), Is.False);
        var playlist = await PlaylistAsync(replayUuid);
        var prefix = HlsPrefix + replayUuid + "/";
        var keys = await KeysAsync(HlsBucket, prefix);
        Assert.That(keys, Does.Contain(prefix + playlist.MasterName).And.Contain(prefix + playlist.SegmentsSha256Name));
        var files = Hls(details).GetProperty("files").EnumerateArray().ToList();
        Assert.That(files, Is.Not.Empty);
        Assert.That(keys.Count(k => k.EndsWith("-fragmented.mp4", StringComparison.Ordinal)), Is.EqualTo(files.Count));
        Assert.That(Hls(details).GetProperty("playlistUrl").GetString(), Is.EqualTo(BucketUrl(HlsBucket, prefix + playlist.MasterName)));
        Assert.That(Hls(details).GetProperty("segmentsSha256Url").GetString(), Is.EqualTo(BucketUrl(HlsBucket, prefix + playlist.SegmentsSha256Name)));
        foreach (var file in files)
        {
            Assert.That(file.GetProperty("fileUrl").GetString(), Does.StartWith(BucketUrl(HlsBucket, prefix)));
            Assert.That(file.GetProperty("playlistUrl").GetString(), Does.StartWith(BucketUrl(HlsBucket, prefix)));
        }

        // The playlists read from the bucket lead to the segments in the bucket: ffprobe plays the master through it.
        var duration = double.Parse(await FfmpegTool.RunAsync("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0",
            Hls(details).GetProperty("playlistUrl").GetString()!), System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(duration, Is.GreaterThan(2), "the replay holds the session");

        // Its torrents are made again after the move: their web seed is the file in the bucket.
        var torrentUrl = (string)await VideoPlatform.IntegrationTests.Federation.FederationHarness.EventuallyAsync(async () =>
            Hls(await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{replayUuid}")).GetProperty("files")[0].GetProperty("torrentUrl") is { ValueKind: JsonValueKind.String } url
                ? url.GetString()
                : null, "the replay's torrents after the move", 30);
        var metainfo = TorrentMetainfo.Parse(await _instance.Http.GetByteArrayAsync(torrentUrl));
        Assert.That(metainfo.UrlList, Is.EqualTo(new[] { files[0].GetProperty("fileUrl").GetString() }));
    }

    [Test]
    public async Task A_big_file_is_uploaded_in_parts_and_verified()
    {
        var path = Path.Combine(_dir, "big.bin");
        var bytes = RandomNumberGenerator.GetBytes((11 * 1024 * 1024) + 7);
        await File.WriteAllBytesAsync(path, bytes);
        var parts = await Objects.UploadAsync(ObjectKind.WebVideo, "multipart-test/big.bin", path, isPrivate: false, CancellationToken.None);
        Assert.That(parts, Is.EqualTo(3), "parts of 5 MiB at most");
        using var response = await Objects.Client.GetObjectAsync(VideosBucket, "multipart-test/big.bin");
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        Assert.That(SHA256.HashData(buffer.ToArray()), Is.EqualTo(SHA256.HashData(bytes)));
        await Objects.DeleteAsync(ObjectKind.WebVideo, "multipart-test/big.bin", CancellationToken.None);
    }

    [Test]
    public void Start_refuses_unusable_object_storage_options_with_clear_messages()
    {
        var ex = Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(async () =>
            await TestInstance.StartAsync(DbKind.Sqlite, "--ObjectStorage:Enabled", "true", "--ObjectStorage:Endpoint", "not a url",
                "--ObjectStorage:StreamingPlaylists:BucketName", "Bad_Bucket"));
        Assert.That(ex!.Message, Does.Contain("ObjectStorage:Endpoint must be an absolute http(s) URL")
            .And.Contain("ObjectStorage:StreamingPlaylists:BucketName 'Bad_Bucket' is not a valid bucket name")
            .And.Contain("ObjectStorage:WebVideos:BucketName must be set"));
    }
}
