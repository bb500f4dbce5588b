using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Tests.Web;

/// <summary>Comments rendered as PeerTube renders them: a smaller subset than descriptions, mentions as links, never raw HTML.</summary>
public class CommentMarkdownTests
{
    private static string Html(string text)
    {
        using var writer = new StringWriter();
        Markdown.CommentToHtml(text).WriteTo(writer, System.Text.Encodings.Web.HtmlEncoder.Default);
        return writer.ToString().Trim();
    }

    [TestCase("Merci, c'est *clair* et **utile**", "<p>Merci, c'est <em>clair</em> et <strong>utile</strong></p>")]
    [TestCase("ligne 1\nligne 2", "<p>ligne 1<br>\nligne 2</p>")]
    [TestCase("- un\n- deux", "<ul>\n<li>un</li>\n<li>deux</li>\n</ul>")]
    [TestCase("Voir https://eduscol.education.fr",
        "<p>Voir <a href=\"https://eduscol.education.fr\" target=\"_blank\" rel=\"noopener noreferrer nofollow\">https://eduscol.education.fr</a></p>")]
    [TestCase("Le code `x`", "<p>Le code x</p>")]
    [TestCase("> citation", "<p>citation</p>")]
    public void Renders_the_comment_subset(string text, string expected) => Assert.That(Html(text), Is.EqualTo(expected));

    [TestCase("Bonjour @prof@academie.example.fr !", "/a/prof@academie.example.fr", "@prof@academie.example.fr")]
    [TestCase("@mona@127.0.0.1:8080, merci", "/a/mona@127.0.0.1:8080", "@mona@127.0.0.1:8080")]
    public void Mentions_link_to_the_account_page(string text, string href, string label)
    {
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument("<body>" + Html(text) + "</body>");
        var link = document.Body!.QuerySelector("a");
        Assert.That(link, Is.Not.Null, Html(text));
        Assert.That(link!.GetAttribute("href"), Is.EqualTo(href));
        Assert.That(link.TextContent, Is.EqualTo(label));
    }

    [Test]
    public void An_email_address_is_not_a_mention() => Assert.That(Html("écrire à eleve@lycee.fr"), Does.Not.Contain("/a/"));

    [TestCase("<script>alert(1)</script>")]
    [TestCase("[clic](javascript:alert(1))")]
    [TestCase("@x@y.fr\" onmouseover=\"alert(1)")]
    [TestCase("<img src=x onerror=alert(1)>")]
    [TestCase("![image](https://example.org/x.png)")]
    [TestCase("[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)")]
    public void Neutralises_scripts_and_dangerous_links(string text)
    {
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument("<body>" + Html(text) + "</body>");
        var elements = document.Body!.QuerySelectorAll("*").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(elements.Select(e => e.LocalName), Has.None.AnyOf("script", "img", "iframe", "object", "embed", "style"));
            Assert.That(elements.SelectMany(e => e.Attributes).Select(a => a.Name), Has.None.StartsWith("on"));
            Assert.That(elements.Select(e => e.GetAttribute("href")).OfType<string>(),
                Has.All.StartsWith("https://").Or.StartsWith("http://").Or.StartsWith("mailto:").Or.StartsWith("/a/"));
        });
    }
}
