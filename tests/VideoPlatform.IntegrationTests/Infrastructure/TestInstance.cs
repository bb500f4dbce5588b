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
    private readonly string[] _args;
    private readonly Action<IServiceCollection>? _services;

    private TestInstance(WebApplication app, TestDatabase database, string baseUrl, string[] args, Action<IServiceCollection>? services, bool ownsDatabase = true)
    {
        _ownsDatabase = ownsDatabase;
        _args = args;
        _services = services;
        App = app;
        Database = database;
        BaseUrl = baseUrl;
        Http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };
    }

    public WebApplication App { get; private set; }
    public bool IsRunning { get; private set; } = true;
    public TestDatabase Database { get; }
    public string BaseUrl { get; }
    public HttpClient Http { get; }
    public IServiceProvider Services => App.Services;

    public static Task<TestInstance> StartAsync(DbKind kind = DbKind.Sqlite, params string[] extraArgs) => StartAsync(kind, null, extraArgs);

    /// <param name="services">Added to the composition, at every (re)start: e.g. a change listener that fails once.</param>
    public static async Task<TestInstance> StartAsync(DbKind kind, Action<IServiceCollection>? services, params string[] extraArgs)
    {
        var database = await TestDatabase.CreateAsync(kind);
        return await StartOnAsync(database, ownsDatabase: true, services, extraArgs);
    }

    /// <summary>
    /// Another process of the same instance: same database and storage as <paramref name="first"/>, its own roles
    /// (e.g. <c>--Roles transcoder</c>). Disposing it leaves the shared database to <paramref name="first"/>.
    /// </summary>
    public static Task<TestInstance> StartSharingAsync(TestInstance first, params string[] extraArgs) =>
        StartOnAsync(first.Database, ownsDatabase: false, null, extraArgs);

    private static async Task<TestInstance> StartOnAsync(TestDatabase database, bool ownsDatabase, Action<IServiceCollection>? services, string[] extraArgs)
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
        var app = VideoPlatformApp.Build(args, s =>
        {
            services?.Invoke(s);
            s.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider, UnhandledErrorsLog>();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var instance = new TestInstance(app, database, address.TrimEnd('/'), args, services, ownsDatabase);
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
        await App.DisposeAsync();
        IsRunning = false;
    }

    /// <summary>Stops the server but keeps its database and storage, as a crash or an upgrade would.</summary>
    public async Task StopAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        IsRunning = false;
    }

    /// <summary>Starts the same instance again on the same port, database and storage.</summary>
    public async Task RestartAsync()
    {
        var args = _args.ToArray();
        args[Array.IndexOf(args, "--urls") + 1] = BaseUrl;
        App = VideoPlatformApp.Build(args, _services);
        await App.StartAsync();
        IsRunning = true;
        await WaitHealthyAsync();
    }

    public string Host => new Uri(BaseUrl).Authority;

    /// <summary>
    /// Inserts a published public video with the rows a transcode leaves (thumbnail, HLS playlist, one rendition with its
    /// torrent and info hash) and tells the change listeners at once, as the pipeline's <c>video-published</c> job does
    /// after a publication.
    /// </summary>
    public async Task<VideoRow> PublishVideoAsync(string channelName, string name, string? description = null, string[]? tags = null)
    {
        var video = await SeedVideoAsync(channelName, name, description: description, tags: tags);
        var id = Guid.NewGuid().ToString("N");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        // Any 40-hex value stands for the v1 info hash of a torrent that this test never serves.
        var infoHash = id[..32] + id[..8];
        await Services.GetRequiredService<Database>().WriteAsync(async (c, t) =>
        {
            await Dapper.SqlMapper.ExecuteAsync(c, "UPDATE videos SET thumbnail_name = @thumb WHERE id = @videoId", new { thumb = id + ".jpg", videoId = video.Id }, t);
            await Dapper.SqlMapper.ExecuteAsync(c, """
                INSERT INTO video_streaming_playlists (video_id, master_name, segments_sha256_name, created_at)
                VALUES (@videoId, @master, @sha, @now)
                """, new { videoId = video.Id, master = id + "-master.m3u8", sha = id + "-segments-sha256.json", now }, t);
            await Dapper.SqlMapper.ExecuteAsync(c, """
                INSERT INTO video_files (video_id, resolution, width, height, fps, size, bitrate, file_name, playlist_name, torrent_name, info_hash, created_at)
                VALUES (@videoId, 720, 1280, 720, 25, 123456, 1000000, @file, @playlist, @torrent, @infoHash, @now)
                """, new { videoId = video.Id, file = id + "-720-fragmented.mp4", playlist = id + "-720.m3u8", torrent = id + "-720-hls.torrent", infoHash, now }, t);
        });
        await Services.GetRequiredService<VideoPlatform.Core.Videos.VideoChangeNotifier>().PublishedAsync(video.Id, CancellationToken.None);
        return video with { ThumbnailName = id + ".jpg" };
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (IsRunning)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
        if (_ownsDatabase)
        {
            await Database.DisposeAsync();
        }
    }

}
