// Benchmark: GET /api/v1/search/videos with 10,000 lessons × 200 caption cues generated straight into the database of a
// real instance, on SQLite and on PostgreSQL (or the one named as 4th argument). Five kinds of query — a word said in
// captions only, a word of titles only, a word found nowhere, two caption words, a word said in every cue — each request
// another URL (so the output cache does not answer), beside GET /health in the same run at the same concurrency. Prints
// p50/p99 per kind, the ratio to /health, the query plans of the search (index lookups, no scan of videos or cues) and
// the repository's own time per kind, one call at a time.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using VideoPlatform.Api;
using VideoPlatform.Bench;
using VideoPlatform.Core.Data;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;

var lessons = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
var cuesPerLesson = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
var requests = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 400;
string[] providers = args.Length > 3 ? [args[3]] : ["sqlite", "postgres"];
const int Concurrency = 8;
// Topic words (notion10000 … notion29999, all of one width, so that a word is no other's prefix): each cue says two of
// them, each title one theme; a topic word is then in about (2 × cues) / Vocabulary cues.
const int Vocabulary = 20_000;
var postgresAdmin = Environment.GetEnvironmentVariable("VP_TEST_POSTGRES") ?? "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres";

Console.WriteLine($"lessons={lessons} cues/lesson={cuesPerLesson} requests/kind={requests} concurrency={Concurrency}; server and client share this machine's cores");
Console.WriteLine("| database | query | p50 ms | p99 ms | p99 / health p99 | requests/s | errors | mean results |");
Console.WriteLine("|---|---|---|---|---|---|---|---|");
var summary = new List<string>();
foreach (var provider in providers)
{
    await using var instance = await BenchInstance.StartOnAsync(provider, postgresAdmin, 50);
    var app = instance.App;
    var baseUrl = instance.BaseUrl;
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Concurrency }) { BaseAddress = new Uri(baseUrl) };
    var seeding = Stopwatch.StartNew();
    await SeedAsync(app, lessons, cuesPerLesson);
    Console.WriteLine($"{provider}: seeded {lessons} lessons and {(long)lessons * cuesPerLesson} cues in {seeding.Elapsed.TotalSeconds:F0} s");
    await PrintPlansAsync(app);

    // Warm-up (JIT, connection pool, pages in cache), then each kind with its own words.
    await RunAsync(http, Enumerable.Range(0, 100).Select(i => Search($"notion{10000 + Vocabulary - 1 - i}")).ToList());
    var health = await RunAsync(http, Enumerable.Repeat("/health", requests).ToList());
    var kinds = new (string Name, List<string> Urls)[]
    {
        ("word said in captions", Enumerable.Range(0, requests).Select(i => Search($"notion{10000 + i * 37 % (Vocabulary - 200)}")).ToList()),
        ("word of titles", Enumerable.Range(0, requests).Select(i => Search($"theme{i * 13 % Math.Max(1, lessons / 5)}x")).ToList()),
        ("word found nowhere", Enumerable.Range(0, requests).Select(i => Search($"absent{i}q")).ToList()),
        ("two words (caption)", Enumerable.Range(0, requests).Select(i => Search($"voyons notion{10000 + (i * 53 + 11) % (Vocabulary - 200)}")).ToList()),
        // A word said in every cue of every lesson: the most expensive caption search (its cue hits are capped). The output
        // cache is keyed on the URL, so each request asks another &start= (the same matching, sorting and paging work; the
        // total comes from the count cache after the first).
        ("word said in every cue", Enumerable.Range(0, requests).Select(i => Search("voyons") + "&start=" + i.ToString(CultureInfo.InvariantCulture)).ToList()),
    };
    Console.WriteLine($"| {provider} | /health | {health.P50:F1} | {health.P99:F1} | 1.00 | {health.Rps:F0} | {health.Errors} | |");
    foreach (var (name, urls) in kinds)
    {
        var r = await RunAsync(http, urls);
        Console.WriteLine($"| {provider} | {name} | {r.P50:F1} | {r.P99:F1} | {r.P99 / health.P99:F1} | {r.Rps:F0} | {r.Errors} | {r.MeanTotal:F1} |");
        summary.Add($"{provider} {name}: p50 {r.P50:F1} ms, p99 {r.P99:F1} ms (health p99 {health.P99:F1} ms), {r.Rps / health.Rps:F2} × health's requests/s (aim p99 < 50 ms)");
    }

    http.Dispose();
}
summary.ForEach(Console.WriteLine);

