using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.IntegrationTests.Infrastructure;
using VideoPlatform.IntegrationTests.Media;

namespace VideoPlatform.IntegrationTests.Live;

/// <summary>PeerTube's live API and its limits, on both databases (no stream: <see cref="LiveStreamingTests"/> pushes one).</summary>
[TestFixture(DbKind.Sqlite)]
[TestFixture(DbKind.Postgres)]
[Category("Http")]
[Category("Db")]
public partial class LiveApiTests(DbKind kind)
{
    private TestInstance _instance = null!;
    private HttpClient _teacher = null!;
    private long _channelId;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _instance = await TestInstance.StartAsync(kind, "--Live:Enabled", "true", "--Live:RtmpPort", "0", "--Live:RtmpAddress", "127.0.0.1",
            "--Live:MaxUserLives", "2", "--Live:Transcoding:Resolutions:0", "360");
        _teacher = await _instance.CreateUserAsync("prof");
        _channelId = await Uploader.ChannelIdAsync(_teacher);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _teacher?.Dispose();
        if (_instance is not null)
        {
            await _instance.DisposeAsync();
        }
    }

    [Test]
    public async Task Create_read_update_and_list_sessions_as_PeerTube()
    {
        using var created = await _teacher.PostAsJsonAsync("/api/v1/videos/live", new
        {
            channelId = _channelId, name = "Sortie au musée", privacy = 2, permanentLive = false, saveReplay = true,
            replaySettings = new { privacy = 3 }, latencyMode = 3, tags = new[] { "histoire" },
        });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.OK), await created.Content.ReadAsStringAsync());
        var ids = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("video");
        var id = ids.GetProperty("id").GetInt64();

        var live = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/live/{id}");
        var port = _instance.Services.GetRequiredService<VideoPlatform.Transcoder.Live.RtmpIngest>().BoundPort;
        Assert.That(live.GetProperty("rtmpUrl").GetString(), Is.EqualTo($"rtmp://127.0.0.1:{port}/live"));
        Assert.That(Guid.TryParse(live.GetProperty("streamKey").GetString(), out _), Is.True);
        Assert.That(live.GetProperty("saveReplay").GetBoolean(), Is.True);
        Assert.That(live.GetProperty("replaySettings").GetProperty("privacy").GetInt32(), Is.EqualTo(3));
        Assert.That(live.GetProperty("permanentLive").GetBoolean(), Is.False);
        Assert.That(live.GetProperty("latencyMode").GetInt32(), Is.EqualTo(3));

        var video = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{ids.GetProperty("uuid").GetString()}");
        Assert.That(video.GetProperty("isLive").GetBoolean(), Is.True);
        Assert.That(video.GetProperty("state").GetProperty("id").GetInt32(), Is.EqualTo(4));
        Assert.That(video.GetProperty("state").GetProperty("label").GetString(), Is.EqualTo("Waiting for livestream"));

        // Unlisted: anyone with the link sees the live's settings, never its key.
        var anonymous = await _instance.Http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/live/{id}");
        Assert.That(anonymous.TryGetProperty("streamKey", out _) || anonymous.TryGetProperty("rtmpUrl", out _), Is.False);

        using (var put = await _teacher.PutAsJsonAsync($"/api/v1/videos/live/{id}", new { permanentLive = true, saveReplay = false, latencyMode = 1 }))
        {
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await put.Content.ReadAsStringAsync());
        }
        var changed = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/live/{id}");
        Assert.That((changed.GetProperty("permanentLive").GetBoolean(), changed.GetProperty("saveReplay").GetBoolean(), changed.GetProperty("latencyMode").GetInt32()),
            Is.EqualTo((true, false, 1)));
        Assert.That(changed.GetProperty("streamKey").GetString(), Is.EqualTo(live.GetProperty("streamKey").GetString()), "the key is kept");

        var sessions = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/live/{id}/sessions");
        Assert.That(sessions.GetProperty("total").GetInt32(), Is.Zero);
        using var other = await _instance.CreateUserAsync("autre");
        using var forbidden = await other.GetAsync($"/api/v1/videos/live/{id}/sessions");
        Assert.That(forbidden.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        using var notYours = await other.PutAsJsonAsync($"/api/v1/videos/live/{id}", new { permanentLive = false });
        Assert.That(notYours.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));

        var config = await _instance.Http.GetFromJsonAsync<JsonElement>("/api/v1/config");
        Assert.That(config.GetProperty("live").GetProperty("enabled").GetBoolean(), Is.True);
        Assert.That(config.GetProperty("live").GetProperty("rtmp").GetProperty("port").GetInt32(), Is.EqualTo(port));
        Assert.That(config.GetProperty("live").GetProperty("maxUserLives").GetInt32(), Is.EqualTo(2));
    }

    [Test]
    public async Task Multipart_creation_as_PeerTube_clients_send_it()
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(_channelId.ToString(System.Globalization.CultureInfo.InvariantCulture)), "channelId" },
            { new StringContent("Réunion parents-professeurs"), "name" },
            { new StringContent("1"), "privacy" },
            { new StringContent("true"), "permanentLive" },
        };
        using var created = await _teacher.PostAsync("/api/v1/videos/live", form);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.OK), await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("video").GetProperty("id").GetInt64();
        var live = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/live/{id}");
        Assert.That(live.GetProperty("permanentLive").GetBoolean(), Is.True);
    }

    [TestCase("{\"name\":\"Cours\",\"latencyMode\":7}", HttpStatusCode.BadRequest, "latencyMode", TestName = "latency mode out of range")]
    [TestCase("{\"name\":\"Cours\",\"replaySettings\":{\"privacy\":9},\"saveReplay\":true}", HttpStatusCode.BadRequest, "replaySettings", TestName = "replay privacy out of range")]
    [TestCase("{\"name\":\"ab\"}", HttpStatusCode.BadRequest, "name", TestName = "name too short")]
    [TestCase("{\"name\":\"Cours\",\"channelId\":999999}", HttpStatusCode.BadRequest, "channel", TestName = "unknown channel")]
    [TestCase("{\"name\":", HttpStatusCode.BadRequest, "JSON", TestName = "malformed JSON")]
    public async Task Refuses_bad_input_with_a_problem(string json, HttpStatusCode status, string mentions)
    {
        var body = json.Contains("channelId", StringComparison.Ordinal) || !json.EndsWith('}') ? json : json[..^1] + $",\"channelId\":{_channelId}}}";
        using var response = await _teacher.PostAsync("/api/v1/videos/live", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.That(response.StatusCode, Is.EqualTo(status));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain(mentions).IgnoreCase);
    }

    [Test]
    public async Task Limits_lives_per_user_and_requires_authentication()
    {
        using var user = await _instance.CreateUserAsync("limite");
        var channel = await Uploader.ChannelIdAsync(user);
        for (var i = 0; i < 2; i++)
        {
            using var ok = await user.PostAsJsonAsync("/api/v1/videos/live", new { channelId = channel, name = $"Live {i}" });
            Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        using var third = await user.PostAsJsonAsync("/api/v1/videos/live", new { channelId = channel, name = "Live 3" });
        Assert.That(third.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await third.Content.ReadAsStringAsync(), Does.Contain("max user lives"));
        using var anonymous = await _instance.Http.PostAsJsonAsync("/api/v1/videos/live", new { channelId = channel, name = "Live" });
        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        using var notALive = await _instance.Http.GetAsync("/api/v1/videos/live/999999");
        Assert.That(notALive.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Limits_saved_by_the_administrator_apply_without_restart()
    {
        var settings = _instance.Services.GetRequiredService<VideoPlatform.Core.Settings.InstanceSettings>();
        var before = await settings.CurrentAsync();
        Assert.That(before.Live.MaxUserLives, Is.EqualTo(2), "the configuration's default");
        using var user = await _instance.CreateUserAsync("limite.admin");
        var channel = await Uploader.ChannelIdAsync(user);
        try
        {
            await settings.SaveAsync(before with { Live = before.Live with { MaxUserLives = 1, AllowReplay = false, Resolutions = [240, 480] } }, "root");
            var live = (await _instance.Http.GetFromJsonAsync<JsonElement>("/api/v1/config")).GetProperty("live");
            Assert.That(live.GetProperty("maxUserLives").GetInt32(), Is.EqualTo(1));
            Assert.That(live.GetProperty("transcoding").GetProperty("enabledResolutions").EnumerateArray().Select(r => r.GetInt32()), Is.EqualTo(new[] { 240, 480 }));
            using (var replay = await user.PostAsJsonAsync("/api/v1/videos/live", new { channelId = channel, name = "Avec rediffusion", saveReplay = true }))
            {
                Assert.That(replay.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "replays switched off");
            }
            using (var first = await user.PostAsJsonAsync("/api/v1/videos/live", new { channelId = channel, name = "Premier direct" }))
            {
                Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            }
            using (var second = await user.PostAsJsonAsync("/api/v1/videos/live", new { channelId = channel, name = "Second direct" }))
            {
                Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
                Assert.That(await second.Content.ReadAsStringAsync(), Does.Contain("max user lives"));
            }

            await settings.SaveAsync(before with { Live = before.Live with { Enabled = false } }, "root");
            using (var closed = await user.PostAsJsonAsync("/api/v1/videos/live", new { channelId = channel, name = "Directs fermés" }))
            {
                Assert.That(closed.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
                Assert.That(await closed.Content.ReadAsStringAsync(), Does.Contain("Live is not enabled"));
            }
            Assert.That((await _instance.Http.GetFromJsonAsync<JsonElement>("/api/v1/config")).GetProperty("live").GetProperty("enabled").GetBoolean(), Is.False);
        }
        finally
        {
            await settings.SaveAsync(before, "root");
        }
    }
}

/// <summary>An instance without Live:Enabled refuses lives as PeerTube does and starts no RTMP listener.</summary>
[Category("Http")]
public class LiveDisabledTests
{
    [Test]
    public async Task Refuses_lives_when_disabled()
    {
        await using var instance = await TestInstance.StartAsync(DbKind.Sqlite);
        using var teacher = await instance.CreateUserAsync("prof");
        using var response = await teacher.PostAsJsonAsync("/api/v1/videos/live", new { channelId = await Uploader.ChannelIdAsync(teacher), name = "Cours en direct" });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("Live is not enabled"));
        Assert.That(instance.Services.GetService<VideoPlatform.Transcoder.Live.RtmpIngest>(), Is.Null);
        var config = await instance.Http.GetFromJsonAsync<JsonElement>("/api/v1/config");
        Assert.That(config.GetProperty("live").GetProperty("enabled").GetBoolean(), Is.False);
    }
}
