using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Api;
using VideoPlatform.Api.Videos;
using VideoPlatform.Api.Accounts;
using VideoPlatform.Api.Auth;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Videos;
using VideoPlatform.Core;
using VideoPlatform.Core.Data;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Federation.Follows;

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
            var follows = follower.Services.GetRequiredService<FollowService>();
            foreach (var followed in Academies.Where(a => a != follower))
            {
                await follows.FollowHostAsync(followed.Host, ct);
            }
        }
        var deadline = DateTimeOffset.UtcNow + timeout;
        var expected = Academies.Count - 1;
        foreach (var academy in Academies)
        {
            var follows = academy.Services.GetRequiredService<FollowRepository>();
            while (await follows.CountAcceptedOfLocalFollowersAsync(ct) < expected)
            {
                if (DateTimeOffset.UtcNow > deadline)
                {
                    throw new TimeoutException($"{academy.Name} has not seen all its follows accepted within {timeout}.");
                }
                await Task.Delay(100, ct);
            }
        }
    }

    /// <summary>
    /// Publishes a video as the upload pipeline would once transcoded, through the same repositories (the video waiting for
    /// its transcode, then the HLS playlist, one rendition and the images, then its torrent), and notifies the listeners,
    /// which federate it. No media file is written: remote instances that fetch the images get 404 and keep the origin's URL.
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
            State = VideoState.ToTranscode,
            IsLocal = true,
            Url = LocalUrls.Video(academy.BaseUrl, uuid.ToString("D")),
            SearchText = SearchText.ForVideo(name, null, []),
            PublishedAt = now,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var videos = services.GetRequiredService<VideoRepository>();
        var videoId = await services.GetRequiredService<Database>().WriteAsync((c, t) => videos.CreateAsync(c, t, row), ct);
        var rendition = new VideoFileRow
        {
            Resolution = 720, Width = 1280, Height = 720, Fps = 25, Size = 1_000_000, Bitrate = 1_000_000,
            FileName = id + "-720-fragmented.mp4", PlaylistName = id + "-720.m3u8",
        };
        var media = new PublishedMedia(id + "-master.m3u8", id + "-segments-sha256.json", id + ".jpg", id + ".jpg", 120, [rendition]);
        await services.GetRequiredService<VideoMediaRepository>().PublishAsync(videoId, media, (_, _) => Task.CompletedTask, ct);
        var torrents = services.GetRequiredService<TorrentRepository>();
        var file = (await torrents.FilesOfVideoAsync(videoId, ct)).Single();
        await torrents.SetTorrentAsync(file.FileId, file.FileName!, id + "-720-hls.torrent", id + id[..8], ct: ct);
        await services.GetRequiredService<VideoChangeNotifier>().PublishedAsync(videoId, ct);
        return await videos.FindAsync(videoId.ToString(CultureInfo.InvariantCulture), ct) is { } published
            ? published.Video
            : throw new InvalidOperationException($"video #{videoId} vanished after publication");
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
