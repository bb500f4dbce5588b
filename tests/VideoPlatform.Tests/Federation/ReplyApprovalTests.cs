using System.Text.Json;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Federation.ActivityStreams;
using VideoPlatform.Federation.Comments;

namespace VideoPlatform.Tests.Federation;

/// <summary>PeerTube 7's ApproveReply / RejectReply shapes, and the Note of an approved comment carrying its replyApproval.</summary>
public class ReplyApprovalTests
{
    private static VideoWithOwners Lesson()
    {
        var account = new ActorRow { Id = 1, Type = ActorTypes.Person, Name = "prof", DisplayName = "Prof", Url = "https://lyon.example/accounts/prof", InboxUrl = "https://lyon.example/accounts/prof/inbox" };
        var channel = account with { Id = 2, Type = ActorTypes.Group, Name = "prof_channel", AccountId = 1 };
        var video = new VideoRow { Uuid = "9a1e6c52-3c43-4a8e-8f4e-2b7c0d9e1f20", ShortUuid = "x", Name = "Leçon", Url = "https://lyon.example/videos/watch/9a1e6c52-3c43-4a8e-8f4e-2b7c0d9e1f20", IsLocal = true };
        return new VideoWithOwners(video, channel, account);
    }

    private static JsonElement Json(object activity) => JsonDocument.Parse(ActivityJson.Serialize(activity)).RootElement;

    [Test]
    public void ApproveReply_of_a_thread_is_sent_by_the_lessons_owner_with_peertubes_id()
    {
        var lesson = Lesson();
        var comment = new CommentRow { Id = 42, Url = "https://mastodon.example/users/mona/statuses/1", VideoId = 5 };
        var json = Json(CommentFederation.ApproveReply(comment, lesson));
        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("type").GetString(), Is.EqualTo("ApproveReply"));
            Assert.That(json.GetProperty("id").GetString(), Is.EqualTo(lesson.Video.Url + "/comments/42/approve-reply"));
            Assert.That(json.GetProperty("actor").GetString(), Is.EqualTo("https://lyon.example/accounts/prof"));
            Assert.That(json.GetProperty("object").GetString(), Is.EqualTo(comment.Url));
            Assert.That(json.GetProperty("inReplyTo").GetString(), Is.EqualTo(lesson.Video.Url), "a thread answers the video");
            Assert.That(json.GetProperty("@context")[0].GetString(), Is.EqualTo("https://www.w3.org/ns/activitystreams"));
            Assert.That(json.TryGetProperty("to", out _), Is.False);
        });
    }

    [Test]
    public void ApproveReply_of_a_reply_names_the_parent_comment()
    {
        var lesson = Lesson();
        var comment = new CommentRow { Id = 43, Url = "https://mastodon.example/users/mona/statuses/2", InReplyToUrl = lesson.Video.Url + "/comments/7" };
        Assert.That(Json(CommentFederation.ApproveReply(comment, lesson)).GetProperty("inReplyTo").GetString(), Is.EqualTo(lesson.Video.Url + "/comments/7"));
    }

    [Test]
    public void RejectReply_has_the_same_shape()
    {
        var json = Json(Activity.ReplyApproval(false, "https://lyon.example/r/1", "https://lyon.example/accounts/prof", "https://lyon.example/v/1", "https://b.example/c/1"));
        Assert.That(json.GetProperty("type").GetString(), Is.EqualTo("RejectReply"));
        Assert.That(json.GetProperty("object").GetString(), Is.EqualTo("https://b.example/c/1"));
        Assert.That(json.GetProperty("inReplyTo").GetString(), Is.EqualTo("https://lyon.example/v/1"));
    }

    [Test]
    public void Both_are_known_activity_types() =>
        Assert.That(ActivityTypes.All, Does.Contain("ApproveReply").And.Contain("RejectReply"));

    [Test]
    public void An_approved_comment_carries_its_reply_approval_and_others_do_not()
    {
        var comment = new CommentRow
        {
            Id = 3, Url = "https://lille.example/videos/watch/u/comments/3", Text = "Merci", AccountUrl = "https://lille.example/accounts/eleve",
        };
        var plain = Json(CommentFederation.ToObject(comment, "https://lyon.example/videos/watch/u"));
        Assert.That(plain.TryGetProperty("replyApproval", out _), Is.False);
        var approved = Json(CommentFederation.ToObject(comment with { ReplyApproval = "https://lyon.example/videos/watch/u/comments/9/approve-reply" }, "https://lyon.example/videos/watch/u"));
        Assert.That(approved.GetProperty("replyApproval").GetString(), Is.EqualTo("https://lyon.example/videos/watch/u/comments/9/approve-reply"));
    }
}
