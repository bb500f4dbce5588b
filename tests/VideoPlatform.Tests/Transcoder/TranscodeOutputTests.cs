using System.Text.Json;
using VideoPlatform.Transcoder;

namespace VideoPlatform.Tests.Transcoder;

/// <summary>The manifest a remote runner sends with its results: what the instance accepts of it.</summary>
public class TranscodeOutputTests
{
    private const string Id = "3f2a1c4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b";

    private static RenditionResult Rendition(int resolution, bool webVideo = true) => new(
        resolution, resolution * 16 / 9, resolution, 25, 1000, 500_000, 600_000, "avc1.64001e,mp4a.40.2",
        $"{Id}-{resolution}.m3u8", $"{Id}-{resolution}-fragmented.mp4", webVideo ? $"{Id}-{resolution}.mp4" : null, webVideo ? 900 : 0);

    private static TranscodeOutput Valid() => new(Id, 3.04, [Rendition(240), Rendition(360)],
        $"{Id}-master.m3u8", $"{Id}-segments-sha256.json", $"{Id}-thumbnail.jpg", $"{Id}-preview.jpg");

    [Test]
    public void A_ladders_manifest_names_every_file_once_and_passes()
    {
        var output = Valid();
        Assert.That(output.Check(), Is.Null);
        Assert.That(output.FileNames, Has.Count.EqualTo(4 + 2 * 3));
        Assert.That(output.FileNames, Does.Contain($"{Id}-360-fragmented.mp4").And.Contain($"{Id}-240.mp4"));
        Assert.That((output with { Renditions = [Rendition(240, webVideo: false)] }).FileNames, Has.Count.EqualTo(6));
    }

    [Test]
    public void It_travels_as_json_unchanged()
    {
        var output = Valid();
        var back = JsonSerializer.Deserialize<TranscodeOutput>(JsonSerializer.Serialize(output, JsonSerializerOptions.Web), JsonSerializerOptions.Web)!;
        Assert.That(back.FileNames, Is.EqualTo(output.FileNames));
        Assert.That(back.Renditions, Is.EqualTo(output.Renditions));
        Assert.That(back.Check(), Is.Null);
    }

    [Test]
    public void Names_outside_the_transcode_are_refused()
    {
        Assert.That((Valid() with { MasterPlaylistName = "../../keys/master.m3u8" }).Check(), Does.Contain("not one of this transcode's names"));
        Assert.That((Valid() with { ThumbnailName = "other-thumbnail.jpg" }).Check(), Does.Contain("not one of this transcode's names"));
        Assert.That((Valid() with { PreviewName = $"{Id}-../x.jpg" }).Check(), Does.Contain("not one of this transcode's names"));
        Assert.That((Valid() with { PreviewName = $"{Id}-a/b.jpg" }).Check(), Does.Contain("not one of this transcode's names"));
        Assert.That((Valid() with { PreviewName = $"{Id}-thumbnail.jpg" }).Check(), Does.Contain("twice"));
    }

    [Test]
    public void Malformed_manifests_are_refused()
    {
        Assert.That((Valid() with { Id = "not-a-uuid" }).Check(), Does.Contain("UUID"));
        Assert.That((Valid() with { Renditions = [] }).Check(), Does.Contain("renditions"));
        Assert.That((Valid() with { DurationSeconds = double.NaN }).Check(), Does.Contain("durationSeconds"));
        Assert.That((Valid() with { Renditions = [Rendition(240) with { SizeBytes = 0 }] }).Check(), Does.Contain("out-of-range"));
        Assert.That((Valid() with { Renditions = [Rendition(240) with { Codecs = "" }] }).Check(), Does.Contain("out-of-range"));
    }
}
