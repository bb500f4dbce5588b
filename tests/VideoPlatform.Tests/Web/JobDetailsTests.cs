using System.Globalization;
using System.Text.Json;
using VideoPlatform.Transcoder.Analysis;
using VideoPlatform.Web.Pages.Admin;

namespace VideoPlatform.Tests.Web;

public sealed class JobDetailsTests
{
    [Test]
    public void A_transcode_report_reads_as_lines_in_french()
    {
        var report = new TranscodeReport("screen", 0.033, 0.034, "stillimage",
            [new RenditionQuality(720, 1280, 720, 33, 3 * 1024 * 1024, 0.998123), new RenditionQuality(240, 426, 240, 29, 200 * 1024, 0.99501)],
            0.42, 12.5, 2.26);
        var json = JsonSerializer.Serialize(report, JsonSerializerOptions.Web);

        var details = JobDetails.From(json)!;

        Assert.That(details.Json, Is.Null);
        var n = CultureInfo.CurrentCulture.NumberFormat.NumberDecimalSeparator;
        Assert.That(details.Lines, Is.EqualTo(new[]
        {
            "Contenu : écran ou diapositives · réglage x264 : stillimage",
            $"720p : CRF 33 · 3 Mio · SSIM 0{n}9981",
            $"240p : CRF 29 · 200 Kio · SSIM 0{n}9950",
            $"Durées : analyse 0{n}4 s · encodage 12{n}5 s · mesure SSIM 2{n}3 s",
        }));
    }

    [Test]
    public void Other_details_are_shown_as_their_json_and_none_as_nothing()
    {
        Assert.That(JobDetails.From(null), Is.Null);
        Assert.That(JobDetails.From("  "), Is.Null);
        Assert.That(JobDetails.From("{\"deliveries\":3}")!.Json, Is.EqualTo("{\"deliveries\":3}"));
        Assert.That(JobDetails.From("not json")!.Json, Is.EqualTo("not json"));
        // A report whose renditions lack a field is shown raw rather than failing the page.
        var broken = "{\"content\":\"motion\",\"renditions\":[{\"resolution\":720}]}";
        Assert.That(JobDetails.From(broken)!.Json, Is.EqualTo(broken));
        Assert.That(JobDetails.From("{\"content\":\"motion\",\"tune\":null,\"renditions\":[]}")!.Lines[0],
            Is.EqualTo("Contenu : mouvement rapide · réglage x264 : aucun"));
    }
}
