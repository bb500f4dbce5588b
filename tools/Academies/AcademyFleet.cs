using System.Globalization;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Api;
using VideoPlatform.Api.Videos;
using VideoPlatform.Api.Accounts;
using VideoPlatform.Api.Auth;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Videos;
using VideoPlatform.Api.Federation;
using VideoPlatform.Core;
using VideoPlatform.Core.Data;
using VideoPlatform.Core.Data.Repositories;

namespace VideoPlatform.Tools;

/// <summary>One academy: an instance built by the app's own composition, on 127.0.0.1.</summary>
public sealed record Academy(string Name, string Slug, string BaseUrl, WebApplication App)
{
    public string Host => new Uri(BaseUrl).Authority;
    public IServiceProvider Services => App.Services;
}

/// <summary>
/// N academy instances in one process (each with its own port, data folder and SQLite database), all following
/// each other: the demo launcher, and the fixture of the federation benchmark.
/// </summary>
public sealed class AcademyFleet : IAsyncDisposable
{
    public const string AdminPassword = "academies";

    /// <summary>The 30 académies of 2026 with Caen and Rouen before their merger, and the vice-rectorats of the Pacific and Saint-Pierre.</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        "Lyon", "Lille", "Paris", "Versailles", "Créteil", "Aix-Marseille", "Bordeaux", "Toulouse", "Nantes", "Rennes",
        "Strasbourg", "Nancy-Metz", "Montpellier", "Grenoble", "Nice", "Dijon", "Besançon", "Clermont-Ferrand", "Limoges", "Poitiers",
        "Orléans-Tours", "Reims", "Amiens", "Caen", "Rouen", "Corse", "Guadeloupe", "Martinique", "Guyane", "La Réunion",
        "Mayotte", "Nouvelle-Calédonie", "Polynésie française", "Wallis-et-Futuna", "Saint-Pierre-et-Miquelon",
    ];

    private AcademyFleet(IReadOnlyList<Academy> academies) => Academies = academies;

    public IReadOnlyList<Academy> Academies { get; }

    public static async Task<AcademyFleet> StartAsync(int count, string dataRoot, int basePort, TextWriter log, CancellationToken ct, params string[] extraArgs)
    {
        var academies = new List<Academy>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var name = i < Names.Count ? Names[i] : $"Académie {i + 1}";
                var slug = Slug(name);
                var url = $"http://127.0.0.1:{(basePort + i).ToString(CultureInfo.InvariantCulture)}";
                var app = VideoPlatformApp.Build(
                [
                    "--urls", url,
                    "--Instance:Name", "Académie de " + name,
                    "--Storage:Root", Path.Combine(dataRoot, slug),
                    "--Admin:Password", AdminPassword,
                    "--Federation:AllowPrivateNetworks", "true",
                    "--Logging:LogLevel:Default", "Warning",
                    "--Logging:LogLevel:Microsoft.Hosting.Lifetime", "Warning",
                    .. extraArgs,
                ]);
                await app.StartAsync(ct);
                academies.Add(new Academy(name, slug, url, app));
                log.Write('.');
            }
            foreach (var academy in academies)
            {
                var readiness = academy.Services.GetRequiredService<Readiness>();
                while (!readiness.IsReady)
                {
                    await Task.Delay(50, ct);
                }
            }
            log.WriteLine();
            return new AcademyFleet(academies);
        }
        catch
        {
            await new AcademyFleet(academies).DisposeAsync();
            throw;
        }
    }

    /// <summary>Every academy follows every other one (through the same service as the admin API); waits until all are accepted.</summary>
    public async Task FollowAllAsync(TimeSpan timeout, CancellationToken ct)
    {
        foreach (var follower in Academies)
        {
            var follows = follower.Services.GetRequiredService<Follows>();
            foreach (var followed in Academies.Where(a => a != follower))
            {
                await follows.FollowHostAsync(followed.Host, ct);
            }
        }
        var deadline = DateTimeOffset.UtcNow + timeout;
        var expected = Academies.Count - 1;
        foreach (var academy in Academies)
        {
            while (await CountAsync(academy, "SELECT COUNT(*) FROM follows f JOIN actors a ON a.id = f.follower_id WHERE a.server_id IS NULL AND f.state = 'accepted'", ct) < expected)
            {
                if (DateTimeOffset.UtcNow > deadline)
                {
                    throw new TimeoutException($"{academy.Name} has not seen all its follows accepted within {timeout}.");
                }
                await Task.Delay(100, ct);
            }
        }
    }

    public static Task<long> CountAsync(Academy academy, string sql, CancellationToken ct) =>
        academy.Services.GetRequiredService<Database>().ReadAsync(c => c.ExecuteScalarAsync<long>(sql), ct);

    /// <summary>
    /// Publishes a video as the upload pipeline would once transcoded (rows for the thumbnail, HLS playlist and one
    /// rendition), then notifies the listeners, which federate it.
    /// </summary>
    public static async Task<VideoRow> PublishAsync(Academy academy, string name, CancellationToken ct)
    {
        var services = academy.Services;
        var channel = await services.GetRequiredService<ActorRepository>().FindLocalAsync(ActorTypes.Group, "root_channel", ct)
            ?? throw new InvalidOperationException("no root_channel");
        var uuid = Guid.NewGuid();
        var id = Guid.NewGuid().ToString("N");
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeMilliseconds();
        var row = new VideoRow
        {
            Uuid = uuid.ToString("D"),
            ShortUuid = ShortUuid.FromUuid(uuid),
            Name = name,
            Description = "Leçon publiée par l'académie de " + academy.Name,
            ChannelId = channel.Id,
            Privacy = VideoPrivacy.Public,
            State = VideoState.Published,
            Duration = 120,
            IsLocal = true,
            Url = LocalUrls.Video(academy.BaseUrl, uuid.ToString("D")),
            ThumbnailName = id + ".jpg",
            SearchText = SearchText.ForVideo(name, null, []),
            PublishedAt = now,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var videoId = await services.GetRequiredService<Database>().WriteAsync(async (c, t) =>
        {
            var videoId = await services.GetRequiredService<VideoRepository>().CreateAsync(c, t, row);
            await c.ExecuteAsync("""
                INSERT INTO video_streaming_playlists (video_id, master_name, segments_sha256_name, created_at) VALUES (@videoId, @master, @sha, @now)
                """, new { videoId, master = id + "-master.m3u8", sha = id + "-segments-sha256.json", now }, t);
            await c.ExecuteAsync("""
                INSERT INTO video_files (video_id, resolution, width, height, fps, size, bitrate, file_name, playlist_name, torrent_name, info_hash, created_at)
                VALUES (@videoId, 720, 1280, 720, 25, 1000000, 1000000, @file, @playlist, @torrent, @hash, @now)
                """, new { videoId, file = id + "-720-fragmented.mp4", playlist = id + "-720.m3u8", torrent = id + "-720-hls.torrent", hash = id + id[..8], now }, t);
            return videoId;
        }, ct);
        await services.GetRequiredService<VideoChangeNotifier>().PublishedAsync(videoId, ct);
        return row with { Id = videoId };
    }

    public static string Slug(string name)
    {
        var sb = new StringBuilder();
        foreach (var c in name.Normalize(NormalizationForm.FormD))
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                sb.Append(char.ToLowerInvariant(c));
            }
            else if (c is ' ' or '-' && sb.Length > 0 && sb[^1] != '-')
            {
                sb.Append('-');
            }
        }
        return sb.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var academy in Academies)
        {
            await academy.App.StopAsync();
            await academy.App.DisposeAsync();
        }
    }
}
