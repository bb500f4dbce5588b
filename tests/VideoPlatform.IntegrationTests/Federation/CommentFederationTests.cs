using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.IntegrationTests.Infrastructure;
using static VideoPlatform.IntegrationTests.Federation.FederationHarness;

namespace VideoPlatform.IntegrationTests.Federation;

/// <summary>
/// Comments federated as PeerTube does, against a Mastodon-like account (<see cref="MinimalFollower"/>, real keys and
/// signatures): ours go out as Create{Note} and Delete and are served at their URL; a signed reply Note posted to our inbox
/// appears under the lesson (held when the lesson requires approval), and its author's Delete removes it.
/// Database-independent: SQLite only.
/// </summary>
[Category("Http")]
public sealed class CommentFederationTests
{
    private MinimalFollower _mona = null!;
    private TestInstance _instance = null!;
    private HttpClient _teacher = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _mona = await MinimalFollower.StartAsync();
        _instance = await FederationHarness.StartAsync();
        _teacher = await _instance.CreateUserAsync("prof");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _teacher.Dispose();
        await _instance.DisposeAsync();
        await _mona.DisposeAsync();
    }

    private async Task PostNoteAsync(string type, object note)
    {
        var activity = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["@context"] = "https://www.w3.org/ns/activitystreams",
            ["id"] = $"{_mona.Url}/activities/{Guid.NewGuid():N}",
            ["type"] = type,
            ["actor"] = _mona.Url,
            ["object"] = note,
            ["to"] = new[] { "https://www.w3.org/ns/activitystreams#Public" },
        });
        using var response = await PostSignedAsync(_instance, "/inbox", activity, _mona.Key);
        Assert.That((int)response.StatusCode, Is.EqualTo(202), await response.Content.ReadAsStringAsync());
    }

    private Dictionary<string, object> Note(string id, string inReplyTo, string html) => new()
    {
        ["id"] = id,
        ["type"] = "Note",
        ["attributedTo"] = _mona.Url,
        ["inReplyTo"] = inReplyTo,
        ["content"] = html,
        ["published"] = DateTimeOffset.UtcNow.ToString("o"),
        ["to"] = new[] { "https://www.w3.org/ns/activitystreams#Public" },
        ["cc"] = new[] { _mona.Url + "/followers" },
    };

    [Test]
    public async Task Comments_go_out_as_notes_and_replies_from_a_mastodon_account_arrive_under_the_lesson()
    {
        var account = (await _instance.Services.GetRequiredService<ActorRepository>().FindLocalAsync(ActorTypes.Person, "prof"))!;
        await _mona.FollowAsync(_instance, account.Url);
        var video = await _instance.PublishVideoAsync("prof_channel", "La photosynthèse");

        // Ours: a Create{Note} to the followers, the Note served at its URL.
        using var posted = await _teacher.PostAsJsonAsync($"/api/v1/videos/{video.Uuid}/comment-threads", new { text = "Des questions sur la *chlorophylle* ?" });
        Assert.That(posted.StatusCode, Is.EqualTo(HttpStatusCode.OK), await posted.Content.ReadAsStringAsync());
        var comment = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("comment");
        var commentUrl = comment.GetProperty("url").GetString()!;
        var create = await EventuallyAsync(() => Task.FromResult<object?>(_mona.Received("Create")
            .Where(a => a.GetProperty("object").GetProperty("id").GetString() == commentUrl).Select(a => (object)a).FirstOrDefault()), "the Create of the comment");
        var note = ((JsonElement)create).GetProperty("object");
        Assert.Multiple(() =>
        {
            Assert.That(note.GetProperty("type").GetString(), Is.EqualTo("Note"));
            Assert.That(note.GetProperty("inReplyTo").GetString(), Is.EqualTo(video.Url));
            Assert.That(note.GetProperty("content").GetString(), Is.EqualTo("Des questions sur la *chlorophylle* ?"));
            Assert.That(note.GetProperty("mediaType").GetString(), Is.EqualTo("text/markdown"));
            Assert.That(note.GetProperty("attributedTo").GetString(), Is.EqualTo(account.Url));
            Assert.That(((JsonElement)create).GetProperty("actor").GetString(), Is.EqualTo(account.Url));
        });
        var (status, body) = await MinimalFollower.FetchAsync(_instance, commentUrl);
        Assert.That(status, Is.EqualTo(200), body);
        Assert.That(JsonDocument.Parse(body).RootElement.GetProperty("type").GetString(), Is.EqualTo("Note"));

        // Theirs: a Mastodon reply (HTML content, a mention) to our comment, signed with mona's key.
        var replyUrl = $"{_mona.Url}/statuses/{Guid.NewGuid():N}";
        await PostNoteAsync("Create", Note(replyUrl, commentUrl,
            $"<p><span class=\"h-card\"><a href=\"{account.Url}\" class=\"u-url mention\">@<span>prof</span></a></span> Merci&nbsp;!<br>Et la nuit ? &lt;script&gt;alert(1)&lt;/script&gt;</p>"));
        var threadId = comment.GetProperty("id").GetInt64();
        var reply = await EventuallyAsync(async () =>
        {
            var tree = await _instance.Http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{video.Uuid}/comment-threads/{threadId}");
            return tree.GetProperty("children").EnumerateArray().Select(c => (object?)c.GetProperty("comment")).FirstOrDefault();
        }, "the remote reply under the comment");
        var replyJson = (JsonElement)reply;
        Assert.Multiple(() =>
        {
            Assert.That(replyJson.GetProperty("url").GetString(), Is.EqualTo(replyUrl));
            Assert.That(replyJson.GetProperty("text").GetString(), Is.EqualTo("@prof Merci\u00a0!\nEt la nuit ? <script>alert(1)</script>"));
            Assert.That(replyJson.GetProperty("account").GetProperty("name").GetString(), Is.EqualTo("mona"));
            Assert.That(replyJson.GetProperty("account").GetProperty("host").GetString(), Is.EqualTo(new Uri(_mona.Url).Authority));
        });
        // The watch page shows it as text: the script is not an element.
        var page = await _instance.Http.GetStringAsync($"/w/{video.ShortUuid}");
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(page);
        var shown = document.QuerySelectorAll(".comment .comment-text").Select(e => e.TextContent).ToList();
        Assert.That(shown, Has.Some.Contains("<script>alert(1)</script>"));
        Assert.That(document.QuerySelectorAll(".comments script"), Is.Empty);

        // A Note from a stranger's lesson is ignored; a reply on a lesson that requires approval is held.
        await PostNoteAsync("Create", Note($"{_mona.Url}/statuses/{Guid.NewGuid():N}", "https://elsewhere.example/videos/watch/x", "<p>ailleurs</p>"));
        using (var policy = await _teacher.PutAsJsonAsync($"/api/v1/videos/{video.Uuid}", new { commentsPolicy = 3 }))
        {
            Assert.That(policy.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }
        var (videoStatus, videoBody) = await MinimalFollower.FetchAsync(_instance, video.Url);
        Assert.That(videoStatus, Is.EqualTo(200), videoBody);
        var videoObject = JsonDocument.Parse(videoBody).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(videoObject.GetProperty("commentsPolicy").GetInt32(), Is.EqualTo(3));
            Assert.That(videoObject.GetProperty("canReply").GetString(), Is.EqualTo("https://www.w3.org/ns/activitystreams#Public"));
            Assert.That(videoObject.GetProperty("comments").GetString(), Is.EqualTo(video.Url + "/comments"));
        });
        var heldUrl = $"{_mona.Url}/statuses/{Guid.NewGuid():N}";
        await PostNoteAsync("Create", Note(heldUrl, video.Url, "<p>Une question en attente</p>"));
        var held = await EventuallyAsync(async () =>
        {
            var mine = await _teacher.GetFromJsonAsync<JsonElement>("/api/v1/users/me/videos/comments?isHeldForReview=true");
            return mine.GetProperty("data").EnumerateArray().Where(c => c.GetProperty("url").GetString() == heldUrl).Select(c => (object?)c).FirstOrDefault();
        }, "the held remote comment in the teacher's list");
        var threads = await _instance.Http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{video.Uuid}/comment-threads");
        Assert.That(threads.GetProperty("data").EnumerateArray().Select(c => c.GetProperty("url").GetString()), Does.Not.Contain(heldUrl));
        // The teacher approves it: its author's inbox gets PeerTube's ApproveReply from the lesson's owner.
        var heldId = ((JsonElement)held).GetProperty("id").GetInt64();
        using (var approve = await _teacher.PostAsync($"/api/v1/videos/{video.Uuid}/comments/{heldId}/approve", null))
        {
            Assert.That(approve.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await approve.Content.ReadAsStringAsync());
        }
        var approval = (JsonElement)await EventuallyAsync(() => Task.FromResult<object?>(_mona.Received("ApproveReply")
            .Where(a => a.GetProperty("object").GetString() == heldUrl).Select(a => (object)a).FirstOrDefault()), "the ApproveReply");
        Assert.Multiple(() =>
        {
            Assert.That(approval.GetProperty("actor").GetString(), Is.EqualTo(account.Url));
            Assert.That(approval.GetProperty("inReplyTo").GetString(), Is.EqualTo(video.Url));
            Assert.That(approval.GetProperty("id").GetString(), Is.EqualTo($"{video.Url}/comments/{heldId}/approve-reply"));
        });
        Assert.That(threads.GetProperty("total").GetInt64(), Is.EqualTo(1), "the stranger's lesson's Note was not stored here");
        var collection = JsonDocument.Parse((await MinimalFollower.FetchAsync(_instance, video.Url + "/comments?page=1")).Body).RootElement;
        Assert.That(collection.GetProperty("orderedItems").EnumerateArray().Select(i => i.GetString()), Is.EqualTo(new[] { commentUrl, replyUrl, heldUrl }), "the approved reply is public now");

        // Mona deletes her reply; the teacher deletes the comment, which is now without replies: followers get the Delete.
        await PostNoteAsync("Delete", replyUrl);
        await EventuallyAsync(async () =>
        {
            var tree = await _instance.Http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{video.Uuid}/comment-threads/{threadId}");
            return tree.GetProperty("children").GetArrayLength() == 0;
        }, "the remote reply deleted");
        using (var deleted = await _teacher.DeleteAsync($"/api/v1/videos/{video.Uuid}/comments/{threadId}"))
        {
            Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }
        await EventuallyAsync(() => Task.FromResult(_mona.Received("Delete").Any(a => a.GetProperty("object").GetString() == commentUrl)), "the Delete of the comment");
        Assert.That((await MinimalFollower.FetchAsync(_instance, commentUrl)).Status, Is.EqualTo(404));
        Assert.That(((JsonElement)held).GetProperty("heldForReview").GetBoolean(), Is.True);
    }
}
