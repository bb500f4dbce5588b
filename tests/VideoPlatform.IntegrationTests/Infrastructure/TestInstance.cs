using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Api;
using VideoPlatform.Core.Data;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.IntegrationTests.Infrastructure;

/// <summary>
/// A real instance on 127.0.0.1 with an OS-assigned port, built by the app's own <see cref="VideoPlatformApp.Build"/>
/// with a temp storage folder and its own database.
/// </summary>
public sealed class TestInstance : IAsyncDisposable
{
    public const string AdminPassword = "admin-password";

    private readonly bool _ownsDatabase;

    private TestInstance(WebApplication app, TestDatabase database, string baseUrl, bool ownsDatabase = true)
    {
        _ownsDatabase = ownsDatabase;
        App = app;
        Database = database;
        BaseUrl = baseUrl;
        Http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };
    }

    public WebApplication App { get; }
    public TestDatabase Database { get; }
    public string BaseUrl { get; }
    public HttpClient Http { get; }
    public IServiceProvider Services => App.Services;

    public static async Task<TestInstance> StartAsync(DbKind kind = DbKind.Sqlite, params string[] extraArgs)
    {
        var database = await TestDatabase.CreateAsync(kind);
        return await StartOnAsync(database, ownsDatabase: true, extraArgs);
    }

    /// <summary>
    /// Another process of the same instance: same database and storage as <paramref name="first"/>, its own roles
    /// (e.g. <c>--Roles transcoder</c>). Disposing it leaves the shared database to <paramref name="first"/>.
    /// </summary>
    public static Task<TestInstance> StartSharingAsync(TestInstance first, params string[] extraArgs) =>
        StartOnAsync(first.Database, ownsDatabase: false, extraArgs);

    private static async Task<TestInstance> StartOnAsync(TestDatabase database, bool ownsDatabase, string[] extraArgs)
    {
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            "--Storage:Root", Path.Combine(database.Folder, "storage"),
            "--Database:Provider", database.Provider,
            "--Database:ConnectionString", database.ConnectionString,
            "--Admin:Password", AdminPassword,
            "--Logging:LogLevel:Default", "Warning",
            .. extraArgs,
        ];
        var app = VideoPlatformApp.Build(args);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var instance = new TestInstance(app, database, address.TrimEnd('/'), ownsDatabase);
        await instance.WaitHealthyAsync();
        return instance;
    }

    private async Task WaitHealthyAsync()
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (DateTimeOffset.UtcNow < deadline)
        {
            using var response = await Http.GetAsync("/health");
            if (response.IsSuccessStatusCode)
            {
                return;
            }
            await Task.Delay(100);
        }
        Assert.Fail("Instance did not become healthy within 60 s.");
    }

    public async Task<string> TokenAsync(string username = "root", string password = AdminPassword)
    {
        var client = await Http.GetFromJsonAsync<JsonElement>("/api/v1/oauth-clients/local");
        using var response = await Http.PostAsync("/api/v1/users/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = client.GetProperty("client_id").GetString()!,
            ["client_secret"] = client.GetProperty("client_secret").GetString()!,
            ["grant_type"] = "password",
            ["username"] = username,
            ["password"] = password,
        }));
        Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
    }

    public HttpClient Authed(string token)
    {
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(120) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Creates a user through the admin API and returns a client logged in as that user.</summary>
    public async Task<HttpClient> CreateUserAsync(string username, string password = "password123", long videoQuota = -1)
    {
        using var admin = Authed(await TokenAsync());
        using var response = await admin.PostAsJsonAsync("/api/v1/users", new { username, password, email = $"{username}@example.org", role = 2, videoQuota, videoQuotaDaily = -1 });
        Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());
        return Authed(await TokenAsync(username, password));
    }

    /// <summary>Inserts a published video directly (for listing and privacy tests that do not need media).</summary>
    public async Task<VideoRow> SeedVideoAsync(string channelName, string name, VideoPrivacy privacy = VideoPrivacy.Public,
        VideoState state = VideoState.Published, long? publishedAt = null, string? description = null, string[]? tags = null, int views = 0)
    {
        var actors = Services.GetRequiredService<ActorRepository>();
        var channel = await actors.FindLocalAsync(ActorTypes.Group, channelName) ?? throw new InvalidOperationException("no channel " + channelName);
        var uuid = Guid.NewGuid();
        var now = publishedAt ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var row = new VideoRow
        {
            Uuid = uuid.ToString("D"),
            ShortUuid = ShortUuid.FromUuid(uuid),
            Name = name,
            Description = description,
            ChannelId = channel.Id,
            Privacy = privacy,
            State = state,
            Duration = 10,
            Tags = JsonSerializer.Serialize(tags ?? []),
            IsLocal = true,
            Url = LocalUrls.Video(BaseUrl, uuid.ToString("D")),
            SearchText = SearchText.ForVideo(name, description, tags ?? []),
            Views = views,
            PublishedAt = now,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var db = Services.GetRequiredService<Database>();
        var id = await db.WriteAsync((c, t) => Services.GetRequiredService<VideoRepository>().CreateAsync(c, t, row));
        return row with { Id = id };
    }

    /// <summary>Stops the process as a crash would: running jobs are abandoned where they are, their leases left to expire.</summary>
    public async Task KillAsync()
    {
        using var immediate = new CancellationTokenSource();
        await immediate.CancelAsync();
        try
        {
            await App.StopAsync(immediate.Token);
        }
        catch (OperationCanceledException)
        {
        }
        Http.Dispose();
        await App.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        if (_ownsDatabase)
        {
            await Database.DisposeAsync();
        }
    }
}
