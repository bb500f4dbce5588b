using Microsoft.AspNetCore.Http;
using VideoPlatform.Web;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Tests.Web;

public sealed class WebHelpersTests
{
    [TestCase(null, true)]
    [TestCase("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", true)]
    [TestCase("*/*", true)]
    [TestCase("application/activity+json", false)]
    [TestCase("application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"", false)]
    [TestCase("application/activity+json, text/html;q=0.5", false)]
    [TestCase("application/json", false)]
    public void Watch_page_answers_only_requests_that_want_html(string? accept, bool html)
    {
        var context = new DefaultHttpContext();
        if (accept is not null)
        {
            context.Request.Headers.Accept = accept;
        }
        Assert.That(AcceptsHtmlConstraint.WantsHtml(context.Request), Is.EqualTo(html));
    }

    [TestCase("https://lyon.example/w/8rDFPjsXcvXZbTxjUwVZfD", "8rDFPjsXcvXZbTxjUwVZfD")]
    [TestCase("https://lyon.example/videos/watch/5f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b", "5f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b")]
    [TestCase("https://lyon.example/videos/embed/5f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b/", "5f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b")]
    [TestCase("https://other.example/w/8rDFPjsXcvXZbTxjUwVZfD", null)]
    [TestCase("https://lyon.example/w/", null)]
    [TestCase("https://lyon.example/w/a/b", null)]
    [TestCase("https://lyon.example/c/maths", null)]
    [TestCase("not a url", null)]
    [TestCase(null, null)]
    public void Oembed_accepts_only_this_instances_video_urls(string? url, string? id) =>
        Assert.That(OEmbedEndpoint.VideoIdFromUrl(url, "https://lyon.example"), Is.EqualTo(id));

    [TestCase(0, "0:00")]
    [TestCase(65, "1:05")]
    [TestCase(3725, "1:02:05")]
    public void Durations_read_like_a_player(int seconds, string text) => Assert.That(Text.Duration(seconds), Is.EqualTo(text));

    [Test]
    public void Dates_use_french_month_names_without_icu() =>
        Assert.That(Text.Date(new DateTimeOffset(2026, 8, 3, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds()), Is.EqualTo("3 août 2026"));

    [Test]
    public void Uploader_messages_come_from_the_resources() =>
        Assert.That(Text.WithPrefix("Js_").Select(p => p.Key), Does.Contain("ErrNetwork").And.Contain("Progress").And.Contain("Retrying"));

    [TestCase(null, "https://lyon.example/static/web-videos/a-480.mp4")]
    [TestCase("t0k+n/=", "https://lyon.example/static/web-videos/a-480.mp4?videoFileToken=t0k%2Bn%2F%3D")]
    public void Download_link_carries_the_file_token_of_a_private_video(string? token, string expected) =>
        Assert.That(new PlayerSources("m.m3u8", null, "https://lyon.example/static/web-videos/a-480.mp4", [], token).DownloadUrl, Is.EqualTo(expected));
}
