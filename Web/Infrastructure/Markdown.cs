using Ganss.Xss;
using Markdig;
using Microsoft.AspNetCore.Html;

namespace VideoPlatform.Web.Infrastructure;

/// <summary>
/// Descriptions as PeerTube renders them: Markdown (Markdig, raw HTML disabled, bare URLs linked, a line break kept),
/// then an allow-list sanitizer (HtmlSanitizer) keeping PeerTube's subset: paragraphs, line breaks, emphasis, lists,
/// code, quotes and http(s)/mailto links, which open in a new tab with <c>rel="noopener noreferrer nofollow"</c>. No
/// images, no raw HTML, no script or <c>javascript:</c> URL survives; disallowed elements keep only their text.
/// </summary>
public static partial class Markdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UseAutoLinks()
        .UseSoftlineBreakAsHardlineBreak()
        .UseEmphasisExtras(Markdig.Extensions.EmphasisExtras.EmphasisExtraOptions.Strikethrough)
        .Build();

    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer(["p", "br", "strong", "em", "del", "ul", "ol", "li", "code", "pre", "blockquote", "a"]);

    /// <summary>PeerTube's comment subset (its COMMENT_RULES: links, emphasis, lists, line breaks): no code, quotes or strike-through.</summary>
    private static readonly HtmlSanitizer CommentSanitizer = CreateSanitizer(["p", "br", "strong", "em", "ul", "ol", "li", "a"]);

    private static HtmlSanitizer CreateSanitizer(string[] tags)
    {
        var sanitizer = new HtmlSanitizer(new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(tags, StringComparer.OrdinalIgnoreCase),
            AllowedAttributes = new HashSet<string>(["href"], StringComparer.OrdinalIgnoreCase),
            AllowedSchemes = new HashSet<string>(["http", "https", "mailto"], StringComparer.OrdinalIgnoreCase),
            UriAttributes = new HashSet<string>(["href"], StringComparer.OrdinalIgnoreCase),
        })
        {
            KeepChildNodes = true,
        };
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Dom.IElement { LocalName: "a" } link)
            {
                link.SetAttribute("target", "_blank");
                link.SetAttribute("rel", "noopener noreferrer nofollow");
            }
        };
        return sanitizer;
    }

    /// <summary>Safe HTML for a Markdown text; empty for none.</summary>
    public static IHtmlContent ToHtml(string? markdown) =>
        string.IsNullOrWhiteSpace(markdown) ? HtmlString.Empty : new HtmlString(Sanitizer.Sanitize(Markdig.Markdown.ToHtml(markdown, Pipeline)));

    /// <summary>
    /// A comment as PeerTube renders one: the comment subset, and mentions <c>@name@host</c> as links to the account's page
    /// here (<c>/a/name@host</c>).
    /// </summary>
    public static IHtmlContent CommentToHtml(string? text) =>
        string.IsNullOrWhiteSpace(text)
            ? HtmlString.Empty
            : new HtmlString(CommentSanitizer.Sanitize(Markdig.Markdown.ToHtml(Mention().Replace(text, "[@$1@$2](/a/$1@$2)"), Pipeline)));

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<![\w@/\[])@([A-Za-z0-9_.]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::[0-9]{1,5})?)", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex Mention();
}