static string Search(string q) => "/api/v1/search/videos?count=25&search=" + Uri.EscapeDataString(q);

// The URLs in order, Concurrency at a time; latency per request measured on the client.
static async Task<(double P50, double P99, double Rps, int Errors, double MeanTotal)> RunAsync(HttpClient http, List<string> urls)
{
    var latencies = new double[urls.Count];
    var totals = new long[urls.Count];
    var errors = 0;
    var next = -1;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < urls.Count)
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(urls[i]);
            var body = await response.Content.ReadAsStringAsync();
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (!response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref errors);
            }
            else if (urls[i].StartsWith("/api/", StringComparison.Ordinal))
            {
                totals[i] = JsonDocument.Parse(body).RootElement.GetProperty("total").GetInt64();
            }
        }
    }));
    var elapsed = clock.Elapsed.TotalSeconds;
    Array.Sort(latencies);
    double At(double q) => latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(q * latencies.Length) - 1)];
    return (At(0.50), At(0.99), urls.Count / elapsed, errors, totals.Average());
}

// Generated inside the database: lessons titled "Leçon n : Thème kx", each with one French caption of cuesPerLesson cues
// (indexed by the same triggers / GIN index as uploaded captions), every cue with common words and two topic words.
static async Task SeedAsync(WebApplication app, int lessons, int cuesPerLesson)
{
    var db = app.Services.GetRequiredService<Database>();
    var channel = await app.Services.GetRequiredService<ActorRepository>().FindLocalAsync(ActorTypes.Group, "root_channel");
    var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    var postgres = db.Dialect == SqlDialect.Postgres;
    string Series(string count) => postgres
        ? $"SELECT n FROM generate_series(1, {count}) AS n"
        : $"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {count}) SELECT n FROM s";
    string Text(string expression) => postgres ? $"CAST({expression} AS TEXT)" : $"({expression})";
    var themes = Math.Max(1, lessons / 5);
    await db.WriteAsync((c, t) => c.ExecuteAsync($"""
        INSERT INTO videos (uuid, short_uuid, name, description, channel_id, privacy, state, duration, tags, is_local, url, search_text,
            views, published_at, created_at, updated_at)
        SELECT 'bench-' || {Text("n")}, 'short-' || {Text("n")}, 'Leçon ' || {Text("n")} || ' : Thème' || {Text($"n % {themes}")} || 'x',
            'Une leçon de démonstration', @channel, 1, 1, 600, '[]', TRUE, 'http://bench/videos/watch/' || {Text("n")},
            'lecon ' || {Text("n")} || ' : theme' || {Text($"n % {themes}")} || 'x' || CHAR(10) || 'une lecon de demonstration',
            0, @now - n * 1000, @now - n * 1000, @now - n * 1000
        FROM ({Series("@lessons")}) AS seq
        """.Replace("CHAR(10)", postgres ? "chr(10)" : "char(10)", StringComparison.Ordinal), new { lessons, channel = channel!.Id, now }, t, commandTimeout: 600));
    await db.WriteAsync((c, t) => c.ExecuteAsync("""
        INSERT INTO video_captions (video_id, language, file_name, content, remote_url, created_at, updated_at)
        SELECT id, 'fr', uuid || '-fr.vtt', 'WEBVTT', NULL, @now, @now FROM videos WHERE uuid LIKE 'bench-%'
        """, new { now }, t, commandTimeout: 600));
    var captionBase = await db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT MIN(id) FROM video_captions"));
    var videoBase = await db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT MIN(video_id) FROM video_captions"));
    const long Vocabulary = 20_000;
    // Cue n of the whole catalogue belongs to lesson n / cuesPerLesson; its two topic words are spread by two primes.
    await db.WriteAsync((c, t) => c.ExecuteAsync($"""
        INSERT INTO video_caption_cues (caption_id, video_id, start_ms, text)
        SELECT @captionBase + (n - 1) / @cuesPerLesson, @videoBase + (n - 1) / @cuesPerLesson, ((n - 1) % @cuesPerLesson) * 3000,
            'alors nous voyons ici la notion' || {Text($"10000 + (n * 7919) % {Vocabulary}")} || ' puis la notion' || {Text($"10000 + (n * 104729) % {Vocabulary}")} || ' avec un exemple'
        FROM ({Series("@cues")}) AS seq
        """,
        new { captionBase, videoBase, cuesPerLesson, cues = (long)lessons * cuesPerLesson }, t, commandTimeout: 1200));
    // The search documents, as CaptionRepository writes them with the cues (and migration 0032 backfills them): PostgreSQL
    // one per caption, SQLite one per video (all its captions; here one each).
    await db.WriteAsync((c, t) => c.ExecuteAsync(postgres
        ? """
          UPDATE video_captions SET document = d.document
          FROM (SELECT caption_id, strip(to_tsvector('simple', string_agg(text, chr(10)))) AS document FROM video_caption_cues GROUP BY caption_id) AS d
          WHERE d.caption_id = video_captions.id
          """
        : "INSERT INTO video_caption_documents (rowid, text) SELECT video_id, group_concat(text, char(10)) FROM video_caption_cues GROUP BY video_id",
        transaction: t, commandTimeout: 1200));
    foreach (var table in new[] { "videos", "video_captions", "video_caption_cues" })
    {
        if (postgres)
        {
            // VACUUM as well (outside a transaction): otherwise autovacuum, woken by the 2,000,000 rows just inserted,
            // vacuums them in the middle of the measured requests.
            await using var c = await db.OpenAsync();
            await c.ExecuteAsync("VACUUM (ANALYZE) " + table, commandTimeout: 1200);
        }
        else
        {
            await db.WriteAsync((c, t) => c.ExecuteAsync("ANALYZE " + table, transaction: t, commandTimeout: 600));
        }
    }
}

