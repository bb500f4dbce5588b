using VideoPlatform.Core.Data.Repositories;

namespace VideoPlatform.Core.Comments;

/// <summary>A comment with its replies, as PeerTube's VideoCommentThreadTree nests them.</summary>
public sealed record CommentNode(CommentRow Comment, IReadOnlyList<CommentNode> Children);

public static class CommentTree
{
    /// <summary>
    /// The tree under <paramref name="threadId"/> from a thread's comments in any order: replies under the comment they
    /// answer, oldest first; a reply whose parent is missing (not visible to this reader) is left out with its replies.
    /// Null when the thread's root is not among them.
    /// </summary>
    public static CommentNode? Build(IEnumerable<CommentRow> comments, long threadId)
    {
        var all = comments.ToList();
        var root = all.FirstOrDefault(c => c.Id == threadId && c.InReplyToId is null);
        if (root is null)
        {
            return null;
        }
        var children = all.Where(c => c.InReplyToId is not null)
            .GroupBy(c => c.InReplyToId!.Value)
            .ToDictionary(g => g.Key, g => g.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).ToList());
        var seen = new HashSet<long>();
        CommentNode Node(CommentRow c)
        {
            seen.Add(c.Id);
            var kids = children.TryGetValue(c.Id, out var list) ? list.Where(k => !seen.Contains(k.Id)).Select(Node).ToList() : [];
            return new CommentNode(c, kids);
        }
        return Node(root);
    }

    /// <summary>Every reply below <paramref name="node"/>, depth first.</summary>
    public static IEnumerable<CommentRow> Descendants(CommentNode node) =>
        node.Children.SelectMany(child => Descendants(child).Prepend(child.Comment));
}
