using System.Diagnostics;
using Microsoft.Playwright;
using VideoPlatform.IntegrationTests.Infrastructure;

namespace VideoPlatform.IntegrationTests.Web;

/// <summary>
/// The teacher's and the student's whole path in one browser: upload through the page (with the network cut once),
/// transcoding to published, then playback with a manual quality switch.
/// </summary>
[TestFixture]
[Category("Browser")]
[Category("Ffmpeg")]
[NonParallelizable]
public sealed class UploadAndPlayTests : BrowserFixture
{
    private string _clip = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        Prerequisites.Require(Prerequisites.HasCommand("ffmpeg"), "ffmpeg");
        _chromium = await Chromium.LaunchAsync();
        // Small chunks, so that a 6 s clip takes several PUTs and one of them can be cut.
        _instance = await TestInstance.StartAsync(DbKind.Sqlite, "--Web:UploadChunkSize", "262144");
        (await _instance.CreateUserAsync("teacher", "teacher-password")).Dispose();
        _clip = Path.Combine(_instance.Database.Folder, "lecon.mp4");
        // 640x360 gives a 360p and a 240p rendition: enough for the quality menu. 6 s so playback can pass 3 s.
        using var ffmpeg = Process.Start(new ProcessStartInfo("ffmpeg",
        [
            "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30,noise=alls=12:allf=t",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "6",
            "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", _clip,
        ]))!;
        await ffmpeg.WaitForExitAsync();
        Assert.That(ffmpeg.ExitCode, Is.Zero);
    }

    [Test]
    public async Task Upload_survives_a_network_cut_then_the_video_is_published_and_plays_with_a_quality_switch()
    {
        await using var context = await _chromium.ContextAsync(_instance.BaseUrl);
        var page = await context.NewPageAsync();
        var errors = Chromium.WatchErrors(page);
        await Chromium.LoginAsync(page, "teacher", "teacher-password");
        await page.GotoAsync("/videos/upload");

        // The second chunk never reaches the server: the uploader must ask for the offset and carry on.
        var puts = 0;
        var aborted = 0;
        await page.RouteAsync("**/api/v1/videos/upload-resumable**", async route =>
        {
            if (route.Request.Method == "PUT" && Interlocked.Increment(ref puts) == 2)
            {
                Interlocked.Increment(ref aborted);
                await route.AbortAsync("connectionreset");
                return;
            }
            await route.ContinueAsync();
        });

        await page.Locator("input[type=file]").SetInputFilesAsync(_clip);
        await Assertions.Expect(page.GetByLabel("Titre")).ToHaveValueAsync("lecon");
        await page.GetByLabel("Titre").FillAsync("Leçon filmée");
        await page.GetByLabel("Description").FillAsync("Tournée en classe.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Envoyer" }).ClickAsync();

        await Assertions.Expect(page.Locator("form[data-uploader]")).ToHaveAttributeAsync("data-percent", "100", new() { Timeout = 60_000 });
        var progress = page.Locator("progress.upload-progress");
        Assert.That(await progress.EvaluateAsync<double>("p => p.value / p.max"), Is.EqualTo(1.0));
        Assert.That(aborted, Is.EqualTo(1), "one chunk was cut");
        Assert.That(puts, Is.GreaterThan(3), "the file went in several chunks");

        var published = page.Locator("a.published-link");
        await Assertions.Expect(published).ToBeVisibleAsync(new() { Timeout = 180_000 });
        await Chromium.ScreenshotAsync(page, "upload-done-1280");
        await published.ClickAsync();
        await page.WaitForURLAsync("**/w/*", new() { Timeout = 60_000 });

        var player = page.Locator("[data-player]");
        await Assertions.Expect(player).ToHaveAttributeAsync("data-ready", "true");
        await Assertions.Expect(player.Locator("select.quality option")).ToHaveCountAsync(3, new() { Timeout = 60_000 }); // Automatique, 360p, 240p
        // The heartbeat that counts the view: the first one at 3 s or more of playback (the one sent at the start does not count).
        var viewReported = page.WaitForResponseAsync(r => r.Url.EndsWith("/views", StringComparison.Ordinal) && r.Request.Method == "POST"
            && System.Text.Json.JsonDocument.Parse(r.Request.PostData ?? "{}").RootElement.TryGetProperty("currentTime", out var t) && t.GetDouble() >= 3);
        await page.EvaluateAsync("() => { const v = document.querySelector('video'); v.muted = true; return v.play(); }");
        await page.WaitForFunctionAsync("() => document.querySelector('video').currentTime > 3", null, new() { Timeout = 30_000 });
        Assert.That((await viewReported).Status, Is.EqualTo(204), "the view is reported as PeerTube's player does, after a few seconds");
        // The sound is the separate audio rendition (EXT-X-MEDIA TYPE=AUDIO): the player loads it and Chromium decodes it.
        await page.WaitForFunctionAsync("() => document.querySelector('video').webkitAudioDecodedByteCount > 0", null, new() { Timeout = 30_000 });
        var master = await _instance.Http.GetStringAsync(await player.GetAttributeAsync("data-playlist"));
        Assert.That(master, Does.Contain("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\""));

        await player.Locator("select.quality").SelectOptionAsync(new SelectOptionValue { Label = "240p" });
        await page.EvaluateAsync("() => { const v = document.querySelector('video'); v.currentTime = 0; return v.play(); }");
        await Assertions.Expect(player).ToHaveAttributeAsync("data-current-height", "240", new() { Timeout = 60_000 });
        await Chromium.ScreenshotAsync(page, "watch-playing-1280");
        // The only error is the one this test caused: the cut chunk.
        Assert.That(errors, Is.EqualTo(new[] { "Failed to load resource: net::ERR_CONNECTION_RESET" }));

        var videos = (VideoPlatform.Core.Data.Repositories.VideoRepository)_instance.Services.GetService(typeof(VideoPlatform.Core.Data.Repositories.VideoRepository))!;
        var shortUuid = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        var video = (await videos.FindAsync(shortUuid))!.Video;
        Assert.That(video.Views, Is.EqualTo(1));

        // Made private through the edit page, the video still plays for its owner (files fetched with a videoFileToken).
        await page.GotoAsync("/videos/update/" + video.Uuid);
        await page.GetByLabel("Visibilité").SelectOptionAsync(new SelectOptionValue { Label = "Privée" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer" }).ClickAsync();
        await Assertions.Expect(page.Locator(".notice")).ToHaveTextAsync("La vidéo « Leçon filmée » a été enregistrée.");
        await Assertions.Expect(page.Locator("table.mine")).ToContainTextAsync("Privée");
        await page.GotoAsync("/w/" + shortUuid);
        Assert.That(await player.GetAttributeAsync("data-p2p"), Is.EqualTo("false"), "private videos are not shared between peers");
        // The download link is a plain link, which carries no credentials: the owner can download only with the file token in it.
        var download = await page.Locator(".share a[download]").GetAttributeAsync("href");
        Assert.That(download, Does.Contain("videoFileToken="));
        using (var file = await _instance.Http.GetAsync(download, HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.That((int)file.StatusCode, Is.EqualTo(200));
            Assert.That(file.Content.Headers.ContentLength, Is.GreaterThan(0));
            // The download is a web video: the audio stays muxed in, next to the video.
            var saved = Path.Combine(_instance.Database.Folder, "download.mp4");
            await File.WriteAllBytesAsync(saved, await file.Content.ReadAsByteArrayAsync());
            var streams = await VideoPlatform.IntegrationTests.Transcoder.FfmpegTool.RunAsync("ffprobe", "-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0", saved);
            Assert.That(streams.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), Is.EquivalentTo(new[] { "video", "audio" }));
        }
        using (var bare = await _instance.Http.GetAsync(download![..download.IndexOf('?', StringComparison.Ordinal)], HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.That((int)bare.StatusCode, Is.EqualTo(401), "without the token the private file is refused");
        }
        await page.EvaluateAsync("() => { const v = document.querySelector('video'); v.muted = true; return v.play(); }");
        await page.WaitForFunctionAsync("() => document.querySelector('video').currentTime > 1", null, new() { Timeout = 30_000 });
        Assert.That(errors, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Damaged_uploads_are_explained_on_the_upload_page_and_on_my_videos()
    {
        var folder = Path.Combine(_instance.Database.Folder, "damaged");
        var whole = await File.ReadAllBytesAsync(await VideoPlatform.IntegrationTests.Transcoder.DamagedClips.FaststartClipAsync(folder, "source.mp4"));
        var cut = Path.Combine(folder, "coupee.mp4");
        await File.WriteAllBytesAsync(cut, whole[..(whole.Length * 6 / 10)]);
        var damaged = Path.Combine(folder, "abimee.mp4");
        await File.WriteAllBytesAsync(damaged, VideoPlatform.IntegrationTests.Transcoder.DamagedClips.Corrupt(whole, 0.6));

        await using var context = await _chromium.ContextAsync(_instance.BaseUrl);
        var page = await context.NewPageAsync();
        await Chromium.LoginAsync(page, "teacher", "teacher-password");

        // Cut off mid-transfer: refused at the door, the page says why in the server's words.
        await page.GotoAsync("/videos/upload");
        await page.Locator("input[type=file]").SetInputFilesAsync(cut);
        await page.GetByRole(AriaRole.Button, new() { Name = "Envoyer" }).ClickAsync();
        var error = page.Locator(".upload-error");
        await Assertions.Expect(error).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(error).ToContainTextAsync("Le fichier est incomplet : il ne contient que 60 %");
        Assert.That(await page.Locator("form[data-uploader]").GetAttributeAsync("data-state"), Is.EqualTo("error"));

        // Damaged further in: accepted, then the transcode fails once and the page and "Mes vidéos" give the reason.
        await page.GotoAsync("/videos/upload");
        await page.Locator("input[type=file]").SetInputFilesAsync(damaged);
        await page.GetByLabel("Titre").FillAsync("Leçon abîmée");
        await page.GetByRole(AriaRole.Button, new() { Name = "Envoyer" }).ClickAsync();
        await Assertions.Expect(error).ToContainTextAsync("La vidéo est endommagée", new() { Timeout = 120_000 });
        await Chromium.ScreenshotAsync(page, "upload-damaged-1280");

        await page.GotoAsync("/my-library/videos");
        var row = page.Locator("table.mine tr", new() { HasText = "Leçon abîmée" });
        await Assertions.Expect(row.Locator("small.error")).ToContainTextAsync("La vidéo est endommagée : une partie du fichier ne peut pas être décodée");
        await Chromium.ScreenshotAsync(page, "my-videos-damaged-1280");
    }
}
