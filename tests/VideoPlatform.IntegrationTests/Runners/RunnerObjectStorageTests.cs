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
using VideoPlatform.IntegrationTests.Media;
using VideoPlatform.IntegrationTests.Transcoder;

namespace VideoPlatform.IntegrationTests.Runners;

/// <summary>
/// Remote runners with the original kept in object storage (a real s3rver): after publication the original leaves the
/// disk for its bucket; an administrator's re-transcode is offered to runners, whose source download streams the
/// original from the bucket (Range honoured), and a runner process publishes it again. Database-independent: SQLite only.
/// </summary>
[Category("Http")]
[Category("Ffmpeg")]
[NonParallelizable]
public sealed class RunnerObjectStorageTests
{
    private const string OriginalsBucket = "runner-originals";

    private string _dir = null!;
    private S3Server _s3 = null!;
    private TestInstance _instance = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        FfmpegTool.RequireFfmpeg();
        _dir = Path.Combine(Path.GetTempPath(), "vp-runner-s3-" + Guid.NewGuid().ToString("N"));
        _s3 = await S3Server.StartAsync(Path.Combine(_dir, "s3"));
        using (var admin = new Amazon.S3.AmazonS3Client(new Amazon.Runtime.BasicAWSCredentials(S3Server.AccessKey, S3Server.SecretKey),
            new Amazon.S3.AmazonS3Config { ServiceURL = _s3.Endpoint, ForcePathStyle = true }))
        {
            foreach (var bucket in new[] { "runner-hls", "runner-videos", OriginalsBucket })
            {
                await admin.PutBucketAsync(bucket);
            }
        }
        _instance = await TestInstance.StartAsync(DbKind.Sqlite, [.. _s3.InstanceArgs("runner-hls", "runner-videos"), "--P2P:PeerPort", "-1",
            "--ObjectStorage:OriginalVideoFiles:BucketName", OriginalsBucket,
            "--Transcoding:RemoteRunners:Enabled", "true", "--Transcoding:RemoteRunners:Lease", "00:00:30"]);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
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

