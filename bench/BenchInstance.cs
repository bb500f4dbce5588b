using System.Security.Cryptography;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using VideoPlatform.Api;
using VideoPlatform.Api.Videos;
using VideoPlatform.Api.Accounts;
using VideoPlatform.Api.Auth;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Videos;
using VideoPlatform.Core.Data;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Storage;

namespace VideoPlatform.Bench;

/// <summary>An instance for a benchmark: built by VideoPlatformApp.Build on 127.0.0.1 with a temp folder (SQLite).</summary>
public sealed class BenchInstance : IAsyncDisposable
{
    private readonly string? _postgresDatabase;
    private readonly string? _postgresAdmin;

    private BenchInstance(WebApplication app, string folder, string baseUrl, string? postgresDatabase = null, string? postgresAdmin = null)
    {
        App = app;
        Folder = folder;
        BaseUrl = baseUrl;
        _postgresDatabase = postgresDatabase;
        _postgresAdmin = postgresAdmin;
    }

    public WebApplication App { get; }
    public string Folder { get; }
    public string BaseUrl { get; }

    public static Task<BenchInstance> StartAsync(params string[] extra) =>
        StartAsync(Path.Combine(Path.GetTempPath(), "vp-bench-" + Guid.NewGuid().ToString("N")), null, null, extra);

    /// <summary>
    /// An instance on <paramref name="provider"/> ("sqlite": a file in its temp folder; "postgres": a fresh database on
    /// <paramref name="postgresAdmin"/>'s server with at most <paramref name="maxPoolSize"/> connections), dropped on dispose.
    /// </summary>
    public static async Task<BenchInstance> StartOnAsync(string provider, string postgresAdmin, int maxPoolSize)
    {
        var folder = Path.Combine(Path.GetTempPath(), "vp-bench-" + Guid.NewGuid().ToString("N"));
        if (provider == "sqlite")
        {
            Directory.CreateDirectory(folder);
            return await StartAsync(folder, null, null, "--Database:Provider", provider,
                "--Database:ConnectionString", $"Data Source={Path.Combine(folder, "bench.db")}");
        }
        var database = "vp_bench_" + Guid.NewGuid().ToString("N")[..8];
        await using (var admin = new NpgsqlConnection(postgresAdmin))
        {
            await admin.OpenAsync();
            await admin.ExecuteAsync($"CREATE DATABASE {database}");
        }
        var connectionString = new NpgsqlConnectionStringBuilder(postgresAdmin) { Database = database, MaxPoolSize = maxPoolSize }.ToString();
        return await StartAsync(folder, database, postgresAdmin, "--Database:Provider", provider, "--Database:ConnectionString", connectionString);
    }

    private static async Task<BenchInstance> StartAsync(string folder, string? postgresDatabase, string? postgresAdmin, params string[] extra)
    {
        var app = VideoPlatformApp.Build(["--urls", "http://127.0.0.1:0", "--Storage:Root", folder, "--Admin:Password", "bench-pass",
            "--Logging:LogLevel:Default", "Warning", .. extra]);
        await app.StartAsync();
        var baseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient(new SocketsHttpHandler());
        while (!(await http.GetAsync(baseUrl + "/health")).IsSuccessStatusCode)
        {
            await Task.Delay(100);
        }
        return new BenchInstance(app, folder, baseUrl, postgresDatabase, postgresAdmin);
    }

    /// <summary>A published video whose one rendition is <paramref name="size"/> random bytes, with its torrent made.</summary>
    public async Task<(string InfoHash, string FilePath, string FileUrl)> SeedRenditionWithTorrentAsync(long size)
    {
        var services = App.Services;
        var channel = await services.GetRequiredService<ActorRepository>().FindLocalAsync(ActorTypes.Group, "root_channel");
        var uuid = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var db = services.GetRequiredService<Database>();
        var videoId = await db.WriteAsync((c, t) => services.GetRequiredService<VideoRepository>().CreateAsync(c, t, new VideoRow
        {
            Uuid = uuid.ToString("D"), ShortUuid = ShortUuid.FromUuid(uuid), Name = "Benchmark", ChannelId = channel!.Id,
            Privacy = VideoPrivacy.Public, State = VideoState.Published, IsLocal = true, Url = LocalUrls.Video(BaseUrl, uuid.ToString("D")),
            PublishedAt = now, CreatedAt = now, UpdatedAt = now,
        }));
        var id = Guid.NewGuid().ToString("D");
        var folder = services.GetRequiredService<MediaStore>().HlsFolder(uuid.ToString("D"), false);
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, $"{id}-720-fragmented.mp4");
        await using (var stream = File.Create(file))
        {
            var chunk = new byte[1024 * 1024];
            for (long written = 0; written < size; written += chunk.Length)
            {
                RandomNumberGenerator.Fill(chunk);
                await stream.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, size - written)));
            }
        }
        await db.WriteAsync((c, t) => c.ExecuteAsync("""
            INSERT INTO video_files (video_id, resolution, width, height, fps, size, file_name, playlist_name, created_at)
            VALUES (@videoId, 720, 1280, 720, 30, @size, @name, @playlist, 0)
            """, new { videoId, size, name = Path.GetFileName(file), playlist = $"{id}-720.m3u8" }, t));
        await services.GetRequiredService<VideoChangeNotifier>().PublishedAsync(videoId, CancellationToken.None);
        var torrents = services.GetRequiredService<TorrentRepository>();
        while ((await torrents.FilesOfVideoAsync(videoId)).Single().InfoHash is not { } hash)
        {
            await Task.Delay(100);
        }
        var infoHash = (await torrents.FilesOfVideoAsync(videoId)).Single().InfoHash!;
        return (infoHash, file, BaseUrl + MediaUrls.HlsFile(uuid.ToString("D"), Path.GetFileName(file), false));
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        if (_postgresDatabase is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(_postgresAdmin);
            await admin.OpenAsync();
            await admin.ExecuteAsync($"DROP DATABASE {_postgresDatabase} WITH (FORCE)");
        }
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, true);
        }
    }
}
