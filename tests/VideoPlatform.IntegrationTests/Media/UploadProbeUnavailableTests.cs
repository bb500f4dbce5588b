using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VideoPlatform.Core.Storage;
using VideoPlatform.IntegrationTests.Infrastructure;
using VideoPlatform.IntegrationTests.Transcoder;
using VideoPlatform.Transcoder.Probing;

namespace VideoPlatform.IntegrationTests.Media;

/// <summary>
/// The upload door when ffprobe cannot run (here: its file is not executable): a retryable 503, the bytes and the session
/// kept, and the same upload completed once ffprobe runs again; the file metadata API likewise. Database-independent: SQLite only.
/// </summary>
[Category("Http")]
[Category("Ffmpeg")]
public sealed class UploadProbeUnavailableTests
{
    private TestInstance _instance = null!;
    private HttpClient _teacher = null!;
    private long _channel;
    private string _tools = null!;
    private byte[] _clip = null!;
    private MediaStore _store = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        FfmpegTool.RequireFfmpeg();
        _tools = Path.Combine(Path.GetTempPath(), "vp-probe-tools-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_tools);
        // The prober's binary folder: a real ffmpeg for the decode check, an ffprobe that cannot be executed.
        File.CreateSymbolicLink(Path.Combine(_tools, "ffmpeg"), "/usr/bin/ffmpeg");
        await File.WriteAllTextAsync(Path.Combine(_tools, "ffprobe"), "not a program\n");
        _instance = await TestInstance.StartAsync(DbKind.Sqlite,
            s => s.AddSingleton(sp => new MediaProber(sp.GetRequiredService<ILogger<MediaProber>>(), _tools, sp.GetRequiredService<TimeProvider>())),
            "--Roles", "web");
        _teacher = await _instance.CreateUserAsync("teacher");
        _channel = await Uploader.ChannelIdAsync(_teacher);
        _store = _instance.Services.GetRequiredService<MediaStore>();
        _clip = await File.ReadAllBytesAsync(await Uploader.ClipAsync(Path.Combine(_instance.Database.Folder, "clips"), "lesson.mp4", seconds: 2));
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _teacher?.Dispose();
        if (_instance is not null)
        {
            await _instance.DisposeAsync();
        }
        Directory.Delete(_tools, recursive: true);
    }

