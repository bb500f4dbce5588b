using VideoPlatform.Federation.Videos;
using VideoPlatform.Federation.Safety;

namespace VideoPlatform.Tests.Federation;

public sealed class RemoteImageSignatureTests
{
    private static FetchedMedia Media(string type, params byte[] bytes) => new(new Uri("https://lyon.example/a"), type, bytes);

    [Test]
    public void Images_are_recognised_by_their_magic_bytes()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RemoteImages.HasImageSignature(Media("image/jpeg", 0xFF, 0xD8, 0xFF, 0xE0, 0)), Is.True);
            Assert.That(RemoteImages.HasImageSignature(Media("image/png", 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0)), Is.True);
            Assert.That(RemoteImages.HasImageSignature(Media("image/webp", [.. "RIFF"u8, 1, 2, 3, 4, .. "WEBPVP8 "u8])), Is.True);
        });
    }

    [Test]
    public void A_page_announced_as_an_image_is_refused()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RemoteImages.HasImageSignature(Media("image/jpeg", [.. "<html>"u8])), Is.False);
            Assert.That(RemoteImages.HasImageSignature(Media("image/png", 0xFF, 0xD8, 0xFF)), Is.False);
            Assert.That(RemoteImages.HasImageSignature(Media("image/webp", [.. "RIFF"u8])), Is.False);
            Assert.That(RemoteImages.HasImageSignature(Media("image/jpeg")), Is.False);
        });
    }
}
