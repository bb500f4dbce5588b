using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Api;
using VideoPlatform.Core.Data;
using VideoPlatform.Core.Jobs;
using VideoPlatform.IntegrationTests.Infrastructure;
using VideoPlatform.IntegrationTests.Media;
using VideoPlatform.IntegrationTests.Transcoder;

namespace VideoPlatform.IntegrationTests.Runners;

/// <summary>
/// Remote runners: an instance without the transcoder role offers its transcode jobs to runners; a runner is the same
/// executable built with only <c>--Roles runner</c>, an empty folder of its own and no database settings, talking HTTP only.
/// </summary>
[TestFixture(DbKind.Sqlite)]
[TestFixture(DbKind.Postgres)]
[Category("Http")]
[Category("Ffmpeg")]
[Category("Db")]
[NonParallelizable]
public sealed class RunnerTests(DbKind kind)
{
    private TestInstance _instance = null!;
    private HttpClient _admin = null!;
    private HttpClient _teacher = null!;
    private long _channelId;
    private string _clip = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        FfmpegTool.RequireFfmpeg();
        _instance = await TestInstance.StartAsync(kind, "--Roles", "web,federation,p2p",
            "--Transcoding:RemoteRunners:Enabled", "true", "--Transcoding:RemoteRunners:Lease", "00:00:02");
        _admin = _instance.Authed(await _instance.TokenAsync());
        _teacher = await _instance.CreateUserAsync("teacher");
        _channelId = await Uploader.ChannelIdAsync(_teacher);
        _clip = await Uploader.ClipAsync(Path.Combine(_instance.Database.Folder, "clips"), "lesson.mp4", seconds: 2, size: "426x240");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _admin?.Dispose();
        _teacher?.Dispose();
        if (_instance is not null)
        {
            await _instance.DisposeAsync();
        }
    }

    [Test]
    public async Task A_runner_with_no_database_and_its_own_empty_folder_transcodes_an_upload_to_published()
    {
        var token = await GenerateTokenAsync();
        var tokens = await _admin.GetFromJsonAsync<JsonElement>("/api/v1/runners/registration-tokens");
        var listed = tokens.GetProperty("data").EnumerateArray().Single(t => t.GetProperty("id").GetInt64() == token.Id);
        Assert.That(listed.GetProperty("registrationToken").ValueKind, Is.EqualTo(JsonValueKind.Null), "stored hashed: shown only when generated");

        var folder = Path.Combine(_instance.Database.Folder, "runner-a");
        Assert.That(Directory.Exists(folder), Is.False);
        await using var runner = await RunnerProcess.StartAsync(_instance.BaseUrl, token.Token, folder, "runner-a");
        using (var api = await runner.Http.GetAsync("/api/v1/videos"))
        {
            Assert.That(api.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "a runner serves only /health");
        }

        var uploaded = await Uploader.UploadAsync(_teacher, _channelId, _clip);
        var uuid = uploaded.GetProperty("uuid").GetString()!;
        var videoId = uploaded.GetProperty("id").GetInt64();
        var published = await Uploader.WaitForStateAsync(_teacher, uuid, 1, TimeSpan.FromSeconds(90));

        var playlist = published.GetProperty("streamingPlaylists")[0];
        var hls = playlist.GetProperty("files").GetArrayLength();
        Assert.That(hls, Is.GreaterThanOrEqualTo(1));
        Assert.That(published.GetProperty("files").GetArrayLength(),
            Is.EqualTo(playlist.GetProperty("files").EnumerateArray().Count(f => f.GetProperty("hasVideo").GetBoolean())),
            "web videos too (Transcoding:WebVideos), one per video rendition (the separate audio rendition has none)");
        Assert.That(playlist.GetProperty("files").EnumerateArray().Count(f => f.GetProperty("resolution").GetProperty("id").GetInt32() == 0), Is.EqualTo(1),
            "the runner sends the audio rendition back with the rungs");
        var master = await _instance.Http.GetStringAsync(new Uri(playlist.GetProperty("playlistUrl").GetString()!).PathAndQuery);
        Assert.That(master, Does.StartWith("#EXTM3U"));
        var sha = await _instance.Http.GetFromJsonAsync<JsonElement>(new Uri(playlist.GetProperty("segmentsSha256Url").GetString()!).PathAndQuery);
        Assert.That(sha.EnumerateObject().Count(), Is.EqualTo(hls));

        var job = await JobAsync(videoId);
        Assert.That((job.State, job.Attempts), Is.EqualTo((JobState.Completed, 1)));
        var runners = await _admin.GetFromJsonAsync<JsonElement>("/api/v1/runners");
        var me = runners.GetProperty("data").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "runner-a");
        Assert.That(me.GetProperty("jobsDone").GetInt32(), Is.EqualTo(1));
        Assert.That(me.GetProperty("jobsFailed").GetInt32(), Is.Zero);
        Assert.That(me.GetProperty("currentJob").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(me.GetProperty("lastContact").GetDateTimeOffset(), Is.GreaterThan(DateTimeOffset.UtcNow.AddMinutes(-1)));

        // The runner's folder holds its state only (work folders are removed); its token is stored hashed by the instance.
        // The runner removes its work folder once its success report has been answered, which may be just after the
        // video is seen published here: wait for that (bounded), then check.
        List<string> RunnerFiles() => Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (RunnerFiles().Count > 1 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        var files = RunnerFiles();
        Assert.That(files, Is.EqualTo(new[] { "runner.json" }));
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(Path.Combine(folder, "runner.json")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        }
        var state = JsonSerializer.Deserialize<JsonElement>(await File.ReadAllTextAsync(Path.Combine(folder, "runner.json")));
        var runnerToken = state.GetProperty("runnerToken").GetString()!;
        var stored = await Db.ReadAsync(c => c.ExecuteScalarAsync<string>("SELECT token_hash FROM runners WHERE name = 'runner-a'"));
        Assert.That(stored, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(runnerToken)))));
    }

    [Test]
    public async Task A_runner_that_stops_reporting_loses_the_job_to_another_runner_which_finishes_it_once()
    {
        var token = await GenerateTokenAsync();
        var stalled = await RegisterAsync(token.Token, "stalled");
        var uploaded = await Uploader.UploadAsync(_teacher, _channelId, _clip);
        var uuid = uploaded.GetProperty("uuid").GetString()!;
        var videoId = uploaded.GetProperty("id").GetInt64();

        // The stalled runner takes the job, downloads the source with its job token, reports once, and goes silent.
        var offered = await PostAsync("/api/v1/runners/jobs/request", new { runnerToken = stalled });
        var jobUuid = (await offered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("availableJobs").EnumerateArray()
            .Single(j => j.GetProperty("payload").GetProperty("input").GetProperty("videoUuid").GetString() == uuid).GetProperty("uuid").GetString()!;
        var accepted = await PostAsync($"/api/v1/runners/jobs/{jobUuid}/accept", new { runnerToken = stalled });
        Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var job = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("job");
        var jobToken = job.GetProperty("jobToken").GetString()!;
        var sourceUrl = new Uri(job.GetProperty("payload").GetProperty("input").GetProperty("videoFileUrl").GetString()!).PathAndQuery;
        Assert.That((await PostAsync($"/api/v1/runners/jobs/{jobUuid}/accept", new { runnerToken = stalled })).StatusCode, Is.EqualTo(HttpStatusCode.Conflict),
            "a held job is not offered twice");
        using (var source = await PostAsync(sourceUrl, new { runnerToken = stalled, jobToken }))
        {
            Assert.That(source.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await source.Content.ReadAsByteArrayAsync(), Is.EqualTo(await File.ReadAllBytesAsync(_clip)));
        }
        await AssertProblemAsync(await PostAsync(sourceUrl, new { runnerToken = stalled, jobToken = "ptjt-guessed" }), HttpStatusCode.Forbidden);
        Assert.That((await PostAsync($"/api/v1/runners/jobs/{jobUuid}/update", new { runnerToken = stalled, jobToken, progress = 10 })).StatusCode,
            Is.EqualTo(HttpStatusCode.NoContent));
        var during = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{uuid}");
        Assert.That(during.GetProperty("transcodingProgress").GetInt32(), Is.EqualTo(10));
        var runners = await _admin.GetFromJsonAsync<JsonElement>("/api/v1/runners");
        Assert.That(runners.GetProperty("data").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "stalled")
            .GetProperty("currentJob").GetProperty("uuid").GetString(), Is.EqualTo(jobUuid));

        // A real runner takes the job once the stalled one's lease (2 s) has expired, and publishes it.
        await using (var second = await RunnerProcess.StartAsync(_instance.BaseUrl, token.Token, Path.Combine(_instance.Database.Folder, "runner-b"), "runner-b"))
        {
            var published = await Uploader.WaitForStateAsync(_teacher, uuid, 1, TimeSpan.FromSeconds(90));
            var hls = published.GetProperty("streamingPlaylists")[0].GetProperty("files").GetArrayLength();
            var files = await Db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM video_files WHERE video_id = @videoId", new { videoId }));
            Assert.That(files, Is.EqualTo(hls + published.GetProperty("files").GetArrayLength()), "published once");
        }

        // The stalled runner comes back too late: every report about the job is refused.
        await AssertProblemAsync(await PostAsync($"/api/v1/runners/jobs/{jobUuid}/update", new { runnerToken = stalled, jobToken, progress = 50 }), HttpStatusCode.Conflict);
        await AssertProblemAsync(await PostAsync($"/api/v1/runners/jobs/{jobUuid}/error", new { runnerToken = stalled, jobToken, message = "late" }), HttpStatusCode.Conflict);
        using (var late = new MultipartFormDataContent())
        {
            late.Add(new StringContent(stalled), "runnerToken");
            late.Add(new StringContent(jobToken), "jobToken");
            late.Add(new StringContent("{}"), "payload");
            await AssertProblemAsync(await _instance.Http.PostAsync($"/api/v1/runners/jobs/{jobUuid}/success", late), HttpStatusCode.Conflict);
        }
        var done = await JobAsync(videoId);
        Assert.That((done.State, done.Attempts), Is.EqualTo((JobState.Completed, 2)), "one job, taken up again once");
        Assert.That(await Db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM jobs WHERE ordering_key = @key", new { key = $"transcode:{videoId}" })),
            Is.EqualTo(1));
        var counters = (await _admin.GetFromJsonAsync<JsonElement>("/api/v1/runners")).GetProperty("data").EnumerateArray()
            .ToDictionary(r => r.GetProperty("name").GetString()!, r => r.GetProperty("jobsDone").GetInt32());
        Assert.That((counters["stalled"], counters["runner-b"]), Is.EqualTo((0, 1)));
    }

    [Test]
    public async Task An_aborted_job_goes_back_at_once_and_a_permanent_error_fails_the_video_with_its_reason()
    {
        var token = await GenerateTokenAsync();
        var runner = await RegisterAsync(token.Token, "aborter");
        var uploaded = await Uploader.UploadAsync(_teacher, _channelId, _clip);
        var uuid = uploaded.GetProperty("uuid").GetString()!;
        var videoId = uploaded.GetProperty("id").GetInt64();
        var jobUuid = await OfferedJobAsync(runner, uuid);

        var first = await AcceptAsync(jobUuid, runner);
        Assert.That((await PostAsync($"/api/v1/runners/jobs/{jobUuid}/abort", new { runnerToken = runner, jobToken = first, reason = "maintenance" })).StatusCode,
            Is.EqualTo(HttpStatusCode.NoContent));
        var aborted = await JobAsync(videoId);
        Assert.That((aborted.State, aborted.Attempts), Is.EqualTo((JobState.Pending, 0)), "back in the queue at once, the attempt given back");
        Assert.That(aborted.LastError, Does.Contain("maintenance"));
        await AssertProblemAsync(await PostAsync($"/api/v1/runners/jobs/{jobUuid}/update", new { runnerToken = runner, jobToken = first, progress = 5 }),
            HttpStatusCode.Forbidden);

        var second = await AcceptAsync(jobUuid, runner);
        await AssertProblemAsync(await PostAsync($"/api/v1/runners/jobs/{jobUuid}/update", new { runnerToken = runner, jobToken = first, progress = 5 }),
            HttpStatusCode.Forbidden);
        Assert.That((await PostAsync($"/api/v1/runners/jobs/{jobUuid}/error",
            new { runnerToken = runner, jobToken = second, message = "Flux vidéo illisible", permanent = true })).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        var failed = await JobAsync(videoId);
        Assert.That(failed.State, Is.EqualTo(JobState.Failed));
        var video = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{uuid}");
        Assert.That(video.GetProperty("state").GetProperty("id").GetInt32(), Is.EqualTo(7), "transcoding failed");
        await AssertProblemAsync(await PostAsync($"/api/v1/runners/jobs/{jobUuid}/update", new { runnerToken = runner, jobToken = second, progress = 50 }),
            HttpStatusCode.Conflict);
        var me = (await _admin.GetFromJsonAsync<JsonElement>("/api/v1/runners")).GetProperty("data").EnumerateArray()
            .Single(r => r.GetProperty("name").GetString() == "aborter");
        Assert.That((me.GetProperty("jobsDone").GetInt32(), me.GetProperty("jobsFailed").GetInt32()), Is.EqualTo((0, 1)));
    }

    [Test]
    public async Task Wrong_or_deleted_tokens_are_refused()
    {
        await AssertProblemAsync(await PostAsync("/api/v1/runners/register", new { registrationToken = "ptrrt-wrong", name = "intruder" }), HttpStatusCode.Unauthorized);
        await AssertProblemAsync(await PostAsync("/api/v1/runners/jobs/request", new { runnerToken = "ptrt-wrong" }), HttpStatusCode.Unauthorized);
        await AssertProblemAsync(await PostAsync("/api/v1/runners/jobs/request", new { }), HttpStatusCode.Unauthorized);
        await AssertProblemAsync(await _instance.Http.PostAsync("/api/v1/runners/registration-tokens/generate", null), HttpStatusCode.Unauthorized);
        await AssertProblemAsync(await _teacher.GetAsync("/api/v1/runners"), HttpStatusCode.Forbidden);

        // A deleted registration token takes its runners with it.
        var first = await GenerateTokenAsync();
        var runner = await RegisterAsync(first.Token, "short-lived");
        Assert.That((await PostAsync("/api/v1/runners/jobs/request", new { runnerToken = runner })).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await AssertProblemAsync(await PostAsync("/api/v1/runners/register", new { registrationToken = first.Token, name = "short-lived" }), HttpStatusCode.BadRequest);
        Assert.That((await _admin.DeleteAsync($"/api/v1/runners/registration-tokens/{first.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await AssertProblemAsync(await PostAsync("/api/v1/runners/jobs/request", new { runnerToken = runner }), HttpStatusCode.Unauthorized);
        await AssertProblemAsync(await PostAsync("/api/v1/runners/register", new { registrationToken = first.Token, name = "again" }), HttpStatusCode.Unauthorized);
        await AssertProblemAsync(await _admin.DeleteAsync($"/api/v1/runners/registration-tokens/{first.Id}"), HttpStatusCode.NotFound);

        // So does a deleted runner, and an unregistered one.
        var second = await GenerateTokenAsync();
        var deleted = await RegisterAsync(second.Token, "deleted");
        var id = (await _admin.GetFromJsonAsync<JsonElement>("/api/v1/runners")).GetProperty("data").EnumerateArray()
            .Single(r => r.GetProperty("name").GetString() == "deleted").GetProperty("id").GetInt64();
        Assert.That((await _admin.DeleteAsync($"/api/v1/runners/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await AssertProblemAsync(await PostAsync("/api/v1/runners/jobs/request", new { runnerToken = deleted }), HttpStatusCode.Unauthorized);
        var leaving = await RegisterAsync(second.Token, "leaving");
        Assert.That((await PostAsync("/api/v1/runners/unregister", new { runnerToken = leaving })).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await AssertProblemAsync(await PostAsync("/api/v1/runners/jobs/request", new { runnerToken = leaving }), HttpStatusCode.Unauthorized);

        // A valid runner still gets clear answers about jobs it cannot have.
        var valid = await RegisterAsync(second.Token, "valid");
        await AssertProblemAsync(await PostAsync("/api/v1/runners/jobs/not-a-uuid/accept", new { runnerToken = valid }), HttpStatusCode.NotFound);
        await AssertProblemAsync(await PostAsync("/api/v1/runners/jobs/00000000-0000-4000-8000-0000000f4240/update",
            new { runnerToken = valid, jobToken = "ptjt-x", progress = 5 }), HttpStatusCode.NotFound);
        await AssertProblemAsync(await PostAsync("/api/v1/runners/jobs/00000000-0000-4000-8000-0000000f4240/update",
            new { runnerToken = valid, jobToken = "ptjt-x", progress = 500 }), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await PostAsync("/api/v1/runners/jobs/00000000-0000-4000-8000-0000000f4240/success", new { runnerToken = valid }),
            HttpStatusCode.BadRequest);
        using var health = await _instance.Http.GetAsync("/health");
        Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    private Database Db => _instance.Services.GetRequiredService<Database>();

    private Task<JobRow> JobAsync(long videoId) => Db.ReadAsync(c => c.QuerySingleAsync<JobRow>(
        "SELECT * FROM jobs WHERE ordering_key = @key", new { key = $"transcode:{videoId}" }));

    private async Task<(long Id, string Token)> GenerateTokenAsync()
    {
        using var response = await _admin.PostAsync("/api/v1/runners/registration-tokens/generate", null);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var token = body.GetProperty("registrationToken").GetString()!;
        Assert.That(token, Does.StartWith("ptrrt-"));
        return (body.GetProperty("id").GetInt64(), token);
    }

    private async Task<string> RegisterAsync(string registrationToken, string name)
    {
        using var response = await PostAsync("/api/v1/runners/register", new { registrationToken, name, description = "test" });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runnerToken").GetString()!;
    }

    private async Task<string> OfferedJobAsync(string runnerToken, string videoUuid)
    {
        using var offered = await PostAsync("/api/v1/runners/jobs/request", new { runnerToken });
        return (await offered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("availableJobs").EnumerateArray()
            .Single(j => j.GetProperty("payload").GetProperty("input").GetProperty("videoUuid").GetString() == videoUuid).GetProperty("uuid").GetString()!;
    }

    private async Task<string> AcceptAsync(string jobUuid, string runnerToken)
    {
        using var accepted = await PostAsync($"/api/v1/runners/jobs/{jobUuid}/accept", new { runnerToken });
        Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.OK), await accepted.Content.ReadAsStringAsync());
        return (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("job").GetProperty("jobToken").GetString()!;
    }

    private Task<HttpResponseMessage> PostAsync(string path, object body) => _instance.Http.PostAsJsonAsync(path, body);

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.That(response.StatusCode, Is.EqualTo(status), body);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), body);
            Assert.That(JsonSerializer.Deserialize<JsonElement>(body).GetProperty("detail").GetString(), Is.Not.Empty);
        }
    }
}
