using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Tests.Web;

public class MarkdownTests
{
    private static string Html(string markdown)
    {
        using var writer = new StringWriter();
        Markdown.ToHtml(markdown).WriteTo(writer, System.Text.Encodings.Web.HtmlEncoder.Default);
        return writer.ToString();
    }

    [TestCase("Une *introduction* et du **gras**", "<p>Une <em>introduction</em> et du <strong>gras</strong></p>")]
    [TestCase("- un\n- deux", "<ul>\n<li>un</li>\n<li>deux</li>\n</ul>")]
    [TestCase("1. a\n2. b", "<ol>\n<li>a</li>\n<li>b</li>\n</ol>")]
    [TestCase("Le code `x < 3`", "<p>Le code <code>x &lt; 3</code></p>")]
    [TestCase("ligne 1\nligne 2", "<p>ligne 1<br>\nligne 2</p>")]
    [TestCase("[Eduscol](https://eduscol.education.fr)",
        "<p><a href=\"https://eduscol.education.fr\" target=\"_blank\" rel=\"noopener noreferrer nofollow\">Eduscol</a></p>")]
    [TestCase("Voir https://eduscol.education.fr/maths",
        "<p>Voir <a href=\"https://eduscol.education.fr/maths\" target=\"_blank\" rel=\"noopener noreferrer nofollow\">https://eduscol.education.fr/maths</a></p>")]
    [TestCase("# Titre", "Titre")]
    public void Renders_PeerTube_subset(string markdown, string expected) => Assert.That(Html(markdown).Trim(), Is.EqualTo(expected));

    [TestCase("<script>alert(1)</script>")]
    [TestCase("[clic](javascript:alert(1))")]
    [TestCase("[clic](JaVaScRiPt:alert(1))")]
    [TestCase("<a href=\"javascript:alert(1)\">x</a>")]
    [TestCase("<img src=x onerror=alert(1)>")]
    [TestCase("![image](https://example.org/x.png)")]
    [TestCase("[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)")]
    [TestCase("<iframe src=\"https://evil.example\"></iframe>")]
    [TestCase("[x](https://example.org \"t\" onmouseover=alert(1))")]
    public void Neutralises_scripts_images_and_dangerous_links(string markdown)
    {
        // What a browser would build from the HTML: no script, image or frame element, no event handler, only safe link schemes.
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument("<body>" + Html(markdown) + "</body>");
        var elements = document.Body!.QuerySelectorAll("*").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(elements.Select(e => e.LocalName), Has.None.AnyOf("script", "img", "iframe", "object", "embed", "style"));
            Assert.That(elements.SelectMany(e => e.Attributes).Select(a => a.Name), Has.None.StartsWith("on"));
            Assert.That(elements.Select(e => e.GetAttribute("href")).OfType<string>(),
                Has.All.StartsWith("https://").Or.StartsWith("http://").Or.StartsWith("mailto:"));
        });
    }

    [Test]
    public void Raw_html_is_shown_as_text_not_run()
    {
        Assert.That(Html("<script>alert(1)</script>"), Is.EqualTo("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"));
        Assert.That(Html("[clic](javascript:alert(1))"), Is.EqualTo("<p><a target=\"_blank\" rel=\"noopener noreferrer nofollow\">clic</a></p>\n"));
        Assert.That(Html(""), Is.Empty);
    }
}
