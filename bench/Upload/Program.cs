// Benchmark: a 1 GiB resumable upload in 8 MiB chunks on loopback (PeerTube's protocol, in-process server), against a
// plain streamed copy of the same file on the same disk in the same run. Prints throughput, the ratio, and the growth of
// the process's resident memory during the upload (aim < 100 MiB: bodies must stream to disk, never into memory).
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Api;

var sizeMiB = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1024;
const int Chunk = 8 * 1024 * 1024;
var folder = Path.Combine(Path.GetTempPath(), "vp-bench-upload-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(folder);
try
{
    // A real (tiny, faststart) video padded with random bytes to the size: the upload passes ffprobe at the end.
    var source = Path.Combine(folder, "source.mp4");
    await RunAsync("/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "2",
        "-c:v", "libx264", "-preset", "ultrafast", "-threads", "2", "-pix_fmt", "yuv420p", "-movflags", "+faststart", source);
    await PadAsync(source, (long)sizeMiB * 1024 * 1024);
    var size = new FileInfo(source).Length;

    var app = VideoPlatformApp.Build(["--urls", "http://127.0.0.1:0", "--Storage:Root", Path.Combine(folder, "storage"), "--Roles", "web",
        "--Admin:Password", "bench-pass", "--Logging:LogLevel:Default", "Warning"]);
    await app.StartAsync();
    var baseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    using var http = new HttpClient(new SocketsHttpHandler()) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(10) };
    while (!(await http.GetAsync("/health")).IsSuccessStatusCode)
    {
        await Task.Delay(100);
    }
    var client = await http.GetFromJsonAsync<JsonElement>("/api/v1/oauth-clients/local");
    using var token = await http.PostAsync("/api/v1/users/token", new FormUrlEncodedContent(new Dictionary<string, string>
    {
        ["client_id"] = client.GetProperty("client_id").GetString()!,
        ["client_secret"] = client.GetProperty("client_secret").GetString()!,
        ["grant_type"] = "password",
        ["username"] = "root",
        ["password"] = "bench-pass",
    }));
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
        (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString());
    var me = await http.GetFromJsonAsync<JsonElement>("/api/v1/users/me");
    var channelId = me.GetProperty("videoChannels")[0].GetProperty("id").GetInt64();

    var buffer = new byte[Chunk];
    // Warm-up (JIT, pools) with a small upload (a truncated file, refused at the end: expected), then the baseline memory.
    await UploadAsync(http, channelId, source, Math.Min(size, 3L * Chunk / 2), buffer);
    GC.Collect();
    using var self = Process.GetCurrentProcess();
    self.Refresh();
    var baseline = self.WorkingSet64;
    var peak = baseline;
    using var sampling = new CancellationTokenSource();
    var sampler = Task.Run(async () =>
    {
        while (!sampling.IsCancellationRequested)
        {
            self.Refresh();
            peak = Math.Max(peak, self.WorkingSet64);
            try
            {
                await Task.Delay(20, sampling.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    });

    var watch = Stopwatch.StartNew();
    var status = await UploadAsync(http, channelId, source, size, buffer);
    var uploadSeconds = watch.Elapsed.TotalSeconds;
    await sampling.CancelAsync();
    await sampler;

    var copy = Path.Combine(folder, "copy.bin");
    watch.Restart();
    await using (var from = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1024 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan))
    await using (var to = new FileStream(copy, FileMode.Create, FileAccess.Write, FileShare.None, 1024 * 1024, FileOptions.Asynchronous))
    {
        await from.CopyToAsync(to, 1024 * 1024);
        await to.FlushAsync();
    }
    var copySeconds = watch.Elapsed.TotalSeconds;

    var mib = size / 1048576.0;
    Console.WriteLine($"{mib:F0} MiB in {Chunk / 1048576} MiB chunks over loopback; final answer {(int)status} (200 = video created after ffprobe)");
    Console.WriteLine("| what | seconds | MiB/s |");
    Console.WriteLine("|---|---|---|");
    Console.WriteLine($"| resumable upload (ours) | {uploadSeconds:F1} | {mib / uploadSeconds:F0} |");
    Console.WriteLine($"| streamed file copy | {copySeconds:F1} | {mib / copySeconds:F0} |");
    Console.WriteLine($"upload/copy throughput = {copySeconds / uploadSeconds:F2}");
    Console.WriteLine($"resident memory growth during the upload = {(peak - baseline) / 1048576.0:F0} MiB (aim < 100; includes the client's 8 MiB chunk buffer)");
    await app.StopAsync();
    await app.DisposeAsync();
}
finally
{
    Directory.Delete(folder, recursive: true);
}

static async Task<HttpStatusCode> UploadAsync(HttpClient http, long channelId, string path, long size, byte[] buffer)
{
    using var init = new HttpRequestMessage(HttpMethod.Post, "/api/v1/videos/upload-resumable")
    {
        Content = JsonContent.Create(new { name = "Bench upload", channelId, privacy = 1, filename = "bench.mp4" }),
    };
    init.Headers.Add("X-Upload-Content-Length", size.ToString(CultureInfo.InvariantCulture));
    init.Headers.Add("X-Upload-Content-Type", "video/mp4");
    using var created = await http.SendAsync(init);
    var location = created.Headers.Location?.OriginalString ?? throw new InvalidOperationException($"POST answered {created.StatusCode}");
    var id = location[(location.IndexOf("upload_id=", StringComparison.Ordinal) + 10)..];
    await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
    for (long offset = 0; offset < size; offset += buffer.Length)
    {
        var length = (int)Math.Min(buffer.Length, size - offset);
        await file.ReadExactlyAsync(buffer.AsMemory(0, length));
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/videos/upload-resumable?upload_id={id}")
        {
            Content = new ByteArrayContent(buffer, 0, length),
        };
        put.Content.Headers.ContentRange = new ContentRangeHeaderValue(offset, offset + length - 1, size);
        using var response = await http.SendAsync(put);
        if (offset + length == size)
        {
            return response.StatusCode;
        }
        if ((int)response.StatusCode != 308)
        {
            throw new InvalidOperationException($"chunk at {offset}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
    throw new InvalidOperationException("empty upload");
}

static async Task PadAsync(string path, long size)
{
    var buffer = new byte[4 * 1024 * 1024];
    await using var file = new FileStream(path, FileMode.Append);
    while (file.Length < size)
    {
        Random.Shared.NextBytes(buffer);
        await file.WriteAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, size - file.Length)));
    }
}

static async Task RunAsync(string tool, params string[] args)
{
    using var process = Process.Start(new ProcessStartInfo(tool, args) { RedirectStandardError = true })!;
    var error = await process.StandardError.ReadToEndAsync();
    await process.WaitForExitAsync();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"{tool} failed: {error}");
    }
}
