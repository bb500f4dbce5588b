using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Core.Storage;
using VideoPlatform.Federation.Delivery;
using VideoPlatform.IntegrationTests.Infrastructure;
using static VideoPlatform.IntegrationTests.Federation.FederationHarness;

namespace VideoPlatform.IntegrationTests.Federation;

/// <summary>Two and three real instances on 127.0.0.1 following each other through the admin API.</summary>
[Category("Federation")]
[Category("Http")]
[NonParallelizable]
public sealed class FederationFlowTests
{
    [TestCase(DbKind.Sqlite)]
    [TestCase(DbKind.Postgres)]
    public async Task Follow_backfill_publish_update_delete_and_undo_propagate(DbKind kind)
    {
        await using var lyon = await StartAsync(kind, "--Instance:Name", "Académie de Lyon");
        await using var lille = await StartAsync(kind, "--Instance:Name", "Académie de Lille");
        var before = await lyon.PublishVideoAsync("root_channel", "Cours publié avant le suivi", tags: ["histoire"]);
        using var lyonAdmin = lyon.Authed(await lyon.TokenAsync());
        // Comments written before the follow: only the video's comments collection can bring them to Lille.
        var threadId = await PostCommentAsync(lyonAdmin, $"/api/v1/videos/{before.Uuid}/comment-threads", "Qui a lu le chapitre 2 ?");
        await PostCommentAsync(lyonAdmin, $"/api/v1/videos/{before.Uuid}/comments/{threadId}", "Relisez la page *12*.");

        await FollowAsync(lille, lyon);
        Assert.That(await FollowStateAsync(lyon, "followers", lille.Host), Is.EqualTo("accepted"));

        // Backfill: the video published before the follow arrives through Lyon's outbox.
        await EventuallyAsync(async () => await RemoteVideoAsync(lille, before.Name) is not null, "backfill");
        var details = await lille.Http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{before.Uuid}");
        Assert.Multiple(() =>
        {
            Assert.That(details.GetProperty("isLocal").GetBoolean(), Is.False);
            Assert.That(details.GetProperty("url").GetString(), Is.EqualTo(before.Url));
            Assert.That(details.GetProperty("channel").GetProperty("host").GetString(), Is.EqualTo(lyon.Host));
            var playlist = details.GetProperty("streamingPlaylists")[0];
            Assert.That(playlist.GetProperty("playlistUrl").GetString(), Does.StartWith(lyon.BaseUrl + "/static/streaming-playlists/hls/"));
            Assert.That(playlist.GetProperty("files")[0].GetProperty("magnetUri").GetString(), Does.StartWith("magnet:?"));
            Assert.That(details.GetProperty("thumbnailUrl").GetString(), Does.StartWith(lyon.BaseUrl));
        });
        await RemoteCommentsAreFetchedAsync(lille, before.Uuid);
        using var lilleAdmin = lille.Authed(await lille.TokenAsync());
        await ReplyHeldAtTheOriginIsApprovedBackAsync(lyon, lille, lyonAdmin, lilleAdmin, before.Uuid);

        // A new publication is pushed, and is found by search.
        var fresh = await lyon.PublishVideoAsync("root_channel", "Géométrie dans l'espace");
        await EventuallyAsync(async () => await RemoteVideoAsync(lille, fresh.Name) is not null, "push of a new video");
        var search = await lille.Http.GetFromJsonAsync<JsonElement>("/api/v1/search/videos?search=geometrie");
        Assert.That(search.GetProperty("data").EnumerateArray().Select(v => v.GetProperty("uuid").GetString()), Does.Contain(fresh.Uuid));

        // Update through Lyon's API propagates.
        using (var update = await lyonAdmin.PutAsJsonAsync($"/api/v1/videos/{fresh.Uuid}", new { name = "Géométrie dans l'espace (corrigé)" }))
        {
            Assert.That(update.IsSuccessStatusCode, Is.True, await update.Content.ReadAsStringAsync());
        }
        await EventuallyAsync(async () => await RemoteVideoAsync(lille, "Géométrie dans l'espace (corrigé)") is not null, "update");

        // Captions and chapters: Lille copies the caption (served from its own lazy-static, searchable) and the chapters.
        await RemoteCaptionsAndChaptersFollowTheOriginAsync(lyon, lille, lyonAdmin, fresh.Uuid);

        // A public playlist of both lessons: read by Lille in order, reordered, deleted.
        await RemotePlaylistFollowsTheOriginAsync(lyon, lille, lyonAdmin, before, fresh with { Name = "Géométrie dans l'espace (corrigé)" });

        // Delete propagates.
        using (var delete = await lyonAdmin.DeleteAsync($"/api/v1/videos/{fresh.Uuid}"))
        {
            Assert.That(delete.IsSuccessStatusCode, Is.True);
        }
        await EventuallyAsync(async () => (await lille.Http.GetAsync($"/api/v1/videos/{fresh.Uuid}")).StatusCode == System.Net.HttpStatusCode.NotFound, "delete");

        // Undo Follow: Lyon forgets its follower and stops delivering to it.
        using (var undo = await lilleAdmin.DeleteAsync($"/api/v1/server/following/{lyon.Host}"))
        {
            Assert.That((int)undo.StatusCode, Is.EqualTo(204));
        }
        await EventuallyAsync(async () => await FollowStateAsync(lyon, "followers", lille.Host) is null, "undo on the followed side");
        var jobsBefore = await CountAsync(lyon, $"SELECT COUNT(*) FROM jobs WHERE type = '{DeliveryJob.JobType}'");
        var after = await lyon.PublishVideoAsync("root_channel", "Publié après le désabonnement");
        Assert.That(await CountAsync(lyon, $"SELECT COUNT(*) FROM jobs WHERE type = '{DeliveryJob.JobType}'"), Is.EqualTo(jobsBefore));
        Assert.That(await RemoteVideoAsync(lille, after.Name), Is.Null);
    }

