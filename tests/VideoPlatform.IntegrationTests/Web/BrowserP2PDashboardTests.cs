using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Stats;

namespace VideoPlatform.IntegrationTests.Web;

/// <summary>
/// The dashboard seen while two students watch with P2P (on the lesson and instance of <see cref="BrowserP2PTests"/>, so
/// that no other clip is transcoded): 2 viewers now, and a P2P share of the bytes served that matches what the players
/// report; then the dashboard and the lesson statistics at 1280 and 390 px without console errors.
/// </summary>
public sealed partial class BrowserP2PTests
{
    [Test]
    public async Task The_dashboard_counts_two_viewers_and_the_p2p_share_the_players_report()
    {
        var flusher = _instance.Services.GetRequiredService<StatsFlusher>();
        var stats = _instance.Services.GetRequiredService<StatsRepository>();
        var recorder = _instance.Services.GetRequiredService<StatsRecorder>();
        async Task<(double Http, double P2P)> TotalsAsync()
        {
            await flusher.FlushAsync(CancellationToken.None);
            var from = DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeMilliseconds();
            var to = DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds();
            return ((await stats.SeriesAsync(StatMetrics.HttpMediaBytes, from, to, TimeSpan.FromDays(2), CancellationToken.None)).Sum(p => p.Value),
                (await stats.SeriesAsync(StatMetrics.P2PBytes, from, to, TimeSpan.FromDays(2), CancellationToken.None)).Sum(p => p.Value));
        }
        // Other tests of this fixture streamed too: this one compares what it adds.
        var before = await TotalsAsync();
        var peerBytesBefore = recorder.TotalP2PBytes;

        await using var first = await ViewerAsync();
        var seeder = await OpenAndBufferAllAsync(first);
        await using var second = await ViewerAsync();
        var viewer = await second.NewPageAsync();
        await PlayAsync(viewer, afterAPeer: true);
        await viewer.WaitForFunctionAsync("() => Number(document.querySelector('[data-player]').dataset.p2pFromPeers) > 0", null, new() { Timeout = 60_000, PollingInterval = 250 });

        await using var adminContext = await _chromium.ContextAsync(_instance.BaseUrl);
        adminContext.SetDefaultTimeout(60_000);
        var admin = await adminContext.NewPageAsync();
        var adminErrors = Chromium.WatchErrors(admin);
        await Chromium.LoginAsync(admin, "root", Infrastructure.TestInstance.AdminPassword);
        // The players of this fixture's other tests count for 30 s after their last heartbeat: wait until only ours remain.
        var sessions = _instance.Services.GetRequiredService<ViewerSessions>();
        var quiet = Stopwatch.StartNew();
        while (sessions.Watching() != 2 && quiet.Elapsed < TimeSpan.FromSeconds(45))
        {
            await Task.Delay(250);
        }
        await admin.GotoAsync("/admin/dashboard?range=1h");
        Assert.That(await admin.Locator("[data-watching-now]").GetAttributeAsync("data-watching-now"), Is.EqualTo("2"), "both players sent heartbeats");

        // Once the second player holds the whole lesson its counters are final; pausing sends them with a last heartbeat.
        await viewer.WaitForFunctionAsync(
            "() => { const v = document.querySelector('video'); return v.duration > 0 && v.buffered.length > 0 && v.buffered.end(v.buffered.length - 1) >= v.duration - 0.5; }",
            null, new() { Timeout = 60_000, PollingInterval = 250 });
        long fromPeers = 0, fromServer = 0;
        foreach (var page in new[] { seeder, viewer })
        {
            await page.EvaluateAsync("() => document.querySelector('video').pause()");
            var player = page.Locator("[data-player]");
            fromPeers += long.Parse((await player.GetAttributeAsync("data-p2p-from-peers"))!, CultureInfo.InvariantCulture);
            fromServer += long.Parse((await player.GetAttributeAsync("data-p2p-from-server"))!, CultureInfo.InvariantCulture);
        }
        Assert.That(fromPeers, Is.GreaterThan(0));
        var deadline = Stopwatch.StartNew();
        while (recorder.TotalP2PBytes - peerBytesBefore < fromPeers && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(100);
        }
        Assert.That(recorder.TotalP2PBytes - peerBytesBefore, Is.EqualTo(fromPeers), "the peer bytes the players reported pass the plausibility check whole");

        var after = await TotalsAsync();
        var http = after.Http - before.Http;
        var p2p = after.P2P - before.P2P;
        var serverShare = p2p / (http + p2p);
        var playerShare = (double)fromPeers / (fromPeers + fromServer);
        TestContext.Progress.WriteLine($"players: {fromPeers} B from peers, {fromServer} B from the server (share {playerShare:P1}); server: {p2p} B P2P, {http} B HTTP (share {serverShare:P1})");
        Assert.That(serverShare, Is.EqualTo(playerShare).Within(10).Percent, "the dashboard's P2P share matches the players'");

        await admin.GotoAsync("/admin/dashboard?range=1h");
        var shown = double.Parse((await admin.Locator("[data-p2p-share]").GetAttributeAsync("data-p2p-share"))!, CultureInfo.InvariantCulture);
        Assert.That(shown, Is.GreaterThan(0), "the page shows a P2P share");

        var uuid = _watchUrl[(_watchUrl.LastIndexOf('/') + 1)..];
        foreach (var width in (int[])[1280, 390])
        {
            await using var sized = await _chromium.ContextAsync(_instance.BaseUrl, width);
            sized.SetDefaultTimeout(60_000);
            var page = await sized.NewPageAsync();
            var errors = Chromium.WatchErrors(page);
            await Chromium.LoginAsync(page, "root", Infrastructure.TestInstance.AdminPassword);
            foreach (var (path, name) in new[] { ("/admin/dashboard?range=1h", "dashboard"), ($"/my-library/videos/{uuid}/stats", "lesson-stats") })
            {
                var response = await page.GotoAsync(path);
                Assert.That(response!.Status, Is.EqualTo(200), path);
                await Assertions.Expect(page.Locator(".chart-plot canvas").First).ToBeVisibleAsync();
                await Chromium.ScreenshotAsync(page, $"{name}-{width}");
                var overflow = await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > document.documentElement.clientWidth");
                Assert.That(overflow, Is.False, $"{path}: horizontal scroll at {width} px");
            }
            Assert.That(errors, Is.Empty, $"console errors at {width} px");
        }
        Assert.That(adminErrors, Is.Empty);
    }
}
