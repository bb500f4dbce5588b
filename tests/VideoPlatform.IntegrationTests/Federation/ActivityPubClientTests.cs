using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VideoPlatform.Federation.Safety;
using VideoPlatform.Federation.Signatures;

namespace VideoPlatform.IntegrationTests.Federation;

/// <summary>The fetcher against a real Kestrel on 127.0.0.1:0: the SSRF guard sees a loopback address.</summary>
[Category("Federation")]
public sealed class ActivityPubClientTests
{
    private WebApplication _app = null!;
    private Uri _base = null!;
    private string? _lastSignature;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        const string ActivityJson = "application/activity+json";
        _app.MapGet("/accounts/peertube", (HttpContext context) =>
        {
            _lastSignature = context.Request.Headers["Signature"].ToString();
            return Results.Text($"{{\"id\":\"http://{context.Request.Host}/accounts/peertube\",\"type\":\"Application\"}}", ActivityJson);
        });
        _app.MapGet("/big", () => Results.Text("{\"a\":\"" + new string('x', 64 * 1024) + "\"}", ActivityJson));
        _app.MapGet("/html", () => Results.Text("<html></html>", "text/html"));
        _app.MapGet("/foreign", () => Results.Text("{\"id\":\"https://evil.example/x\"}", ActivityJson));
        _app.MapGet("/redirect", () => Results.Redirect("/accounts/peertube"));
        _app.MapGet("/loop", () => Results.Redirect("/loop"));
        _app.MapGet("/image.jpg", () => Results.Bytes(JpegBytes, "image/jpeg"));
        _app.MapGet("/image-redirect", () => Results.Redirect("/image.jpg"));
        _app.MapGet("/big.jpg", () => Results.Bytes(new byte[64 * 1024], "image/jpeg"));
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _base = new Uri(address);
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static ServiceProvider Services(bool allowPrivate, int maxBytes = 16 * 1024) =>
        new ServiceCollection()
            .AddLogging()
            .AddActivityPubClient(o =>
            {
                o.AllowPrivateNetworks = allowPrivate;
                o.MaxResponseBytes = maxBytes;
                o.Timeout = TimeSpan.FromSeconds(10);
            })
            .BuildServiceProvider();

    private async Task<FetchFailure?> FailureOf(ActivityPubClient client, string path)
    {
        try
        {
            using var _ = await client.GetAsync(new Uri(_base, path), null, CancellationToken.None);
            return null;
        }
        catch (ActivityPubFetchException e)
        {
            return e.Failure;
        }
    }

    [Test]
    public async Task Loopback_is_refused_unless_private_networks_are_allowed()
    {
        await using var services = Services(allowPrivate: false);
        var client = services.GetRequiredService<ActivityPubClient>();
        Assert.That(await FailureOf(client, "/accounts/peertube"), Is.EqualTo(FetchFailure.Blocked));
    }

    [Test]
    public async Task Loopback_is_fetched_when_allowed_and_the_GET_is_signed()
    {
        await using var services = Services(allowPrivate: true);
        var client = services.GetRequiredService<ActivityPubClient>();
        var keys = RsaKeys.Generate();
        var keyId = "https://lyon.example/accounts/peertube#main-key";
        using var doc = await client.GetAsync(new Uri(_base, "/accounts/peertube"), new SigningKey(keyId, keys.PrivateKeyPem), CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(doc.Root.GetProperty("type").GetString(), Is.EqualTo("Application"));
            Assert.That(_lastSignature, Does.Contain($"keyId=\"{keyId}\"").And.Contain("headers=\"(request-target) host date\""));
        });
    }

    private static readonly byte[] JpegBytes = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4];
    private static readonly string[] Images = ["image/jpeg"];

    [Test]
    public async Task Media_is_fetched_through_redirects_with_its_type()
    {
        await using var services = Services(allowPrivate: true);
        var media = await services.GetRequiredService<ActivityPubClient>().GetMediaAsync(new Uri(_base, "/image-redirect"), 1024, Images, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(media.Bytes, Is.EqualTo(JpegBytes));
            Assert.That(media.MediaType, Is.EqualTo("image/jpeg"));
            Assert.That(media.FinalUrl, Is.EqualTo(new Uri(_base, "/image.jpg")));
        });
    }

    [TestCase("/big.jpg", true, FetchFailure.TooLarge)]
    [TestCase("/html", true, FetchFailure.UnexpectedMediaType)]
    [TestCase("/missing.jpg", true, FetchFailure.HttpError)]
    [TestCase("/image.jpg", false, FetchFailure.Blocked)]
    public async Task Media_responses_are_checked(string path, bool allowPrivate, FetchFailure expected)
    {
        await using var services = Services(allowPrivate);
        var e = Assert.ThrowsAsync<ActivityPubFetchException>(() =>
            services.GetRequiredService<ActivityPubClient>().GetMediaAsync(new Uri(_base, path), 16 * 1024, Images, CancellationToken.None));
        Assert.That(e!.Failure, Is.EqualTo(expected));
    }

    [TestCase("/big", FetchFailure.TooLarge)]
    [TestCase("/html", FetchFailure.NotActivityJson)]
    [TestCase("/foreign", FetchFailure.IdHostMismatch)]
    [TestCase("/loop", FetchFailure.TooManyRedirects)]
    [TestCase("/missing", FetchFailure.HttpError)]
    [TestCase("/redirect", null)]
    public async Task Responses_are_checked(string path, FetchFailure? expected)
    {
        await using var services = Services(allowPrivate: true);
        Assert.That(await FailureOf(services.GetRequiredService<ActivityPubClient>(), path), Is.EqualTo(expected));
    }
}