    [Test]
    public async Task A_probe_that_cannot_run_answers_503_keeps_the_bytes_and_the_upload_completes_afterwards()
    {
        using var createdA = await Uploader.InitAsync(_teacher, _channel, "lesson.mp4", _clip.Length, name: "Leçon A");
        var a = Uploader.UploadId(createdA);
        using var createdB = await Uploader.InitAsync(_teacher, _channel, "lesson.mp4", _clip.Length, name: "Leçon B");
        var b = Uploader.UploadId(createdB);

        foreach (var id in new[] { a, b })
        {
            using var refused = await Uploader.PutAsync(_teacher, id, _clip, 0, _clip.Length);
            var body = await refused.Content.ReadAsStringAsync();
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), body);
            Assert.That(refused.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(refused.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(5)));
            var problem = JsonDocument.Parse(body).RootElement;
            Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo(503));
            Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("probe_unavailable"));
            Assert.That(File.Exists(_store.UploadPath(id)), Is.True, "the uploaded bytes stay");
            Assert.That(Uploader.Sha256(await File.ReadAllBytesAsync(_store.UploadPath(id))), Is.EqualTo(Uploader.Sha256(_clip)));
        }
        using (var again = await Uploader.StatusAsync(_teacher, b, _clip.Length))
        {
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), "still no ffprobe: the completion is refused again, not the file");
        }

        // ffprobe runs again.
        File.Delete(Path.Combine(_tools, "ffprobe"));
        File.CreateSymbolicLink(Path.Combine(_tools, "ffprobe"), "/usr/bin/ffprobe");

        // A re-sends its last chunk (here the whole file); B asks for the offset (bytes */total): both complete.
        using var doneA = await Uploader.PutAsync(_teacher, a, _clip, 0, _clip.Length);
        Assert.That(doneA.StatusCode, Is.EqualTo(HttpStatusCode.OK), await doneA.Content.ReadAsStringAsync());
        using var doneB = await Uploader.StatusAsync(_teacher, b, _clip.Length);
        Assert.That(doneB.StatusCode, Is.EqualTo(HttpStatusCode.OK), await doneB.Content.ReadAsStringAsync());

        foreach (var (done, id, name) in new[] { (doneA, a, "Leçon A"), (doneB, b, "Leçon B") })
        {
            var uuid = (await done.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("video").GetProperty("uuid").GetString()!;
            var original = _store.FindOriginal(uuid);
            Assert.That(original, Is.Not.Null);
            Assert.That(Uploader.Sha256(await File.ReadAllBytesAsync(original!)), Is.EqualTo(Uploader.Sha256(_clip)));
            Assert.That(File.Exists(_store.UploadPath(id)), Is.False, "the session's file became the original");
            var details = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{uuid}");
            Assert.That(details.GetProperty("name").GetString(), Is.EqualTo(name));
            Assert.That(details.GetProperty("state").GetProperty("id").GetInt32(), Is.EqualTo(2), "waiting for its transcode");
        }
    }

    /// <summary>
    /// PeerTube's file metadata (ffprobe's JSON at <c>metadataUrl</c>): a file ffprobe cannot read is the file's fault (422,
    /// said so); ffprobe unable to run is ours (a retryable 503 with Retry-After), never an answer about the file.
    /// </summary>
    [Test]
    public async Task File_metadata_tells_an_unreadable_file_from_an_ffprobe_that_cannot_run()
    {
        UseFfprobe(works: true);
        try
        {
            using var form = new MultipartFormDataContent
            {
                { new StringContent("Leçon décrite"), "name" },
                { new StringContent(_channel.ToString(System.Globalization.CultureInfo.InvariantCulture)), "channelId" },
                { new ByteArrayContent(_clip), "videofile", "lesson.mp4" },
            };
            using var uploaded = await _teacher.PostAsync("/api/v1/videos/upload", form);
            Assert.That(uploaded.StatusCode, Is.EqualTo(HttpStatusCode.OK), await uploaded.Content.ReadAsStringAsync());
            var uuid = (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("video").GetProperty("uuid").GetString()!;
            var details = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{uuid}");
            var metadataUrl = new Uri(details.GetProperty("files")[0].GetProperty("metadataUrl").GetString()!).PathAndQuery;

            using (var readable = await _teacher.GetAsync(metadataUrl))
            {
                Assert.That(readable.StatusCode, Is.EqualTo(HttpStatusCode.OK), await readable.Content.ReadAsStringAsync());
                var streams = (await readable.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("streams");
                Assert.That(streams.EnumerateArray().Select(st => st.GetProperty("codec_type").GetString()), Does.Contain("video"));
            }

            // The stored file damaged: ffprobe runs and refuses it.
            await File.WriteAllTextAsync(_store.FindOriginal(uuid)!, "this is not a video any more\n");
            using (var unreadable = await _teacher.GetAsync(metadataUrl))
            {
                var body = await unreadable.Content.ReadAsStringAsync();
                Assert.That(unreadable.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity), body);
                Assert.That(unreadable.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
                Assert.That(JsonDocument.Parse(body).RootElement.GetProperty("code").GetString(), Is.EqualTo("unreadable_media"));
            }

            // ffprobe cannot run: ours, retryable, whatever the file.
            UseFfprobe(works: false);
            using var unavailable = await _teacher.GetAsync(metadataUrl);
            var problem = await unavailable.Content.ReadAsStringAsync();
            Assert.That(unavailable.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), problem);
            Assert.That(unavailable.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(5)));
            Assert.That(JsonDocument.Parse(problem).RootElement.GetProperty("code").GetString(), Is.EqualTo("probe_unavailable"));
        }
        finally
        {
            // The fixture's other test starts with an ffprobe that cannot run.
            UseFfprobe(works: false);
        }
    }

    private void UseFfprobe(bool works)
    {
        var ffprobe = Path.Combine(_tools, "ffprobe");
        File.Delete(ffprobe);
        if (works)
        {
            File.CreateSymbolicLink(ffprobe, "/usr/bin/ffprobe");
        }
        else
        {
            File.WriteAllText(ffprobe, "not a program\n");
        }
    }
}
