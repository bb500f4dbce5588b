using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Api.Videos;
using VideoPlatform.Api.Accounts;
using VideoPlatform.Api.Auth;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Videos;
using VideoPlatform.Federation.Delivery;
using VideoPlatform.Core.Data;
using VideoPlatform.Core.Jobs;
using VideoPlatform.IntegrationTests.Infrastructure;
using VideoPlatform.IntegrationTests.Media;
using VideoPlatform.IntegrationTests.Transcoder;
using static VideoPlatform.IntegrationTests.Federation.FederationHarness;

namespace VideoPlatform.IntegrationTests.Federation;

/// <summary>
/// The publication's side effects are queued with it (the outbox): a real upload and transcode on Lyon, followed by
/// Lille. A process killed right after the publish commit, or a listener that fails once, still federates the video
/// and makes its torrents, and Lille is sent one Create.
/// </summary>
[Category("Federation")]
[Category("Http")]
[Category("Ffmpeg")]
[NonParallelizable]
public sealed class PublicationOutboxTests
{
    [TestCase(DbKind.Sqlite)]
    [TestCase(DbKind.Postgres)]
    public async Task Instance_killed_right_after_the_publish_commit_federates_the_video_after_its_restart(DbKind kind)
    {
        FfmpegTool.RequireFfmpeg();
        // First in line, so nothing else has been told when the process dies.
        var hang = new HangsOnceListener();
        await using var lyon = await StartAsync(kind, s => s.Insert(0, ServiceDescriptor.Singleton<IVideoChangeListener>(hang)));
        await using var lille = await StartAsync(kind);
        await FollowAsync(lille, lyon);

        var (videoId, url) = await UploadAsync(lyon);
        Assert.That(await hang.Entered.Task.WaitAsync(TimeSpan.FromMinutes(3)), Is.EqualTo(videoId));
        Assert.That(await CountAsync(lyon, $"SELECT COUNT(*) FROM videos WHERE id = {videoId} AND state = 1"), Is.EqualTo(1), "the publication committed");
        Assert.That(await CreatesAsync(lyon, url), Is.Empty, "and nothing is sent yet");
        await lyon.KillAsync();

        await lyon.RestartAsync();
        await EventuallyAsync(async () => await RemoteVideoAsync(lille, "Leçon de test") is not null, "the Create after the restart", seconds: 90);
        await EventuallyAsync(async () => await CountAsync(lyon,
            $"SELECT COUNT(*) FROM video_files WHERE video_id = {videoId} AND torrent_name IS NULL") == 0, "the torrents", seconds: 60);
        // The Create may now go before the publication job is retried: the torrents' start-up sweep completes the video first.
        await EventuallyAsync(async () => (await PublishedJobAsync(lyon, videoId)).State == JobState.Completed, "the retried publication job", seconds: 60);
        var job = await PublishedJobAsync(lyon, videoId);
        Assert.That((job.State, job.Attempts), Is.EqualTo((JobState.Completed, 2)), "the killed attempt's job, taken up again");
        Assert.That(await CreatesAsync(lyon, url), Has.Length.EqualTo(1).And.All.StartsWith(lille.BaseUrl), "one Create to the follower");
    }

