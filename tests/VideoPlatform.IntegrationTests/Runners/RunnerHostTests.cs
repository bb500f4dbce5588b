using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VideoPlatform.Api;
using VideoPlatform.Core.Data;

namespace VideoPlatform.IntegrationTests.Runners;

/// <summary>The runner process's composition: no database, no media store, and a clear error for a missing setting.</summary>
[TestFixture]
[Category("Http")]
public sealed class RunnerHostTests
{
    [Test]
    public async Task A_runner_is_composed_without_database_or_media_store()
    {
        await using var app = VideoPlatformApp.Build(["--Roles", "runner", "--urls", "http://127.0.0.1:0", "--Runner:InstanceUrl", "http://127.0.0.1:1"]);
        Assert.That(app.Services.GetService<Database>(), Is.Null);
        Assert.That(app.Services.GetService<VideoPlatform.Core.Storage.MediaStore>(), Is.Null);
        Assert.That(app.Services.GetService<VideoPlatform.Transcoder.HlsPipeline>(), Is.Not.Null, "the same ffmpeg ladder as the in-process worker");
    }

    [TestCase("--Runner:InstanceUrl", "", "Runner:InstanceUrl")]
    [TestCase("--Runner:InstanceUrl", "ftp://videos.ac-lyon.fr", "Runner:InstanceUrl")]
    [TestCase("--Runner:Threads", "0", "Runner:Threads")]
    public async Task A_runner_with_a_wrong_setting_refuses_to_start_naming_it(string key, string value, string named)
    {
        string[] args = ["--Roles", "runner", "--urls", "http://127.0.0.1:0", "--Runner:InstanceUrl", "http://127.0.0.1:1", key, value];
        await using var app = VideoPlatformApp.Build(args);
        var error = Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.That(error!.Message, Does.Contain(named));
    }
}

/// <summary>A runner machine shut down mid-transcode: another runner finishes the job, once (SQLite: nothing here depends on the database).</summary>
[TestFixture]
[Category("Http")]
[Category("Ffmpeg")]
[NonParallelizable]
public sealed class RunnerKilledTests
{
    [Test]
    public async Task A_runner_killed_mid_transcode_is_replaced_and_the_video_is_published_once()
    {
        Transcoder.FfmpegTool.RequireFfmpeg();
        await using var instance = await Infrastructure.TestInstance.StartAsync(Infrastructure.DbKind.Sqlite, "--Roles", "web",
            "--Transcoding:RemoteRunners:Enabled", "true", "--Transcoding:RemoteRunners:Lease", "00:00:02");
        using var admin = instance.Authed(await instance.TokenAsync());
        using var teacher = await instance.CreateUserAsync("teacher");
        using var generated = await admin.PostAsync("/api/v1/runners/registration-tokens/generate", null);
        var token = (await generated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("registrationToken").GetString()!;
        var clip = await Media.Uploader.ClipAsync(Path.Combine(instance.Database.Folder, "clips"), "lesson.mp4", seconds: 4, size: "426x240");

        await using var killed = await RunnerProcess.StartAsync(instance.BaseUrl, token, Path.Combine(instance.Database.Folder, "killed"), "killed");
        var uploaded = await Media.Uploader.UploadAsync(teacher, await Media.Uploader.ChannelIdAsync(teacher), clip);
        var uuid = uploaded.GetProperty("uuid").GetString()!;
        var videoId = uploaded.GetProperty("id").GetInt64();
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (true)
        {
            var current = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/runners")).GetProperty("data").EnumerateArray()
                .Single(r => r.GetProperty("name").GetString() == "killed").GetProperty("currentJob");
            // Killed as soon as it holds the job (downloading the source or encoding it).
            if (current.ValueKind == JsonValueKind.Object)
            {
                break;
            }
            Assert.That(DateTimeOffset.UtcNow, Is.LessThan(deadline), "the runner takes the job");
            await Task.Delay(50);
        }
        await killed.KillAsync();

        await using var replacement = await RunnerProcess.StartAsync(instance.BaseUrl, token, Path.Combine(instance.Database.Folder, "replacement"), "replacement");
        var published = await Media.Uploader.WaitForStateAsync(teacher, uuid, 1, TimeSpan.FromSeconds(120));
        var hls = published.GetProperty("streamingPlaylists")[0].GetProperty("files").GetArrayLength();
        var db = instance.Services.GetRequiredService<Database>();
        var (files, jobs) = await db.ReadAsync(async c => (
            await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM video_files WHERE video_id = @videoId", new { videoId }),
            await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM jobs WHERE ordering_key = @key AND state = 2", new { key = $"transcode:{videoId}" })));
        Assert.That(files, Is.EqualTo(hls + published.GetProperty("files").GetArrayLength()), "published once");
        Assert.That(jobs, Is.EqualTo(1));
        var done = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/runners")).GetProperty("data").EnumerateArray()
            .ToDictionary(r => r.GetProperty("name").GetString()!, r => r.GetProperty("jobsDone").GetInt32());
        Assert.That((done["killed"], done["replacement"]), Is.EqualTo((0, 1)));
    }
}
