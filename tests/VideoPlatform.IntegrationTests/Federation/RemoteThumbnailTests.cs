using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Federation.Videos;
using VideoPlatform.Core.Data;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Storage;
using VideoPlatform.IntegrationTests.Infrastructure;
using static VideoPlatform.IntegrationTests.Federation.FederationHarness;

namespace VideoPlatform.IntegrationTests.Federation;

/// <summary>A follower copies the images of remote videos into its own media store and serves them itself.</summary>
[Category("Federation")]
[Category("Http")]
[NonParallelizable]
public sealed class RemoteThumbnailTests
{
    [TestCase(DbKind.Sqlite)]
    [TestCase(DbKind.Postgres)]
    public async Task Follower_serves_its_own_copies_of_the_origin_images_and_drops_them_with_the_video(DbKind kind)
    {
        await using var lyon = await StartAsync(kind);
        await using var lille = await StartAsync(kind);
        var video = await lyon.PublishVideoAsync("root_channel", "Cours avec vignette");
        var (thumbnail, preview) = await GiveImagesAsync(lyon, video);

        await FollowAsync(lille, lyon);
        var paths = await EventuallyAsync(async () =>
        {
            using var response = await lille.Http.GetAsync($"/api/v1/videos/{video.Uuid}");
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }
            var d = await response.Content.ReadFromJsonAsync<JsonElement>();
            // thumbnailPath and previewPath are absent until the images exist (PeerTube's type: a string, never null).
            return d.TryGetProperty("thumbnailPath", out var tp) && tp.GetString() is { } t && d.TryGetProperty("previewPath", out var pp) && pp.GetString() is { } p
                ? new[] { t, p, d.GetProperty("thumbnailUrl").GetString()! }
                : null;
        }, "the follower's copies of the images");
        var (thumbnailPath, previewPath, thumbnailUrl) = (paths[0], paths[1], paths[2]);
        Assert.Multiple(() =>
        {
            Assert.That(thumbnailPath, Does.StartWith("/lazy-static/thumbnails/").And.Not.Contain(video.ThumbnailName!));
            Assert.That(previewPath, Does.StartWith("/lazy-static/previews/"));
            Assert.That(thumbnailUrl, Is.EqualTo(lille.BaseUrl + thumbnailPath));
        });
        Assert.That(await lille.Http.GetByteArrayAsync(thumbnailPath), Is.EqualTo(thumbnail));
        Assert.That(await lille.Http.GetByteArrayAsync(previewPath), Is.EqualTo(preview));
        // The web pages use the copy too (the home page lists followed instances' videos).
        Assert.That(await lille.Http.GetStringAsync("/"), Does.Contain($"src=\"{thumbnailPath}\""));

