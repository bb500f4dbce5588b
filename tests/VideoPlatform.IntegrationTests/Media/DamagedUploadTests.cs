using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Core.Storage;
using VideoPlatform.IntegrationTests.Infrastructure;
using VideoPlatform.IntegrationTests.Transcoder;
using VideoPlatform.Transcoder.Jobs;

namespace VideoPlatform.IntegrationTests.Media;

/// <summary>
/// A transcode that fails because of its input fails once, for good, with the reason shown to the teacher; one that
/// fails because of the machine (ffmpeg killed) is retried and publishes.
/// </summary>
[TestFixture(DbKind.Sqlite)]
[TestFixture(DbKind.Postgres)]
[Category("Http")]
[Category("Ffmpeg")]
[NonParallelizable]
public sealed class DamagedUploadTests(DbKind kind)
{
    private TestInstance _instance = null!;
    private HttpClient _teacher = null!;
    private long _channel;
    private string _clips = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        FfmpegTool.RequireFfmpeg();
        _instance = await TestInstance.StartAsync(kind, "--Transcoder:RetryBackoff", "00:00:01", "--Transcoder:Threads", "1");
        _teacher = await _instance.CreateUserAsync("teacher");
        _channel = await Uploader.ChannelIdAsync(_teacher);
        _clips = Path.Combine(_instance.Database.Folder, "clips");
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

    [Test]
    public async Task Stream_damaged_past_the_first_seconds_passes_the_door_then_fails_once_with_state_7_and_the_reason()
    {
        // Damage at 60 % of a 12 s clip: past the seconds decoded at the door, met by the transcode.
        var whole = await File.ReadAllBytesAsync(await DamagedClips.FaststartClipAsync(_clips, "phone.mp4"));
        var path = Path.Combine(_clips, "damaged-middle.mp4");
        await File.WriteAllBytesAsync(path, DamagedClips.Corrupt(whole, 0.6));

        var uploaded = await Uploader.UploadAsync(_teacher, _channel, path, chunkSize: 1024 * 1024);
        var uuid = uploaded.GetProperty("uuid").GetString()!;
        var videoId = uploaded.GetProperty("id").GetInt64();

        var failed = await Uploader.WaitForStateAsync(_teacher, uuid, 7, TimeSpan.FromMinutes(2));
        Assert.That(failed.GetProperty("state").GetProperty("label").GetString(), Is.EqualTo("Transcoding failed"));
        var reason = failed.GetProperty("error").GetString();
        Assert.That(reason, Does.StartWith("La vidéo est endommagée : une partie du fichier ne peut pas être décodée ("));

        var media = _instance.Services.GetRequiredService<VideoMediaRepository>();
        // The handler marks the video before it throws; the runner settles the job just after: wait for that, briefly.
        var jobs = await media.JobsAsync(TranscodeJob.OrderingKey(videoId));
        for (var i = 0; i < 50 && jobs.Count == 1 && jobs[0].State == JobState.Running; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100));
            jobs = await media.JobsAsync(TranscodeJob.OrderingKey(videoId));
        }
        Assert.That(jobs, Has.Count.EqualTo(1));
        Assert.That(jobs[0].State, Is.EqualTo(JobState.Failed), "given up at once");
        Assert.That(jobs[0].Attempts, Is.EqualTo(1), "not retried");
        Assert.That(jobs[0].LastError, Is.EqualTo(reason));

        // Longer than the retry backoff: a retryable failure would have been taken up again by now.
        await Task.Delay(TimeSpan.FromSeconds(4));
        jobs = await media.JobsAsync(TranscodeJob.OrderingKey(videoId));
        Assert.That((jobs[0].State, jobs[0].Attempts), Is.EqualTo((JobState.Failed, 1)));
        var after = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{uuid}");
        Assert.That(after.GetProperty("state").GetProperty("id").GetInt32(), Is.EqualTo(7));
        Assert.That(after.GetProperty("streamingPlaylists").GetArrayLength(), Is.Zero, "nothing published");
        var store = _instance.Services.GetRequiredService<MediaStore>();
        Assert.That(Directory.Exists(Path.Combine(store.TempRoot, "transcode-" + uuid)), Is.False, "no work folder left");
    }

    [Test]
    public async Task Ffmpeg_killed_mid_transcode_is_retried_and_the_video_is_published()
    {
        var path = await Uploader.ClipAsync(_clips, "sound.mp4", seconds: 10, size: "1280x720");
        var uploaded = await Uploader.UploadAsync(_teacher, _channel, path, chunkSize: 1024 * 1024);
        var uuid = uploaded.GetProperty("uuid").GetString()!;
        var videoId = uploaded.GetProperty("id").GetInt64();

        // The ffmpeg this instance started for this video (its source path names the video's uuid).
        var killed = false;
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (!killed && DateTimeOffset.UtcNow < deadline)
        {
            foreach (var pid in FfmpegProcessesReading(uuid))
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
                killed = true;
            }
            await Task.Delay(20);
        }
        Assert.That(killed, Is.True, "the transcode's ffmpeg was found running");

        var published = await Uploader.WaitForStateAsync(_teacher, uuid, 1, TimeSpan.FromMinutes(3));
        Assert.That(published.GetProperty("streamingPlaylists")[0].GetProperty("files").GetArrayLength(), Is.GreaterThanOrEqualTo(1));
        // The job publishes the video, then records its own completion: on a loaded machine the second can come later.
        var repository = _instance.Services.GetRequiredService<VideoMediaRepository>();
        var jobs = await repository.JobsAsync(TranscodeJob.OrderingKey(videoId));
        var settle = DateTimeOffset.UtcNow.AddSeconds(30);
        while (jobs.Count == 1 && jobs[0].State == JobState.Running && DateTimeOffset.UtcNow < settle)
        {
            await Task.Delay(100);
            jobs = await repository.JobsAsync(TranscodeJob.OrderingKey(videoId));
        }
        Assert.That(jobs, Has.Count.EqualTo(1));
        Assert.That(jobs[0].State, Is.EqualTo(JobState.Completed));
        Assert.That(jobs[0].Attempts, Is.EqualTo(2), "the killed run failed, the retry published");
        Assert.That(jobs[0].LastError, Does.Contain("ffmpeg exited with code"), "the first failure is recorded");
    }

    private static IEnumerable<int> FfmpegProcessesReading(string uuid)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            string cmdline;
            try
            {
                cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }
            var args = cmdline.Split('\0');
            if (args.Length > 0 && args[0].EndsWith("ffmpeg", StringComparison.Ordinal) && args.Contains("-progress")
                && args.Any(a => a.Contains(uuid, StringComparison.Ordinal)))
            {
                yield return pid;
            }
        }
    }
}
