using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Core.Storage;
using VideoPlatform.IntegrationTests.Infrastructure;
using VideoPlatform.IntegrationTests.Transcoder;

namespace VideoPlatform.IntegrationTests.Media;

/// <summary>Uploads against a web-only instance (no transcoding here): the protocol, its refusals and the cleanup of sessions.</summary>
[TestFixture(DbKind.Sqlite)]
[TestFixture(DbKind.Postgres)]
[Category("Http")]
[Category("Ffmpeg")]
public sealed class UploadTests(DbKind kind)
{
    private const long MaxFileSize = 4 * 1024 * 1024;
    private TestInstance _instance = null!;
    private HttpClient _teacher = null!;
    private long _channel;
    private string _clips = null!;
    private MediaStore _store = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        FfmpegTool.RequireFfmpeg();
        _instance = await TestInstance.StartAsync(kind, "--Roles", "web", "--Uploads:SessionLifetime", "00:00:03",
            "--Uploads:MaxFileSize", MaxFileSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _teacher = await _instance.CreateUserAsync("teacher");
        _channel = await Uploader.ChannelIdAsync(_teacher);
        _clips = Path.Combine(_instance.Database.Folder, "clips");
        _store = _instance.Services.GetRequiredService<MediaStore>();
        await Uploader.ClipAsync(_clips, "lesson.mp4", seconds: 3);
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
    public async Task Resumable_upload_cut_mid_chunk_resumes_from_the_reported_offset()
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(_clips, "lesson.mp4"));
        using var created = await Uploader.InitAsync(_teacher, _channel, "lesson.mp4", bytes.Length);
        var id = Uploader.UploadId(created);

