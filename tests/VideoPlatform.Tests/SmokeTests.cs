namespace VideoPlatform.Tests;

public class SmokeTests
{
    [Test]
    public void Builds() => Assert.That(VideoPlatform.Api.VideoPlatformApp.Build([]), Is.Not.Null);
}
