using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using VideoPlatform.Transcoder;

namespace VideoPlatform.Api.Runners;

/// <summary>The instance answered 401: the runner token is unknown or was deleted (the runner registers again).</summary>
public sealed class RunnerUnauthorizedException(string detail) : Exception(detail);

/// <summary>The runner side of the runner API, over HTTP only: every URL is under <see cref="RunnerOptions.InstanceUrl"/>.</summary>
public sealed class RunnerClient : IDisposable
{
    private readonly HttpClient _http;

    public RunnerClient(IOptions<RunnerOptions> options)
    {
        var baseUrl = options.Value.InstanceUrl.TrimEnd('/') + "/";
        // Uploads of a whole ladder take long: each call is bounded by its caller's token, not by a client timeout.
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(baseUrl), Timeout = Timeout.InfiniteTimeSpan };
    }

    public async Task<(long Id, string RunnerToken)> RegisterAsync(string registrationToken, string name, string? description, CancellationToken ct)
    {
        using var response = await _http.PostAsJsonAsync("api/v1/runners/register", new { registrationToken, name, description }, ct);
        await EnsureAsync(response, ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        return (body.GetProperty("id").GetInt64(), body.GetProperty("runnerToken").GetString()!);
    }

    public async Task<IReadOnlyList<RunnerJobDto>> RequestAsync(string runnerToken, CancellationToken ct)
    {
        using var response = await _http.PostAsJsonAsync("api/v1/runners/jobs/request",
            new { runnerToken, jobTypes = new[] { RunnerJobRules.TranscodingJobType } }, ct);
        await EnsureAsync(response, ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        return body.GetProperty("availableJobs").Deserialize<List<RunnerJobDto>>(JsonSerializerOptions.Web) ?? [];
    }

    /// <summary>The job with its job token, or null when another runner was faster (409) or it is gone (404).</summary>
    public async Task<RunnerJobDto?> AcceptAsync(string jobUuid, string runnerToken, CancellationToken ct)
    {
        using var response = await _http.PostAsJsonAsync($"api/v1/runners/jobs/{jobUuid}/accept", new { runnerToken }, ct);
        if (response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
            return null;
        }
        await EnsureAsync(response, ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        return body.GetProperty("job").Deserialize<RunnerJobDto>(JsonSerializerOptions.Web);
    }

    /// <summary>Reports progress (and keeps the lease); false when the job is no longer this runner's.</summary>
    public Task<bool> UpdateAsync(string jobUuid, string runnerToken, string jobToken, int progress, CancellationToken ct) =>
        PostJobAsync($"api/v1/runners/jobs/{jobUuid}/update", new { runnerToken, jobToken, progress }, ct);

    public Task<bool> ErrorAsync(string jobUuid, string runnerToken, string jobToken, string message, bool permanent, CancellationToken ct) =>
        PostJobAsync($"api/v1/runners/jobs/{jobUuid}/error", new { runnerToken, jobToken, message, permanent }, ct);

    public Task<bool> AbortAsync(string jobUuid, string runnerToken, string jobToken, string reason, CancellationToken ct) =>
        PostJobAsync($"api/v1/runners/jobs/{jobUuid}/abort", new { runnerToken, jobToken, reason }, ct);

    /// <summary>Downloads the job's source to <paramref name="path"/>; only the path of the offered URL is used, under our instance URL.</summary>
    public async Task DownloadAsync(string videoFileUrl, string runnerToken, string jobToken, string path, CancellationToken ct)
    {
        var relative = Uri.TryCreate(videoFileUrl, UriKind.Absolute, out var absolute) ? absolute.PathAndQuery.TrimStart('/') : videoFileUrl.TrimStart('/');
        using var request = new HttpRequestMessage(HttpMethod.Post, relative) { Content = JsonContent.Create(new { runnerToken, jobToken }) };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await EnsureAsync(response, ct);
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true);
        await response.Content.CopyToAsync(file, ct);
    }

    /// <summary>Sends the results: tokens and the payload first, then every file the payload names, streamed from <paramref name="directory"/>.</summary>
    public async Task<bool> SuccessAsync(string jobUuid, string runnerToken, string jobToken, TranscodeOutput output, string directory, CancellationToken ct)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(runnerToken), "runnerToken");
        form.Add(new StringContent(jobToken), "jobToken");
        form.Add(new StringContent(JsonSerializer.Serialize(output, JsonSerializerOptions.Web)), "payload");
        var streams = new List<Stream>();
        try
        {
            foreach (var name in output.FileNames)
            {
                var stream = new FileStream(Path.Combine(directory, name), FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
                streams.Add(stream);
                var part = new StreamContent(stream, 64 * 1024);
                part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                form.Add(part, "files", name);
            }
            using var response = await _http.PostAsync($"api/v1/runners/jobs/{jobUuid}/success", form, ct);
            return await SettledAsync(response, ct);
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<bool> PostJobAsync(string path, object body, CancellationToken ct)
    {
        using var response = await _http.PostAsJsonAsync(path, body, ct);
        return await SettledAsync(response, ct);
    }

    /// <summary>True on success; false when the instance refused because the job is not (or no longer) ours.</summary>
    private static async Task<bool> SettledAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
            return false;
        }
        await EnsureAsync(response, ct);
        return true;
    }

    private static async Task EnsureAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var detail = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            throw new RunnerUnauthorizedException(detail);
        }
        throw new HttpRequestException($"{(int)response.StatusCode} from {response.RequestMessage?.RequestUri}: {detail}", null, response.StatusCode);
    }
}