        var first = bytes.Length / 4;
        using (var response = await Uploader.PutAsync(_teacher, id, bytes, 0, first))
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(308));
            Assert.That(Uploader.Offset(response), Is.EqualTo(first));
        }

        // The connection drops halfway through the second chunk.
        using (var request = new HttpRequestMessage(HttpMethod.Put, $"{Uploader.ResumablePath}?upload_id={id}"))
        {
            request.Content = new CutContent(bytes, first, bytes.Length - first, cutAfter: (bytes.Length - first) / 2);
            request.Content.Headers.ContentRange = new ContentRangeHeaderValue(first, bytes.Length - 1, bytes.Length);
            request.Content.Headers.ContentLength = bytes.Length - first;
            Assert.That(async () => await _teacher.SendAsync(request), Throws.InstanceOf<HttpRequestException>().Or.InstanceOf<IOException>());
        }

        // The server records what arrived once it notices the cut; the client asks where to resume.
        long offset = 0;
        for (var i = 0; i < 50; i++)
        {
            using var status = await Uploader.StatusAsync(_teacher, id, bytes.Length);
            Assert.That((int)status.StatusCode, Is.EqualTo(308));
            offset = Uploader.Offset(status);
            if (offset > first)
            {
                break;
            }
            await Task.Delay(100);
        }
        Assert.That(offset, Is.GreaterThan(first).And.LessThan(bytes.Length), "part of the cut chunk is kept");

        using (var wrong = await Uploader.PutAsync(_teacher, id, bytes, offset + 10, bytes.Length - offset - 10))
        {
            Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That(Uploader.Offset(wrong), Is.EqualTo(offset), "the refusal names the offset to resume from");
            Assert.That((await wrong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), Does.Contain($"resume from byte {offset}"));
        }
        using (var rewind = await Uploader.PutAsync(_teacher, id, bytes, 0, first))
        {
            Assert.That(rewind.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "a chunk already stored is refused too");
        }

        using var last = await Uploader.PutAsync(_teacher, id, bytes, offset, bytes.Length - offset);
        Assert.That(last.StatusCode, Is.EqualTo(HttpStatusCode.OK), await last.Content.ReadAsStringAsync());
        var video = (await last.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("video");
        var uuid = video.GetProperty("uuid").GetString()!;
        Assert.That(video.GetProperty("id").GetInt64(), Is.GreaterThan(0));
        Assert.That(video.GetProperty("shortUUID").GetString(), Is.Not.Empty);

        var original = _store.FindOriginal(uuid);
        Assert.That(original, Is.Not.Null);
        Assert.That(Uploader.Sha256(await File.ReadAllBytesAsync(original!)), Is.EqualTo(Uploader.Sha256(bytes)));
        Assert.That(File.Exists(_store.UploadPath(id)), Is.False, "the session's file became the original");

        var details = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{uuid}");
        Assert.That(details.GetProperty("state").GetProperty("id").GetInt32(), Is.EqualTo(2), "waiting for its transcode");
        Assert.That(details.GetProperty("name").GetString(), Is.EqualTo("Leçon de test"));
        var jobs = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{uuid}/jobs");
        Assert.That(jobs.GetProperty("data")[0].GetProperty("type").GetString(), Is.EqualTo("transcode"));
        Assert.That(jobs.GetProperty("data")[0].GetProperty("state").GetString(), Is.EqualTo("waiting"), "no transcoder role in this process");
    }

    [Test]
    public async Task Cancelled_upload_is_gone_with_its_bytes()
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(_clips, "lesson.mp4"));
        using var created = await Uploader.InitAsync(_teacher, _channel, "lesson.mp4", bytes.Length);
        var id = Uploader.UploadId(created);
        using (await Uploader.PutAsync(_teacher, id, bytes, 0, 1000))
        {
        }
        using var deleted = await _teacher.DeleteAsync($"{Uploader.ResumablePath}?upload_id={id}");
        Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(File.Exists(_store.UploadPath(id)), Is.False);
        using var after = await Uploader.StatusAsync(_teacher, id, bytes.Length);
        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Abandoned_session_expires_with_its_bytes()
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(_clips, "lesson.mp4"));
        using var created = await Uploader.InitAsync(_teacher, _channel, "lesson.mp4", bytes.Length);
        var id = Uploader.UploadId(created);
        using (await Uploader.PutAsync(_teacher, id, bytes, 0, 1000))
        {
        }
        Assert.That(File.Exists(_store.UploadPath(id)), Is.True);
        var deadline = DateTimeOffset.UtcNow.AddSeconds(20);
        while (File.Exists(_store.UploadPath(id)) && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(250);
        }
        Assert.That(File.Exists(_store.UploadPath(id)), Is.False, "the cleaner removed the bytes");
        using var after = await Uploader.StatusAsync(_teacher, id, bytes.Length);
        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "and the session");
    }

    /// <summary>
    /// A multipart upload's file has no session row: the sweep removes such files once older than the lifetime (3 s here),
    /// but never one in use, whose inspection can outlast it on a loaded machine (the 500 CI once saw: the file removed
    /// between its probe and its publication).
    /// </summary>
    [Test]
    public async Task The_sweep_leaves_an_old_upload_file_in_use_and_removes_it_once_released()
    {
        var staging = _instance.Services.GetRequiredService<UploadStaging>();
        var cleaner = _instance.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<UploadSessionCleaner>().Single();
        var name = UploadStaging.NewFileName();
        var path = staging.PathOf(name);
        await File.WriteAllBytesAsync(path, await File.ReadAllBytesAsync(Path.Combine(_clips, "lesson.mp4")));
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddHours(-1));

        using (var held = UploadStaging.Hold(path))
        {
            Assert.That(held, Is.Not.Null);
            await cleaner.SweepAsync(CancellationToken.None);
            Assert.That(File.Exists(path), Is.True, "in use: left alone");
            // Readers of a held file (ffprobe, the container check) are not hindered.
            await using (var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
            {
                Assert.That(reader.ReadByte(), Is.Not.EqualTo(-1));
            }
        }
        await cleaner.SweepAsync(CancellationToken.None);
        Assert.That(File.Exists(path), Is.False, "released: removed");
        Assert.That(UploadStaging.Hold(path), Is.Null, "a file gone cannot be held");
    }

    private static IEnumerable<TestCaseData> BadFiles()
    {
        yield return new TestCaseData("text.mp4", (Func<string, Task<byte[]>>)(_ => Task.FromResult(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("Ceci n'est pas une vidéo. ", 400))))), "could not be read")
            .SetName("Text named .mp4");
        yield return new TestCaseData("truncated.mp4", (Func<string, Task<byte[]>>)(async folder =>
        {
            // Without faststart the index (moov) is at the end: half a file has none.
            var path = await Uploader.ClipAsync(folder, "whole-for-truncation.mp4", seconds: 2, size: "320x240");
            var whole = await File.ReadAllBytesAsync(path);
            return whole[..(whole.Length / 2)];
        }), "could not be read").SetName("Truncated MP4");
        yield return new TestCaseData("picture.mp4", (Func<string, Task<byte[]>>)(async folder =>
        {
            var path = Path.Combine(folder, "picture.png");
            await FfmpegTool.RunAsync("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1", path);
            return await File.ReadAllBytesAsync(path);
        }), "still image").SetName("PNG named .mp4");
        // A phone recording cut off mid-transfer: the index (moov, at the front) is whole, the media data stops short.
        yield return new TestCaseData("phone-cut-20k.mp4", (Func<string, Task<byte[]>>)(async folder =>
            (await File.ReadAllBytesAsync(await DamagedClips.FaststartClipAsync(folder, "phone.mp4")))[..20_000]),
            "Le fichier est incomplet").SetName("Faststart MP4 cut after 20 KB");
        yield return new TestCaseData("phone-cut-60.mp4", (Func<string, Task<byte[]>>)(async folder =>
        {
            var whole = await File.ReadAllBytesAsync(await DamagedClips.FaststartClipAsync(folder, "phone.mp4"));
            return whole[..(whole.Length * 6 / 10)];
        }), "Le fichier est incomplet : il ne contient que 60 %").SetName("Faststart MP4 cut at 60 %");
        yield return new TestCaseData("damaged-start.mp4", (Func<string, Task<byte[]>>)(async folder =>
            DamagedClips.Corrupt(await File.ReadAllBytesAsync(await DamagedClips.FaststartClipAsync(folder, "phone.mp4")), 0.05)),
            "Le début de la vidéo ne peut pas être décodé").SetName("MP4 damaged in its first second");
    }

    [TestCaseSource(nameof(BadFiles))]
    public async Task Bad_file_is_refused_with_a_clear_message_and_leaves_nothing(string fileName, Func<string, Task<byte[]>> make, string message)
    {
        var bytes = await make(_clips);
        var originalsBefore = Directory.GetFiles(_store.OriginalsRoot).Length;
        using var created = await Uploader.InitAsync(_teacher, _channel, fileName, bytes.Length);
        var id = Uploader.UploadId(created);
        using var response = await Uploader.PutAsync(_teacher, id, bytes, 0, bytes.Length);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), Does.Contain(message));
        Assert.That(File.Exists(_store.UploadPath(id)), Is.False, "its bytes are removed");
        Assert.That(Directory.GetFiles(_store.OriginalsRoot), Has.Length.EqualTo(originalsBefore), "no video was created");
        using var status = await Uploader.StatusAsync(_teacher, id, bytes.Length);
        Assert.That(status.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "the session is gone");
        Assert.That((await _instance.Http.GetAsync("/health")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the instance keeps serving");
    }

    [Test]
    public async Task Refusals_before_any_byte()
    {
        var uploadsBefore = Directory.GetFiles(_store.UploadsRoot).Length;
        using (var empty = await Uploader.InitAsync(_teacher, _channel, "empty.mp4", 0))
        {
            Assert.That(empty.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
            Assert.That((await empty.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), Is.EqualTo("The file is empty."));
        }
        using (var large = await Uploader.InitAsync(_teacher, _channel, "big.mp4", MaxFileSize + 1))
        {
            Assert.That(large.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
            var body = await large.Content.ReadFromJsonAsync<JsonElement>();
            Assert.That(body.GetProperty("code").GetString(), Is.EqualTo("max_file_size_reached"));
            Assert.That(body.GetProperty("detail").GetString(), Does.Contain("maximum file size"));
        }
        using (var doc = await Uploader.InitAsync(_teacher, _channel, "notes.docx", 1000))
        {
            Assert.That(doc.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
        }
        using var small = await _instance.CreateUserAsync("smallquota", videoQuota: 10_000);
        var smallChannel = await Uploader.ChannelIdAsync(small);
        using (var over = await Uploader.InitAsync(small, smallChannel, "lesson.mp4", 20_000))
        {
            Assert.That(over.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
            var body = await over.Content.ReadFromJsonAsync<JsonElement>();
            Assert.That(body.GetProperty("code").GetString(), Is.EqualTo("quota_reached"));
            Assert.That(body.GetProperty("detail").GetString(), Is.EqualTo("The user video quota is exceeded with this video."));
        }
        using (var foreign = await Uploader.InitAsync(small, _channel, "lesson.mp4", 1000))
        {
            Assert.That(foreign.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "another user's channel");
        }
        using (var anonymous = await _instance.Http.PostAsJsonAsync(Uploader.ResumablePath, new { name = "x", channelId = _channel, filename = "a.mp4" }))
        {
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }
        Assert.That(Directory.GetFiles(_store.UploadsRoot), Has.Length.EqualTo(uploadsBefore), "nothing was stored for refused uploads");
    }

    [Test]
    public async Task Legacy_multipart_upload_streams_the_file_and_creates_the_video()
    {
        var path = Path.Combine(_clips, "lesson.mp4");
        using var form = new MultipartFormDataContent
        {
            { new StringContent("Cours en un seul envoi"), "name" },
            { new StringContent(_channel.ToString(System.Globalization.CultureInfo.InvariantCulture)), "channelId" },
            { new StringContent("1"), "privacy" },
        };
        var file = new StreamContent(File.OpenRead(path));
        file.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
        form.Add(file, "videofile", "cours.mp4");
        using var response = await _teacher.PostAsync("/api/v1/videos/upload", form);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var uuid = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("video").GetProperty("uuid").GetString()!;
        Assert.That(Uploader.Sha256(await File.ReadAllBytesAsync(_store.FindOriginal(uuid)!)), Is.EqualTo(Uploader.Sha256(await File.ReadAllBytesAsync(path))));

        using var text = new MultipartFormDataContent
        {
            { new StringContent("Pas une vidéo"), "name" },
            { new StringContent(_channel.ToString(System.Globalization.CultureInfo.InvariantCulture)), "channelId" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes("hello, world")), "videofile", "hello.mp4" },
        };
        using var refused = await _teacher.PostAsync("/api/v1/videos/upload", text);
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        Assert.That(Directory.GetFiles(_store.UploadsRoot, "multipart-*"), Is.Empty, "the refused file is removed");
    }

    private static IEnumerable<TestCaseData> OverLimits()
    {
        yield return new TestCaseData(1_000L, "quota_reached").SetName("Multipart over the quota");
        yield return new TestCaseData(-1L, "max_file_size_reached").SetName("Multipart over the maximum file size");
    }

    /// <summary>
    /// A multipart body of unannounced length (chunked, so no Content-Length check can refuse it up front) is stopped with
    /// 413 as soon as it passes the user's quota or the maximum size: almost nothing reaches the disk, nothing remains.
    /// </summary>
    [TestCaseSource(nameof(OverLimits))]
    public async Task Multipart_upload_is_stopped_while_streaming_at_the_limit(long quota, string code)
    {
        const long bodySize = 64L * 1024 * 1024;
        using var user = await _instance.CreateUserAsync("streamer" + code.Length, videoQuota: quota);
        var channel = await Uploader.ChannelIdAsync(user);
        var largestOnDisk = 0L;
        using var watching = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!watching.IsCancellationRequested)
            {
                foreach (var f in new DirectoryInfo(_store.UploadsRoot).EnumerateFiles("multipart-*"))
                {
                    try
                    {
                        largestOnDisk = Math.Max(largestOnDisk, f.Length);
                    }
                    catch (FileNotFoundException)
                    {
                    }
                }
                await Task.Delay(5);
            }
        });

        // A client that reads the answer while it sends (as browsers and Node's http do; .NET's HttpClient reads it only
        // once the body is sent): raw HTTP/1.1 over a socket, a chunked multipart body of unannounced length.
        var (status, answer, sent) = await SendMultipartWhileReadingAsync(user.DefaultRequestHeaders.Authorization!.ToString(), channel, bodySize);
        await watching.CancelAsync();
        await watcher;

        Assert.That(status, Is.EqualTo(413), answer);
        using (var body = JsonDocument.Parse(answer))
        {
            Assert.That(body.RootElement.GetProperty("code").GetString(), Is.EqualTo(code));
        }
        TestContext.Out.WriteLine($"{code}: client sent {sent} of {bodySize} bytes; at most {largestOnDisk} bytes were on disk");
        Assert.That(sent, Is.LessThan(bodySize / 4), "the answer came long before the end of the body");
        Assert.That(largestOnDisk, Is.LessThanOrEqualTo(quota >= 0 ? quota : MaxFileSize), "never more than the limit on disk");
        Assert.That(Directory.GetFiles(_store.UploadsRoot, "multipart-*"), Is.Empty, "the bytes written are removed");
        Assert.That((await _instance.Http.GetAsync("/health")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the instance keeps serving");
    }

    /// <summary>
    /// POSTs a multipart upload whose file part is <paramref name="fileSize"/> random bytes, in chunked encoding, reading
    /// the answer concurrently; stops sending when the answer is complete. Returns its status, body and the bytes sent.
    /// </summary>
    private async Task<(int Status, string Body, long Sent)> SendMultipartWhileReadingAsync(string authorization, long channel, long fileSize)
    {
        var uri = new Uri(_instance.BaseUrl);
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(uri.Host, uri.Port);
        var stream = tcp.GetStream();
        const string boundary = "vp-boundary-7d1a";
        var head = Encoding.ASCII.GetBytes(
            $"POST /api/v1/videos/upload HTTP/1.1\r\nHost: {uri.Authority}\r\nAuthorization: {authorization}\r\n"
            + $"Content-Type: multipart/form-data; boundary={boundary}\r\nTransfer-Encoding: chunked\r\n\r\n");
        var fields = Encoding.UTF8.GetBytes(
            $"--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nTrop gros\r\n"
            + $"--{boundary}\r\nContent-Disposition: form-data; name=\"channelId\"\r\n\r\n{channel}\r\n"
            + $"--{boundary}\r\nContent-Disposition: form-data; name=\"videofile\"; filename=\"gros.mp4\"\r\nContent-Type: video/mp4\r\n\r\n");
        using var stop = new CancellationTokenSource();
        var sent = 0L;
        var sender = Task.Run(async () =>
        {
            try
            {
                await stream.WriteAsync(head, stop.Token);
                await WriteChunkAsync(fields);
                var block = new byte[64 * 1024];
                new Random(7).NextBytes(block);
                while (sent < fileSize && !stop.IsCancellationRequested)
                {
                    await WriteChunkAsync(block);
                    Interlocked.Add(ref sent, block.Length);
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // The server stopped reading and closed: expected once it has answered.
            }
        });

        async Task WriteChunkAsync(byte[] data)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"{data.Length:X}\r\n"), stop.Token);
            await stream.WriteAsync(data, stop.Token);
            await stream.WriteAsync("\r\n"u8.ToArray(), stop.Token);
        }

        // Read the answer: status line and headers, then the body (Content-Length bytes, or chunks up to the last one).
        var received = new List<byte>();
        var buffer = new byte[16 * 1024];
        async Task ReadMoreAsync()
        {
            var n = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.That(n, Is.GreaterThan(0), "the server closed before its answer was complete");
            received.AddRange(buffer.AsSpan(0, n));
        }
        int headerEnd;
        while ((headerEnd = IndexOf(received, "\r\n\r\n"u8)) < 0)
        {
            await ReadMoreAsync();
        }
        var headers = Encoding.ASCII.GetString(received.GetRange(0, headerEnd).ToArray()).Split("\r\n");
        var status = int.Parse(headers[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var lengthLine = headers.FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        var body = new List<byte>();
        var position = headerEnd + 4;
        if (lengthLine is not null)
        {
            var length = int.Parse(lengthLine["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            while (received.Count < position + length)
            {
                await ReadMoreAsync();
            }
            body.AddRange(received.GetRange(position, length));
        }
        else
        {
            Assert.That(headers, Has.Some.Matches<string>(h => h.Equals("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)));
            while (true)
            {
                int lineEnd;
                while ((lineEnd = IndexOf(received.GetRange(position, received.Count - position), "\r\n"u8)) < 0)
                {
                    await ReadMoreAsync();
                }
                var size = int.Parse(Encoding.ASCII.GetString(received.GetRange(position, lineEnd).ToArray()), System.Globalization.NumberStyles.HexNumber,
                    System.Globalization.CultureInfo.InvariantCulture);
                position += lineEnd + 2;
                if (size == 0)
                {
                    break;
                }
                while (received.Count < position + size + 2)
                {
                    await ReadMoreAsync();
                }
                body.AddRange(received.GetRange(position, size));
                position += size + 2;
            }
        }
        var sentWhenAnswered = Interlocked.Read(ref sent);
        await stop.CancelAsync();
        tcp.Close();
        await sender;
        return (status, Encoding.UTF8.GetString(body.ToArray()), sentWhenAnswered);
    }

    private static int IndexOf(List<byte> bytes, ReadOnlySpan<byte> pattern) => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes).IndexOf(pattern);

    /// <summary>Sends part of a body, then fails: the connection is torn down mid-request, as on a school network.</summary>
    private sealed class CutContent(byte[] bytes, long offset, long length, long cutAfter) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var sent = 0L;
            while (sent < cutAfter)
            {
                var n = (int)Math.Min(16 * 1024, cutAfter - sent);
                await stream.WriteAsync(bytes.AsMemory((int)(offset + sent), n));
                await stream.FlushAsync();
                sent += n;
            }
            await Task.Delay(200);
            throw new IOException("network dropped");
        }

        protected override bool TryComputeLength(out long result)
        {
            result = length;
            return true;
        }
    }
}
