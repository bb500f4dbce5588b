using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VideoPlatform.IntegrationTests.Infrastructure;
using VideoPlatform.IntegrationTests.Media;

namespace VideoPlatform.IntegrationTests.Api;

/// <summary>
/// Malformed values on every endpoint that takes input (numbers out of range, nulls in arrays, wrong types, bad query
/// values), on the API and the page forms: each answers 400 with a problem detail, none is logged as a server error,
/// and the instance keeps serving.
/// </summary>
[TestFixture(DbKind.Sqlite)]
[TestFixture(DbKind.Postgres)]
[Category("Http")]
[Category("Db")]
public sealed class ClientErrorFuzzTests(DbKind kind)
{
    private readonly ErrorLog _log = new();
    private TestInstance _instance = null!;
    private HttpClient _admin = null!;
    private HttpClient _teacher = null!;
    private string _video = "";
    private long _channelId;
    private long _userId;

    public enum Who { Anonymous, Teacher, Admin }

    [OneTimeSetUp]
    public async Task Start()
    {
        _instance = await TestInstance.StartAsync(kind, s => s.AddSingleton<ILoggerProvider>(_log), "--Instance:SignupEnabled", "true");
        _admin = _instance.Authed(await _instance.TokenAsync());
        _teacher = await _instance.CreateUserAsync("fuzzteacher", "fuzzteacher-password");
        _channelId = await Uploader.ChannelIdAsync(_teacher);
        _userId = (await _teacher.GetFromJsonAsync<JsonElement>("/api/v1/users/me")).GetProperty("id").GetInt64();
        _video = (await _instance.SeedVideoAsync("fuzzteacher_channel", "Leçon à malmener")).Uuid;
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _admin.Dispose();
        _teacher.Dispose();
        await _instance.DisposeAsync();
    }

    private static StringContent Json(string json) => new StringContent(json, Encoding.UTF8, "application/json");

