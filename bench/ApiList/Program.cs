// Benchmark: GET /api/v1/videos?count=25&sort=-publishedAt with 100,000 videos seeded, beside GET /health in the same
// run, on SQLite and on PostgreSQL, anonymous and signed in (a student: public + internal; the administrator: every
// privacy). The catalogue mixes privacies (10 % internal, 4 % private). Prints requests/s, p99 and the ratio list/health.
// Kind "thumbnails" (third argument): anonymous GET of the 30 public thumbnails of a page of cards, in a catalogue where every
// internal video (10 %) is a class video whose images are restricted, beside GET /health: the ratio thumbnail/health.
using System.Globalization;
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

var videos = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
var kind = args.Length > 2 ? args[2] : "list";
if (kind is not ("list" or "thumbnails"))
{
    Console.Error.WriteLine("kind must be list or thumbnails");
    return 2;
}
var postgresAdmin = Environment.GetEnvironmentVariable("VP_TEST_POSTGRES") ?? "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres";

Console.WriteLine($"videos={videos} duration={seconds}s connections=64 (wrk -t2), server and wrk share this machine's cores");
Console.WriteLine("| database | endpoint | requests/s | p99 ms | non-2xx |");
Console.WriteLine("|---|---|---|---|---|");
var summary = new List<string>();
foreach (var provider in new[] { "sqlite", "postgres" })
{
    await using var instance = await BenchInstance.StartOnAsync(provider, postgresAdmin, 100);
    var app = instance.App;
    var baseUrl = instance.BaseUrl;
    await SeedAsync(app, videos);
    if (kind == "thumbnails")
    {
        summary.Add(await ThumbnailsAsync(instance, provider, seconds));
        continue;
    }
    await PrintPlansAsync(app);

    // Warm-up, then the two endpoints back to back in the same run.
    await Wrk.RunAsync(baseUrl + "/api/v1/videos?count=25&sort=-publishedAt", 64, 2);
    var list = await Wrk.RunAsync(baseUrl + "/api/v1/videos?count=25&sort=-publishedAt", 64, seconds);
    // Signed-in requests: a student (public + internal listing) and the administrator (sees every privacy).
    var adminToken = await TokenAsync(baseUrl, "root", "bench-pass");
    var studentToken = await StudentTokenAsync(baseUrl, adminToken);
    const string listUrl = "/api/v1/videos?count=25&sort=-publishedAt";
    // Each audience warms up as the anonymous one did (first query, count, JIT of the signed-in path) before it is measured.
    await Wrk.RunAsync(baseUrl + listUrl, 64, 2, null, "Authorization: Bearer " + studentToken);
    await Wrk.RunAsync(baseUrl + listUrl, 64, 2, null, "Authorization: Bearer " + adminToken);
    var listStudent = await Wrk.RunAsync(baseUrl + listUrl, 64, seconds, null, "Authorization: Bearer " + studentToken);
    var listAdmin = await Wrk.RunAsync(baseUrl + listUrl, 64, seconds, null, "Authorization: Bearer " + adminToken);
    var health = await Wrk.RunAsync(baseUrl + "/health", 64, seconds);
    Console.WriteLine($"| {provider} | list (anonymous) | {list.RequestsPerSecond:F0} | {list.P99Ms:F1} | {list.Non2xx} |");
    Console.WriteLine($"| {provider} | list (logged in, student) | {listStudent.RequestsPerSecond:F0} | {listStudent.P99Ms:F1} | {listStudent.Non2xx} |");
    Console.WriteLine($"| {provider} | list (logged in, admin) | {listAdmin.RequestsPerSecond:F0} | {listAdmin.P99Ms:F1} | {listAdmin.Non2xx} |");
    Console.WriteLine($"| {provider} | health | {health.RequestsPerSecond:F0} | {health.P99Ms:F1} | {health.Non2xx} |");
    summary.Add($"{provider}: anonymous list/health = {list.RequestsPerSecond / health.RequestsPerSecond:F2}, p99 {list.P99Ms:F1} ms; "
        + $"student list/health = {listStudent.RequestsPerSecond / health.RequestsPerSecond:F2}, p99 {listStudent.P99Ms:F1} ms; "
        + $"admin list/health = {listAdmin.RequestsPerSecond / health.RequestsPerSecond:F2}, p99 {listAdmin.P99Ms:F1} ms (aim: ratio >= 0.3, p99 < 50 ms)");

}
summary.ForEach(Console.WriteLine);
return 0;

