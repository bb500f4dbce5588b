using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using VideoPlatform.IntegrationTests.Infrastructure;
using VideoPlatform.IntegrationTests.Transcoder;
using static VideoPlatform.IntegrationTests.Federation.FederationHarness;

namespace VideoPlatform.IntegrationTests.Federation;

/// <summary>
/// A real upload and transcode, followed by a Mastodon-like follower that fetches the video from its origin the moment
/// an activity about it arrives: the Create and the object served at its id list every rendition with its torrent, info
/// hash and magnet, and the segments' sha256 file; when the files are remade later (a privacy round trip re-keys them),
/// the follower is sent an Update whose object lists the new torrents.
/// </summary>
[TestFixture(DbKind.Sqlite)]
[TestFixture(DbKind.Postgres)]
[Category("Federation")]
[Category("Http")]
[Category("Ffmpeg")]
[NonParallelizable]
public sealed partial class CompleteOnArrivalTests(DbKind kind)
{
    private const string TorrentType = "application/x-bittorrent";
    private const string MagnetType = "application/x-bittorrent;x-scheme-handler/magnet";

    [Test]
    public async Task A_follower_that_fetches_the_video_right_after_the_create_sees_every_file_with_its_torrent()
    {
        FfmpegTool.RequireFfmpeg();
        await using var lyon = await StartAsync(kind);
        await using var mona = await MinimalFollower.StartAsync();
        var fetched = new ConcurrentQueue<(string Type, int Status, string Body)>();
        mona.OnReceived = async activity =>
        {
            var type = activity.GetProperty("type").GetString()!;
            if (type is "Create" or "Update" && activity.GetProperty("object").ValueKind == JsonValueKind.Object)
            {
                var (status, body) = await MinimalFollower.FetchAsync(lyon, activity.GetProperty("object").GetProperty("id").GetString()!);
                fetched.Enqueue((type, status, body));
            }
        };
        await mona.FollowAsync(lyon, await ServerActorUrlAsync(lyon));

        var (videoId, url) = await PublicationOutboxTests.UploadAsync(lyon);
        var create = await EventuallyAsync(() => Task.FromResult<object?>(mona.Received("Create")
            .Where(a => a.GetProperty("object").GetProperty("id").GetString() == url).Select(a => (object)a).FirstOrDefault()), "the Create", seconds: 120);
        var renditions = await CountAsync(lyon, $"SELECT COUNT(*) FROM video_files WHERE video_id = {videoId} AND kind = 'hls'");
        Assert.That(renditions, Is.Positive);
        var firstTorrents = AssertComplete(((JsonElement)create).GetProperty("object"), renditions, "the Create's object");
        await EventuallyAsync(() => Task.FromResult(fetched.Any(f => f.Type == "Create")), "the follower's fetch");
        var refetch = fetched.First(f => f.Type == "Create");
        Assert.That(refetch.Status, Is.EqualTo(200), refetch.Body);
        AssertComplete(JsonDocument.Parse(refetch.Body).RootElement, renditions, "the object fetched right after the Create");

        // The files are remade (private re-keys them, public again makes new torrents): an Update follows with them.
        using var admin = lyon.Authed(await lyon.TokenAsync());
        foreach (var privacy in new[] { 3, 1 })
        {
            using var response = await admin.PutAsJsonAsync($"/api/v1/videos/{videoId}", new { privacy });
            Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());
        }
        // An Update follows every change of files: the last one received lists the files now served, new torrents.
        var update = await EventuallyAsync(async () =>
        {
            var last = mona.Received("Update").Select(a => a.GetProperty("object")).Where(o => o.GetProperty("id").GetString() == url).LastOrDefault();
            if (last.ValueKind != JsonValueKind.Object || Torrents(last).SequenceEqual(firstTorrents))
            {
                return null;
            }
            var (status, body) = await MinimalFollower.FetchAsync(lyon, url);
            return status == 200 && Torrents(JsonDocument.Parse(body).RootElement).SequenceEqual(Torrents(last)) ? (object)last : null;
        }, "an Update with the new torrents now served", seconds: 120);
        AssertComplete((JsonElement)update, renditions, "the Update's object");
        // While the privacy changes the object may be absent (404), never partial: every object served is whole.
        foreach (var (_, status, body) in fetched.Where(f => f.Status == 200))
        {
            AssertComplete(JsonDocument.Parse(body).RootElement, renditions, "an object fetched on an Update");
        }
    }

    private static string[] Torrents(JsonElement video) => Links(video).Where(l => l.MediaType == TorrentType).Select(l => l.Href).Order(StringComparer.Ordinal).ToArray();

    /// <summary>Every rendition has its mp4, torrent and magnet (with a 40-hex info hash) and the playlist its sha256 link; returns the torrent URLs.</summary>
    private static string[] AssertComplete(JsonElement video, long renditions, string what)
    {
        var links = Links(video).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(links.Count(l => l.MediaType == "video/mp4"), Is.EqualTo(renditions), what + ": rendition files");
            Assert.That(links.Count(l => l.MediaType == TorrentType), Is.EqualTo(renditions), what + ": torrents");
            Assert.That(links.Where(l => l.MediaType == MagnetType).Select(l => l.Href), Has.Exactly((int)renditions).Matches<string>(m => InfoHash().IsMatch(m)),
                what + ": magnets with their info hash");
            Assert.That(links.Count(l => l.Rel == "sha256"), Is.EqualTo(1), what + ": the segments' sha256 file");
        });
        return Torrents(video);
    }

    private static IEnumerable<(string? MediaType, string Href, string? Rel)> Links(JsonElement video)
    {
        foreach (var link in video.GetProperty("url").EnumerateArray())
        {
            if (link.TryGetProperty("tag", out var tags))
            {
                foreach (var tag in tags.EnumerateArray().Where(t => t.TryGetProperty("href", out _)))
                {
                    yield return (tag.TryGetProperty("mediaType", out var m) ? m.GetString() : null, tag.GetProperty("href").GetString()!,
                        tag.TryGetProperty("rel", out var r) ? r.EnumerateArray().First().GetString() : null);
                }
            }
        }
    }

    [GeneratedRegex("xt=urn:btih:[0-9a-f]{40}")]
    private static partial Regex InfoHash();
}
