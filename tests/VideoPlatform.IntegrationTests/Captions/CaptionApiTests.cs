using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.IntegrationTests.Infrastructure;

namespace VideoPlatform.IntegrationTests.Captions;

/// <summary>PeerTube's captions and chapters API on both databases, and the search inside captions through each one's index.</summary>
[TestFixture(DbKind.Sqlite)]
[TestFixture(DbKind.Postgres)]
[Category("Http")]
[Category("Db")]
public sealed class CaptionApiTests(DbKind kind)
{
    private TestInstance _instance = null!;
    private HttpClient _teacher = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _instance = await TestInstance.StartAsync(kind);
        _teacher = await _instance.CreateUserAsync("teacher", "teacher-password");
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _teacher.Dispose();
        await _instance.DisposeAsync();
    }

    internal static MultipartFormDataContent CaptionForm(string text, string fileName, Encoding? encoding = null)
    {
        var file = new ByteArrayContent((encoding ?? Encoding.UTF8).GetBytes(text));
        file.Headers.ContentType = new MediaTypeHeaderValue(fileName.EndsWith(".srt", StringComparison.Ordinal) ? "application/x-subrip" : "text/vtt");
        return new MultipartFormDataContent { { file, "captionfile", fileName } };
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Test]
    public async Task Vtt_and_srt_are_stored_listed_served_and_deleted_and_bad_files_are_refused()
    {
        var video = await _instance.PublishVideoAsync("teacher_channel", "Leçon sous-titrée");
        using (var put = await _teacher.PutAsync($"/api/v1/videos/{video.Uuid}/captions/fr",
            CaptionForm("WEBVTT\n\n00:00.500 --> 00:02.000\nBonjour les élèves\n", "lecon.vtt")))
        {
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await put.Content.ReadAsStringAsync());
        }
        using (var put = await _teacher.PutAsync($"/api/v1/videos/{video.ShortUuid}/captions/en",
            CaptionForm("1\r\n00:00:00,500 --> 00:00:02,000\r\nHello <font color=\"red\">pupils</font>\r\n", "lesson.srt")))
        {
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await put.Content.ReadAsStringAsync());
        }

        var list = await _instance.Http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{video.Uuid}/captions");
        Assert.That(list.GetProperty("total").GetInt32(), Is.EqualTo(2));
        var captions = list.GetProperty("data").EnumerateArray().ToDictionary(c => c.GetProperty("language").GetProperty("id").GetString()!);
        Assert.That(captions["fr"].GetProperty("language").GetProperty("label").GetString(), Is.EqualTo("French"));
        var path = captions["fr"].GetProperty("captionPath").GetString()!;
        Assert.That(path, Does.Match("^/lazy-static/video-captions/[0-9a-f-]{36}-fr\\.vtt$"));
        Assert.That(captions["fr"].GetProperty("fileUrl").GetString(), Is.EqualTo(_instance.BaseUrl + path));
        Assert.That(captions["fr"].GetProperty("updatedAt").GetDateTimeOffset(), Is.GreaterThan(DateTimeOffset.UtcNow.AddMinutes(-5)));

        using (var file = await _instance.Http.GetAsync(path))
        {
            Assert.That(file.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(file.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/vtt"));
            Assert.That(file.Headers.GetValues("Access-Control-Allow-Origin"), Is.EqualTo(new[] { "*" }));
            Assert.That(await file.Content.ReadAsStringAsync(), Is.EqualTo("WEBVTT\n\n00:00.500 --> 00:02.000\nBonjour les élèves\n"));
        }
        var english = await _instance.Http.GetStringAsync(captions["en"].GetProperty("captionPath").GetString());
        Assert.That(english, Is.EqualTo("WEBVTT\n\n00:00:00.500 --> 00:00:02.000\nHello pupils\n"), "SubRip is converted to WebVTT");

        // A replacement gets a new file name (URLs are immutable); the old one is gone.
        using (var put = await _teacher.PutAsync($"/api/v1/videos/{video.Uuid}/captions/fr",
            CaptionForm("WEBVTT\n\n00:01.000 --> 00:03.000\nBonjour à tous\n", "v2.vtt")))
        {
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }
        var replaced = (await _instance.Http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{video.Uuid}/captions")).GetProperty("data")
            .EnumerateArray().Single(c => c.GetProperty("language").GetProperty("id").GetString() == "fr").GetProperty("captionPath").GetString();
        Assert.That(replaced, Is.Not.EqualTo(path));
        Assert.That((await _instance.Http.GetAsync(path)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        // Bad files: clear problem details, nothing stored.
        using (var bad = await _teacher.PutAsync($"/api/v1/videos/{video.Uuid}/captions/de",
            CaptionForm("WEBVTT\n\n00:05.000 --> 00:04.000\nà l'envers\n", "bad.vtt")))
        {
            Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That((await ProblemAsync(bad)).GetProperty("detail").GetString(),
                Is.EqualTo("The caption file is not valid: Line 3: the cue ends (00:00:04.000) before it starts (00:00:05.000)."));
        }
        using (var latin1 = await _teacher.PutAsync($"/api/v1/videos/{video.Uuid}/captions/de",
            CaptionForm("WEBVTT\n\n00:01.000 --> 00:02.000\nÄpfel\n", "latin1.vtt", Encoding.Latin1)))
        {
            Assert.That(latin1.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That((await ProblemAsync(latin1)).GetProperty("detail").GetString(), Does.Contain("not UTF-8"));
        }
        using (var missing = await _teacher.PutAsync($"/api/v1/videos/{video.Uuid}/captions/de", new MultipartFormDataContent { { new StringContent("x"), "other" } }))
        {
            Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That((await ProblemAsync(missing)).GetProperty("detail").GetString(), Does.Contain("'captionfile'"));
        }
        using (var language = await _teacher.PutAsync($"/api/v1/videos/{video.Uuid}/captions/xx", CaptionForm("WEBVTT\n\n00:01.000 --> 00:02.000\nx\n", "x.vtt")))
        {
            Assert.That(language.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }
        // Expect: 100-continue lets the server refuse on the declared length before the client sends 6 MiB into a closed socket.
        using var hugeRequest = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/videos/{video.Uuid}/captions/de")
        {
            Content = CaptionForm(new string('a', 6 * 1024 * 1024), "huge.vtt"),
        };
        hugeRequest.Headers.ExpectContinue = true;
        using (var huge = await _teacher.SendAsync(hugeRequest))
        {
            Assert.That(huge.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        }
        using (var anonymous = await _instance.Http.PutAsync($"/api/v1/videos/{video.Uuid}/captions/de", CaptionForm("WEBVTT\n\n00:01.000 --> 00:02.000\nx\n", "x.vtt")))
        {
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }
        using (var other = await _instance.CreateUserAsync("other_teacher"))
        using (var forbidden = await other.DeleteAsync($"/api/v1/videos/{video.Uuid}/captions/fr"))
        {
            Assert.That(forbidden.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        }
        Assert.That((await _instance.Http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{video.Uuid}/captions")).GetProperty("total").GetInt32(), Is.EqualTo(2));

        using (var delete = await _teacher.DeleteAsync($"/api/v1/videos/{video.Uuid}/captions/en"))
        {
            Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }
        using (var again = await _teacher.DeleteAsync($"/api/v1/videos/{video.Uuid}/captions/en"))
        {
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }
        Assert.That((await _instance.Http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{video.Uuid}/captions")).GetProperty("total").GetInt32(), Is.EqualTo(1));
        // The server keeps serving after all the refusals.
        Assert.That((await _instance.Http.GetAsync("/health")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Search_finds_a_word_said_only_in_a_caption_accent_and_case_insensitively()
    {
        var lesson = await _instance.PublishVideoAsync("teacher_channel", "Séquence 3, leçon 2");
        var other = await _instance.PublishVideoAsync("teacher_channel", "Une autre leçon");
        using (var put = await _teacher.PutAsync($"/api/v1/videos/{lesson.Uuid}/captions/fr", CaptionForm(
            "WEBVTT\n\n00:00.000 --> 00:02.000\nBonjour.\n\n00:02.000 --> 00:04.000\nVoici les fractions ÉQUIVALENTES et le dénominateur.\n", "l.vtt")))
        {
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }
        using (var put = await _teacher.PutAsync($"/api/v1/videos/{other.Uuid}/captions/fr", CaptionForm(
            "WEBVTT\n\n00:00.000 --> 00:02.000\nRien à voir.\n", "o.vtt")))
        {
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }
        async Task<string[]> SearchAsync(string q) => (await _instance.Http.GetFromJsonAsync<JsonElement>("/api/v1/search/videos?search=" + Uri.EscapeDataString(q)))
            .GetProperty("data").EnumerateArray().Select(v => v.GetProperty("uuid").GetString()!).ToArray();

        Assert.That(await SearchAsync("equivalentes"), Is.EqualTo(new[] { lesson.Uuid }));
        Assert.That(await SearchAsync("Dénominat"), Is.EqualTo(new[] { lesson.Uuid }), "a word's beginning is enough");
        Assert.That(await SearchAsync("FRACTIONS équivalentes"), Is.EqualTo(new[] { lesson.Uuid }));
        Assert.That(await SearchAsync("fractions inexistantes"), Is.Empty, "every word must be said");
        Assert.That(await SearchAsync("\"x\" OR * -- ;"), Is.Empty, "operators are plain words");
        // Titles still match as before.
        Assert.That(await SearchAsync("autre leçon"), Is.EqualTo(new[] { other.Uuid }));

        // The results page links to the moment the words are said.
        var html = await _instance.Http.GetStringAsync("/search?q=" + Uri.EscapeDataString("équivalentes"));
        Assert.That(html, Does.Contain($"href=\"/w/{lesson.ShortUuid}?start=2\""));
        Assert.That(html, Does.Contain("Dit à 0:02 (sous-titres)"));

        // A deleted caption is no longer searched.
        using (var delete = await _teacher.DeleteAsync($"/api/v1/videos/{lesson.Uuid}/captions/fr"))
        {
            Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }
        Assert.That(await SearchAsync("equivalentes"), Is.Empty);
    }

    [Test]
    public async Task Search_plans_read_the_full_text_indexes_and_the_videos_by_id()
    {
        var videos = _instance.Services.GetRequiredService<VideoRepository>();
        // A caption word, a whole word and a word being typed, a title word.
        foreach (var search in new[] { "notion42", "voyons notion42", "théorème" })
        {
            var (page, count) = await videos.ExplainListAsync(new VideoQuery { Search = search, Count = 25 }, asForALargeCatalogue: true);
            foreach (var (what, plan) in new[] { ("page", page), ("count", count) })
            {
                var text = string.Join('\n', plan);
                var why = $"{what} of \"{search}\":\n{text}";
                if (kind == DbKind.Sqlite)
                {
                    Assert.That(text, Does.Contain("SCAN video_caption_documents VIRTUAL TABLE"), why);
                    Assert.That(text, Does.Contain("SCAN videos_search_fts VIRTUAL TABLE"), why);
                    Assert.That(text, Does.Contain("SEARCH v USING INTEGER PRIMARY KEY"), why);
                    Assert.That(plan, Has.None.Match("^SCAN (v|videos|video_captions|video_caption_cues)( |$)"), "no full scan of videos, captions or cues: " + why);
                }
                else
                {
                    Assert.That(text, Does.Contain("Bitmap Index Scan on ix_video_captions_document"), why);
                    Assert.That(text, Does.Contain("Bitmap Index Scan on ix_videos_search_text"), why);
                    Assert.That(text, Does.Not.Contain("Seq Scan on video"), "no full scan of videos, captions or cues: " + why);
                    if (what == "count")
                    {
                        // (Which index reads the videos depends on the statistics: a few unanalysed rows may be walked
                        // through the listing index; a catalogue reads the matches by id, as bench/caption-search.sh prints.)
                        // The count's own node reads the videos (its first-level child is no join); the blocklist's hashed
                        // subplan, which joins small blocklist tables to actors, is not the videos joined to the matches.
                        Assert.That(plan.Where(line => line.StartsWith("  ->  ", StringComparison.Ordinal)),
                            Has.None.Contain(" Join").And.None.Contain("Nested Loop"), "the videos read by id from the matches, not joined to them: " + why);
                    }
                }
            }
        }
    }

    [Test]
    public async Task Broad_searches_walk_the_listing_and_find_what_narrow_ones_find_and_moments_come_from_the_cues()
    {
        var captions = _instance.Services.GetRequiredService<CaptionRepository>();
        var narrow = _instance.Services.GetRequiredService<VideoRepository>();
        // The same catalogue with every search broad: the listing walked in its order, each video kept if it matches.
        var broad = new VideoRepository(_instance.Services.GetRequiredService<VideoPlatform.Core.Data.Database>(), TimeProvider.System) { BroadSearchMatches = 1 };
        var start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000;
        var first = await _instance.SeedVideoAsync("teacher_channel", "Biologie 1", publishedAt: start);
        var second = await _instance.SeedVideoAsync("teacher_channel", "Biologie 2", publishedAt: start + 1000);
        var titled = await _instance.SeedVideoAsync("teacher_channel", "La photosynthèse expliquée", publishedAt: start + 2000);
        var hidden = await _instance.SeedVideoAsync("teacher_channel", "Biologie privée", VideoPlatform.Core.Domain.VideoPrivacy.Private, publishedAt: start + 3000);
        async Task CaptionAsync(long videoId, string vtt) =>
            await captions.ReplaceAsync(videoId, "fr", Guid.NewGuid().ToString("D") + "-fr.vtt", VideoPlatform.Core.Captions.CaptionFile.Parse(Encoding.UTF8.GetBytes(vtt)));
        await CaptionAsync(first.Id, "WEBVTT\n\n00:00.000 --> 00:02.000\nBonjour.\n\n00:02.000 --> 00:04.000\nLa PHOTOSYNTHÈSE des plantes.\n\n00:04.000 --> 00:06.000\nLa chlorophylle et la photosynthèse.\n");
        await CaptionAsync(second.Id, "WEBVTT\n\n00:00.000 --> 00:02.000\nParlons de chlorophylle.\n\n00:03.000 --> 00:05.000\nPuis de photosynthèse.\n");
        await CaptionAsync(hidden.Id, "WEBVTT\n\n00:00.000 --> 00:02.000\nLa photosynthèse en privé.\n");

        var cases = new (string Search, long[] Expected)[]
        {
            ("photosynthèse", [titled.Id, second.Id, first.Id]),
            ("Photosynth", [titled.Id, second.Id, first.Id]),
            // Words said in different cues of one caption: the lesson says them all.
            ("chlorophylle photosynthese", [second.Id, first.Id]),
            ("photosynthese absente", []),
        };
        foreach (var (search, expected) in cases)
        {
            foreach (var (name, repository) in new[] { ("narrow", narrow), ("broad", broad) })
            {
                var (total, videos) = await repository.ListAsync(new VideoQuery { Search = search, Count = 25 });
                Assert.That(videos.Select(v => v.Video.Id), Is.EqualTo(expected), $"{name} \"{search}\"");
                Assert.That(total, Is.EqualTo(expected.Length), $"{name} \"{search}\" total");
                // Pages of one: the same videos in the same order.
                var paged = new List<long>();
                for (var i = 0; i < expected.Length; i++)
                {
                    paged.AddRange((await repository.ListAsync(new VideoQuery { Search = search, Count = 1, Start = i })).Videos.Select(v => v.Video.Id));
                }
                Assert.That(paged, Is.EqualTo(expected), $"{name} \"{search}\" one per page");
            }
        }
        // A broad search's first results are read once in their order and their pages taken from it: the same pages as
        // the walk (the third is past the two kept and walks), and a write forgets them (a lesson made private leaves the
        // results at once, though the order was read a moment before).
        var ordered = new VideoRepository(_instance.Services.GetRequiredService<VideoPlatform.Core.Data.Database>(), TimeProvider.System) { BroadSearchMatches = 2 };
        async Task<List<long>> PagesOfOneAsync(int pages)
        {
            var ids = new List<long>();
            for (var i = 0; i < pages; i++)
            {
                var (total, videos) = await ordered.ListAsync(new VideoQuery { Search = "photosynthèse", Count = 1, Start = i });
                Assert.That(total, Is.EqualTo(pages), $"total with page {i}");
                ids.AddRange(videos.Select(v => v.Video.Id));
            }
            return ids;
        }
        Assert.That(await PagesOfOneAsync(3), Is.EqualTo(new[] { titled.Id, second.Id, first.Id }));
        await ordered.UpdateMetadataAsync(second with { Privacy = VideoPlatform.Core.Domain.VideoPrivacy.Private });
        Assert.That(await PagesOfOneAsync(2), Is.EqualTo(new[] { titled.Id, first.Id }), "the private lesson is gone at once");
        await ordered.UpdateMetadataAsync(second);
        Assert.That(await PagesOfOneAsync(3), Is.EqualTo(new[] { titled.Id, second.Id, first.Id }));

        var (page, count) = await broad.ExplainListAsync(new VideoQuery { Search = "photosynthese", Count = 25 }, asForALargeCatalogue: true);
        var plan = string.Join('\n', page);
        if (kind == DbKind.Sqlite)
        {
            Assert.That(plan, Does.Contain("SCAN video_caption_documents VIRTUAL TABLE").And.Contain("USING INDEX ix_videos_listing"), plan);
            Assert.That(plan, Does.Not.Contain("TEMP B-TREE FOR ORDER BY"), "a broad search walks the listing in its order: " + plan);
        }
        else
        {
            Assert.That(plan, Does.Contain("Bitmap Index Scan on ix_video_captions_document").And.Contain("hashed SubPlan"), plan);
        }
        Assert.That(count, Is.Not.Empty);

        // The moment: the first cue saying every word, or else the first saying one of them.
        var moments = await captions.FirstMatchesAsync([first.Id, second.Id, titled.Id], "photosynthèse");
        Assert.That(moments, Is.EqualTo(new Dictionary<long, long> { [first.Id] = 2000, [second.Id] = 3000 }));
        moments = await captions.FirstMatchesAsync([first.Id, second.Id], "chlorophylle photosynth");
        Assert.That(moments, Is.EqualTo(new Dictionary<long, long> { [first.Id] = 4000, [second.Id] = 0 }));

        // A replaced caption is searched by its new text only.
        await CaptionAsync(second.Id, "WEBVTT\n\n00:00.000 --> 00:02.000\nLa respiration.\n");
        Assert.That((await broad.ListAsync(new VideoQuery { Search = "chlorophylle" })).Videos.Select(v => v.Video.Id), Is.EqualTo(new[] { first.Id }));
        Assert.That((await narrow.ListAsync(new VideoQuery { Search = "respiration" })).Videos.Select(v => v.Video.Id), Is.EqualTo(new[] { second.Id }));
    }

    [Test]
    public async Task A_lessons_captions_in_several_languages_are_searched_and_each_one_leaves_the_index_with_its_deletion()
    {
        var captions = _instance.Services.GetRequiredService<CaptionRepository>();
        var videos = _instance.Services.GetRequiredService<VideoRepository>();
        var lesson = await _instance.SeedVideoAsync("teacher_channel", "Cours bilingue");
        var other = await _instance.SeedVideoAsync("teacher_channel", "Autre cours");
        async Task CaptionAsync(long videoId, string language, string text) =>
            await captions.ReplaceAsync(videoId, language, Guid.NewGuid().ToString("D") + "-" + language + ".vtt",
                VideoPlatform.Core.Captions.CaptionFile.Parse(Encoding.UTF8.GetBytes("WEBVTT\n\n00:00.000 --> 00:02.000\nIntro.\n\n00:02.000 --> 00:04.000\n" + text + "\n")));
        async Task<long[]> SearchAsync(string q) => (await videos.ListAsync(new VideoQuery { Search = q, Count = 25 })).Videos.Select(v => v.Video.Id).ToArray();
        await CaptionAsync(lesson.Id, "fr", "Le mitochondrionxyz produit l'énergie.");
        await CaptionAsync(lesson.Id, "en", "The ribosomeword builds proteins.");
        await CaptionAsync(other.Id, "fr", "Le ribosomeword aussi.");

        // A word's beginning of 3 letters, of 12 (SQLite: read from a prefix index) and of 13 (beyond them).
        Assert.That(await SearchAsync("mit"), Is.EqualTo(new[] { lesson.Id }));
        Assert.That(await SearchAsync("mitochondrio"), Is.EqualTo(new[] { lesson.Id }));
        Assert.That(await SearchAsync("mitochondrion"), Is.EqualTo(new[] { lesson.Id }));
        Assert.That(await SearchAsync("ribosomeword"), Is.EquivalentTo(new[] { lesson.Id, other.Id }));
        Assert.That(await captions.FirstMatchesAsync([lesson.Id, other.Id], "ribosomeword"),
            Is.EqualTo(new Dictionary<long, long> { [lesson.Id] = 2000, [other.Id] = 2000 }));

        // Deleting one language keeps the other searchable; replacing a caption searches its new text only.
        Assert.That(await captions.DeleteAsync(lesson.Id, "fr"), Is.True);
        Assert.That(await SearchAsync("mitochondrionxyz"), Is.Empty);
        Assert.That(await SearchAsync("ribosomeword"), Is.EquivalentTo(new[] { lesson.Id, other.Id }));
        await CaptionAsync(lesson.Id, "en", "Now the golgiword.");
        Assert.That(await SearchAsync("ribosomeword"), Is.EqualTo(new[] { other.Id }));
        Assert.That(await SearchAsync("golgiword"), Is.EqualTo(new[] { lesson.Id }));
        Assert.That(await captions.DeleteAsync(lesson.Id, "en"), Is.True);
        Assert.That(await SearchAsync("golgiword"), Is.Empty);
    }

    [Test]
    public async Task Chapters_come_from_the_api_or_else_from_the_description()
    {
        var video = await _instance.PublishVideoAsync("teacher_channel", "Leçon en chapitres",
            description: "Plan :\n00:00 Introduction\n01:30 Les fractions\n1:02:03 Exercices");
        async Task<JsonElement> ChaptersAsync() => (await _instance.Http.GetFromJsonAsync<JsonElement>($"/api/v1/videos/{video.Uuid}/chapters")).GetProperty("chapters");

        var fromDescription = await ChaptersAsync();
        Assert.That(fromDescription.EnumerateArray().Select(c => (c.GetProperty("timecode").GetInt32(), c.GetProperty("title").GetString())),
            Is.EqualTo(new[] { (0, "Introduction"), (90, "Les fractions"), (3723, "Exercices") }));

        using (var put = await _teacher.PutAsJsonAsync($"/api/v1/videos/{video.Uuid}/chapters",
            new { chapters = new[] { new { timecode = 5, title = "Rappel" }, new { timecode = 0, title = "Début" } } }))
        {
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await put.Content.ReadAsStringAsync());
        }
        Assert.That((await ChaptersAsync()).EnumerateArray().Select(c => (c.GetProperty("timecode").GetInt32(), c.GetProperty("title").GetString())),
            Is.EqualTo(new[] { (0, "Début"), (5, "Rappel") }));

        using (var bad = await _teacher.PutAsJsonAsync($"/api/v1/videos/{video.Uuid}/chapters",
            new { chapters = new[] { new { timecode = 5, title = "" } } }))
        {
            Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That((await ProblemAsync(bad)).GetProperty("detail").GetString(), Does.Contain("title"));
        }
        using (var notJson = await _teacher.PutAsync($"/api/v1/videos/{video.Uuid}/chapters", new StringContent("{\"chapters\": 3", Encoding.UTF8, "application/json")))
        {
            Assert.That(notJson.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        }
        using (var anonymous = await _instance.Http.PutAsJsonAsync($"/api/v1/videos/{video.Uuid}/chapters", new { chapters = Array.Empty<object>() }))
        {
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }

        // Federated as PeerTube's chapters object, named by the Video's hasParts.
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/videos/watch/{video.Uuid}/chapters");
        request.Headers.Accept.ParseAdd("application/activity+json");
        using var response = await _instance.Http.SendAsync(request);
        var parts = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("hasPart");
        Assert.That(parts.EnumerateArray().Select(p => (p.GetProperty("name").GetString(), p.GetProperty("startOffset").GetInt32(), p.GetProperty("endOffset").GetInt32())),
            Is.EqualTo(new[] { ("Début", 0, 5), ("Rappel", 5, 10) }));
    }
}