// A page of cards: 30 public thumbnails requested anonymously in turn (every internal video is a class video, so the
// restricted set is not empty), then /health in the same run.
static async Task<string> ThumbnailsAsync(BenchInstance instance, string provider, int seconds)
{
    var app = instance.App;
    var db = app.Services.GetRequiredService<Database>();
    await db.WriteAsync((c, t) => c.ExecuteAsync("""UPDATE videos SET audience_groups = '["5e B"]' WHERE privacy = 4""", transaction: t));
    var names = (await db.ReadAsync(c => c.QueryAsync<string>(
        "SELECT thumbnail_name FROM videos WHERE audience_groups IS NULL ORDER BY published_at DESC LIMIT 30"))).ToList();
    var store = app.Services.GetRequiredService<VideoPlatform.Core.Storage.MediaStore>();
    var jpeg = new byte[8 * 1024];
    Random.Shared.NextBytes(jpeg);
    foreach (var name in names)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(store.ThumbnailPath(name))!);
        await File.WriteAllBytesAsync(store.ThumbnailPath(name), jpeg);
    }
    var script = Path.Combine(instance.Folder, "thumbnails.lua");
    await File.WriteAllTextAsync(script, $$"""
        local names = { {{string.Join(", ", names.Select(n => "\"" + n + "\""))}} }
        local i = 0
        request = function()
          i = i % #names + 1
          return wrk.format("GET", "{{MediaUrls.ThumbnailsPrefix}}/" .. names[i])
        end
        """);
    var url = instance.BaseUrl.TrimEnd('/') + MediaUrls.Thumbnail(names[0]);
    await Wrk.RunAsync(url, 64, 2, script);
    var thumbnails = await Wrk.RunAsync(url, 64, seconds, script);
    var health = await Wrk.RunAsync(instance.BaseUrl + "/health", 64, seconds);
    Console.WriteLine($"| {provider} | thumbnail (anonymous, 30 in turn) | {thumbnails.RequestsPerSecond:F0} | {thumbnails.P99Ms:F1} | {thumbnails.Non2xx} |");
    Console.WriteLine($"| {provider} | health | {health.RequestsPerSecond:F0} | {health.P99Ms:F1} | {health.Non2xx} |");
    return $"{provider}: thumbnail/health = {thumbnails.RequestsPerSecond / health.RequestsPerSecond:F2}, p99 {thumbnails.P99Ms:F1} ms";
}

static async Task<string> TokenAsync(string baseUrl, string username, string password)
{
    using var http = new HttpClient(new SocketsHttpHandler());
    var client = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(baseUrl + "/api/v1/oauth-clients/local")).RootElement;
    using var response = await http.PostAsync(baseUrl + "/api/v1/users/token", new FormUrlEncodedContent(new Dictionary<string, string>
    {
        ["client_id"] = client.GetProperty("client_id").GetString()!,
        ["client_secret"] = client.GetProperty("client_secret").GetString()!,
        ["grant_type"] = "password",
        ["username"] = username,
        ["password"] = password,
    }));
    return System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString()!;
}

static async Task<string> StudentTokenAsync(string baseUrl, string adminToken)
{
    using var http = new HttpClient(new SocketsHttpHandler());
    http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", adminToken);
    using var created = await http.PostAsync(baseUrl + "/api/v1/users", System.Net.Http.Json.JsonContent.Create(new
    {
        username = "student", password = "student-pass", email = "student@example.org", role = 2, videoQuota = -1, videoQuotaDaily = -1,
    }));
    created.EnsureSuccessStatusCode();
    return await TokenAsync(baseUrl, "student", "student-pass");
}

static async Task SeedAsync(WebApplication app, int count)
{
    var db = app.Services.GetRequiredService<Database>();
    var channel = await app.Services.GetRequiredService<ActorRepository>().FindLocalAsync(ActorTypes.Group, "root_channel");
    var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    // Generated inside the database: one statement instead of 100,000 round trips.
    var series = db.Dialect == SqlDialect.Postgres
        ? "SELECT n FROM generate_series(1, @count) AS n"
        : "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < @count) SELECT n FROM s";
    var concat = db.Dialect == SqlDialect.Postgres ? "CAST(n AS TEXT)" : "n";
    await db.WriteAsync((c, t) => c.ExecuteAsync($"""
        INSERT INTO videos (uuid, short_uuid, name, description, channel_id, privacy, state, duration, tags, is_local, url, search_text,
            views, published_at, created_at, updated_at, thumbnail_name)
        SELECT 'bench-' || {concat}, 'short-' || {concat}, 'Leçon ' || {concat}, 'Une leçon de démonstration', @channel,
            CASE WHEN n % 10 = 0 THEN 4 WHEN n % 25 = 1 THEN 3 ELSE 1 END, 1, 600, '[]', TRUE,
            'http://bench/videos/watch/' || {concat}, 'lecon ' || {concat}, n % 1000, @now - n * 1000, @now - n * 1000, @now - n * 1000,
            'thumb-' || {concat} || '.jpg'
        FROM ({series}) AS seq
        """, new { count, channel = channel!.Id, now }, t, commandTimeout: 600));
    await db.WriteAsync((c, t) => c.ExecuteAsync("ANALYZE videos", transaction: t));
}

// The plans of the listing queries as each audience sends them (first page, newest first), and of their count.
static async Task PrintPlansAsync(WebApplication app)
{
    var db = app.Services.GetRequiredService<Database>();
    var postgres = db.Dialect == SqlDialect.Postgres;
    var audiences = new (string Name, string Privacies)[] { ("anonymous", "1"), ("signed-in", "1, 4"), ("administrator", "1, 2, 3, 4, 5") };
    foreach (var (name, privacies) in audiences)
    {
        foreach (var (what, sql) in new[]
        {
            ("page", $"""
                SELECT v.*, ch.*, ac.* FROM videos v JOIN actors ch ON ch.id = v.channel_id JOIN actors ac ON ac.id = ch.account_id
                WHERE v.privacy IN ({privacies}) AND v.state = 1 ORDER BY v.published_at DESC, v.id DESC LIMIT 25 OFFSET 0
                """),
            ("count", $"SELECT COUNT(*) FROM videos v WHERE v.privacy IN ({privacies}) AND v.state = 1"),
        })
        {
            var plan = postgres
                ? (await db.ReadAsync(c => c.QueryAsync<string>("EXPLAIN (ANALYZE, COSTS OFF) " + sql))).ToList()
                : (await db.ReadAsync(c => c.QueryAsync("EXPLAIN QUERY PLAN " + sql))).Select(r => (string)((IDictionary<string, object>)r)["detail"]).ToList();
            Console.WriteLine($"plan {db.Dialect} {name} {what}: " + string.Join(" | ", plan.Select(l => l.Trim())));
        }
    }
}
