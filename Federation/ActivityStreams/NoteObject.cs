using System.Net;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace VideoPlatform.Federation.ActivityStreams;

/// <summary>
/// A comment as PeerTube federates it: a <c>Note</c> whose <c>inReplyTo</c> is the video's or the parent comment's URL,
/// its text as Markdown (<c>mediaType: text/markdown</c>, as PeerTube sends it), addressed to Public.
/// </summary>
public sealed record NoteObject
{
    [JsonPropertyName("@context")]
    public JsonNode? Context { get; init; }

    public string Type => "Note";
    public required string Id { get; init; }
    public required string Url { get; init; }
    public required string Content { get; init; }
    public string MediaType => "text/markdown";
    public required string InReplyTo { get; init; }
    public required DateTimeOffset Published { get; init; }
    public required DateTimeOffset Updated { get; init; }
    public required string AttributedTo { get; init; }
    public required IReadOnlyList<string> To { get; init; }
    public required IReadOnlyList<string> Cc { get; init; }

    /// <summary>The ApproveReply of the remote lesson's owner, when this comment was approved (PeerTube 7).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ReplyApproval { get; init; }
}

/// <summary>A deleted comment kept for its replies: PeerTube's <c>Tombstone</c> with <c>formerType: "Note"</c>.</summary>
public sealed record TombstoneObject
{
    [JsonPropertyName("@context")]
    public JsonNode? Context { get; init; }

    public string Type => "Tombstone";
    public required string Id { get; init; }
    public required string Url { get; init; }
    public string FormerType => "Note";
    public required string InReplyTo { get; init; }
    public required DateTimeOffset Published { get; init; }
    public required DateTimeOffset Updated { get; init; }
    public required DateTimeOffset Deleted { get; init; }
}

/// <summary>Reads a received Note's text: Markdown as is; HTML (Mastodon) reduced to its text with its line breaks.</summary>
public static partial class NoteText
{
    public static string FromContent(string content, string? mediaType)
    {
        if (string.Equals(mediaType, "text/markdown", StringComparison.OrdinalIgnoreCase))
        {
            return content;
        }
        var text = LineBreak().Replace(content, "\n");
        text = Paragraph().Replace(text, "\n\n");
        text = Tag().Replace(text, "");
        return WebUtility.HtmlDecode(text).Trim();
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"<br\s*/?>", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex LineBreak();

    [System.Text.RegularExpressions.GeneratedRegex(@"</p>\s*<p[^>]*>", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex Paragraph();

    [System.Text.RegularExpressions.GeneratedRegex(@"<[^>]*>", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex Tag();
}
