using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using VideoPlatform.IntegrationTests.Transcoder;

namespace VideoPlatform.IntegrationTests.Media;

/// <summary>The client side of PeerTube's resumable upload, as its web client and CLI speak it.</summary>
internal static class Uploader
{
    public const string ResumablePath = "/api/v1/videos/upload-resumable";

    public static async Task<long> ChannelIdAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>("/api/v1/users/me")).GetProperty("videoChannels")[0].GetProperty("id").GetInt64();

    public static async Task<HttpResponseMessage> InitAsync(HttpClient client, long channelId, string fileName, long size, string name = "Leçon de test",
        int privacy = 1)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ResumablePath)
        {
            Content = JsonContent.Create(new { name, channelId, privacy, filename = fileName, tags = new[] { "maths" } }),
        };
        request.Headers.Add("X-Upload-Content-Length", size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("X-Upload-Content-Type", "video/mp4");
        return await client.SendAsync(request);
    }

    /// <summary>The upload id from a 201's Location (<c>//host/api/v1/videos/upload-resumable?upload_id=…</c>).</summary>
    public static string UploadId(HttpResponseMessage created)
    {
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), () => created.Content.ReadAsStringAsync().GetAwaiter().GetResult());
        var location = created.Headers.Location!.OriginalString;
        Assert.That(location, Does.StartWith("//").And.Contain(ResumablePath + "?upload_id="));
        return location[(location.IndexOf("upload_id=", StringComparison.Ordinal) + "upload_id=".Length)..];
    }

    public static async Task<HttpResponseMessage> PutAsync(HttpClient client, string uploadId, byte[] file, long start, long length)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{ResumablePath}?upload_id={uploadId}")
        {
            Content = new ByteArrayContent(file, (int)start, (int)length),
        };
        request.Content.Headers.ContentRange = new ContentRangeHeaderValue(start, start + length - 1, file.Length);
        return await client.SendAsync(request);
    }

    public static async Task<HttpResponseMessage> StatusAsync(HttpClient client, string uploadId, long total)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{ResumablePath}?upload_id={uploadId}") { Content = new ByteArrayContent([]) };
        request.Content.Headers.TryAddWithoutValidation("Content-Range", $"bytes */{total}");
        return await client.SendAsync(request);
    }

    /// <summary>Stored bytes from a 308's Range header (none = 0).</summary>
    public static long Offset(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Range", out var values))
        {
            return 0;
        }
        var value = values.Single();
        Assert.That(value, Does.StartWith("bytes=0-"));
        return long.Parse(value["bytes=0-".Length..], System.Globalization.CultureInfo.InvariantCulture) + 1;
    }

    /// <summary>Uploads a whole file in chunks; returns the 200 answer's video object.</summary>
    public static async Task<JsonElement> UploadAsync(HttpClient client, long channelId, string path, int chunkSize = 256 * 1024, int privacy = 1)
    {
        var bytes = await File.ReadAllBytesAsync(path);
        using var created = await InitAsync(client, channelId, Path.GetFileName(path), bytes.Length, privacy: privacy);
        var id = UploadId(created);
        for (long offset = 0; ; offset += chunkSize)
        {
            var length = Math.Min(chunkSize, bytes.Length - offset);
            using var response = await PutAsync(client, id, bytes, offset, length);
            if (offset + length == bytes.Length)
            {
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
                return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("video");
            }
            Assert.That((int)response.StatusCode, Is.EqualTo(308));
            Assert.That(Offset(response), Is.EqualTo(offset + length));
        }
    }

    public static async Task<JsonElement> WaitForStateAsync(HttpClient client, string videoId, int state, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var video = await client.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{videoId}");
            if (video.GetProperty("state").GetProperty("id").GetInt32() == state)
            {
                return video;
            }
            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail($"Video {videoId} did not reach state {state} within {timeout}: {video}");
            }
            await Task.Delay(250);
        }
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>A small clip with sound (2 encoder threads at most).</summary>
    public static async Task<string> ClipAsync(string folder, string name, double seconds = 3, string size = "640x360")
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name);
        await FfmpegTool.MakeClipAsync(path, $"testsrc2=size={size}:rate=25", seconds);
        return path;
    }
}
