// Benchmark: upload-complete → published, the in-process transcoder worker against one remote runner process (the
// same executable with --Roles runner, talking HTTP only, default poll and update intervals), same file, same run,
// rounds interleaved. Prints each timing, the medians and the ratio runner / in-process (aim ≤ 1.15).
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Api;

var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 10;
var size = args.Length > 1 ? args[1] : "1280x720";
var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
var folder = Path.Combine(Path.GetTempPath(), "vp-bench-runner-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(folder);
Process? runner = null;
try
{
    var clip = Path.Combine(folder, "lesson.mp4");
    await RunAsync("/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", $"testsrc2=size={size}:rate=25",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", seconds.ToString(CultureInfo.InvariantCulture),
        "-c:v", "libx264", "-preset", "ultrafast", "-threads", "2", "-pix_fmt", "yuv420p", "-c:a", "aac", "-movflags", "+faststart", clip);

    await using var inProcess = await StartAsync(Path.Combine(folder, "in-process"));
    await using var remote = await StartAsync(Path.Combine(folder, "remote"), "--Roles", "web,federation,p2p", "--Transcoding:RemoteRunners:Enabled", "true");
    using var inProcessAdmin = await AdminAsync(inProcess);
    using var remoteAdmin = await AdminAsync(remote);

    using (var generated = await remoteAdmin.PostAsync("/api/v1/runners/registration-tokens/generate", null))
    {
        generated.EnsureSuccessStatusCode();
        var token = (await generated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("registrationToken").GetString()!;
        var api = Path.Combine(AppContext.BaseDirectory, "VideoPlatform.Api.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { api, "--Roles", "runner", "--urls", "http://127.0.0.1:0", "--Runner:InstanceUrl", BaseUrl(remote),
                     "--Runner:RegistrationToken", token, "--Runner:StateFolder", Path.Combine(folder, "runner-data"), "--Runner:Name", "bench-runner",
                     "--Logging:LogLevel:Default", "Warning" })
        {
            start.ArgumentList.Add(a);
        }
        runner = Process.Start(start)!;
        runner.OutputDataReceived += (_, e) => { if (e.Data is not null) Console.WriteLine("runner: " + e.Data); };
        runner.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.WriteLine("runner: " + e.Data); };
        runner.BeginOutputReadLine();
        runner.BeginErrorReadLine();
    }
    // Registered once the instance lists it.
    var deadline = DateTime.UtcNow.AddSeconds(60);
    while ((await remoteAdmin.GetFromJsonAsync<JsonElement>("/api/v1/runners")).GetProperty("total").GetInt32() == 0)
    {
        if (DateTime.UtcNow > deadline || runner.HasExited)
        {
            throw new InvalidOperationException("The runner process did not register.");
        }
        await Task.Delay(100);
    }

    Console.WriteLine($"clip: {seconds} s {size}, {new FileInfo(clip).Length / 1024} KiB; warm-up round, then {rounds} rounds");
    var local = new List<double>();
    var remoteTimes = new List<double>();
    for (var round = 0; round <= rounds; round++)
    {
        var a = await UploadToPublishedAsync(inProcessAdmin, clip);
        var b = await UploadToPublishedAsync(remoteAdmin, clip);
        Console.WriteLine($"{(round == 0 ? "warm-up" : "round " + round)}: in-process {a:F2} s, runner {b:F2} s");
        if (round > 0)
        {
            local.Add(a);
            remoteTimes.Add(b);
        }
    }
    var m1 = Median(local);
    var m2 = Median(remoteTimes);
    Console.WriteLine($"upload-complete → published, median: in-process worker {m1:F2} s, one runner process {m2:F2} s");
    Console.WriteLine($"ratio runner / in-process: {m2 / m1:F3} (aim ≤ 1.15)");

    // The runner goes first, then the instances stop before they are disposed.
    runner.Kill(entireProcessTree: true);
    await runner.WaitForExitAsync();
    await inProcess.StopAsync();
    await remote.StopAsync();
}
finally
{
    if (runner is { HasExited: false })
    {
        runner.Kill(entireProcessTree: true);
        await runner.WaitForExitAsync();
    }
    Directory.Delete(folder, recursive: true);
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

static string BaseUrl(WebApplication app) =>
    app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

static async Task<WebApplication> StartAsync(string storage, params string[] extra)
{
    var app = VideoPlatformApp.Build(["--urls", "http://127.0.0.1:0", "--Storage:Root", storage, "--Admin:Password", "bench-pass",
        "--Logging:LogLevel:Default", "Warning", "--P2P:PeerPort", "-1", .. extra]);
    await app.StartAsync();
    using var http = new HttpClient(new SocketsHttpHandler());
    while (!(await http.GetAsync(BaseUrl(app) + "/health")).IsSuccessStatusCode)
    {
        await Task.Delay(100);
    }
    return app;
}

static async Task<HttpClient> AdminAsync(WebApplication app)
{
    var http = new HttpClient(new SocketsHttpHandler()) { BaseAddress = new Uri(BaseUrl(app)), Timeout = TimeSpan.FromMinutes(10) };
    var client = await http.GetFromJsonAsync<JsonElement>("/api/v1/oauth-clients/local");
    using var token = await http.PostAsync("/api/v1/users/token", new FormUrlEncodedContent(new Dictionary<string, string>
    {
        ["client_id"] = client.GetProperty("client_id").GetString()!,
        ["client_secret"] = client.GetProperty("client_secret").GetString()!,
        ["grant_type"] = "password",
        ["username"] = "root",
        ["password"] = "bench-pass",
    }));
    token.EnsureSuccessStatusCode();
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
        (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString());
    return http;
}

// Legacy multipart upload; the clock starts when the server answers (upload complete, transcode queued).
static async Task<double> UploadToPublishedAsync(HttpClient admin, string clip)
{
    var channel = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/video-channels/root_channel")).GetProperty("id").GetInt64();
    using var form = new MultipartFormDataContent();
    form.Add(new StringContent(channel.ToString(CultureInfo.InvariantCulture)), "channelId");
    form.Add(new StringContent("Benchmark"), "name");
    form.Add(new StringContent("1"), "privacy");
    var file = new StreamContent(File.OpenRead(clip));
    file.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
    form.Add(file, "videofile", "lesson.mp4");
    using var uploaded = await admin.PostAsync("/api/v1/videos/upload", form);
    var clock = Stopwatch.StartNew();
    if (!uploaded.IsSuccessStatusCode)
    {
        throw new InvalidOperationException($"Upload refused: {(int)uploaded.StatusCode} {await uploaded.Content.ReadAsStringAsync()}");
    }
    var uuid = (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("video").GetProperty("uuid").GetString();
    while (true)
    {
        var state = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{uuid}")).GetProperty("state").GetProperty("id").GetInt32();
        if (state == 1)
        {
            return clock.Elapsed.TotalSeconds;
        }
        if (state != 2 || clock.Elapsed > TimeSpan.FromMinutes(10))
        {
            throw new InvalidOperationException($"Video {uuid} ended in state {state}.");
        }
        await Task.Delay(50);
    }
}

static async Task RunAsync(string file, params string[] arguments)
{
    var start = new ProcessStartInfo(file) { RedirectStandardError = true, UseShellExecute = false };
    foreach (var a in arguments)
    {
        start.ArgumentList.Add(a);
    }
    using var process = Process.Start(start)!;
    var error = await process.StandardError.ReadToEndAsync();
    await process.WaitForExitAsync();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"{file} failed: {error}");
    }
}
