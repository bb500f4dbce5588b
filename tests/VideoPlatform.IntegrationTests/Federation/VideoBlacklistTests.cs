using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VideoPlatform.IntegrationTests.Infrastructure;
using static VideoPlatform.IntegrationTests.Federation.FederationHarness;

namespace VideoPlatform.IntegrationTests.Federation;

/// <summary>PeerTube's video blacklist between two academies: a blocked video vanishes locally and from a follower, and comes back when unblocked.</summary>
[Category("Federation")]
[Category("Http")]
[NonParallelizable]
public sealed class VideoBlacklistTests
{
    [Test]
    public async Task A_blocked_video_vanishes_here_and_from_a_follower_then_comes_back()
    {
        await using var lyon = await StartAsync();
        await using var lille = await StartAsync();
        await FollowAsync(lille, lyon);
        var video = await lyon.PublishVideoAsync("root_channel", "Leçon à modérer");
        await EventuallyAsync(async () => await RemoteVideoAsync(lille, video.Name) is not null, "the follower has the video");

        using var teacher = await lyon.CreateUserAsync("prof.lyon");
        using (var refused = await teacher.PostAsJsonAsync($"/api/v1/videos/{video.Uuid}/blacklist", new { reason = "x" }))
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "moderators only");
        }
        using var admin = lyon.Authed(await lyon.TokenAsync());
        using (var block = await admin.PostAsJsonAsync($"/api/v1/videos/{video.Uuid}/blacklist", new { reason = "Droits d'auteur", unfederate = true }))
        {
            Assert.That(block.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await block.Content.ReadAsStringAsync());
        }
        using (var again = await admin.PostAsJsonAsync($"/api/v1/videos/{video.Uuid}/blacklist", new { reason = "encore" }))
        {
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        }
        await EventuallyAsync(async () => await RemoteVideoAsync(lille, video.Name) is null, "the follower forgot the blocked video");

        var anonymousList = await lyon.Http.GetFromJsonAsync<JsonElement>("/api/v1/videos?count=100");
        Assert.That(anonymousList.GetProperty("data").EnumerateArray().Select(v => v.GetProperty("uuid").GetString()), Has.No.Member(video.Uuid), "hidden from listings");
        using (var anonymous = await lyon.Http.GetAsync($"/api/v1/videos/{video.Uuid}"))
        {
            Assert.That(anonymous.IsSuccessStatusCode, Is.False, "and from its page for anyone but its owner and moderators");
        }
        using (var byTeacher = await teacher.GetAsync($"/api/v1/videos/{video.Uuid}"))
        {
            Assert.That(byTeacher.IsSuccessStatusCode, Is.False);
        }
        using (var byAdmin = await admin.GetAsync($"/api/v1/videos/{video.Uuid}"))
        {
            Assert.That(byAdmin.StatusCode, Is.EqualTo(HttpStatusCode.OK), "moderators still see it");
        }
        var blocked = await admin.GetFromJsonAsync<JsonElement>("/api/v1/videos/blacklist");
        var entry = blocked.GetProperty("data").EnumerateArray().Single();
        Assert.That(entry.GetProperty("reason").GetString(), Is.EqualTo("Droits d'auteur"));
        Assert.That(entry.GetProperty("video").GetProperty("uuid").GetString(), Is.EqualTo(video.Uuid));

        using (var unblock = await admin.DeleteAsync($"/api/v1/videos/{video.Uuid}/blacklist"))
        {
            Assert.That(unblock.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }
        await EventuallyAsync(async () => await RemoteVideoAsync(lille, video.Name) is not null, "the follower has it again once unblocked");
        using (var twice = await admin.DeleteAsync($"/api/v1/videos/{video.Uuid}/blacklist"))
        {
            Assert.That(twice.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }
    }
}