    private static async Task RemoteCaptionsAndChaptersFollowTheOriginAsync(TestInstance lyon, TestInstance lille, HttpClient lyonAdmin, string uuid)
    {
        async Task<JsonElement[]> CaptionsAt(TestInstance instance) =>
            (await instance.Http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{uuid}/captions")).GetProperty("data").EnumerateArray().ToArray();
        async Task<string[]> FoundAtLille(string q) =>
            (await lille.Http.GetFromJsonAsync<JsonElement>("/api/v1/search/videos?search=" + Uri.EscapeDataString(q))).GetProperty("data")
                .EnumerateArray().Select(v => v.GetProperty("uuid").GetString()!).ToArray();
        async Task<string> ChaptersAtLille() => string.Join(" | ", (await lille.Http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{uuid}/chapters"))
            .GetProperty("chapters").EnumerateArray().Select(c => $"{c.GetProperty("timecode").GetInt32()} {c.GetProperty("title").GetString()}"));
        async Task PutCaptionAsync(string text)
        {
            using var put = await lyonAdmin.PutAsync($"/api/v1/videos/{uuid}/captions/fr",
                Captions.CaptionApiTests.CaptionForm($"WEBVTT\n\n00:00:01.000 --> 00:00:02.500\n{text}\n", "fr.vtt"));
            Assert.That(put.IsSuccessStatusCode, Is.True, await put.Content.ReadAsStringAsync());
        }
        async Task PutChaptersAsync(params object[] chapters)
        {
            using var put = await lyonAdmin.PutAsJsonAsync($"/api/v1/videos/{uuid}/chapters", new { chapters });
            Assert.That(put.IsSuccessStatusCode, Is.True, await put.Content.ReadAsStringAsync());
        }

        await PutCaptionAsync("Voici un parallélépipède rectangle.");
        await PutChaptersAsync(new { timecode = 0, title = "Introduction" }, new { timecode = 1, title = "Le pavé droit" });
        JsonElement copied = default;
        await EventuallyAsync(async () =>
        {
            var local = (await CaptionsAt(lille)).Where(c => c.GetProperty("captionPath").GetString()!.StartsWith("/lazy-static/video-captions/", StringComparison.Ordinal)).ToArray();
            copied = local.FirstOrDefault();
            return local.Length == 1;
        }, "the remote caption copied by the follower");
        var path = copied.GetProperty("captionPath").GetString()!;
        Assert.Multiple(async () =>
        {
            Assert.That(copied.GetProperty("language").GetProperty("id").GetString(), Is.EqualTo("fr"));
            Assert.That(copied.GetProperty("fileUrl").GetString(), Is.EqualTo(lille.BaseUrl + path), "served by the follower");
            Assert.That(path, Is.Not.EqualTo((await CaptionsAt(lyon))[0].GetProperty("captionPath").GetString()), "under the follower's own name");
            Assert.That(await lille.Http.GetStringAsync(path), Does.Contain("Voici un parallélépipède rectangle."));
        });
        await EventuallyAsync(async () => (await FoundAtLille("PARALLELEPIPEDE")).Contains(uuid), "search inside the remote caption");
        await EventuallyAsync(async () => await ChaptersAtLille() == "0 Introduction | 1 Le pavé droit", "remote chapters");

        // A new caption and new chapters at the origin replace the copies.
        await PutCaptionAsync("Voici un tétraèdre régulier.");
        await PutChaptersAsync(new { timecode = 0, title = "Début" }, new { timecode = 2, title = "Le tétraèdre" });
        await EventuallyAsync(async () => (await CaptionsAt(lille)) is [var only] && only.GetProperty("captionPath").GetString() != path
            && only.GetProperty("captionPath").GetString()!.StartsWith("/lazy-static/video-captions/", StringComparison.Ordinal), "the new caption copied");
        await EventuallyAsync(async () => (await FoundAtLille("tetraedre")).Contains(uuid) && !(await FoundAtLille("parallelepipede")).Contains(uuid),
            "the search follows the new caption");
        await EventuallyAsync(async () => await ChaptersAtLille() == "0 Début | 2 Le tétraèdre", "the new chapters");
        Assert.That((await lille.Http.GetAsync(path)).StatusCode, Is.EqualTo(System.Net.HttpStatusCode.NotFound), "the old copy is gone");
    }

    private static async Task<long> PostCommentAsync(HttpClient client, string path, string text)
    {
        using var posted = await client.PostAsJsonAsync(path, new { text });
        Assert.That(posted.IsSuccessStatusCode, Is.True, await posted.Content.ReadAsStringAsync());
        return (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("comment").GetProperty("id").GetInt64();
    }

    /// <summary>
    /// Lyon's lesson requires approval: Lille's reply is held at Lyon until the teacher approves it, then Lyon's ApproveReply
    /// reaches the author's inbox at Lille, which marks its comment (served with PeerTube's <c>replyApproval</c>).
    /// </summary>
    private static async Task ReplyHeldAtTheOriginIsApprovedBackAsync(TestInstance lyon, TestInstance lille, HttpClient lyonAdmin, HttpClient lilleAdmin, string uuid)
    {
        using (var policy = await lyonAdmin.PutAsJsonAsync($"/api/v1/videos/{uuid}", new { commentsPolicy = 3 }))
        {
            Assert.That(policy.IsSuccessStatusCode, Is.True, await policy.Content.ReadAsStringAsync());
        }
        var id = await PostCommentAsync(lilleAdmin, $"/api/v1/videos/{uuid}/comment-threads", "Une question de Lille");
        var url = (await lille.Http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{uuid}/comment-threads/{id}")).GetProperty("comment").GetProperty("url").GetString()!;
        JsonElement held = default;
        await EventuallyAsync(async () =>
        {
            var mine = await lyonAdmin.GetFromJsonAsync<JsonElement>("/api/v1/users/me/videos/comments?isHeldForReview=true");
            held = mine.GetProperty("data").EnumerateArray().FirstOrDefault(c => c.GetProperty("url").GetString() == url);
            return held.ValueKind == JsonValueKind.Object;
        }, "Lille's reply held at Lyon");
        var heldId = held.GetProperty("id").GetInt64();
        using (var approve = await lyonAdmin.PostAsync($"/api/v1/videos/{uuid}/comments/{heldId}/approve", null))
        {
            Assert.That((int)approve.StatusCode, Is.EqualTo(204), await approve.Content.ReadAsStringAsync());
        }
        var lyonVideoUrl = (await lyon.Http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{uuid}")).GetProperty("url").GetString()!;
        await EventuallyAsync(async () =>
        {
            var (status, body) = await MinimalFollower.FetchAsync(lille, url);
            return status == 200 && JsonDocument.Parse(body).RootElement.TryGetProperty("replyApproval", out var approval)
                && approval.GetString() == $"{lyonVideoUrl}/comments/{heldId}/approve-reply";
        }, "the ApproveReply marking Lille's comment");
    }

    /// <summary>Lyon's thread and its reply, read by Lille from the Video's comments collection, under the remote lesson.</summary>
    private static async Task RemoteCommentsAreFetchedAsync(TestInstance lille, string uuid)
    {
        JsonElement threads = default;
        await EventuallyAsync(async () =>
        {
            threads = await lille.Http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{uuid}/comment-threads");
            return threads.GetProperty("data").GetArrayLength() == 1 && threads.GetProperty("totalNotDeletedComments").GetInt32() == 2;
        }, "Lyon's comments fetched by Lille");
        var thread = threads.GetProperty("data")[0];
        Assert.Multiple(() =>
        {
            Assert.That(thread.GetProperty("text").GetString(), Is.EqualTo("Qui a lu le chapitre 2 ?"));
            Assert.That(thread.GetProperty("isDeleted").GetBoolean(), Is.False);
            Assert.That(thread.GetProperty("account").GetProperty("name").GetString(), Is.EqualTo("root"));
            Assert.That(thread.GetProperty("totalReplies").GetInt32(), Is.EqualTo(1));
        });
        var tree = await lille.Http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{uuid}/comment-threads/{thread.GetProperty("id").GetInt64()}");
        var reply = tree.GetProperty("children")[0].GetProperty("comment");
        Assert.That(reply.GetProperty("text").GetString(), Is.EqualTo("Relisez la page *12*."));
        Assert.That(reply.GetProperty("inReplyToCommentId").GetInt64(), Is.EqualTo(thread.GetProperty("id").GetInt64()));
    }

    private static async Task RemotePlaylistFollowsTheOriginAsync(TestInstance lyon, TestInstance lille, HttpClient lyonAdmin, VideoPlatform.Core.Domain.VideoRow first,
        VideoPlatform.Core.Domain.VideoRow second)
    {
        var channelId = (await lyon.Http.GetFromJsonAsync<JsonElement>("/api/v1/video-channels/root_channel")).GetProperty("id").GetInt64();
        // The lessons' images at Lyon: its playlist's icon is its first lesson's.
        var lyonStore = lyon.Services.GetRequiredService<MediaStore>();
        byte[] firstImage = [0xFF, 0xD8, 0xFF, 0xE0, .. RandomNumberGenerator.GetBytes(1500)];
        byte[] secondImage = [0xFF, 0xD8, 0xFF, 0xE0, .. RandomNumberGenerator.GetBytes(1600)];
        await File.WriteAllBytesAsync(lyonStore.ThumbnailPath(first.ThumbnailName!), firstImage);
        await File.WriteAllBytesAsync(lyonStore.ThumbnailPath(second.ThumbnailName!), secondImage);
        using var created = await lyonAdmin.PostAsJsonAsync("/api/v1/video-playlists",
            new { displayName = "Séquence 1 : la géométrie", description = "Deux leçons dans l'ordre", privacy = 1, videoChannelId = channelId });
        Assert.That(created.IsSuccessStatusCode, Is.True, await created.Content.ReadAsStringAsync());
        var playlist = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("videoPlaylist");
        var uuid = playlist.GetProperty("uuid").GetString()!;
        var shortUuid = playlist.GetProperty("shortUUID").GetString()!;
        foreach (var video in new[] { first, second })
        {
            using var added = await lyonAdmin.PostAsJsonAsync($"/api/v1/video-playlists/{uuid}/videos", new { videoId = video.Uuid, startTimestamp = video == second ? 1 : (int?)null });
            Assert.That(added.IsSuccessStatusCode, Is.True, await added.Content.ReadAsStringAsync());
        }
        async Task<string?> OrderAtLille()
        {
            using var response = await lille.Http.GetAsync($"/api/v1/video-playlists/{uuid}/videos");
            return response.IsSuccessStatusCode
                ? string.Join(" | ", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").EnumerateArray()
                    .Select(e => $"{e.GetProperty("position").GetInt32()} {e.GetProperty("video").GetProperty("name").GetString()} {e.GetProperty("startTimestamp")}"))
                : null;
        }
        await EventuallyAsync(async () => await OrderAtLille() == $"1 {first.Name}  | 2 {second.Name} 1", "the remote playlist and its elements in order");
        // Its icon copied by Lille (the remote video thumbnail job's checks), served by Lille under its own name.
        async Task<string?> IconAtLille(string? not)
        {
            var d = await lille.Http.GetFromJsonAsync<JsonElement>($"/api/v1/video-playlists/{uuid}");
            return d.GetProperty("thumbnailPath").GetString() is { } path && path != not ? path : null;
        }
        var icon = await EventuallyAsync(() => IconAtLille(null), "the remote playlist's icon copied");
        Assert.That(icon, Does.StartWith("/lazy-static/thumbnails/").And.Not.Contain(first.ThumbnailName!));
        Assert.That(await lille.Http.GetByteArrayAsync(icon), Is.EqualTo(firstImage));

        var details = await lille.Http.GetFromJsonAsync<JsonElement>($"/api/v1/video-playlists/{uuid}");
        var listed = await lille.Http.GetFromJsonAsync<JsonElement>($"/api/v1/video-channels/root_channel@{lyon.Host}/video-playlists");
        var page = System.Net.WebUtility.HtmlDecode(await lille.Http.GetStringAsync($"/w/p/{shortUuid}"));
        Assert.Multiple(() =>
        {
            Assert.That(details.GetProperty("displayName").GetString(), Is.EqualTo("Séquence 1 : la géométrie"));
            Assert.That(details.GetProperty("isLocal").GetBoolean(), Is.False);
            Assert.That(details.GetProperty("url").GetString(), Is.EqualTo(lyon.BaseUrl + "/video-playlists/" + uuid));
            Assert.That(details.GetProperty("videosLength").GetInt32(), Is.EqualTo(2));
            Assert.That(details.GetProperty("privacy").GetProperty("id").GetInt32(), Is.EqualTo(1));
            Assert.That(listed.GetProperty("data").EnumerateArray().Select(p => p.GetProperty("uuid").GetString()), Is.EqualTo(new[] { uuid }));
            Assert.That(page, Does.Contain("Séquence 1 : la géométrie").And.Contain(first.Name).And.Contain(second.Name));
        });

        using (var reorder = await lyonAdmin.PostAsJsonAsync($"/api/v1/video-playlists/{uuid}/videos/reorder", new { startPosition = 2, insertAfterPosition = 0 }))
        {
            Assert.That(reorder.IsSuccessStatusCode, Is.True, await reorder.Content.ReadAsStringAsync());
        }
        await EventuallyAsync(async () => await OrderAtLille() == $"1 {second.Name} 1 | 2 {first.Name} ", "the reordered remote playlist");
        // A new icon (the new first lesson's): the new copy replaces the old one, whose file is dropped.
        var newIcon = await EventuallyAsync(() => IconAtLille(icon), "the new icon copied");
        Assert.That(await lille.Http.GetByteArrayAsync(newIcon), Is.EqualTo(secondImage));
        Assert.That(File.Exists(lille.Services.GetRequiredService<MediaStore>().ThumbnailPath(icon.Split('/')[^1])), Is.False, "the old icon copy is removed");

        // A change no activity tells (made in Lyon's database), read at Lille once its copy is older than
        // Federation:PlaylistRefreshAge (its last fetch set back a day): the read answers at once with what Lille has and
        // queues one refresh, however many reads follow; the refresh brings the change.
        await ExecuteAsync(lyon, "UPDATE video_playlists SET name = 'Séquence 1 : la géométrie (relue)' WHERE uuid = @uuid", new { uuid });
        var dayAgo = DateTimeOffset.UtcNow.AddDays(-1).AddMinutes(-1).ToUnixTimeMilliseconds();
        Assert.That(await ExecuteAsync(lille, "UPDATE video_playlists SET refreshed_at = @dayAgo WHERE uuid = @uuid", new { uuid, dayAgo }), Is.EqualTo(1));
        var refreshJobs = $"SELECT COUNT(*) FROM jobs WHERE type = 'activitypub-playlist' AND ordering_key = 'activitypub-playlist:{lyon.BaseUrl}/video-playlists/{uuid}'";
        var jobsBefore = await CountAsync(lille, refreshJobs);
        var stalePage = System.Net.WebUtility.HtmlDecode(await lille.Http.GetStringAsync($"/w/p/{shortUuid}"));
        Assert.That(stalePage, Does.Contain("Séquence 1 : la géométrie").And.Not.Contain("(relue)"), "the read does not wait for the refresh");
        await lille.Http.GetFromJsonAsync<JsonElement>($"/api/v1/video-playlists/{uuid}");
        await EventuallyAsync(async () => (await lille.Http.GetFromJsonAsync<JsonElement>($"/api/v1/video-playlists/{uuid}"))
            .GetProperty("displayName").GetString() == "Séquence 1 : la géométrie (relue)", "the stale remote playlist refreshed");
        Assert.That(await CountAsync(lille, refreshJobs), Is.EqualTo(jobsBefore + 1), "one refresh queued for all the reads");

        using (var delete = await lyonAdmin.DeleteAsync($"/api/v1/video-playlists/{uuid}"))
        {
            Assert.That(delete.IsSuccessStatusCode, Is.True);
        }
        await EventuallyAsync(async () => (await lille.Http.GetAsync($"/api/v1/video-playlists/{uuid}")).StatusCode == System.Net.HttpStatusCode.NotFound,
            "the remote playlist deleted");

        // A playlist gone from its origin without a Delete reaching Lille: the refresh of a stale read finds 404 and drops it.
        using var gone = await lyonAdmin.PostAsJsonAsync("/api/v1/video-playlists", new { displayName = "Séquence 2 : brouillon", privacy = 1, videoChannelId = channelId });
        Assert.That(gone.IsSuccessStatusCode, Is.True, await gone.Content.ReadAsStringAsync());
        var goneUuid = (await gone.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("videoPlaylist").GetProperty("uuid").GetString()!;
        await EventuallyAsync(async () => (await lille.Http.GetAsync($"/api/v1/video-playlists/{goneUuid}")).IsSuccessStatusCode, "the second remote playlist");
        await ExecuteAsync(lyon, "DELETE FROM video_playlists WHERE uuid = @goneUuid", new { goneUuid });
        Assert.That(await ExecuteAsync(lille, "UPDATE video_playlists SET refreshed_at = @dayAgo WHERE uuid = @goneUuid", new { goneUuid, dayAgo }), Is.EqualTo(1));
        await EventuallyAsync(async () => (await lille.Http.GetAsync($"/api/v1/video-playlists/{goneUuid}")).StatusCode == System.Net.HttpStatusCode.NotFound,
            "the remote playlist gone from its origin dropped at its refresh");
    }

    [Test]
    public async Task Follower_that_was_down_receives_everything_when_it_comes_back()
    {
        await using var paris = await StartAsync();
        await using var creteil = await StartAsync();
        await FollowAsync(creteil, paris);

        await creteil.StopAsync();
        var first = await paris.PublishVideoAsync("root_channel", "Pendant la panne 1");
        var second = await paris.PublishVideoAsync("root_channel", "Pendant la panne 2");
        await EventuallyAsync(async () => await CountAsync(paris,
            $"SELECT COUNT(*) FROM jobs WHERE type = '{DeliveryJob.JobType}' AND attempts >= 1 AND state = 0 AND last_error IS NOT NULL") > 0, "a failed delivery attempt");

        await creteil.RestartAsync();
        await EventuallyAsync(async () => await RemoteVideoAsync(creteil, first.Name) is not null && await RemoteVideoAsync(creteil, second.Name) is not null,
            "deliveries after the restart", seconds: 60);
    }

    [Test]
    public async Task Three_instances_see_each_others_publications()
    {
        await using var a = await StartAsync();
        await using var b = await StartAsync();
        await using var c = await StartAsync();
        TestInstance[] all = [a, b, c];
        foreach (var follower in all)
        {
            foreach (var followed in all.Where(x => x != follower))
            {
                await FollowAsync(follower, followed);
            }
        }
        var fromA = await a.PublishVideoAsync("root_channel", "Depuis A");
        var fromC = await c.PublishVideoAsync("root_channel", "Depuis C");
        await EventuallyAsync(async () => await RemoteVideoAsync(b, fromA.Name) is not null && await RemoteVideoAsync(c, fromA.Name) is not null
            && await RemoteVideoAsync(a, fromC.Name) is not null && await RemoteVideoAsync(b, fromC.Name) is not null, "fan-out to all followers");
        // A remote video is never re-federated by a follower: A keeps exactly one copy of C's video, and none of its own.
        Assert.That(await CountAsync(a, "SELECT COUNT(*) FROM videos"), Is.EqualTo(2));
    }
}
