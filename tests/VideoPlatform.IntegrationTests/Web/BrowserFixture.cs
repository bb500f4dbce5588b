using VideoPlatform.IntegrationTests.Infrastructure;

namespace VideoPlatform.IntegrationTests.Web;

/// <summary>
/// A fixture with one instance and one Chromium for all its tests. The derived fixture starts both in its own
/// [OneTimeSetUp] (each needs other options); closing them, even after a failed set-up, is done once here.
/// </summary>
public abstract class BrowserFixture
{
    private protected TestInstance _instance = null!;
    private protected Chromium _chromium = null!;

    [OneTimeTearDown]
    public async Task StopBrowserAndInstanceAsync()
    {
        if (_instance is not null)
        {
            await _instance.DisposeAsync();
        }
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }
    }
}
