using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VideoPlatform.IntegrationTests.Infrastructure;
using VideoPlatform.IntegrationTests.Media;
using VideoPlatform.IntegrationTests.Transcoder;

namespace VideoPlatform.IntegrationTests.Api.PeerTube;

/// <summary>
/// PeerTube's own software against a running instance: its command-line client uploads unmodified, and our answers to the
/// calls PeerTube clients make first validate against PeerTube's OpenAPI document with a JSON-schema validator (ajv).
/// </summary>
[TestFixture(DbKind.Sqlite)]
[TestFixture(DbKind.Postgres)]
[Category("Http")]
[Category("Ffmpeg")]
[Category("Node")]
public sealed partial class PeerTubeClientTests(DbKind kind)
{
    private const string TeacherPassword = "lecon-secrete-42";
    private TestInstance _instance = null!;
    private string _work = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        FfmpegTool.RequireFfmpeg();
        PeerTubeTools.Require();
        _instance = await TestInstance.StartAsync(kind);
        (await _instance.CreateUserAsync("prof", TeacherPassword)).Dispose();
        _work = Path.Combine(_instance.Database.Folder, "peertube-clients");
        Directory.CreateDirectory(_work);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_instance is not null)
        {
            await _instance.DisposeAsync();
        }
    }

    [Test]
    public async Task PeerTube_cli_uploads_and_the_video_is_published()
    {
        var clip = await Uploader.ClipAsync(_work, "cli-lesson.mp4", seconds: 3);
        const string name = "Leçon envoyée par peertube-cli";

        // The CLI uploads (legacy multipart), then polls the video until files[0].torrentUrl is set, as PeerTube's server
        // tests do: without files[] it crashed on "Cannot read properties of undefined (reading 'torrentUrl')".
        var (exit, output) = await PeerTubeTools.NodeAsync(PeerTubeTools.Cli,
            ["upload", "--url", _instance.BaseUrl, "--username", "prof", "--password", TeacherPassword, "--file", clip, "--video-name", name,
                "--video-description", "Une leçon de trois secondes", "--tags", "maths", "--category", "13", "--language", "fr", "--privacy", "1"],
            _work, TimeSpan.FromMinutes(3));
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain($"Video {name} uploaded."), output);
        Assert.That(output, Does.Not.Contain("Cannot read properties"), output);

        using var teacher = _instance.Authed(await _instance.TokenAsync("prof", TeacherPassword));
        var mine = await teacher.GetFromJsonAsync<JsonElement>("/api/v1/users/me/videos");
        var uploaded = mine.GetProperty("data").EnumerateArray().Single(v => v.GetProperty("name").GetString() == name);
        var uuid = uploaded.GetProperty("uuid").GetString()!;
        var video = await Uploader.WaitForStateAsync(teacher, uuid, 1, TimeSpan.FromMinutes(3));

        Assert.That(video.GetProperty("category").GetProperty("id").GetInt32(), Is.EqualTo(13), "the CLI's options reached the video");
        Assert.That(video.GetProperty("language").GetProperty("id").GetString(), Is.EqualTo("fr"));
        var files = video.GetProperty("files");
        Assert.That(files.GetArrayLength(), Is.GreaterThan(0), "web videos listed in files[] once published");
        foreach (var file in files.EnumerateArray())
        {
            using var head = new HttpRequestMessage(HttpMethod.Head, file.GetProperty("fileUrl").GetString());
            using var response = await _instance.Http.SendAsync(head);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), file.ToString());
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("video/mp4"));
        }
        var listed = await _instance.Http.GetFromJsonAsync<JsonElement>("/api/v1/videos?count=100");
        Assert.That(listed.GetProperty("data").EnumerateArray().Select(v => v.GetProperty("uuid").GetString()), Does.Contain(uuid),
            "the published video is in the public list");
    }

    [Test]
    public async Task First_calls_of_PeerTube_clients_validate_against_PeerTubes_OpenAPI_document()
    {
        var cases = new JsonArray();
        void Add(string name, string path, string method, HttpStatusCode status, JsonNode? body, string? schema = null)
        {
            var item = new JsonObject { ["name"] = name, ["path"] = path, ["method"] = method, ["status"] = (int)status, ["body"] = body };
            if (schema is not null)
            {
                item["schema"] = schema;
            }
            cases.Add(item);
        }

        async Task<JsonNode?> GetAsync(HttpClient client, string url, string path, string name, string? schema = null)
        {
            using var response = await client.GetAsync(url);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync());
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{url}: {body}");
            Add(name, path, "get", response.StatusCode, body, schema);
            return body;
        }

        // 1. oauth-clients/local, then the password grant, as every PeerTube client starts.
        var oauthClient = await GetAsync(_instance.Http, "/api/v1/oauth-clients/local", "/api/v1/oauth-clients/local", "oauth client");
        // PeerTube's schema writes these patterns as regex literals the validator cannot apply ("/^[a-z0-9]$/"): checked here.
        Assert.That(oauthClient!["client_id"]!.GetValue<string>(), Does.Match("^[a-z0-9]{32}$"));
        Assert.That(oauthClient["client_secret"]!.GetValue<string>(), Does.Match("^[a-zA-Z0-9]{32}$"));
        using (var tokenResponse = await _instance.Http.PostAsync("/api/v1/users/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = oauthClient["client_id"]!.GetValue<string>(),
            ["client_secret"] = oauthClient["client_secret"]!.GetValue<string>(),
            ["grant_type"] = "password",
            ["username"] = "prof",
            ["password"] = TeacherPassword,
        })))
        {
            Assert.That(tokenResponse.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Add("token", "/api/v1/users/token", "post", tokenResponse.StatusCode, JsonNode.Parse(await tokenResponse.Content.ReadAsStringAsync()));
        }
        using var teacher = _instance.Authed(await _instance.TokenAsync("prof", TeacherPassword));

        // 2. users/me: PeerTube's document declares an array of User for this operation, but PeerTube (and its clients)
        // answer and read one User object; validated against the User schema.
        var me = await GetAsync(teacher, "/api/v1/users/me", "/api/v1/users/me", "users/me", schema: "User");
        Assert.That(me!["nsfwPolicy"]!.GetValue<string>(), Is.EqualTo("blur"));
        Assert.That(me["p2pEnabled"]!.GetValue<bool>(), Is.True);
        Assert.That(me["videoChannels"]!.AsArray(), Has.Count.EqualTo(1));
        var channelId = me["videoChannels"]![0]!["id"]!.GetValue<long>();
        var channelName = me["videoChannels"]![0]!["name"]!.GetValue<string>();

        var config = await GetAsync(_instance.Http, "/api/v1/config", "/api/v1/config", "config");
        Assert.That(config!["transcoding"]!["web_videos"]!["enabled"]!.GetValue<bool>(), Is.True, "Transcoding:WebVideos is on by default");
        foreach (var section in new[] { "client", "defaults", "instance", "search", "plugin", "theme", "signup", "transcoding", "live", "import",
            "video", "videoCaption", "user", "tracker", "federation", "views", "fieldsConstraints" })
        {
            Assert.That(config[section], Is.Not.Null, $"config section {section}, read by PeerTube's web client at start-up");
        }

        // 3. Resumable upload: its last chunk answers the VideoUploadResponse.
        var clip = await Uploader.ClipAsync(_work, "openapi-lesson.mp4", seconds: 3);
        var bytes = await File.ReadAllBytesAsync(clip);
        using var created = await Uploader.InitAsync(teacher, channelId, "openapi-lesson.mp4", bytes.Length, name: "Leçon validée");
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        using (var last = await Uploader.PutAsync(teacher, Uploader.UploadId(created), bytes, 0, bytes.Length))
        {
            Assert.That(last.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Add("upload-resumable result", "/api/v1/videos/upload-resumable", "put", last.StatusCode, JsonNode.Parse(await last.Content.ReadAsStringAsync()));
        }
        var uuid = ((JsonObject)cases[^1]!["body"]!["video"]!)["uuid"]!.GetValue<string>();

        // PeerTube answers {id: null, label: "Unknown"} for an unset category, licence or language, which its own
        // document does not allow (integer / string ids): the lesson is described as teachers describe theirs.
        using (var update = await teacher.PutAsJsonAsync($"/api/v1/videos/{uuid}", new { category = 13, licence = 7, language = "fr", support = "Dossier de la classe" }))
        {
            Assert.That(update.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await update.Content.ReadAsStringAsync());
        }

        // The source is listed in files[] (PeerTube's shape) from the upload's completion: validated in that state too,
        // if the transcode has not already replaced it (it is checked deterministically in WebVideoFilesTests), once its
        // torrent exists, which is what PeerTube's CLI waits for. Until then torrentUrl, magnetUri… are null, as on
        // PeerTube, whose document types them as (non-null) strings.
        await WaitForTorrentsAsync(teacher, uuid);
        await GetAsync(teacher, $"/api/v1/videos/{uuid}", "/api/v1/videos/{id}", "video details right after upload");

        // Published, with the torrents PeerTube's clients wait for (files[].torrentUrl).
        await Uploader.WaitForStateAsync(teacher, uuid, 1, TimeSpan.FromMinutes(3));
        await WaitForTorrentsAsync(teacher, uuid);

        // 4. The video, the list, the channel and the account.
        var details = await GetAsync(_instance.Http, $"/api/v1/videos/{uuid}", "/api/v1/videos/{id}", "video details");
        await GetAsync(_instance.Http, "/api/v1/videos?count=10", "/api/v1/videos", "videos list");
        await GetAsync(_instance.Http, $"/api/v1/video-channels/{channelName}", "/api/v1/video-channels/{channelHandle}", "channel");
        await GetAsync(_instance.Http, "/api/v1/accounts/prof", "/api/v1/accounts/{name}", "account");

        // What PeerTube's clients read, beyond types: present and meaningful.
        Assert.That(details!["commentsPolicy"]!["id"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(details["commentsEnabled"]!.GetValue<bool>(), Is.True);
        Assert.That(details["support"]!.GetValue<string>(), Is.EqualTo("Dossier de la classe"));
        Assert.That(details["aspectRatio"]!.GetValue<double>(), Is.EqualTo(1.78).Within(0.001), "640x360");
        Assert.That(details["channel"]!["ownerAccount"]!["name"]!.GetValue<string>(), Is.EqualTo("prof"), "the full channel in details");
        Assert.That(details["account"]!["followersCount"], Is.Not.Null, "the full account in details");
        var file = details["files"]![0]!;
        Assert.That(file["hasAudio"]!.GetValue<bool>() && file["hasVideo"]!.GetValue<bool>(), Is.True);
        Assert.That(file["magnetUri"]!.GetValue<string>(), Does.Match("^magnet:\\?xt=urn:btih:[a-f0-9]{40}"));
        var metadata = await _instance.Http.GetFromJsonAsync<JsonElement>(file["metadataUrl"]!.GetValue<string>());
        Assert.That(metadata.GetProperty("streams").EnumerateArray().Select(s => s.GetProperty("codec_type").GetString()),
            Is.EquivalentTo(new[] { "video", "audio" }), "metadataUrl answers the file's ffprobe metadata");
        Assert.That(metadata.GetProperty("format").GetProperty("format_name").GetString(), Does.Contain("mp4"));

        var casesPath = Path.Combine(_work, "openapi-cases.json");
        await File.WriteAllTextAsync(casesPath, cases.ToJsonString());
        var (exit, output) = await PeerTubeTools.NodeAsync(PeerTubeTools.Validator, [PeerTubeTools.OpenApiDocument, casesPath], _work, TimeSpan.FromMinutes(1));
        var results = ResultLine().Matches(output).Select(m => JsonNode.Parse(m.Value)!).ToList();
        Assert.That(results, Has.Count.EqualTo(cases.Count), output);
        Assert.Multiple(() =>
        {
            foreach (var result in results)
            {
                Assert.That(result["ok"]!.GetValue<bool>(), Is.True, $"{result["name"]}: {result["errors"]}");
            }
        });
        Assert.That(exit, Is.EqualTo(0), output);
    }

    /// <summary>Until files[] is listed and every file in it has its torrent.</summary>
    private static async Task WaitForTorrentsAsync(HttpClient client, string uuid)
    {
        for (var deadline = DateTimeOffset.UtcNow.AddMinutes(2); ; await Task.Delay(200))
        {
            var current = await client.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{uuid}");
            var files = current.GetProperty("files");
            if (files.GetArrayLength() > 0 && files.EnumerateArray().All(f => f.GetProperty("torrentUrl").ValueKind == JsonValueKind.String))
            {
                return;
            }
            Assert.That(DateTimeOffset.UtcNow, Is.LessThan(deadline), $"torrents never came: {current}");
        }
    }

    [GeneratedRegex("^\\{\"name\".*$", RegexOptions.Multiline)]
    private static partial Regex ResultLine();
}
