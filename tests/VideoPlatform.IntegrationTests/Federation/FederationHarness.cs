using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Federation.Actors;
using VideoPlatform.Core.Data;
using VideoPlatform.Federation.Signatures;
using VideoPlatform.IntegrationTests.Infrastructure;

namespace VideoPlatform.IntegrationTests.Federation;

/// <summary>Starting federated instances, following, waiting for deliveries with a deadline, and signing requests by hand.</summary>
internal static class FederationHarness
{
    public static Task<TestInstance> StartAsync(params string[] extra) => StartAsync(DbKind.Sqlite, extra);

    public static Task<TestInstance> StartAsync(DbKind kind, params string[] extra) => StartAsync(kind, null, extra);

    public static Task<TestInstance> StartAsync(DbKind kind, Action<IServiceCollection>? services, params string[] extra) => TestInstance.StartAsync(kind, services,
    [
        "--Federation:AllowPrivateNetworks", "true",
        // Retries within a test's patience; production waits 30 s, then doubles.
        "--Federation:DeliveryInitialBackoff", "00:00:01",
        .. extra,
    ]);

    /// <summary>Polls <paramref name="probe"/> until it returns a value, or fails the test at the deadline.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what, int seconds = 30) where T : class
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(seconds);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }
            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {seconds} s waiting for {what}.");
            }
            await Task.Delay(100);
        }
    }

    public static Task EventuallyAsync(Func<Task<bool>> probe, string what, int seconds = 30) =>
        EventuallyAsync<object>(async () => await probe() ? new object() : null, what, seconds);

    public static async Task FollowAsync(TestInstance follower, TestInstance followed)
    {
        using var admin = follower.Authed(await follower.TokenAsync());
        using var response = await admin.PostAsJsonAsync("/api/v1/server/following", new { hosts = new[] { followed.Host } });
        Assert.That((int)response.StatusCode, Is.EqualTo(204), await response.Content.ReadAsStringAsync());
        await EventuallyAsync(async () => await FollowStateAsync(follower, "following", followed.Host) == "accepted", $"{follower.Host} → {followed.Host} accepted");
    }

    public static async Task<string?> FollowStateAsync(TestInstance instance, string list, string otherHost)
    {
        var json = await instance.Http.GetFromJsonAsync<JsonElement>($"/api/v1/server/{list}?count=100");
        var side = list == "following" ? "following" : "follower";
        return json.GetProperty("data").EnumerateArray()
            .Where(f => f.GetProperty(side).GetProperty("host").GetString() == otherHost)
            .Select(f => f.GetProperty("state").GetString())
            .FirstOrDefault();
    }

    /// <summary>The remote videos an instance lists, by name.</summary>
    public static async Task<JsonElement?> RemoteVideoAsync(TestInstance instance, string name)
    {
        var json = await instance.Http.GetFromJsonAsync<JsonElement>("/api/v1/videos?isLocal=false&count=100");
        foreach (var v in json.GetProperty("data").EnumerateArray())
        {
            if (v.GetProperty("name").GetString() == name)
            {
                return v;
            }
        }
        return null;
    }

    public static Task<long> CountAsync(TestInstance instance, string sql) =>
        instance.Services.GetRequiredService<Database>().ReadAsync(c => c.ExecuteScalarAsync<long>(sql));

    /// <summary>Changes rows behind the instance's back (what no activity tells, or time that a test cannot wait for).</summary>
    public static Task<int> ExecuteAsync(TestInstance instance, string sql, object? param = null) =>
        instance.Services.GetRequiredService<Database>().WriteAsync((c, t) => c.ExecuteAsync(sql, param, t));

    public static async Task<SigningKey> ServerKeyAsync(TestInstance instance) =>
        ServerActor.SigningKeyOf(await instance.Services.GetRequiredService<ServerActor>().GetAsync(CancellationToken.None));

    public static async Task<string> ServerActorUrlAsync(TestInstance instance) =>
        (await instance.Services.GetRequiredService<ServerActor>().GetAsync(CancellationToken.None)).Url;

    /// <summary>
    /// POSTs <paramref name="body"/> signed with <paramref name="key"/> (draft-cavage, or RFC 9421 when <paramref name="rfc9421"/>);
    /// <paramref name="sentBody"/> replaces the body and <paramref name="sentPath"/> the path after signing.
    /// </summary>
    public static async Task<HttpResponseMessage> PostSignedAsync(TestInstance target, string path, string body, SigningKey key,
        TimeProvider? clock = null, string? sentBody = null, bool rfc9421 = false, string? sentPath = null)
    {
        using var http = new HttpClient(new SocketsHttpHandler());
        using var request = new HttpRequestMessage(HttpMethod.Post, target.BaseUrl + path)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/activity+json"),
        };
        if (rfc9421)
        {
            await new MessageSignatureSigner(clock ?? TimeProvider.System).SignAsync(request, key, CancellationToken.None);
        }
        else
        {
            await new HttpSignatureSigner(clock ?? TimeProvider.System).SignAsync(request, key, CancellationToken.None);
        }
        if (sentBody is not null)
        {
            var digest = request.Content.Headers.TryGetValues("Content-Digest", out var values) ? values.Single() : null;
            request.Content = new StringContent(sentBody, Encoding.UTF8, "application/activity+json");
            if (digest is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Digest", digest);
            }
        }
        if (sentPath is not null)
        {
            request.RequestUri = new Uri(target.BaseUrl + sentPath);
        }
        return await http.SendAsync(request);
    }
}
