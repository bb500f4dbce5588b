using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VideoPlatform.IntegrationTests.Infrastructure;

namespace VideoPlatform.IntegrationTests.Api;

/// <summary>PeerTube's comment API on both databases: threads, replies, approval, tombstones, the disabled policy, reports.</summary>
[TestFixture(DbKind.Sqlite)]
[TestFixture(DbKind.Postgres)]
[Category("Http")]
[Category("Db")]
public sealed class CommentApiTests(DbKind kind)
{
    private TestInstance _instance = null!;
    private HttpClient _teacher = null!;
    private HttpClient _student = null!;
    private HttpClient _other = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _instance = await TestInstance.StartAsync(kind);
        _teacher = await _instance.CreateUserAsync("prof");
        _student = await _instance.CreateUserAsync("eleve");
        _other = await _instance.CreateUserAsync("autre");
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _teacher.Dispose();
        _student.Dispose();
        _other.Dispose();
        await _instance.DisposeAsync();
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, string path, string text, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.PostAsJsonAsync(path, new { text });
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(expected), body);
        if (expected != HttpStatusCode.OK)
        {
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            return JsonDocument.Parse(body).RootElement.Clone();
        }
        return JsonDocument.Parse(body).RootElement.GetProperty("comment").Clone();
    }

    private static async Task SetPolicyAsync(HttpClient owner, string uuid, int policy)
    {
        using var response = await owner.PutAsJsonAsync($"/api/v1/videos/{uuid}", new { commentsPolicy = policy });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await response.Content.ReadAsStringAsync());
    }

    private static long Id(JsonElement comment) => comment.GetProperty("id").GetInt64();

    [Test]
    public async Task The_watch_page_refuses_comment_posts_without_their_antiforgery_token()
    {
        var video = await _instance.PublishVideoAsync("prof_channel", "Les nombres décimaux");
        var watch = $"/w/{video.Uuid}";
        var student = new WebForms(_instance.Http);
        using (var login = await student.LoginAsync("eleve", "password123"))
        {
            Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        }

        using (var forged = await student.SendAsync(HttpMethod.Post, watch + "?handler=Comment",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["text"] = "Commentaire sans jeton" })))
        {
            Assert.That(forged.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "a comment without the page's token is refused");
        }
        using (var posted = await student.PostFormAsync(watch, new() { ["text"] = "Merci pour la leçon !" }, watch + "?handler=Comment"))
        {
            Assert.That(posted.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await posted.Content.ReadAsStringAsync());
            Assert.That(posted.Headers.Location?.OriginalString, Does.Contain("#comment-"));
        }
        var threads = await _student.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{video.Uuid}/comment-threads");
        Assert.That(threads.GetProperty("data").EnumerateArray().Select(c => c.GetProperty("text").GetString()), Is.EqualTo(new[] { "Merci pour la leçon !" }));

        var commentId = Id(threads.GetProperty("data")[0]).ToString(System.Globalization.CultureInfo.InvariantCulture);
        using (var forgedDelete = await student.SendAsync(HttpMethod.Post, watch + "?handler=DeleteComment",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["commentId"] = commentId })))
        {
            Assert.That(forgedDelete.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "a deletion without the page's token is refused");
        }
        var after = await _student.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{video.Uuid}/comment-threads");
        Assert.That(after.GetProperty("data")[0].GetProperty("isDeleted").GetBoolean(), Is.False, "the comment is still there");
    }

    [Test]
    public async Task Threads_replies_tree_and_deletion_with_tombstone()
    {
        var video = await _instance.PublishVideoAsync("prof_channel", "Les fractions");
        var thread = await PostAsync(_student, $"/api/v1/videos/{video.Uuid}/comment-threads", "Pourquoi **3/4** est-il plus grand que 2/3 ?");
        Assert.Multiple(() =>
        {
            Assert.That(thread.GetProperty("text").GetString(), Is.EqualTo("Pourquoi **3/4** est-il plus grand que 2/3 ?"));
            Assert.That(thread.GetProperty("threadId").GetInt64(), Is.EqualTo(Id(thread)));
            Assert.That(thread.GetProperty("inReplyToCommentId").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(thread.GetProperty("url").GetString(), Is.EqualTo($"{video.Url}/comments/{Id(thread)}"));
            Assert.That(thread.GetProperty("account").GetProperty("name").GetString(), Is.EqualTo("eleve"));
            Assert.That(thread.GetProperty("heldForReview").GetBoolean(), Is.False);
        });
        var reply = await PostAsync(_teacher, $"/api/v1/videos/{video.ShortUuid}/comments/{Id(thread)}", "Mettez-les au même dénominateur : 9/12 et 8/12.");
        var second = await PostAsync(_student, $"/api/v1/videos/{video.Uuid}/comments/{Id(reply)}", "Merci !");
        Assert.That(reply.GetProperty("threadId").GetInt64(), Is.EqualTo(Id(thread)));
        Assert.That(second.GetProperty("inReplyToCommentId").GetInt64(), Is.EqualTo(Id(reply)));
        var other = await PostAsync(_other, $"/api/v1/videos/{video.Uuid}/comment-threads", "Deuxième question");

        var list = await _instance.Http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{video.Uuid}/comment-threads?sort=createdAt");
        Assert.Multiple(() =>
        {
            Assert.That(list.GetProperty("total").GetInt64(), Is.EqualTo(2));
            Assert.That(list.GetProperty("totalNotDeletedComments").GetInt64(), Is.EqualTo(4));
            Assert.That(list.GetProperty("data").EnumerateArray().Select(Id), Is.EqualTo(new[] { Id(thread), Id(other) }));
            Assert.That(list.GetProperty("data")[0].GetProperty("totalReplies").GetInt64(), Is.EqualTo(2));
            Assert.That(list.GetProperty("data")[0].GetProperty("totalRepliesFromVideoAuthor").GetInt64(), Is.EqualTo(1));
        });
        var newest = await _instance.Http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{video.Uuid}/comment-threads?sort=-createdAt&count=1");
        Assert.That(newest.GetProperty("data").EnumerateArray().Select(Id), Is.EqualTo(new[] { Id(other) }));
        using (var badSort = await _instance.Http.GetAsync($"/api/v1/videos/{video.Uuid}/comment-threads?sort=name"))
        {
            Assert.That(badSort.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        }

        var tree = await _instance.Http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{video.Uuid}/comment-threads/{Id(thread)}");
        Assert.Multiple(() =>
        {
            Assert.That(Id(tree.GetProperty("comment")), Is.EqualTo(Id(thread)));
            Assert.That(tree.GetProperty("children").GetArrayLength(), Is.EqualTo(1));
            Assert.That(Id(tree.GetProperty("children")[0].GetProperty("comment")), Is.EqualTo(Id(reply)));
            Assert.That(Id(tree.GetProperty("children")[0].GetProperty("children")[0].GetProperty("comment")), Is.EqualTo(Id(second)));
        });
        using (var notThread = await _instance.Http.GetAsync($"/api/v1/videos/{video.Uuid}/comment-threads/{Id(reply)}"))
        {
            Assert.That(notThread.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }

        // Someone else cannot delete the student's thread; its author can: it has replies, so it stays as a tombstone.
        using (var refused = await _other.DeleteAsync($"/api/v1/videos/{video.Uuid}/comments/{Id(thread)}"))
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        }
        using (var deleted = await _student.DeleteAsync($"/api/v1/videos/{video.Uuid}/comments/{Id(thread)}"))
        {
            Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }
        var tombstone = (await _instance.Http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{video.Uuid}/comment-threads/{Id(thread)}")).GetProperty("comment");
        Assert.Multiple(() =>
        {
            Assert.That(tombstone.GetProperty("isDeleted").GetBoolean(), Is.True);
            Assert.That(tombstone.GetProperty("text").GetString(), Is.Empty);
            Assert.That(tombstone.GetProperty("account").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(tombstone.GetProperty("deletedAt").ValueKind, Is.EqualTo(JsonValueKind.String));
        });
        // The video's owner deletes a reply without replies: it is gone.
        using (var deleted = await _teacher.DeleteAsync($"/api/v1/videos/{video.Uuid}/comments/{Id(second)}"))
        {
            Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }
        var after = await _instance.Http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{video.Uuid}/comment-threads");
        Assert.That(after.GetProperty("totalNotDeletedComments").GetInt64(), Is.EqualTo(2), "the teacher's reply and the other thread");
        using (var reply2 = await _student.PostAsJsonAsync($"/api/v1/videos/{video.Uuid}/comments/{Id(thread)}", new { text = "encore" }))
        {
            Assert.That(reply2.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "no reply to a deleted comment");
        }
        using (var again = await _student.DeleteAsync($"/api/v1/videos/{video.Uuid}/comments/{Id(second)}"))
        {
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }
    }

    [Test]
    public async Task Held_for_approval_then_approved_by_the_teacher()
    {
        var video = await _instance.PublishVideoAsync("prof_channel", "Les volumes");
        await SetPolicyAsync(_teacher, video.Uuid, 3);
        var details = await _instance.Http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{video.Uuid}");
        Assert.That(details.GetProperty("commentsPolicy").GetProperty("id").GetInt32(), Is.EqualTo(3));
        Assert.That(details.GetProperty("commentsEnabled").GetBoolean(), Is.True);

        var held = await PostAsync(_student, $"/api/v1/videos/{video.Uuid}/comment-threads", "Une question sur le cône");
        Assert.That(held.GetProperty("heldForReview").GetBoolean(), Is.True);
        var own = await PostAsync(_teacher, $"/api/v1/videos/{video.Uuid}/comment-threads", "Posez vos questions ici");
        Assert.That(own.GetProperty("heldForReview").GetBoolean(), Is.False, "the video's owner is never held");

        async Task<long[]> VisibleAsync(HttpClient client) =>
            (await client.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{video.Uuid}/comment-threads")).GetProperty("data").EnumerateArray().Select(Id).ToArray();
        Assert.That(await VisibleAsync(_instance.Http), Is.EqualTo(new[] { Id(own) }), "anonymous readers do not see held comments");
        Assert.That(await VisibleAsync(_other), Is.EqualTo(new[] { Id(own) }));
        Assert.That(await VisibleAsync(_student), Is.EquivalentTo(new[] { Id(own), Id(held) }), "the author sees their own");
        Assert.That(await VisibleAsync(_teacher), Is.EquivalentTo(new[] { Id(own), Id(held) }));

        var mine = await _teacher.GetFromJsonAsync<JsonElement>("/api/v1/users/me/videos/comments?isHeldForReview=true");
        var pending = mine.GetProperty("data").EnumerateArray().Where(c => c.GetProperty("video").GetProperty("uuid").GetString() == video.Uuid).ToList();
        Assert.That(pending.Select(Id), Is.EqualTo(new[] { Id(held) }));
        Assert.That(pending[0].GetProperty("video").GetProperty("name").GetString(), Is.EqualTo("Les volumes"));

        using (var refused = await _student.PostAsync($"/api/v1/videos/{video.Uuid}/comments/{Id(held)}/approve", null))
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        }
        using (var approved = await _teacher.PostAsync($"/api/v1/videos/{video.Uuid}/comments/{Id(held)}/approve", null))
        {
            Assert.That(approved.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await approved.Content.ReadAsStringAsync());
        }
        Assert.That(await VisibleAsync(_instance.Http), Is.EquivalentTo(new[] { Id(own), Id(held) }));
        using (var twice = await _teacher.PostAsync($"/api/v1/videos/{video.Uuid}/comments/{Id(held)}/approve", null))
        {
            Assert.That(twice.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        }
    }

    [Test]
    public async Task Disabled_policy_bad_text_and_reports()
    {
        var video = await _instance.PublishVideoAsync("prof_channel", "Les angles");
        var comment = await PostAsync(_student, $"/api/v1/videos/{video.Uuid}/comment-threads", "Un message déplacé");
        var empty = await PostAsync(_student, $"/api/v1/videos/{video.Uuid}/comment-threads", "  ", HttpStatusCode.BadRequest);
        Assert.That(empty.GetProperty("detail").GetString(), Does.Contain("text"));
        await PostAsync(_student, $"/api/v1/videos/{video.Uuid}/comment-threads", new string('x', 10001), HttpStatusCode.BadRequest);
        await PostAsync(_student, $"/api/v1/videos/{video.Uuid}/comments/999999", "réponse", HttpStatusCode.NotFound);
        using (var anonymous = await _instance.Http.PostAsJsonAsync($"/api/v1/videos/{video.Uuid}/comment-threads", new { text = "anonyme" }))
        {
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }

        // A report names the comment; the moderator's list shows its text.
        using (var report = await _other.PostAsJsonAsync("/api/v1/abuses", new { reason = "Propos déplacés", comment = new { id = Id(comment) } }))
        {
            Assert.That(report.StatusCode, Is.EqualTo(HttpStatusCode.OK), await report.Content.ReadAsStringAsync());
        }
        using (var missing = await _other.PostAsJsonAsync("/api/v1/abuses", new { reason = "Propos déplacés", comment = new { id = 999999 } }))
        {
            Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }
        using (var both = await _other.PostAsJsonAsync("/api/v1/abuses", new { reason = "Propos", comment = new { id = Id(comment) }, video = new { id = video.Uuid } }))
        {
            Assert.That(both.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        }
        using var admin = _instance.Authed(await _instance.TokenAsync());
        var abuses = await admin.GetFromJsonAsync<JsonElement>("/api/v1/abuses?count=100");
        var reported = abuses.GetProperty("data").EnumerateArray().Single(a => a.GetProperty("comment").ValueKind == JsonValueKind.Object
            && a.GetProperty("comment").GetProperty("id").ValueKind == JsonValueKind.Number && Id(a.GetProperty("comment")) == Id(comment));
        Assert.That(reported.GetProperty("comment").GetProperty("text").GetString(), Is.EqualTo("Un message déplacé"));
        Assert.That(reported.GetProperty("flaggedAccount").GetProperty("name").GetString(), Is.EqualTo("eleve"));

        // Disabled: the list is empty and new comments are refused with 409, as PeerTube answers.
        await SetPolicyAsync(_teacher, video.Uuid, 2);
        var details = await _instance.Http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{video.Uuid}");
        Assert.That(details.GetProperty("commentsEnabled").GetBoolean(), Is.False);
        var refused = await PostAsync(_student, $"/api/v1/videos/{video.Uuid}/comment-threads", "encore", HttpStatusCode.Conflict);
        Assert.That(refused.GetProperty("detail").GetString(), Does.Contain("disabled"));
        var list = await _instance.Http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{video.Uuid}/comment-threads");
        Assert.That(list.GetProperty("total").GetInt64(), Is.Zero);
        using (var badPolicy = await _teacher.PutAsJsonAsync($"/api/v1/videos/{video.Uuid}", new { commentsPolicy = 4 }))
        {
            Assert.That(badPolicy.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        }
        // PeerTube's older field still works: commentsEnabled true opens them again.
        using (var enable = await _teacher.PutAsJsonAsync($"/api/v1/videos/{video.Uuid}", new { commentsEnabled = true }))
        {
            Assert.That(enable.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }
        Assert.That((await _instance.Http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{video.Uuid}")).GetProperty("commentsPolicy").GetProperty("id").GetInt32(),
            Is.EqualTo(1));
    }
}
