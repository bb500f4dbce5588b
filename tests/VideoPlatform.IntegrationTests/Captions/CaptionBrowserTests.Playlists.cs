using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using VideoPlatform.IntegrationTests.Infrastructure;
using VideoPlatform.IntegrationTests.Media;
using VideoPlatform.IntegrationTests.Web;

namespace VideoPlatform.IntegrationTests.Captions;

/// <summary>
/// A course sequence in Chromium, on the fixture's published lesson (no other clip to transcode): the lesson three times,
/// each element starting near its end, so that autoplay goes 1 → 2 → 3 through real "ended" events in a few seconds.
/// </summary>
public sealed partial class CaptionBrowserTests
{
    private string _sequenceUuid = null!;
    private string _sequenceShortUuid = null!;

    private async Task CreateSequenceAsync(HttpClient teacher)
    {
        var created = await teacher.PostAsJsonAsync("/api/v1/video-playlists",
            new { displayName = "Séquence 3 : les fractions", privacy = 1, videoChannelId = await Uploader.ChannelIdAsync(teacher) });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.OK), await created.Content.ReadAsStringAsync());
        var playlist = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("videoPlaylist");
        _sequenceUuid = playlist.GetProperty("uuid").GetString()!;
        _sequenceShortUuid = playlist.GetProperty("shortUUID").GetString()!;
        foreach (var start in new[] { 3, 3, 3 })
        {
            using var add = await teacher.PostAsJsonAsync($"/api/v1/video-playlists/{_sequenceUuid}/videos", new { videoId = _uuid, startTimestamp = start });
            Assert.That(add.StatusCode, Is.EqualTo(HttpStatusCode.OK), await add.Content.ReadAsStringAsync());
        }
    }

    [Test]
    public async Task A_sequence_of_three_lessons_plays_in_order_with_autoplay()
    {
        await using var context = await _chromium.ContextAsync(_instance.BaseUrl);
        var page = await context.NewPageAsync();
        var errors = Chromium.WatchErrors(page);
        await page.GotoAsync($"/w/p/{_sequenceShortUuid}");
        await Assertions.Expect(page.Locator(".playlist-progress")).ToHaveTextAsync("Leçon 1 sur 3");
        await Assertions.Expect(page.Locator(".playlist-items li[aria-current=true]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-player]")).ToHaveAttributeAsync("data-ready", "true");
        await Assertions.Expect(page.Locator(".playlist-autoplay")).ToBeCheckedAsync();
        await page.Locator("[data-player] video").ClickAsync();
        await page.EvaluateAsync("() => document.querySelector('video').play()");

        // The end of lesson 1 opens lesson 2, which starts by itself at its element's start time; then lesson 3.
        foreach (var (position, start) in new[] { (2, 3), (3, 3) })
        {
            await page.WaitForURLAsync($"**/w/p/{_sequenceShortUuid}?playlistPosition={position}&autoplay=1", new() { Timeout = 60_000 });
            await Assertions.Expect(page.Locator(".playlist-progress")).ToHaveTextAsync($"Leçon {position} sur 3");
            await Assertions.Expect(page.Locator($".playlist-items li:nth-child({position})")).ToHaveAttributeAsync("aria-current", "true");
            await page.WaitForFunctionAsync($"() => {{ const v = document.querySelector('video'); return v.currentTime >= {start} && (!v.paused || v.ended); }}",
                null, new() { Timeout = 30_000 });
        }
        // The last lesson ends the sequence: no next lesson to open.
        await page.WaitForFunctionAsync("() => document.querySelector('video').ended", null, new() { Timeout = 30_000 });
        Assert.That(await page.Locator("a[rel=next]").CountAsync(), Is.Zero);
        Assert.That(await page.Locator("[data-playlist-nav]").GetAttributeAsync("data-leaving"), Is.Null);
        Assert.That(page.Url, Does.EndWith("playlistPosition=3&autoplay=1"));
        Assert.That(errors, Is.Empty);
    }

    /// <summary>The keyboard path's last step: from the lesson to its channel, the channel's sequence, and its next lesson.</summary>
    private async Task NextLessonInTheSequenceWithTheKeyboardAsync(IPage page)
    {
        await TabToAsync(page, ".owners a.channel");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/c/teacher_channel");
        await TabToAsync(page, $".playlist-list a[href='/w/p/{_sequenceShortUuid}']");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync($"**/w/p/{_sequenceShortUuid}", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator(".playlist-progress")).ToHaveTextAsync("Leçon 1 sur 3");
        await TabToAsync(page, "a[rel=next]");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync($"**/w/p/{_sequenceShortUuid}?playlistPosition=2", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator(".playlist-progress")).ToHaveTextAsync("Leçon 2 sur 3");
        await Assertions.Expect(page.Locator("[data-player]")).ToHaveAttributeAsync("data-ready", "true");
    }
}
