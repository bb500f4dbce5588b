using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Videos;
using VideoPlatform.IntegrationTests.Infrastructure;

namespace VideoPlatform.IntegrationTests.Playlists;

/// <summary>PeerTube's playlists API on both databases: a course sequence built, reordered, trimmed, hidden, and every refusal.</summary>
[TestFixture(DbKind.Sqlite)]
[TestFixture(DbKind.Postgres)]
[Category("Http")]
[Category("Db")]
public sealed class PlaylistApiTests(DbKind kind)
{
    private TestInstance _instance = null!;
    private HttpClient _teacher = null!;
    private HttpClient _other = null!;
    private long _channelId;

    [OneTimeSetUp]
    public async Task Start()
    {
        _instance = await TestInstance.StartAsync(kind);
        _teacher = await _instance.CreateUserAsync("teacher", "teacher-password");
        _other = await _instance.CreateUserAsync("other", "other-password");
        _channelId = (await _instance.Http.GetFromJsonAsync<JsonElement>("/api/v1/video-channels/teacher_channel")).GetProperty("id").GetInt64();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _teacher.Dispose();
        _other.Dispose();
        await _instance.DisposeAsync();
    }

    private static async Task<string> DetailAsync(HttpResponseMessage response)
    {
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
    }

    private static async Task<JsonElement> OkJsonAsync(HttpResponseMessage response)
    {
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<string[]> NamesInOrderAsync(HttpClient client, string playlist)
    {
        var list = await client.GetFromJsonAsync<JsonElement>($"/api/v1/video-playlists/{playlist}/videos?count=50");
        var data = list.GetProperty("data").EnumerateArray().ToList();
        Assert.That(data.Select(e => e.GetProperty("position").GetInt32()), Is.EqualTo(Enumerable.Range(1, data.Count)), "positions 1..n");
        Assert.That(list.GetProperty("total").GetInt32(), Is.EqualTo(data.Count));
        return data.Select(e => e.GetProperty("video").ValueKind == JsonValueKind.Null
            ? "#" + e.GetProperty("type").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture)
            : e.GetProperty("video").GetProperty("name").GetString()!).ToArray();
    }