        // New images at the origin (an Update names other files): the follower swaps its copies and drops the old ones.
        var (newThumbnail, newPreview) = await GiveImagesAsync(lyon, video, newThumbnailName: true);
        using var lyonAdmin = lyon.Authed(await lyon.TokenAsync());
        using (var update = await lyonAdmin.PutAsJsonAsync($"/api/v1/videos/{video.Uuid}", new { name = "Cours avec vignette (nouvelle)" }))
        {
            Assert.That(update.IsSuccessStatusCode, Is.True, await update.Content.ReadAsStringAsync());
        }
        var updated = await EventuallyAsync(async () =>
        {
            var d = await lille.Http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{video.Uuid}");
            return d.TryGetProperty("thumbnailPath", out var tp) && tp.GetString() is { } t && t != thumbnailPath
                && d.TryGetProperty("previewPath", out var pp) && pp.GetString() is { } p && p != previewPath
                ? new[] { t, p }
                : null;
        }, "the follower's copies of the new images");
        Assert.That(await lille.Http.GetByteArrayAsync(updated[0]), Is.EqualTo(newThumbnail));
        Assert.That(await lille.Http.GetByteArrayAsync(updated[1]), Is.EqualTo(newPreview));
        var lilleStore = lille.Services.GetRequiredService<MediaStore>();
        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(lilleStore.ThumbnailPath(thumbnailPath.Split('/')[^1])), Is.False, "the old miniature is removed");
            Assert.That(File.Exists(lilleStore.PreviewPath(previewPath.Split('/')[^1])), Is.False, "the old preview is removed");
        });
        (thumbnailPath, previewPath) = (updated[0], updated[1]);

        // A video whose origin does not serve its image keeps the origin URL.
        var bare = await lyon.PublishVideoAsync("root_channel", "Cours sans vignette servie");
        await EventuallyAsync(async () => await RemoteVideoAsync(lille, bare.Name) is not null, "push of the second video");
        await EventuallyAsync(async () => await CountAsync(lille,
            $"SELECT COUNT(*) FROM jobs WHERE type = '{RemoteThumbnailJob.JobType}' AND state IN (0, 1)") == 0, "the thumbnail jobs to finish");
        var bareDetails = await lille.Http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{bare.Uuid}");
        Assert.Multiple(() =>
        {
            // No local copy: no path (the field is left out until an image exists, as our answers now do).
            Assert.That(bareDetails.TryGetProperty("thumbnailPath", out var path) ? path.ValueKind : JsonValueKind.Null, Is.EqualTo(JsonValueKind.Null));
            Assert.That(bareDetails.GetProperty("thumbnailUrl").GetString(), Is.EqualTo(lyon.BaseUrl + "/lazy-static/thumbnails/" + bare.ThumbnailName));
        });

        // Deleted at the origin: gone from the follower, cached images included.
        using (var delete = await lyonAdmin.DeleteAsync($"/api/v1/videos/{video.Uuid}"))
        {
            Assert.That(delete.IsSuccessStatusCode, Is.True);
        }
        await EventuallyAsync(async () => (await lille.Http.GetAsync($"/api/v1/videos/{video.Uuid}")).StatusCode == HttpStatusCode.NotFound, "delete");
        var store = lille.Services.GetRequiredService<MediaStore>();
        // A copy job of the same images still running when the delete arrives writes them once more, then removes them
        // when it finds the video gone: wait for that cleanup before checking.
        await EventuallyAsync(() => Task.FromResult(!File.Exists(store.ThumbnailPath(thumbnailPath.Split('/')[^1]))
            && !File.Exists(store.PreviewPath(previewPath.Split('/')[^1]))), "the cached images to be removed");
        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(store.ThumbnailPath(thumbnailPath.Split('/')[^1])), Is.False);
            Assert.That(File.Exists(store.PreviewPath(previewPath.Split('/')[^1])), Is.False);
        });
        using var gone = await lille.Http.GetAsync(thumbnailPath);
        Assert.That(gone.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    /// <summary>Writes a JPEG-looking thumbnail and a preview for <paramref name="video"/>, as a transcode would leave them.</summary>
    private static async Task<(byte[] Thumbnail, byte[] Preview)> GiveImagesAsync(TestInstance instance, VideoRow video, bool newThumbnailName = false)
    {
        var store = instance.Services.GetRequiredService<MediaStore>();
        byte[] thumbnail = [0xFF, 0xD8, 0xFF, 0xE0, .. RandomNumberGenerator.GetBytes(2000)];
        byte[] preview = [0xFF, 0xD8, 0xFF, 0xE0, .. RandomNumberGenerator.GetBytes(9000)];
        var thumbnailName = newThumbnailName ? Guid.NewGuid().ToString("N") + ".jpg" : video.ThumbnailName!;
        var previewName = Guid.NewGuid().ToString("N") + ".jpg";
        await File.WriteAllBytesAsync(store.ThumbnailPath(thumbnailName), thumbnail);
        await File.WriteAllBytesAsync(store.PreviewPath(previewName), preview);
        await instance.Services.GetRequiredService<Database>().WriteAsync((c, t) =>
            c.ExecuteAsync("UPDATE videos SET thumbnail_name = @thumbnailName, preview_name = @previewName WHERE id = @id",
                new { thumbnailName, previewName, id = video.Id }, t));
        return (thumbnail, preview);
    }
}