    [TestCase(DbKind.Sqlite)]
    [TestCase(DbKind.Postgres)]
    public async Task Listener_failing_once_is_retried_and_the_follower_is_sent_one_Create(DbKind kind)
    {
        FfmpegTool.RequireFfmpeg();
        // Last in line: federation and torrents have done their part when it throws, and run again on the retry.
        var flaky = new FailsOnceListener();
        await using var lyon = await StartAsync(kind, s => s.AddSingleton<IVideoChangeListener>(flaky));
        await using var lille = await StartAsync(kind);
        await FollowAsync(lille, lyon);

        var (videoId, url) = await UploadAsync(lyon);
        await EventuallyAsync(async () => await RemoteVideoAsync(lille, "Leçon de test") is not null, "the Create", seconds: 90);
        await EventuallyAsync(async () => (await PublishedJobAsync(lyon, videoId)).State == JobState.Completed, "the retried notification", seconds: 60);
        await EventuallyAsync(async () => await CountAsync(lyon,
            $"SELECT COUNT(*) FROM video_files WHERE video_id = {videoId} AND torrent_name IS NULL") == 0, "the torrents", seconds: 60);

        Assert.That(flaky.Calls, Is.EqualTo(2));
        var job = await PublishedJobAsync(lyon, videoId);
        Assert.That(job.Attempts, Is.EqualTo(2));
        Assert.That(job.LastError, Does.Contain("transient failure"), "the failure is visible on the job");
        Assert.That(await CreatesAsync(lyon, url), Has.Length.EqualTo(1).And.All.StartsWith(lille.BaseUrl), "one Create to the follower");
        // Torrents are made once: the second torrent job finds every file done.
        var torrents = lyon.Services.GetRequiredService<VideoPlatform.Core.Storage.MediaStore>();
        var names = await lyon.Services.GetRequiredService<Database>().ReadAsync(async c =>
            (await c.QueryAsync<string>("SELECT torrent_name FROM video_files WHERE video_id = @videoId", new { videoId })).AsList());
        Assert.That(names.All(n => File.Exists(torrents.TorrentPath(n))), Is.True);
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(torrents.TorrentPath(names[0]))!, "*.torrent"), Has.Length.EqualTo(names.Count));
    }

    /// <summary>A real upload of a 2-second clip; the transcode publishes it.</summary>
    internal static async Task<(long Id, string Url)> UploadAsync(TestInstance instance)
    {
        using var admin = instance.Authed(await instance.TokenAsync());
        var clip = await Uploader.ClipAsync(Path.Combine(instance.Database.Folder, "clips"), "lesson.mp4", seconds: 2, size: "320x240");
        var video = await Uploader.UploadAsync(admin, await Uploader.ChannelIdAsync(admin), clip);
        return (video.GetProperty("id").GetInt64(), LocalUrls.Video(instance.BaseUrl, video.GetProperty("uuid").GetString()!));
    }

    private static Task<JobRow> PublishedJobAsync(TestInstance instance, long videoId) =>
        instance.Services.GetRequiredService<Database>().ReadAsync(c => c.QuerySingleAsync<JobRow>(
            "SELECT * FROM jobs WHERE type = @type AND ordering_key = @key", new { type = VideoPublishedJob.JobType, key = VideoPublishedJob.OrderingKey(videoId) }));

    /// <summary>The inboxes that deliveries of the video's Create were queued for, one entry per delivery job.</summary>
    private static async Task<string[]> CreatesAsync(TestInstance instance, string videoUrl)
    {
        var payloads = await instance.Services.GetRequiredService<Database>().ReadAsync(c => c.QueryAsync<string>("SELECT payload FROM jobs WHERE type = @type ORDER BY id", new { type = DeliveryJob.JobType }));
        return payloads.Select(p => JsonSerializer.Deserialize<DeliveryJob>(p, JsonSerializerOptions.Web)!)
            .Where(p =>
            {
                using var body = JsonDocument.Parse(p.Body);
                return body.RootElement.GetProperty("type").GetString() == "Create"
                    && body.RootElement.GetProperty("object").GetProperty("id").GetString() == videoUrl;
            })
            .Select(p => p.Inbox)
            .ToArray();
    }

    /// <summary>Its first notification hangs until the process is stopped: the process dies with the notification under way.</summary>
    private sealed class HangsOnceListener : IVideoChangeListener
    {
        private int _calls;

        public TaskCompletionSource<long> Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task OnPublishedAsync(long videoId, CancellationToken ct)
        {
            if (Interlocked.Increment(ref _calls) == 1)
            {
                Entered.TrySetResult(videoId);
                await Task.Delay(Timeout.Infinite, ct);
            }
        }
    }

    /// <summary>Throws on its first notification, as a transient database error would.</summary>
    private sealed class FailsOnceListener : IVideoChangeListener
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task OnPublishedAsync(long videoId, CancellationToken ct) =>
            Interlocked.Increment(ref _calls) == 1 ? throw new InvalidOperationException("transient failure") : Task.CompletedTask;
    }
}