    [Test]
    public async Task A_re_transcode_is_offered_to_runners_with_the_original_streamed_from_its_bucket_and_a_runner_publishes_it()
    {
        using var admin = _instance.Authed(await _instance.TokenAsync());
        using var teacher = await _instance.CreateUserAsync("teacher");
        var clip = await Uploader.ClipAsync(Path.Combine(_dir, "clips"), "lesson.mp4", seconds: 2, size: "320x180");
        var clipBytes = await File.ReadAllBytesAsync(clip);
        var registration = await RegistrationTokenAsync(admin);

        // First transcode by a runner process, from the local original; then the move sends the original to its bucket.
        var uuid = (await Uploader.UploadAsync(teacher, await Uploader.ChannelIdAsync(teacher), clip)).GetProperty("uuid").GetString()!;
        string firstMaster;
        await using (var runner = await RunnerProcess.StartAsync(_instance.BaseUrl, registration, Path.Combine(_dir, "runner-a"), "runner-a"))
        {
            await Uploader.WaitForStateAsync(teacher, uuid, 1, TimeSpan.FromSeconds(90));
            firstMaster = await WaitInObjectStorageAsync(uuid, previousMaster: null);
        }
        var store = _instance.Services.GetRequiredService<MediaStore>();
        Assert.That(store.FindOriginal(uuid), Is.Null, "the original left the disk");
        var originalKeys = await OriginalKeysAsync(uuid);
        Assert.That(originalKeys, Has.Count.EqualTo(1));

        using (var transcode = await admin.PostAsJsonAsync($"/api/v1/videos/{uuid}/transcoding", new { transcodingType = "hls" }))
        {
            Assert.That(transcode.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await transcode.Content.ReadAsStringAsync());
        }

        // A runner taking the job by hand: the source comes from the bucket, whole or by range, then it gives the job back.
        using (var register = await _instance.Http.PostAsJsonAsync("/api/v1/runners/register", new { registrationToken = registration, name = "by-hand" }))
        {
            Assert.That(register.StatusCode, Is.EqualTo(HttpStatusCode.OK), await register.Content.ReadAsStringAsync());
            var runnerToken = (await register.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runnerToken").GetString()!;
            using var offered = await _instance.Http.PostAsJsonAsync("/api/v1/runners/jobs/request", new { runnerToken });
            var offer = (await offered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("availableJobs").EnumerateArray()
                .Single(j => j.GetProperty("payload").GetProperty("input").GetProperty("videoUuid").GetString() == uuid);
            Assert.That(originalKeys[0], Does.EndWith("/" + offer.GetProperty("payload").GetProperty("input").GetProperty("videoFileName").GetString()),
                "the job names the original in the bucket");
            var jobUuid = offer.GetProperty("uuid").GetString()!;
            using var accepted = await _instance.Http.PostAsJsonAsync($"/api/v1/runners/jobs/{jobUuid}/accept", new { runnerToken });
            Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.OK), await accepted.Content.ReadAsStringAsync());
            var job = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("job");
            var jobToken = job.GetProperty("jobToken").GetString()!;
            var sourceUrl = new Uri(job.GetProperty("payload").GetProperty("input").GetProperty("videoFileUrl").GetString()!).PathAndQuery;
            using (var whole = await _instance.Http.PostAsJsonAsync(sourceUrl, new { runnerToken, jobToken }))
            {
                Assert.That(whole.StatusCode, Is.EqualTo(HttpStatusCode.OK));
                Assert.That(SHA256.HashData(await whole.Content.ReadAsByteArrayAsync()), Is.EqualTo(SHA256.HashData(clipBytes)));
            }
            using (var request = new HttpRequestMessage(HttpMethod.Post, sourceUrl) { Content = JsonContent.Create(new { runnerToken, jobToken }) })
            {
                request.Headers.Range = new RangeHeaderValue(1000, 1999);
                using var ranged = await _instance.Http.SendAsync(request);
                Assert.That(ranged.StatusCode, Is.EqualTo(HttpStatusCode.PartialContent));
                Assert.That(ranged.Content.Headers.ContentRange!.ToString(), Is.EqualTo($"bytes 1000-1999/{clipBytes.Length}"));
                Assert.That(await ranged.Content.ReadAsByteArrayAsync(), Is.EqualTo(clipBytes[1000..2000]));
            }
            using var aborted = await _instance.Http.PostAsJsonAsync($"/api/v1/runners/jobs/{jobUuid}/abort", new { runnerToken, jobToken, reason = "test" });
            Assert.That(aborted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }

        // A runner process finishes the re-transcode from the bucket: published again, moved again, the original kept in its bucket.
        await using (var runner = await RunnerProcess.StartAsync(_instance.BaseUrl, registration, Path.Combine(_dir, "runner-b"), "runner-b"))
        {
            await Uploader.WaitForStateAsync(teacher, uuid, 1, TimeSpan.FromSeconds(90));
            await WaitInObjectStorageAsync(uuid, previousMaster: firstMaster);
        }
        Assert.That(await OriginalKeysAsync(uuid), Is.EqualTo(originalKeys));
        Assert.That(store.FindOriginal(uuid), Is.Null);
    }

    private static async Task<string> RegistrationTokenAsync(HttpClient admin)
    {
        using var response = await admin.PostAsync("/api/v1/runners/registration-tokens/generate", null);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("registrationToken").GetString()!;
    }

    private async Task<List<string>> OriginalKeysAsync(string uuid)
    {
        var objects = _instance.Services.GetRequiredService<ObjectStore>();
        var response = await objects.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = OriginalsBucket, Prefix = "private/" + uuid + "/" });
        return (response.S3Objects ?? []).Select(o => o.Key).ToList();
    }

    /// <summary>Waits until the video's media (a transcode other than <paramref name="previousMaster"/>) and its original are in object storage; returns the master's name.</summary>
    private async Task<string> WaitInObjectStorageAsync(string uuid, string? previousMaster)
    {
        var repo = _instance.Services.GetRequiredService<VideoRepository>();
        var media = _instance.Services.GetRequiredService<VideoMediaRepository>();
        var store = _instance.Services.GetRequiredService<MediaStore>();
        var video = (await repo.FindAsync(uuid))!.Video;
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (true)
        {
            var playlist = await repo.PlaylistAsync(video.Id);
            if (playlist?.MasterName is { } master && master != previousMaster && playlist.Storage == FileStorage.ObjectStorage
                && (await media.OriginalAsync(video.Id)).Storage == FileStorage.ObjectStorage && store.FindOriginal(uuid) is null)
            {
                return master;
            }
            Assert.That(DateTimeOffset.UtcNow, Is.LessThan(deadline), "the media and the original did not move to object storage");
            await Task.Delay(100);
        }
    }
}
