using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Stats;
using VideoPlatform.Core.Storage;
using VideoPlatform.IntegrationTests.Api;
using VideoPlatform.IntegrationTests.Infrastructure;

namespace VideoPlatform.IntegrationTests.Stats;

/// <summary>
/// The instance's own load history on one SQLite instance (database-independent logic; the SQL of both dialects runs in
/// <see cref="StatsSqlTests"/>): lesson statistics from API-driven heartbeats, series that survive a restart, an alert on
/// a lowered threshold that reaches a webhook on 127.0.0.1, PeerTube's server stats, and the dashboard page.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class LoadHistoryTests
{
    private TestInstance _instance = null!;
    private WebApplication _webhook = null!;
    private readonly ConcurrentQueue<JsonElement> _alerts = new();
    private HttpClient _teacher = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _webhook = builder.Build();
        _webhook.MapPost("/alerts", async (HttpRequest request) =>
        {
            _alerts.Enqueue(await request.ReadFromJsonAsync<JsonElement>());
            return Results.NoContent();
        });
        await _webhook.StartAsync();
        var hook = _webhook.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        // A link of 1 bit/s: the first media byte served puts egress over the threshold.
        _instance = await TestInstance.StartAsync(DbKind.Sqlite, "--Instance:UplinkMbps", "0.000001", "--Alerts:WebhookUrl", hook + "/alerts");
        _teacher = await _instance.CreateUserAsync("teacher", "teacher-password");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _teacher.Dispose();
        await _instance.DisposeAsync();
        await _webhook.DisposeAsync();
    }

    /// <summary>A browser session (cookie) of that user, for the pages.</summary>
    private async Task<WebForms> SignedInAsync(string username, string password)
    {
        var browser = new WebForms(_instance.Http);
        (await browser.LoginAsync(username, password)).Dispose();
        return browser;
    }

    private static async Task<(HttpStatusCode Status, string Body)> PageAsync(WebForms browser, string path)
    {
        using var response = await browser.SendAsync(HttpMethod.Get, path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private Task FlushAsync() => _instance.Services.GetRequiredService<StatsFlusher>().FlushAsync(CancellationToken.None);

    private async Task HeartbeatAsync(string uuid, string session, int time, string? viewEvent = null, long? p2pBytes = null)
    {
        using var response = await _instance.Http.PostAsJsonAsync($"/api/v1/videos/{uuid}/views", new { currentTime = time, viewEvent, sessionId = session, p2pBytes });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Retention_overall_and_timeseries_of_a_lesson_with_one_viewer_who_stopped_at_half()
    {
        var video = await _instance.SeedVideoAsync("teacher_channel", "Leçon de retention"); // 10 s long
        foreach (var t in new[] { 0, 3, 6, 9 })
        {
            await HeartbeatAsync(video.Uuid, "full", t);
        }
        foreach (var t in new[] { 0, 2, 4 })
        {
            await HeartbeatAsync(video.Uuid, "half", t);
        }
        await FlushAsync();

        var counted = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{video.Uuid}");
        Assert.That(counted.GetProperty("views").GetInt64(), Is.EqualTo(1), "one view per IP and window, counted from the heartbeat 3 s in");

        var retention = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{video.Uuid}/stats/retention");
        var data = retention.GetProperty("data").EnumerateArray().ToList();
        Assert.That(data, Has.Count.EqualTo(10));
        Assert.That(data.Select(p => p.GetProperty("second").GetInt32()), Is.EqualTo(Enumerable.Range(0, 10)));
        Assert.That(data.Take(5).Select(p => p.GetProperty("retentionPercent").GetDouble()), Is.All.EqualTo(100), "both watched the first half");
        Assert.That(data.Skip(5).Select(p => p.GetProperty("retentionPercent").GetDouble()), Is.All.EqualTo(50), "one of two stopped at half");

        var overall = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{video.Uuid}/stats/overall");
        Assert.That(overall.GetProperty("totalViewers").GetInt32(), Is.EqualTo(2));
        Assert.That(overall.GetProperty("totalWatchTime").GetDouble(), Is.EqualTo(13), "9 s + 4 s");
        Assert.That(overall.GetProperty("averageWatchTime").GetDouble(), Is.EqualTo(6.5));
        Assert.That(overall.GetProperty("viewersPeak").GetInt32(), Is.EqualTo(2));
        Assert.That(overall.GetProperty("countries").GetArrayLength(), Is.Zero);

        var viewers = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{video.Uuid}/stats/timeseries/viewers");
        Assert.That(viewers.GetProperty("groupInterval").GetString(), Is.EqualTo("1 minute"));
        Assert.That(viewers.GetProperty("data").EnumerateArray().Max(p => p.GetProperty("value").GetDouble()), Is.EqualTo(2));
        var watch = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{video.Uuid}/stats/timeseries/aggregateWatchTime");
        Assert.That(watch.GetProperty("data").EnumerateArray().Sum(p => p.GetProperty("value").GetDouble()), Is.EqualTo(13));

        // The page of "Mes vidéos" shows the same figures.
        var (status, page) = await PageAsync(await SignedInAsync("teacher", "teacher-password"), $"/my-library/videos/{video.Uuid}/stats");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(page, Does.Contain("data-viewers=\"2\""));
        Assert.That(page, Does.Contain("data-chart="));
    }

    [Test]
    public async Task Video_stats_are_for_the_owner_and_refuse_bad_input()
    {
        var video = await _instance.SeedVideoAsync("teacher_channel", "Leçon privée de stats");
        using var other = await _instance.CreateUserAsync("other_student");
        using (var anonymous = await _instance.Http.GetAsync($"/api/v1/videos/{video.Uuid}/stats/overall"))
        {
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }
        using (var forbidden = await other.GetAsync($"/api/v1/videos/{video.Uuid}/stats/retention"))
        {
            Assert.That(forbidden.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(forbidden.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        }
        Assert.That((await PageAsync(await SignedInAsync("other_student", "password123"), $"/my-library/videos/{video.Uuid}/stats")).Status, Is.EqualTo(HttpStatusCode.NotFound));
        using (var metric = await _teacher.GetAsync($"/api/v1/videos/{video.Uuid}/stats/timeseries/bogus"))
        {
            Assert.That(metric.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        }
        using (var dates = await _teacher.GetAsync($"/api/v1/videos/{video.Uuid}/stats/overall?startDate=2026-12-01&endDate=2026-11-01"))
        {
            Assert.That(dates.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        }
        using (var missing = await _teacher.GetAsync("/api/v1/videos/00000000-0000-0000-0000-000000000000/stats/overall"))
        {
            Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }
        foreach (var body in new object[] { new { viewEvent = "seek" }, new { currentTime = -1 }, new { currentTime = 1, viewEvent = "pause" },
                     new { currentTime = 1, sessionId = "bad id!" }, new { currentTime = 1, p2pBytes = -5 }, new { currentTime = 3600 } })
        {
            using var bad = await _instance.Http.PostAsJsonAsync($"/api/v1/videos/{video.Uuid}/views", body);
            Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), JsonSerializer.Serialize(body));
        }
        using var notJson = await _instance.Http.PostAsync($"/api/v1/videos/{video.Uuid}/views", new StringContent("{", System.Text.Encoding.UTF8, "application/json"));
        Assert.That(notJson.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        // The player's first heartbeat (playback starts) is not yet a view; one a few seconds in is.
        var fresh = await _instance.SeedVideoAsync("teacher_channel", "Leçon vue plus tard");
        await HeartbeatAsync(fresh.Uuid, "late", 0);
        Assert.That((await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{fresh.Uuid}")).GetProperty("views").GetInt64(), Is.Zero);
        await HeartbeatAsync(fresh.Uuid, "late", 4);
        Assert.That((await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{fresh.Uuid}")).GetProperty("views").GetInt64(), Is.EqualTo(1));
        using var bare = await _instance.Http.PostAsync($"/api/v1/videos/{video.Uuid}/views", null);
        Assert.That(bare.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), "a bare view (PeerTube clients before heartbeats) still counts");
    }

    [Test]
    public async Task Series_survive_a_restart()
    {
        var stats = _instance.Services.GetRequiredService<StatsRepository>();
        var video = await _instance.SeedVideoAsync("teacher_channel", "Leçon avant redémarrage");
        await HeartbeatAsync(video.Uuid, "before-restart", 1);
        await FlushAsync();
        var from = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
        var to = DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds();
        var requestsBefore = (await stats.SeriesAsync(StatMetrics.Requests, from, to, TimeSpan.FromHours(2), CancellationToken.None)).Sum(p => p.Value);
        Assert.That(requestsBefore, Is.GreaterThan(0));

        await _instance.StopAsync();
        await _instance.RestartAsync();
        stats = _instance.Services.GetRequiredService<StatsRepository>();
        var requestsAfter = (await stats.SeriesAsync(StatMetrics.Requests, from, to, TimeSpan.FromHours(2), CancellationToken.None)).Sum(p => p.Value);
        Assert.That(requestsAfter, Is.GreaterThanOrEqualTo(requestsBefore), "the minutes written before the restart are still there");
        var sections = await stats.SectionsAsync(video.Id, 0, to, CancellationToken.None);
        Assert.That(sections.Select(s => s.Viewer), Has.Some.EndsWith("|before-restart"));
        Assert.That(await stats.SeriesAsync(StatMetrics.StorageFree, from, to, TimeSpan.FromHours(2), CancellationToken.None), Is.Not.Empty);
    }

    [Test]
    public async Task An_egress_alert_on_a_lowered_threshold_reaches_the_webhook_the_log_and_the_banner()
    {
        var store = _instance.Services.GetRequiredService<MediaStore>();
        var name = Guid.NewGuid().ToString("N") + ".jpg";
        var path = store.ThumbnailPath(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, new byte[4096]);
        using (var image = await _instance.Http.GetAsync(MediaUrls.ThumbnailsPrefix + "/" + name))
        {
            Assert.That(image.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        await FlushAsync();

        var deadline = Stopwatch.StartNew();
        while (!_alerts.Any(a => a.GetProperty("alert").GetString() == "egress") && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }
        var received = _alerts.First(a => a.GetProperty("alert").GetString() == "egress");
        Assert.That(received.GetProperty("instance").GetString(), Is.EqualTo(_instance.BaseUrl));
        Assert.That(received.GetProperty("message").GetString(), Does.Contain("Mbit/s"));

        using var admin = _instance.Authed(await _instance.TokenAsync());
        var stats = await admin.GetFromJsonAsync<JsonElement>("/api/v1/server/stats");
        Assert.That(stats.GetProperty("load").GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("key").GetString()), Does.Contain("egress"));
        var metrics = await _instance.Http.GetStringAsync("/metrics");
        Assert.That(metrics, Does.Contain("videoplatform_alert_active{alert=\"egress\"} 1"));
    }

    [Test]
    public async Task Server_stats_have_PeerTube_fields_and_our_load()
    {
        var video = await _instance.SeedVideoAsync("teacher_channel", "Leçon pour les stats du serveur", views: 3);
        await HeartbeatAsync(video.Uuid, "server-stats", 2);
        var stats = await _instance.Http.GetFromJsonAsync<JsonElement>("/api/v1/server/stats");
        foreach (var field in new[] { "totalUsers", "totalDailyActiveUsers", "totalWeeklyActiveUsers", "totalMonthlyActiveUsers", "totalLocalVideos", "totalLocalVideoViews",
                     "totalLocalVideoFilesSize", "totalVideos", "totalLocalVideoChannels", "totalInstanceFollowers", "totalInstanceFollowing",
                     "totalActivityPubMessagesProcessed", "totalActivityPubMessagesWaiting", "videosRedundancy" })
        {
            Assert.That(stats.TryGetProperty(field, out _), Is.True, field);
        }
        Assert.That(stats.GetProperty("totalUsers").GetInt64(), Is.GreaterThanOrEqualTo(2));
        Assert.That(stats.GetProperty("totalDailyActiveUsers").GetInt64(), Is.GreaterThanOrEqualTo(1), "the teacher signed in");
        Assert.That(stats.GetProperty("totalLocalVideos").GetInt64(), Is.GreaterThanOrEqualTo(1));
        Assert.That(stats.GetProperty("totalLocalVideoViews").GetInt64(), Is.GreaterThanOrEqualTo(3));
        var load = stats.GetProperty("load");
        Assert.That(load.GetProperty("viewers").GetInt32(), Is.GreaterThanOrEqualTo(1));
        foreach (var field in new[] { "httpEgressBytesLastHour", "p2pBytesLastHour", "p2pShare", "transcodeQueueDepth", "transcodeQueueWaitSeconds", "deliveriesWaiting",
                     "unreachableServers", "storageUsedBytes", "storageFreeBytes", "alerts" })
        {
            Assert.That(load.TryGetProperty(field, out _), Is.True, field);
        }
    }

    [Test]
    public async Task The_dashboard_is_for_administrators_and_exports_every_series_as_csv()
    {
        var video = await _instance.SeedVideoAsync("teacher_channel", "Leçon du tableau de bord");
        await HeartbeatAsync(video.Uuid, "dash-a", 1);
        await HeartbeatAsync(video.Uuid, "dash-b", 1);
        await FlushAsync();
        Assert.That((await PageAsync(await SignedInAsync("teacher", "teacher-password"), "/admin/dashboard")).Status, Is.Not.EqualTo(HttpStatusCode.OK));
        var admin = await SignedInAsync("root", TestInstance.AdminPassword);
        foreach (var range in StatRange.All)
        {
            var (status, html) = await PageAsync(admin, "/admin/dashboard?range=" + range.Key);
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK), range.Key);
            Assert.That(html, Does.Contain("data-watching-now="), range.Key);
            Assert.That(html, Does.Contain("<table"), range.Key + ": tables for readers without JavaScript");
        }
        var (_, day) = await PageAsync(admin, "/admin/dashboard?range=1h");
        Assert.That(day, Does.Contain("Leçon du tableau de bord"), "top lessons");
        foreach (var metric in StatMetrics.All)
        {
            using var csv = await admin.SendAsync(HttpMethod.Get, $"/admin/dashboard?handler=csv&metric={metric.Name}&range=24h");
            Assert.That(csv.StatusCode, Is.EqualTo(HttpStatusCode.OK), metric.Name);
            Assert.That(csv.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/csv"));
            var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.That(lines[0], Is.EqualTo("time," + metric.Name));
            Assert.That(lines, Has.Length.GreaterThan(1), metric.Name + " has the minute just written");
        }
        var (_, viewersCsv) = await PageAsync(admin, "/admin/dashboard?handler=csv&metric=viewers&range=1h");
        Assert.That(viewersCsv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => double.Parse(l.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)),
            Has.Some.GreaterThanOrEqualTo(2));
        using var bad = await admin.SendAsync(HttpMethod.Get, "/admin/dashboard?handler=csv&metric=nope&range=24h");
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }
}