    [Test]
    public async Task A_sequence_of_three_lessons_is_built_reordered_trimmed_and_deleted()
    {
        var lessons = new List<VideoRow>();
        foreach (var name in new[] { "Leçon 1", "Leçon 2", "Leçon 3" })
        {
            lessons.Add(await _instance.PublishVideoAsync("teacher_channel", name));
        }

        var created = await OkJsonAsync(await _teacher.PostAsJsonAsync("/api/v1/video-playlists",
            new { displayName = "Séquence 3 : les fractions", description = "Six leçons dans l'ordre", privacy = 1, videoChannelId = _channelId }));
        var playlist = created.GetProperty("videoPlaylist");
        var uuid = playlist.GetProperty("uuid").GetString()!;
        var shortUuid = playlist.GetProperty("shortUUID").GetString()!;
        Assert.That(shortUuid, Is.EqualTo(ShortUuid.FromUuid(Guid.Parse(uuid))));

        // Added by id, uuid and short uuid; each goes at the end.
        var elementIds = new List<long>();
        foreach (var key in new[] { lessons[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture), lessons[1].Uuid, lessons[2].ShortUuid })
        {
            var element = await OkJsonAsync(await _teacher.PostAsJsonAsync($"/api/v1/video-playlists/{shortUuid}/videos", new { videoId = key }));
            elementIds.Add(element.GetProperty("videoPlaylistElement").GetProperty("id").GetInt64());
        }
        Assert.That(await NamesInOrderAsync(_instance.Http, uuid), Is.EqualTo(new[] { "Leçon 1", "Leçon 2", "Leçon 3" }));

        var details = await _instance.Http.GetFromJsonAsync<JsonElement>($"/api/v1/video-playlists/{playlist.GetProperty("id").GetInt64()}");
        Assert.That(details.GetProperty("displayName").GetString(), Is.EqualTo("Séquence 3 : les fractions"));
        Assert.That(details.GetProperty("videosLength").GetInt32(), Is.EqualTo(3));
        Assert.That(details.GetProperty("privacy").GetProperty("id").GetInt32(), Is.EqualTo(1));
        Assert.That(details.GetProperty("privacy").GetProperty("label").GetString(), Is.EqualTo("Public"));
        Assert.That(details.GetProperty("type").GetProperty("id").GetInt32(), Is.EqualTo(1));
        Assert.That(details.GetProperty("url").GetString(), Is.EqualTo(_instance.BaseUrl + "/video-playlists/" + uuid));
        Assert.That(details.GetProperty("embedPath").GetString(), Is.EqualTo("/video-playlists/embed/" + uuid));
        Assert.That(details.GetProperty("ownerAccount").GetProperty("name").GetString(), Is.EqualTo("teacher"));
        Assert.That(details.GetProperty("videoChannel").GetProperty("name").GetString(), Is.EqualTo("teacher_channel"));
        Assert.That(details.GetProperty("thumbnailPath").GetString(), Is.EqualTo(MediaUrls.Thumbnail(lessons[0].ThumbnailName!)));

        // Lesson 3 first (PeerTube's reorder), then lesson 1 after lesson 2 with a start and stop.
        using (var reorder = await _teacher.PostAsJsonAsync($"/api/v1/video-playlists/{uuid}/videos/reorder", new { startPosition = 3, insertAfterPosition = 0 }))
        {
            Assert.That(reorder.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await reorder.Content.ReadAsStringAsync());
        }
        Assert.That(await NamesInOrderAsync(_instance.Http, uuid), Is.EqualTo(new[] { "Leçon 3", "Leçon 1", "Leçon 2" }));
        using (var reorder = await _teacher.PostAsJsonAsync($"/api/v1/video-playlists/{uuid}/videos/reorder",
            new { startPosition = 2, insertAfterPosition = 3, reorderLength = 1 }))
        {
            Assert.That(reorder.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }
        Assert.That(await NamesInOrderAsync(_instance.Http, uuid), Is.EqualTo(new[] { "Leçon 3", "Leçon 2", "Leçon 1" }));
        using (var put = await _teacher.PutAsJsonAsync($"/api/v1/video-playlists/{uuid}/videos/{elementIds[0]}", new { startTimestamp = 2, stopTimestamp = 8 }))
        {
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await put.Content.ReadAsStringAsync());
        }
        var last = (await _instance.Http.GetFromJsonAsync<JsonElement>($"/api/v1/video-playlists/{uuid}/videos")).GetProperty("data")[2];
        Assert.That(last.GetProperty("id").GetInt64(), Is.EqualTo(elementIds[0]));
        Assert.That(last.GetProperty("startTimestamp").GetInt32(), Is.EqualTo(2));
        Assert.That(last.GetProperty("stopTimestamp").GetInt32(), Is.EqualTo(8));
        Assert.That(last.GetProperty("type").GetInt32(), Is.EqualTo(0));

        // Federation: PeerTube's Playlist (a paged collection of PlaylistElement URLs) and its elements, as activity+json.
        var ap = new System.Net.Http.Headers.MediaTypeWithQualityHeaderValue("application/activity+json");
        async Task<JsonElement> FetchAsync(string url)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.Add(ap);
            using var response = await _instance.Http.SendAsync(request);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), url);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/activity+json"));
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }
        var root = await FetchAsync($"/video-playlists/{uuid}");
        Assert.That(root.GetProperty("type").GetString(), Is.EqualTo("Playlist"));
        Assert.That(root.GetProperty("id").GetString(), Is.EqualTo(_instance.BaseUrl + "/video-playlists/" + uuid));
        Assert.That(root.GetProperty("name").GetString(), Is.EqualTo("Séquence 3 : les fractions"));
        Assert.That(root.GetProperty("mediaType").GetString(), Is.EqualTo("text/markdown"));
        Assert.That(root.GetProperty("uuid").GetString(), Is.EqualTo(uuid));
        Assert.That(root.GetProperty("totalItems").GetInt32(), Is.EqualTo(3));
        Assert.That(root.GetProperty("attributedTo").EnumerateArray().Select(a => a.GetString()), Is.EqualTo(new[] { _instance.BaseUrl + "/video-channels/teacher_channel" }));
        Assert.That(root.GetProperty("to").EnumerateArray().Select(a => a.GetString()), Is.EqualTo(new[] { "https://www.w3.org/ns/activitystreams#Public" }));
        var firstPage = await FetchAsync(root.GetProperty("first").GetString()!);
        var items = firstPage.GetProperty("orderedItems").EnumerateArray().Select(i => i.GetString()!).ToList();
        Assert.That(items, Is.EqualTo(new[] { elementIds[2], elementIds[1], elementIds[0] }.Select(e => $"{_instance.BaseUrl}/video-playlists/{uuid}/videos/{e}")));
        Assert.That(firstPage.GetProperty("partOf").GetString(), Is.EqualTo(_instance.BaseUrl + "/video-playlists/" + uuid));
        var lastElement = await FetchAsync(items[2]);
        Assert.That(lastElement.GetProperty("type").GetString(), Is.EqualTo("PlaylistElement"));
        Assert.That(lastElement.GetProperty("url").GetString(), Is.EqualTo(lessons[0].Url));
        Assert.That(lastElement.GetProperty("position").GetInt32(), Is.EqualTo(3));
        Assert.That(lastElement.GetProperty("startTimestamp").GetInt32(), Is.EqualTo(2));
        using (var html = new HttpRequestMessage(HttpMethod.Get, $"/video-playlists/{uuid}"))
        {
            html.Headers.Accept.ParseAdd("text/html");
            using var page = await _instance.Http.SendAsync(html);
            Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await page.Content.ReadAsStringAsync(), Does.Contain("Leçon 1 sur 3"), "a browser gets the playlist page");
        }

        // Removing the middle one closes the gap.
        using (var delete = await _teacher.DeleteAsync($"/api/v1/video-playlists/{uuid}/videos/{elementIds[1]}"))
        {
            Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }
        Assert.That(await NamesInOrderAsync(_instance.Http, uuid), Is.EqualTo(new[] { "Leçon 3", "Leçon 1" }));

        // videos-exist: where the teacher's lessons are in their playlists.
        var exist = await _teacher.GetFromJsonAsync<JsonElement>($"/api/v1/users/me/video-playlists/videos-exist?videoIds={lessons[0].Id}&videoIds={lessons[1].Id}");
        var first = exist.GetProperty(lessons[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).EnumerateArray().Single();
        Assert.That(first.GetProperty("playlistElementId").GetInt64(), Is.EqualTo(elementIds[0]));
        Assert.That(first.GetProperty("playlistShortUUID").GetString(), Is.EqualTo(shortUuid));
        Assert.That(first.GetProperty("startTimestamp").GetInt32(), Is.EqualTo(2));
        Assert.That(exist.GetProperty(lessons[1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).GetArrayLength(), Is.Zero);

        // Listed publicly, on the account and on the channel.
        foreach (var path in new[] { "/api/v1/video-playlists", "/api/v1/accounts/teacher/video-playlists", "/api/v1/video-channels/teacher_channel/video-playlists" })
        {
            var list = await _instance.Http.GetFromJsonAsync<JsonElement>(path + "?count=100");
            Assert.That(list.GetProperty("data").EnumerateArray().Select(p => p.GetProperty("uuid").GetString()), Does.Contain(uuid), path);
        }

        using (var delete = await _teacher.DeleteAsync($"/api/v1/video-playlists/{uuid}"))
        {
            Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }
        Assert.That((await _instance.Http.GetAsync($"/api/v1/video-playlists/{uuid}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Privacy_hides_private_playlists_and_private_or_deleted_lessons()
    {
        var shown = await _instance.PublishVideoAsync("teacher_channel", "Leçon publique");
        var hidden = await _instance.SeedVideoAsync("teacher_channel", "Leçon privée", VideoPrivacy.Private);
        var removed = await _instance.PublishVideoAsync("teacher_channel", "Leçon supprimée");

        // Multipart, as PeerTube's web client sends it; private needs no channel.
        var form = new MultipartFormDataContent { { new StringContent("Brouillon"), "displayName" }, { new StringContent("3"), "privacy" } };
        var uuid = (await OkJsonAsync(await _teacher.PostAsync("/api/v1/video-playlists", form))).GetProperty("videoPlaylist").GetProperty("uuid").GetString()!;
        foreach (var video in new[] { shown, hidden, removed })
        {
            using var add = await _teacher.PostAsJsonAsync($"/api/v1/video-playlists/{uuid}/videos", new { videoId = video.Id });
            Assert.That(add.StatusCode, Is.EqualTo(HttpStatusCode.OK), await add.Content.ReadAsStringAsync());
        }
        var commands = _instance.Services.GetRequiredService<VideoCommands>();
        await commands.DeleteAsync((await _instance.Services.GetRequiredService<VideoRepository>().FindAsync(removed.Uuid))!, CancellationToken.None);

        // Private: 401 anonymous, 403 another user, listed to its owner only.
        using (var anonymous = await _instance.Http.GetAsync($"/api/v1/video-playlists/{uuid}"))
        {
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }
        using (var other = await _other.GetAsync($"/api/v1/video-playlists/{uuid}/videos"))
        {
            Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(await DetailAsync(other), Is.EqualTo("Cannot get this private video playlist."));
        }
        static IEnumerable<string?> Uuids(JsonElement list) => list.GetProperty("data").EnumerateArray().Select(p => p.GetProperty("uuid").GetString());
        Assert.That(Uuids(await _teacher.GetFromJsonAsync<JsonElement>("/api/v1/accounts/teacher/video-playlists?count=100")), Does.Contain(uuid));
        Assert.That(Uuids(await _other.GetFromJsonAsync<JsonElement>("/api/v1/accounts/teacher/video-playlists?count=100")), Does.Not.Contain(uuid));
        Assert.That(Uuids(await _instance.Http.GetFromJsonAsync<JsonElement>("/api/v1/video-playlists?count=100")), Does.Not.Contain(uuid));

        // The owner sees their private lesson; the deleted one is type 1 with no video.
        Assert.That(await NamesInOrderAsync(_teacher, uuid), Is.EqualTo(new[] { "Leçon publique", "Leçon privée", "#1" }));

        // Public without a channel is refused; unlisted: anyone with the link, the private lesson shows as type 2.
        using (var bad = await _teacher.PutAsJsonAsync($"/api/v1/video-playlists/{uuid}", new { privacy = 1 }))
        {
            Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await DetailAsync(bad), Is.EqualTo("Cannot set \"public\" a playlist that is not assigned to a channel."));
        }
        using (var unlisted = await _teacher.PutAsJsonAsync($"/api/v1/video-playlists/{uuid}", new { privacy = 2, displayName = "Séquence partagée" }))
        {
            Assert.That(unlisted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await unlisted.Content.ReadAsStringAsync());
        }
        Assert.That(await NamesInOrderAsync(_instance.Http, uuid), Is.EqualTo(new[] { "Leçon publique", "#2", "#1" }));
        Assert.That((await _instance.Http.GetFromJsonAsync<JsonElement>($"/api/v1/video-playlists/{uuid}")).GetProperty("displayName").GetString(),
            Is.EqualTo("Séquence partagée"));
        Assert.That(Uuids(await _instance.Http.GetFromJsonAsync<JsonElement>("/api/v1/video-playlists?count=100")), Does.Not.Contain(uuid), "unlisted");

        // Public once given the teacher's channel; then removing the channel is refused.
        using (var ok = await _teacher.PutAsJsonAsync($"/api/v1/video-playlists/{uuid}", new { privacy = 1, videoChannelId = _channelId }))
        {
            Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }
        Assert.That(Uuids(await _instance.Http.GetFromJsonAsync<JsonElement>("/api/v1/video-playlists?count=100")), Does.Contain(uuid));
        using (var noChannel = await _teacher.PutAsJsonAsync($"/api/v1/video-playlists/{uuid}", new { videoChannelId = (long?)null }))
        {
            Assert.That(noChannel.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        }
    }

    /// <summary>The activities queued for a remote follower of the teacher's account: (type, object type or IRI) in order.</summary>
    private async Task<List<(string Type, string Object)>> SentAboutAsync(string playlistUrl)
    {
        var payloads = await _instance.Services.GetRequiredService<VideoPlatform.Core.Data.Database>().ReadAsync(async c =>
            (await Dapper.SqlMapper.QueryAsync<string>(c, "SELECT payload FROM jobs WHERE type = 'activitypub-deliver' ORDER BY id")).ToList());
        var sent = new List<(string, string)>();
        foreach (var payload in payloads)
        {
            using var job = JsonDocument.Parse(payload);
            using var activity = JsonDocument.Parse(job.RootElement.GetProperty("body").GetString()!);
            var o = activity.RootElement.GetProperty("object");
            var id = o.ValueKind == JsonValueKind.String ? o.GetString() : o.GetProperty("id").GetString();
            if (id == playlistUrl)
            {
                sent.Add((activity.RootElement.GetProperty("type").GetString()!, o.ValueKind == JsonValueKind.String ? "IRI" : o.GetProperty("type").GetString()!));
            }
        }
        return sent;
    }

    [Test]
    public async Task Public_playlists_go_to_followers_as_create_update_and_delete()
    {
        var actors = _instance.Services.GetRequiredService<ActorRepository>();
        var teacher = await actors.FindLocalAsync(ActorTypes.Person, "teacher");
        var watcher = await actors.UpsertRemoteAsync(new ActorRow
        {
            Type = ActorTypes.Person, Name = "watcher", DisplayName = "Watcher", Url = "http://127.0.0.1:9/accounts/watcher", InboxUrl = "http://127.0.0.1:9/inbox",
        });
        await _instance.Services.GetRequiredService<FollowRepository>().UpsertAsync(watcher, teacher!.Id, FollowStates.Accepted, null, CancellationToken.None);

        var hidden = (await OkJsonAsync(await _teacher.PostAsJsonAsync("/api/v1/video-playlists", new { displayName = "Brouillon", privacy = 3 })))
            .GetProperty("videoPlaylist").GetProperty("uuid").GetString()!;
        var uuid = (await OkJsonAsync(await _teacher.PostAsJsonAsync("/api/v1/video-playlists",
            new { displayName = "Séquence suivie", privacy = 1, videoChannelId = _channelId }))).GetProperty("videoPlaylist").GetProperty("uuid").GetString()!;
        using (var put = await _teacher.PutAsJsonAsync($"/api/v1/video-playlists/{uuid}", new { displayName = "Séquence suivie (v2)" }))
        {
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }
        using (var delete = await _teacher.DeleteAsync($"/api/v1/video-playlists/{uuid}"))
        {
            Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }
        Assert.That(await SentAboutAsync(_instance.BaseUrl + "/video-playlists/" + uuid),
            Is.EqualTo(new[] { ("Create", "Playlist"), ("Update", "Playlist"), ("Delete", "IRI") }));
        Assert.That(await SentAboutAsync(_instance.BaseUrl + "/video-playlists/" + hidden), Is.Empty, "a private playlist stays home");
    }

    [Test]
    public async Task Bad_input_and_other_users_are_refused_with_problem_details()
    {
        var lesson = await _instance.PublishVideoAsync("teacher_channel", "Leçon refus");
        var othersPrivate = await _instance.SeedVideoAsync("other_channel", "Vidéo privée d'un autre", VideoPrivacy.Private);
        var uuid = (await OkJsonAsync(await _teacher.PostAsJsonAsync("/api/v1/video-playlists",
            new { displayName = "Séquence", privacy = 2 }))).GetProperty("videoPlaylist").GetProperty("uuid").GetString()!;

        async Task ExpectAsync(Task<HttpResponseMessage> call, HttpStatusCode status, string detail)
        {
            using var response = await call;
            Assert.That(response.StatusCode, Is.EqualTo(status), await response.Content.ReadAsStringAsync());
            Assert.That(await DetailAsync(response), Does.Contain(detail));
        }

        await ExpectAsync(_instance.Http.PostAsJsonAsync("/api/v1/video-playlists", new { displayName = "x", privacy = 3 }), HttpStatusCode.Unauthorized, "");
        await ExpectAsync(_teacher.PostAsJsonAsync("/api/v1/video-playlists", new { displayName = "", privacy = 3 }), HttpStatusCode.BadRequest, "displayName");
        await ExpectAsync(_teacher.PostAsJsonAsync("/api/v1/video-playlists", new { displayName = "x", privacy = 7 }), HttpStatusCode.BadRequest, "privacy must be");
        await ExpectAsync(_teacher.PostAsJsonAsync("/api/v1/video-playlists", new { displayName = "x", privacy = "un" }), HttpStatusCode.BadRequest, "privacy must be");
        await ExpectAsync(_teacher.PostAsJsonAsync("/api/v1/video-playlists", new { displayName = "x", privacy = 1 }), HttpStatusCode.BadRequest,
            "not assigned to a channel");
        await ExpectAsync(_other.PostAsJsonAsync("/api/v1/video-playlists", new { displayName = "x", privacy = 1, videoChannelId = _channelId }),
            HttpStatusCode.Forbidden, "video channel of another user");
        await ExpectAsync(_teacher.PostAsJsonAsync("/api/v1/video-playlists", new { displayName = "x", videoChannelId = 999999 }), HttpStatusCode.NotFound,
            "Video channel not found.");
        await ExpectAsync(_teacher.PostAsync("/api/v1/video-playlists", new StringContent("{not json", Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest, "not valid JSON");

        // Another user cannot change the playlist; the owner cannot add what they cannot see, nor bad positions or times.
        await ExpectAsync(_other.PutAsJsonAsync($"/api/v1/video-playlists/{uuid}", new { displayName = "volé" }), HttpStatusCode.Forbidden, "another user");
        await ExpectAsync(_other.PostAsJsonAsync($"/api/v1/video-playlists/{uuid}/videos", new { videoId = lesson.Id }), HttpStatusCode.Forbidden, "another user");
        await ExpectAsync(_other.DeleteAsync($"/api/v1/video-playlists/{uuid}"), HttpStatusCode.Forbidden, "another user");
        await ExpectAsync(_teacher.PostAsJsonAsync($"/api/v1/video-playlists/{uuid}/videos", new { videoId = othersPrivate.Id }), HttpStatusCode.NotFound,
            "Video not found.");
        await ExpectAsync(_teacher.PostAsJsonAsync($"/api/v1/video-playlists/{uuid}/videos", new { }), HttpStatusCode.BadRequest, "videoId");
        await ExpectAsync(_teacher.PostAsJsonAsync($"/api/v1/video-playlists/{uuid}/videos", new { videoId = lesson.Id, startTimestamp = -3 }),
            HttpStatusCode.BadRequest, "positive");
        await ExpectAsync(_teacher.PostAsJsonAsync($"/api/v1/video-playlists/{uuid}/videos", new { videoId = lesson.Id, startTimestamp = 9, stopTimestamp = 4 }),
            HttpStatusCode.BadRequest, "stopTimestamp must be after startTimestamp.");
        using (var add = await _teacher.PostAsJsonAsync($"/api/v1/video-playlists/{uuid}/videos", new { videoId = lesson.Uuid }))
        {
            Assert.That(add.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        await ExpectAsync(_teacher.PostAsJsonAsync($"/api/v1/video-playlists/{uuid}/videos/reorder", new { startPosition = 2, insertAfterPosition = 0 }),
            HttpStatusCode.BadRequest, "exceed the playlist limits (max: 1)");
        await ExpectAsync(_teacher.PostAsJsonAsync($"/api/v1/video-playlists/{uuid}/videos/reorder", new { insertAfterPosition = 0 }),
            HttpStatusCode.BadRequest, "startPosition and insertAfterPosition are required.");
        await ExpectAsync(_teacher.PutAsJsonAsync($"/api/v1/video-playlists/{uuid}/videos/999999", new { startTimestamp = 1 }), HttpStatusCode.NotFound,
            "element not found");
        await ExpectAsync(_teacher.DeleteAsync($"/api/v1/video-playlists/{uuid}/videos/999999"), HttpStatusCode.NotFound, "element not found");
        await ExpectAsync(_instance.Http.GetAsync("/api/v1/video-playlists/not-a-playlist"), HttpStatusCode.NotFound, "Video playlist not found.");
        await ExpectAsync(_instance.Http.GetAsync("/api/v1/video-playlists?sort=views"), HttpStatusCode.BadRequest, "sort must be");
        await ExpectAsync(_instance.Http.GetAsync("/api/v1/video-playlists?count=1000"), HttpStatusCode.BadRequest, "count must be");
        await ExpectAsync(_teacher.GetAsync("/api/v1/users/me/video-playlists/videos-exist?videoIds=abc"), HttpStatusCode.BadRequest, "videoIds");
        await ExpectAsync(_instance.Http.GetAsync("/api/v1/accounts/nobody/video-playlists"), HttpStatusCode.NotFound, "Account not found.");

        var privacies = await _instance.Http.GetFromJsonAsync<Dictionary<string, string>>("/api/v1/video-playlists/privacies");
        Assert.That(privacies, Is.EqualTo(new Dictionary<string, string> { ["1"] = "Public", ["2"] = "Unlisted", ["3"] = "Private" }));
    }
}
