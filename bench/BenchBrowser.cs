using Microsoft.Playwright;

namespace VideoPlatform.Bench;

/// <summary>Debian's Chromium as the browser benches drive: headless, media autoplay, WebRTC between pages on loopback.</summary>
public static class BenchBrowser
{
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required", "--allow-loopback-in-peer-connection",
            ],
        });
}
