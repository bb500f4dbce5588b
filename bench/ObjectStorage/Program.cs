// Benchmark: upload-complete → published with object storage (s3rver on 127.0.0.1: the transcode, then the
// move-to-object-storage job, the kept original included, until the API names the bucket) vs the local disk (the transcode alone), same clip, same
// run, alternated. Prints each run, the medians and their ratio (aim ≤ 1.2×).
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Bench;
using VideoPlatform.Core.Storage;

var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
var folder = Path.Combine(Path.GetTempPath(), "vp-bench-s3-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(folder);
Process? s3 = null;
try
{
    var clip = Path.Combine(folder, "lesson.mp4");
    await RunAsync("/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", seconds.ToString(CultureInfo.InvariantCulture),
        "-c:v", "libx264", "-preset", "ultrafast", "-threads", "2", "-pix_fmt", "yuv420p", clip);
    Console.WriteLine($"clip: {seconds} s 720p, {new FileInfo(clip).Length / 1024} KiB; {rounds} rounds each, alternated");

    var root = Directory.GetCurrentDirectory();
    var script = Path.Combine(root, "tools", "s3-server", "node_modules", "s3rver", "bin", "s3rver.js");
    using (var probe = new TcpListener(IPAddress.Loopback, 0))
    {
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        s3 = Process.Start(new ProcessStartInfo("node", [script, "-d", Path.Combine(folder, "s3"), "-a", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-s", "--no-vhost-buckets"]))!;
        var endpoint = $"http://127.0.0.1:{port}";
        await using var withS3 = await BenchInstance.StartAsync("--ObjectStorage:Enabled", "true", "--ObjectStorage:Endpoint", endpoint,
            "--ObjectStorage:ForcePathStyle", "true", "--ObjectStorage:AccessKeyId", "S3RVER", "--ObjectStorage:SecretAccessKey", "S3RVER",
            "--ObjectStorage:StreamingPlaylists:BucketName", "bench-hls", "--ObjectStorage:WebVideos:BucketName", "bench-videos",
            "--ObjectStorage:OriginalVideoFiles:BucketName", "bench-originals", "--P2P:PeerPort", "-1");
        await using var local = await BenchInstance.StartAsync("--P2P:PeerPort", "-1");
        var objects = withS3.App.Services.GetRequiredService<ObjectStore>();
        for (var i = 0; ; i++)
        {
            try
            {
                await objects.Client.PutBucketAsync("bench-hls");
                await objects.Client.PutBucketAsync("bench-videos");
                await objects.Client.PutBucketAsync("bench-originals");
                break;
            }
            catch (Exception) when (i < 50)
            {
                await Task.Delay(200);
            }
        }
        var s3Times = new List<double>();
        var localTimes = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            var l = await PublishAsync(local.BaseUrl, clip, null);
            var o = await PublishAsync(withS3.BaseUrl, clip, endpoint);
            localTimes.Add(l);
            s3Times.Add(o);
            Console.WriteLine($"round {round}: local disk {l:F2} s, object storage {o:F2} s");
        }
        var medianLocal = Median(localTimes);
        var medianS3 = Median(s3Times);
        Console.WriteLine($"median upload-complete → published: local disk {medianLocal:F2} s, object storage {medianS3:F2} s");
        Console.WriteLine($"ratio object storage / local disk: {medianS3 / medianLocal:F2}× (aim ≤ 1.2×)");
    }
}
finally
{
    if (s3 is { HasExited: false })
    {
        s3.Kill(entireProcessTree: true);
        await s3.WaitForExitAsync();
    }
    s3?.Dispose();
    Directory.Delete(folder, recursive: true);
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

// Uploads the clip (multipart), then times from the upload's answer until the video is published and, with object
// storage, until the API names the bucket (the media moved, local copies removed).
static async Task<double> PublishAsync(string baseUrl, string clip, string? bucketEndpoint)
{
    using var http = new HttpClient(new SocketsHttpHandler()) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(10) };
    var client = await http.GetFromJsonAsync<JsonElement>("/api/v1/oauth-clients/local");
    using var tokenResponse = await http.PostAsync("/api/v1/users/token", new FormUrlEncodedContent(new Dictionary<string, string>
    {
        ["client_id"] = client.GetProperty("client_id").GetString()!,
        ["client_secret"] = client.GetProperty("client_secret").GetString()!,
        ["grant_type"] = "password",
        ["username"] = "root",
        ["password"] = "bench-pass",
    }));
    var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    var me = await http.GetFromJsonAsync<JsonElement>("/api/v1/users/me");
    var channelId = me.GetProperty("videoChannels")[0].GetProperty("id").GetInt64();
    using var form = new MultipartFormDataContent();
    form.Add(new StringContent(channelId.ToString(CultureInfo.InvariantCulture)), "channelId");
    form.Add(new StringContent("Leçon de benchmark"), "name");
    var file = new StreamContent(File.OpenRead(clip));
    file.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
    form.Add(file, "videofile", "lesson.mp4");
    using var upload = await http.PostAsync("/api/v1/videos/upload", form);
    var body = await upload.Content.ReadAsStringAsync();
    if (!upload.IsSuccessStatusCode)
    {
        throw new InvalidOperationException($"upload failed: {(int)upload.StatusCode} {body}");
    }
    var clock = Stopwatch.StartNew();
    var uuid = JsonDocument.Parse(body).RootElement.GetProperty("video").GetProperty("uuid").GetString();
    while (true)
    {
        var video = await http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{uuid}");
        var published = video.GetProperty("state").GetProperty("id").GetInt32() == 1;
        var playlists = video.GetProperty("streamingPlaylists");
        var inBucket = bucketEndpoint is null
            || (playlists.GetArrayLength() > 0 && playlists[0].GetProperty("playlistUrl").GetString()!.StartsWith(bucketEndpoint, StringComparison.Ordinal));
        if (published && inBucket)
        {
            return clock.Elapsed.TotalSeconds;
        }
        if (clock.Elapsed > TimeSpan.FromMinutes(10))
        {
            throw new TimeoutException($"video {uuid} was not published in 10 minutes");
        }
        await Task.Delay(50);
    }
}

static async Task RunAsync(string file, params string[] args)
{
    using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true })!;
    var error = await process.StandardError.ReadToEndAsync();
    await process.WaitForExitAsync();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"{file} failed: {error}");
    }
}