    private static MultipartFormDataContent Form(params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }
        return form;
    }

    private MultipartFormDataContent UploadForm(params (string Name, string Value)[] fields)
    {
        var form = Form([("name", "Téléversée"), .. fields]);
        form.Add(new ByteArrayContent(new byte[4096]), "videofile", "lecon.mp4");
        return form;
    }

    /// <summary>The table: who sends what; every row must answer 400 problem+json.</summary>
    private IEnumerable<(string Case, Who Who, HttpMethod Method, string Path, Func<HttpContent?> Body, (string, string)[] Headers)> Table()
    {
        (string, string)[] none = [];
        (string, string)[] resumable = [("X-Upload-Content-Length", "4096")];
        var get = HttpMethod.Get;
        var post = HttpMethod.Post;
        var put = HttpMethod.Put;
        yield return ("count=abc", Who.Anonymous, get, "/api/v1/videos?count=abc", () => null, none);
        yield return ("start out of range", Who.Anonymous, get, "/api/v1/videos?start=99999999999", () => null, none);
        yield return ("count over the cap", Who.Anonymous, get, "/api/v1/videos?count=1000", () => null, none);
        yield return ("start negative", Who.Anonymous, get, "/api/v1/videos?start=-1", () => null, none);
        yield return ("search start=abc", Who.Anonymous, get, "/api/v1/search/videos?search=maths&start=abc", () => null, none);
        yield return ("channel videos count=abc", Who.Anonymous, get, "/api/v1/video-channels/fuzzteacher_channel/videos?count=abc", () => null, none);
        yield return ("my videos count=abc", Who.Teacher, get, "/api/v1/users/me/videos?count=abc", () => null, none);
        yield return ("users start=1e99", Who.Admin, get, "/api/v1/users?start=1e99", () => null, none);
        yield return ("following count=abc", Who.Admin, get, "/api/v1/server/following?count=abc", () => null, none);
        yield return ("follow handles [null]", Who.Admin, post, "/api/v1/server/following", () => Json("""{"handles":[null]}"""), none);
        yield return ("follow hosts [null]", Who.Admin, post, "/api/v1/server/following", () => Json("""{"hosts":[null]}"""), none);
        yield return ("follow hosts wrong type", Who.Admin, post, "/api/v1/server/following", () => Json("""{"hosts":"lyon.example"}"""), none);
        yield return ("follow hosts [number]", Who.Admin, post, "/api/v1/server/following", () => Json("""{"hosts":[42]}"""), none);
        yield return ("follow body not an object", Who.Admin, post, "/api/v1/server/following", () => Json("[]"), none);
        yield return ("block host wrong type", Who.Admin, post, "/api/v1/server/blocklist/servers", () => Json("""{"host":["x"]}"""), none);
        yield return ("form privacy out of range", Who.Teacher, put, $"/api/v1/videos/{_video}", () => Form(("privacy", "99999999999")), none);
        yield return ("form channelId out of range", Who.Teacher, put, $"/api/v1/videos/{_video}", () => Form(("channelId", "99999999999")), none);
        yield return ("form category not a number", Who.Teacher, put, $"/api/v1/videos/{_video}", () => Form(("category", "maths")), none);
        yield return ("form nsfw not a boolean", Who.Teacher, put, $"/api/v1/videos/{_video}", () => Form(("nsfw", "maybe")), none);
        yield return ("form date not a date", Who.Teacher, put, $"/api/v1/videos/{_video}", () => Form(("originallyPublishedAt", "hier")), none);
        yield return ("json privacy out of range", Who.Teacher, put, $"/api/v1/videos/{_video}", () => Json("""{"privacy":99999999999}"""), none);
        yield return ("json privacy wrong type", Who.Teacher, put, $"/api/v1/videos/{_video}", () => Json("""{"privacy":"public"}"""), none);
        yield return ("json tags [null]", Who.Teacher, put, $"/api/v1/videos/{_video}", () => Json("""{"tags":[null]}"""), none);
        yield return ("json tags wrong type", Who.Teacher, put, $"/api/v1/videos/{_video}", () => Json("""{"tags":"maths"}"""), none);
        yield return ("json name wrong type", Who.Teacher, put, $"/api/v1/videos/{_video}", () => Json("""{"name":12}"""), none);
        yield return ("json number 1e400", Who.Teacher, put, $"/api/v1/videos/{_video}", () => Json("""{"category":1e400}"""), none);
        yield return ("upload form privacy out of range", Who.Teacher, post, "/api/v1/videos/upload",
            () => UploadForm(("channelId", _channelId.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("privacy", "99999999999")), none);
        yield return ("upload form channelId out of range", Who.Teacher, post, "/api/v1/videos/upload", () => UploadForm(("channelId", "99999999999")), none);
        yield return ("resumable channelId out of range", Who.Teacher, post, Uploader.ResumablePath,
            () => Json("""{"name":"Leçon","channelId":99999999999,"filename":"a.mp4"}"""), resumable);
        yield return ("resumable tags [null]", Who.Teacher, post, Uploader.ResumablePath,
            () => Json($$"""{"name":"Leçon","channelId":{{_channelId}},"tags":[null],"filename":"a.mp4"}"""), resumable);
        yield return ("resumable size not a number", Who.Teacher, post, Uploader.ResumablePath,
            () => Json($$"""{"name":"Leçon","channelId":{{_channelId}},"filename":"a.mp4"}"""), [("X-Upload-Content-Length", "abc")]);
        yield return ("create user name wrong type", Who.Admin, post, "/api/v1/users", () => Json("""{"username":5,"password":"password123","email":"a@b.org"}"""), none);
        yield return ("create user quota 1e400", Who.Admin, post, "/api/v1/users",
            () => Json("""{"username":"quota","password":"password123","email":"q@b.org","videoQuota":1e400}"""), none);
        yield return ("update user role out of range", Who.Admin, put, $"/api/v1/users/{_userId}", () => Json("""{"role":99999999999}"""), none);
        yield return ("update user quota wrong type", Who.Admin, put, $"/api/v1/users/{_userId}", () => Json("""{"videoQuota":"lots"}"""), none);
        yield return ("register password wrong type", Who.Anonymous, post, "/api/v1/users/register",
            () => Json("""{"username":"pupil","password":[1],"email":"p@b.org"}"""), none);
        yield return ("create channel name wrong type", Who.Teacher, post, "/api/v1/video-channels", () => Json("""{"name":[null],"displayName":"x"}"""), none);
        yield return ("token form without fields", Who.Anonymous, post, "/api/v1/users/token", () => new FormUrlEncodedContent(new Dictionary<string, string>()), none);
        yield return ("comment text wrong type", Who.Teacher, post, $"/api/v1/videos/{_video}/comment-threads", () => Json("""{"text":5}"""), none);
        yield return ("comment body not an object", Who.Teacher, post, $"/api/v1/videos/{_video}/comment-threads", () => Json("[]"), none);
        yield return ("comment text blank", Who.Teacher, post, $"/api/v1/videos/{_video}/comment-threads", () => Json("""{"text":"  "}"""), none);
        yield return ("comment-threads count=101", Who.Anonymous, get, $"/api/v1/videos/{_video}/comment-threads?count=101", () => null, none);
        yield return ("comment-threads sort unknown", Who.Anonymous, get, $"/api/v1/videos/{_video}/comment-threads?sort=name", () => null, none);
        yield return ("my comments isHeldForReview=maybe", Who.Teacher, get, "/api/v1/users/me/videos/comments?isHeldForReview=maybe", () => null, none);
        yield return ("json commentsPolicy out of range", Who.Teacher, put, $"/api/v1/videos/{_video}", () => Json("""{"commentsPolicy":9}"""), none);
        yield return ("form commentsPolicy not a number", Who.Teacher, put, $"/api/v1/videos/{_video}", () => Form(("commentsPolicy", "open")), none);
        yield return ("abuse comment id wrong type", Who.Teacher, post, "/api/v1/abuses", () => Json("""{"reason":"propos","comment":{"id":"x"}}"""), none);
    }

    [Test]
    public async Task Every_malformed_value_answers_400_with_a_problem_detail_and_is_not_logged_as_an_error()
    {
        var failures = new List<string>();
        foreach (var (name, who, method, path, body, headers) in Table())
        {
            var client = who switch { Who.Admin => _admin, Who.Teacher => _teacher, _ => _instance.Http };
            using var request = new HttpRequestMessage(method, path) { Content = body() };
            foreach (var (header, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(header, value);
            }
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.BadRequest || response.Content.Headers.ContentType?.MediaType != "application/problem+json"
                || JsonDocument.Parse(text).RootElement.GetProperty("status").GetInt32() != 400)
            {
                failures.Add($"{name}: {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType} {text[..Math.Min(200, text.Length)]}");
            }
        }
        Assert.That(failures, Is.Empty);
        Assert.That(_log.Errors, Is.Empty, "client errors are not logged at error level, nor with a stack trace");
        using var health = await _instance.Http.GetAsync("/health");
        Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task The_edit_page_form_answers_400_on_an_out_of_range_privacy()
    {
        var forms = new WebForms(_instance.Http);
        using (var login = await forms.LoginAsync("fuzzteacher", "fuzzteacher-password"))
        {
            Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        }
        foreach (var privacy in new[] { "99999999999", "abc", "-1" })
        {
            using var response = await forms.PostFormAsync($"/videos/update/{_video}",
                new() { ["name"] = "Leçon à malmener", ["privacy"] = privacy, ["tags"] = "" });
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), privacy);
        }
        Assert.That(_log.Errors, Is.Empty);
    }

    /// <summary>Keeps every entry at error level or above (the instance logs at warning and above in tests).</summary>
    private sealed class ErrorLog : ILoggerProvider
    {
        public ConcurrentQueue<string> Errors { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(ErrorLog log, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (logLevel >= LogLevel.Error)
                {
                    log.Errors.Enqueue($"{category}: {formatter(state, exception)} {exception?.GetType().Name}");
                }
            }
        }
    }
}
