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
public static class Markdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UseAutoLinks()
        .UseSoftlineBreakAsHardlineBreak()
        .UseEmphasisExtras(Markdig.Extensions.EmphasisExtras.EmphasisExtraOptions.Strikethrough)
        .Build();

    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer(new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(["p", "br", "strong", "em", "del", "ul", "ol", "li", "code", "pre", "blockquote", "a"], StringComparer.OrdinalIgnoreCase),
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
}
