using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Core.Data;
using VideoPlatform.Core.Jobs;
using VideoPlatform.IntegrationTests.Infrastructure;
using VideoPlatform.IntegrationTests.Transcoder;

namespace VideoPlatform.IntegrationTests.Media;

/// <summary>
/// The transcoder as its own process: a web-only instance takes the upload, a transcoder-only instance on the same
/// database and storage does the work. Killing the worker mid-job loses nothing: another one takes the job after its
/// lease and the video is published once.
/// </summary>
[TestFixture(DbKind.Sqlite)]
[TestFixture(DbKind.Postgres)]
[Category("Http")]
[Category("Ffmpeg")]
[Category("Db")]
[NonParallelizable]
public sealed class TranscoderWorkerTests(DbKind kind)
{
    private static readonly string[] WorkerArgs = ["--Roles", "transcoder", "--Transcoder:Lease", "00:00:03", "--Transcoder:Threads", "1"];

    [Test]
    public async Task Worker_killed_mid_job_is_replaced_and_the_video_is_published_once()
    {
        FfmpegTool.RequireFfmpeg();
        await using var web = await TestInstance.StartAsync(kind, "--Roles", "web");
        using var teacher = await web.CreateUserAsync("teacher");
        // Long enough at one thread that the worker is still encoding when it is killed.
        var clip = await Uploader.ClipAsync(Path.Combine(web.Database.Folder, "clips"), "long.mp4", seconds: 20, size: "1280x720");
        var uploaded = await Uploader.UploadAsync(teacher, await Uploader.ChannelIdAsync(teacher), clip, chunkSize: 1024 * 1024);
        var uuid = uploaded.GetProperty("uuid").GetString()!;
        var videoId = uploaded.GetProperty("id").GetInt64();

        var first = await TestInstance.StartSharingAsync(web, WorkerArgs);
        using (var health = await first.Http.GetAsync("/health"))
        {
            Assert.That(health.IsSuccessStatusCode, Is.True, "a worker answers /health");
        }
        using (var noApi = await first.Http.GetAsync("/api/v1/videos"))
        {
            Assert.That((int)noApi.StatusCode, Is.EqualTo(404), "and serves no API");
        }
        var job = await WaitForJobAsync(web, videoId, j => j.State == JobState.Running && j.Progress > 0, TimeSpan.FromMinutes(2));
        var progress = 0;
        for (var i = 0; i < 50 && progress == 0; i++)
        {
            var during = await teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{uuid}");
            Assert.That(during.GetProperty("state").GetProperty("id").GetInt32(), Is.EqualTo(2));
            progress = during.GetProperty("transcodingProgress").GetInt32();
            await Task.Delay(100);
        }
        Assert.That(progress, Is.InRange(1, 99), "the video shows the transcoding progress");
        await first.KillAsync();

        // Two workers now race for the abandoned job: the lease lets exactly one of them have it.
        await using var second = await TestInstance.StartSharingAsync(web, WorkerArgs);
        await using var third = await TestInstance.StartSharingAsync(web, WorkerArgs);
        var published = await Uploader.WaitForStateAsync(teacher, uuid, 1, TimeSpan.FromMinutes(4));
        Assert.That(published.GetProperty("streamingPlaylists")[0].GetProperty("files").GetArrayLength(), Is.GreaterThanOrEqualTo(4));

        var done = await WaitForJobAsync(web, videoId, j => j.State == JobState.Completed, TimeSpan.FromSeconds(30));
        Assert.That(done.Id, Is.EqualTo(job.Id), "the same job, taken up again");
        Assert.That(done.Attempts, Is.EqualTo(2), "once by the killed worker, once by its replacement");
        var db = web.Services.GetRequiredService<Database>();
        var counts = await db.ReadAsync(async c => (
            Playlists: await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM video_streaming_playlists WHERE video_id = @videoId", new { videoId }),
            Files: await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM video_files WHERE video_id = @videoId", new { videoId }),
            Jobs: await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM jobs WHERE type = 'transcode'")));
        Assert.That(counts.Playlists, Is.EqualTo(1));
        // One row per HLS rendition and one per web video (Transcoding:WebVideos is on by default: one per video rendition, none for
        // the separate audio rendition), each published once.
        var hlsCount = published.GetProperty("streamingPlaylists")[0].GetProperty("files").GetArrayLength();
        Assert.That(published.GetProperty("files").GetArrayLength(), Is.EqualTo(hlsCount - 1));
        Assert.That(counts.Files, Is.EqualTo(hlsCount + published.GetProperty("files").GetArrayLength()));
        Assert.That(counts.Jobs, Is.EqualTo(1));

        // Only the published files remain in the video's folder; the dead attempt's work folder is gone.
        var store = web.Services.GetRequiredService<VideoPlatform.Core.Storage.MediaStore>();
        var onDisk = Directory.GetFiles(store.HlsFolder(uuid, isPrivate: false)).Select(Path.GetFileName).Order().ToList();
        var playlist = published.GetProperty("streamingPlaylists")[0];
        var expected = playlist.GetProperty("files").EnumerateArray()
            .SelectMany(f => new[] { f.GetProperty("fileUrl").GetString()!, f.GetProperty("playlistUrl").GetString()! })
            .Append(playlist.GetProperty("playlistUrl").GetString()!).Append(playlist.GetProperty("segmentsSha256Url").GetString()!)
            // The web videos live beside the HLS files of the same transcode (served under /static/web-videos/).
            .Concat(published.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("fileUrl").GetString()!))
            .Select(u => u[(u.LastIndexOf('/') + 1)..]).Order().ToList();
        Assert.That(onDisk, Is.EqualTo(expected));
        Assert.That(Directory.GetDirectories(store.TempRoot), Is.Empty);
        using var master = await web.Http.GetAsync(new Uri(playlist.GetProperty("playlistUrl").GetString()!).PathAndQuery);
        Assert.That(master.IsSuccessStatusCode, Is.True, "the web process serves what the worker published");
    }

    private static async Task<JobRow> WaitForJobAsync(TestInstance instance, long videoId, Func<JobRow, bool> condition, TimeSpan timeout)
    {
        var db = instance.Services.GetRequiredService<Database>();
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var job = await db.ReadAsync(c => c.QuerySingleOrDefaultAsync<JobRow>(
                "SELECT * FROM jobs WHERE ordering_key = @key", new { key = $"transcode:{videoId}" }));
            if (job is not null && condition(job))
            {
                return job;
            }
            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail($"The transcode job of video {videoId} did not reach the expected state: {JsonSerializer.Serialize(job)}");
            }
            await Task.Delay(200);
        }
    }
}
