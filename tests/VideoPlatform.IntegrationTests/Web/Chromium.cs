using Microsoft.Playwright;
using VideoPlatform.IntegrationTests.Infrastructure;

namespace VideoPlatform.IntegrationTests.Web;

/// <summary>Debian's Chromium driven by Playwright's bundled driver; never a downloaded browser (shared/reference/clients.md).</summary>
public sealed class Chromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private Chromium(IPlaywright playwright, IBrowser browser)
    {
        Playwright = playwright;
        Browser = browser;
    }

    public IPlaywright Playwright { get; }
    public IBrowser Browser { get; }

    public static async Task<Chromium> LaunchAsync(params string[] extraArgs)
    {
        Prerequisites.Require(File.Exists(ExecutablePath), "Chromium at " + ExecutablePath);
        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required", .. extraArgs,
            ],
        });
        return new Chromium(playwright, browser);
    }

    /// <summary>
    /// A fresh context (own cookies and storage) at the given width; 390 px is a common phone. Without JavaScript, a page
    /// shows that its forms work as plain HTML.
    /// </summary>
    public Task<IBrowserContext> ContextAsync(string baseUrl, int width = 1280, bool javaScript = true) =>
        Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            JavaScriptEnabled = javaScript,
            ViewportSize = new ViewportSize { Width = width, Height = width <= 500 ? 844 : 800 },
            IsMobile = width <= 500,
            HasTouch = width <= 500,
            Locale = "fr-FR",
        });

    /// <summary>Collects console errors and uncaught exceptions: a page that logs one fails its test.</summary>
    public static List<string> WatchErrors(IPage page)
    {
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => errors.Add(error);
        return errors;
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.AddTestAttachment(path, name);
    }

    public static async Task LoginAsync(IPage page, string username, string password)
    {
        await page.GotoAsync("/login");
        await page.GetByLabel("Identifiant ou adresse électronique").FillAsync(username);
        await page.GetByLabel("Mot de passe").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Se connecter" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
    }
}
