using VideoPlatform.Core.Comments;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Tests.Core;

public class CommentRulesTests
{
    [TestCase(null, "required")]
    [TestCase("", "required")]
    [TestCase("   \n\t ", "required")]
    [TestCase("a\u0000b", "control characters")]
    public void Bad_texts_are_refused(string? text, string message)
    {
        var (normalized, error) = CommentText.Normalize(text);
        Assert.That(normalized, Is.Null);
        Assert.That(error, Does.Contain(message));
    }

    [Test]
    public void Text_is_limited_to_10000_characters_after_trimming()
    {
        Assert.That(CommentText.Normalize(new string('a', 10000)).Text, Has.Length.EqualTo(10000));
        Assert.That(CommentText.Normalize("  " + new string('a', 10000) + "\n").Text, Has.Length.EqualTo(10000));
        Assert.That(CommentText.Normalize(new string('a', 10001)).Error, Is.EqualTo("text must be at most 10000 characters long."));
    }

    [Test]
    public void Line_endings_are_normalised() =>
        Assert.That(CommentText.Normalize(" un\r\ndeux\rtrois\tquatre ").Text, Is.EqualTo("un\ndeux\ntrois\tquatre"));

    [TestCase(null, null, 3, 3)]
    [TestCase(null, false, 3, 2)]
    [TestCase(null, true, 2, 1)]
    [TestCase(null, true, 3, 3)]
    [TestCase(3, false, 1, 3)]
    [TestCase(2, null, 1, 2)]
    public void Policy_from_commentsPolicy_or_the_older_commentsEnabled(int? policy, bool? enabled, int current, int expected) =>
        Assert.That(CommentsPolicies.Resolve(policy, enabled, current), Is.EqualTo(expected));

    private static CommentRow Row(long id, long? replyTo, long createdAt, long? origin = null) =>
        new() { Id = id, Url = "u" + id, InReplyToId = replyTo, OriginCommentId = replyTo is null ? null : origin ?? 1, CreatedAt = createdAt };

    [Test]
    public void Tree_nests_replies_under_their_parent_oldest_first()
    {
        // 1 ← 2 ← 4, 1 ← 3 (older than 2), 5 is another thread, 6 answers a comment this reader cannot see.
        var rows = new[] { Row(4, 2, 40), Row(2, 1, 30), Row(1, null, 10), Row(3, 1, 20), Row(5, null, 15), Row(6, 99, 50) };
        var tree = CommentTree.Build(rows, 1)!;
        Assert.Multiple(() =>
        {
            Assert.That(tree.Comment.Id, Is.EqualTo(1));
            Assert.That(tree.Children.Select(c => c.Comment.Id), Is.EqualTo(new long[] { 3, 2 }));
            Assert.That(tree.Children[1].Children.Select(c => c.Comment.Id), Is.EqualTo(new long[] { 4 }));
            Assert.That(tree.Children[0].Children, Is.Empty);
            Assert.That(CommentTree.Descendants(tree).Select(c => c.Id), Is.EquivalentTo(new long[] { 2, 3, 4 }));
        });
    }

    [Test]
    public void Tree_of_a_missing_or_non_root_thread_is_null()
    {
        var rows = new[] { Row(1, null, 10), Row(2, 1, 20) };
        Assert.That(CommentTree.Build(rows, 2), Is.Null, "a reply is not a thread");
        Assert.That(CommentTree.Build(rows, 7), Is.Null);
    }

    [Test]
    public void Tree_survives_a_cycle_in_the_rows()
    {
        // Rows can only cycle through corrupted data; the tree still ends.
        var rows = new[] { Row(1, null, 10), Row(2, 3, 20), Row(3, 2, 30) };
        Assert.That(CommentTree.Build(rows, 1)!.Children, Is.Empty);
    }
}
