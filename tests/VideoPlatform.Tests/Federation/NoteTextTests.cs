using VideoPlatform.Federation.ActivityStreams;

namespace VideoPlatform.Tests.Federation;

public class NoteTextTests
{
    [Test]
    public void Markdown_content_is_kept_as_is() =>
        Assert.That(NoteText.FromContent("Un **rappel** <b>x</b>", "text/markdown"), Is.EqualTo("Un **rappel** <b>x</b>"));

    [TestCase("<p>Bonjour</p><p>Deux</p>", "Bonjour\n\nDeux")]
    [TestCase("<p>ligne 1<br>ligne 2<br/>ligne 3</p>", "ligne 1\nligne 2\nligne 3")]
    [TestCase("<p><span class=\"h-card\"><a href=\"https://a.example/users/prof\" class=\"u-url mention\">@<span>prof</span></a></span> Merci&nbsp;!</p>", "@prof Merci\u00a0!")]
    [TestCase("<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</p>", "<script>alert(1)</script> & co")]
    public void Html_content_from_mastodon_becomes_text(string html, string expected) =>
        Assert.That(NoteText.FromContent(html, null), Is.EqualTo(expected));
}
