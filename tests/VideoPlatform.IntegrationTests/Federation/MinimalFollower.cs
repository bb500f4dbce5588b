using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VideoPlatform.Federation.Signatures;
using VideoPlatform.IntegrationTests.Infrastructure;

namespace VideoPlatform.IntegrationTests.Federation;

/// <summary>
/// A minimal Mastodon-like server served by the test on 127.0.0.1: one Person (<c>/users/mona</c>) with a key, whose
/// inbox and shared inbox record every activity they receive; <see cref="OnReceived"/> may act on each (as a real server
/// fetching the object at once).
/// </summary>
internal sealed class MinimalFollower : IAsyncDisposable
{
    public const string ActivityJsonType = "application/activity+json";
    private readonly WebApplication _app;
    private readonly RsaKeyPair _keys = RsaKeys.Generate();
    private readonly ConcurrentQueue<string> _received = new();

    public string Url { get; private set; } = "";

    public SigningKey Key => new(Url + "#main-key", _keys.PrivateKeyPem);

    public Func<JsonElement, Task>? OnReceived { get; set; }

    private MinimalFollower()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/users/mona", () => Results.Text(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["@context"] = new[] { "https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1" },
            ["id"] = Url,
            ["type"] = "Person",
            ["preferredUsername"] = "mona",
            ["name"] = "Mona",
            ["inbox"] = Url + "/inbox",
            ["outbox"] = Url + "/outbox",
            ["followers"] = Url + "/followers",
            ["following"] = Url + "/following",
            ["endpoints"] = new { sharedInbox = new Uri(new Uri(Url), "/inbox").ToString() },
            ["publicKey"] = new { id = Url + "#main-key", owner = Url, publicKeyPem = _keys.PublicKeyPem },
        }), ActivityJsonType));
        foreach (var path in new[] { "/inbox", "/users/mona/inbox" })
        {
            _app.MapPost(path, async (HttpRequest request) =>
            {
                using var reader = new StreamReader(request.Body);
                var body = await reader.ReadToEndAsync();
                _received.Enqueue(body);
                if (OnReceived is { } hook)
                {
                    using var document = JsonDocument.Parse(body);
                    await hook(document.RootElement.Clone());
                }
                return Results.Accepted();
            });
        }
    }

    public static async Task<MinimalFollower> StartAsync()
    {
        var follower = new MinimalFollower();
        await follower._app.StartAsync();
        follower.Url = follower._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/users/mona";
        return follower;
    }

    public IEnumerable<JsonElement> Received(string type) => _received
        .Select(body => JsonDocument.Parse(body).RootElement)
        .Where(a => a.GetProperty("type").GetString() == type);

    /// <summary>Sends a signed Follow of <paramref name="targetUrl"/> to <paramref name="target"/>'s shared inbox and waits for its Accept.</summary>
    public async Task FollowAsync(TestInstance target, string targetUrl)
    {
        var follow = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["@context"] = "https://www.w3.org/ns/activitystreams",
            ["id"] = $"{Url}#follows/{Guid.NewGuid():N}",
            ["type"] = "Follow",
            ["actor"] = Url,
            ["object"] = targetUrl,
        });
        using (var response = await FederationHarness.PostSignedAsync(target, "/inbox", follow, Key))
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(202), await response.Content.ReadAsStringAsync());
        }
        await FederationHarness.EventuallyAsync(() => Task.FromResult(Received("Accept").Any(a => a.GetProperty("actor").GetString() == targetUrl)),
            "the Accept of " + targetUrl);
    }

    /// <summary>GETs an ActivityPub document as a remote server does.</summary>
    public static async Task<(int Status, string Body)> FetchAsync(TestInstance instance, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url).PathAndQuery);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(ActivityJsonType));
        using var response = await instance.Http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