// The plans of the search query as the endpoint sends it (anonymous: public and published), for each kind of query.
static async Task PrintPlansAsync(WebApplication app)
{
    var videos = app.Services.GetRequiredService<VideoRepository>();
    var db = app.Services.GetRequiredService<Database>();
    foreach (var search in new[] { "notion10042", "theme42x", "absent1q", "voyons notion10042", "voyons" })
    {
        var query = new VideoQuery { Search = search, Count = 25 };
        var (page, count) = await videos.ExplainListAsync(query);
        // The repository alone, one call at a time (a new word each time, so the count cache does not answer).
        var times = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await videos.ListAsync(query with { Search = search.Replace("10042", (10100 + i).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("42x", (100 + i).ToString(CultureInfo.InvariantCulture) + "x", StringComparison.Ordinal).Replace("1q", i.ToString(CultureInfo.InvariantCulture) + "q", StringComparison.Ordinal) });
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        times.Sort();
        Console.WriteLine($"repository {db.Dialect} search \"{search}\": median {times[10]:F1} ms, max {times[^1]:F1} ms (20 calls, one at a time)");
        foreach (var (what, plan) in new[] { ("page", page), ("count", count) })
        {
            Console.WriteLine($"plan {db.Dialect} search \"{search}\" {what}:\n    " + string.Join("\n    ", plan));
        }
    }
}
