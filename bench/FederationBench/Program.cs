// Benchmark: N academies (default 35) in one process, all following each other. Measures the time from publication on
// one academy to visibility in all the others' catalogues, delivery throughput during a burst, HTTP signature
// verifications per second against raw RSA verification (the baseline, same run), and the memory of the whole set.
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Federation.Delivery;
using VideoPlatform.Federation.Signatures;
using VideoPlatform.Tools;

var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 35;
var publications = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
var basePort = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 9500;
var dataRoot = Path.Combine(Path.GetTempPath(), "vp-bench-academies-" + Guid.NewGuid().ToString("N")[..8]);
var ct = CancellationToken.None;

Console.WriteLine($"academies={count} publications={publications} cores={Environment.ProcessorCount} (one process, SQLite each)");
var clock = Stopwatch.StartNew();
Console.Write("start ");
await using (var fleet = await AcademyFleet.StartAsync(count, dataRoot, basePort, Console.Out, ct))
{
    var startSeconds = clock.Elapsed.TotalSeconds;
    clock.Restart();
    await fleet.FollowAllAsync(TimeSpan.FromMinutes(10), ct);
    var followSeconds = clock.Elapsed.TotalSeconds;
    await DrainAsync(fleet, TimeSpan.FromMinutes(10));
    var settleSeconds = clock.Elapsed.TotalSeconds;
    Console.WriteLine($"| phase | value |");
    Console.WriteLine($"|---|---|");
    Console.WriteLine($"| start {count} instances | {startSeconds:F1} s |");
    Console.WriteLine($"| {count * (count - 1)} follows accepted | {followSeconds:F1} s |");
    Console.WriteLine($"| queues drained (Accepts, backfill crawls) | {settleSeconds:F1} s |");

    // Publication → visible in all the other catalogues.
    var latencies = new List<double>();
    for (var p = 0; p < publications; p++)
    {
        var origin = fleet.Academies[p % count];
        var watch = Stopwatch.StartNew();
        var video = await AcademyFleet.PublishAsync(origin, $"Latence {p} depuis {origin.Name}", ct);
        await VisibleEverywhereAsync(fleet, origin, video.Url, TimeSpan.FromMinutes(2));
        latencies.Add(watch.Elapsed.TotalSeconds);
    }
    latencies.Sort();
    Console.WriteLine($"| publication → visible in all {count - 1} others, median | {latencies[latencies.Count / 2]:F2} s (aim ≤ 10 s) |");
    Console.WriteLine($"| publication → visible in all {count - 1} others, max | {latencies[^1]:F2} s |");

    // Burst: several academies publish at once; deliveries per second until everything is visible everywhere.
    var publishers = fleet.Academies.Take(Math.Min(count, 10)).ToArray();
    var before = await SumAsync(fleet, [JobState.Completed], DeliveryJob.JobType);
    var burst = Stopwatch.StartNew();
    var published = await Task.WhenAll(publishers.SelectMany(a => Enumerable.Range(0, 3).Select(i => (a, i)))
        .Select(async x => (x.a, await AcademyFleet.PublishAsync(x.a, $"Rafale {x.i} depuis {x.a.Name}", ct))));
    foreach (var (origin, video) in published)
    {
        await VisibleEverywhereAsync(fleet, origin, video.Url, TimeSpan.FromMinutes(5));
    }
    var burstSeconds = burst.Elapsed.TotalSeconds;
    var delivered = await SumAsync(fleet, [JobState.Completed], DeliveryJob.JobType) - before;
    Console.WriteLine($"| burst: {published.Length} publications, {delivered} deliveries | {burstSeconds:F1} s, {delivered / burstSeconds:F0} deliveries/s |");

    GC.Collect();
    GC.WaitForPendingFinalizers();
    using var process = Process.GetCurrentProcess();
    process.Refresh();
    Console.WriteLine($"| memory of the {count} instances (working set / managed heap) | {process.WorkingSet64 / 1048576.0:F0} MiB / {GC.GetTotalMemory(true) / 1048576.0:F0} MiB |");
}
Directory.Delete(dataRoot, recursive: true);

// Signature verification against the raw RSA-2048 PKCS#1 verification it is built on (same key, same machine, same run).
var keys = RsaKeys.Generate();
var key = new SigningKey("https://lyon.example/accounts/peertube#main-key", keys.PrivateKeyPem);
var body = Encoding.UTF8.GetBytes("{\"type\":\"Follow\",\"id\":\"https://lyon.example/follows/1\",\"actor\":\"https://lyon.example/accounts/peertube\",\"object\":\"https://lille.example/accounts/peertube\"}");
var date = HttpSignatureSigner.FormatDate(DateTimeOffset.UtcNow);
var digest = Digests.Sha256Header(body);
var signature = HttpSignatureSigner.CreateSignatureHeader("POST", "/inbox", "lille.example", date, digest, key);
var request = IncomingRequest.Create("POST", "/inbox",
    [new("Host", "lille.example"), new("Date", date), new("Digest", digest), new("Signature", signature), new("Content-Type", "application/activity+json")], body);
var verifier = new HttpSignatureVerifier(new StaticKeys(new ActorKey(key.KeyId, "https://lyon.example/accounts/peertube", keys.PublicKeyPem)), TimeProvider.System);
var verifications = await RateAsync(async () =>
{
    if (!(await verifier.VerifyAsync(request, ct)).IsValid)
    {
        throw new InvalidOperationException("verification failed");
    }
});
using var rsa = RSA.Create();
rsa.ImportFromPem(keys.PublicKeyPem);
var data = RandomNumberGenerator.GetBytes(200);
using var signer = RSA.Create();
signer.ImportFromPem(keys.PrivateKeyPem);
var raw = signer.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
var baseline = await RateAsync(() =>
{
    rsa.VerifyData(data, raw, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    return Task.CompletedTask;
});
Console.WriteLine($"| HTTP signature verifications/s (one core) | {verifications:F0} = {verifications / baseline:P0} of raw RSA verify ({baseline:F0}/s) |");
return 0;

static async Task<double> RateAsync(Func<Task> action)
{
    var watch = Stopwatch.StartNew();
    var n = 0;
    while (watch.Elapsed < TimeSpan.FromSeconds(3))
    {
        await action();
        n++;
    }
    return n / watch.Elapsed.TotalSeconds;
}

/// <summary>Jobs in these states (of this type) over all the academies.</summary>
static async Task<long> SumAsync(AcademyFleet fleet, JobState[] states, string? type = null)
{
    long total = 0;
    foreach (var a in fleet.Academies)
    {
        total += await a.Services.GetRequiredService<JobQueue>().CountAsync(states, type, CancellationToken.None);
    }
    return total;
}

static async Task DrainAsync(AcademyFleet fleet, TimeSpan timeout)
{
    var deadline = DateTimeOffset.UtcNow + timeout;
    while (await SumAsync(fleet, [JobState.Pending, JobState.Running]) > 0 && DateTimeOffset.UtcNow < deadline)
    {
        await Task.Delay(200);
    }
}

static async Task VisibleEverywhereAsync(AcademyFleet fleet, Academy origin, string url, TimeSpan timeout)
{
    var deadline = DateTimeOffset.UtcNow + timeout;
    foreach (var academy in fleet.Academies.Where(a => a != origin))
    {
        var videos = academy.Services.GetRequiredService<VideoRepository>();
        while (await videos.FindByUrlAsync(url) is null)
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"{url} not visible on {academy.Name} within {timeout}");
            }
            await Task.Delay(20);
        }
    }
}

internal sealed class StaticKeys(ActorKey key) : IActorKeyResolver
{
    public Task<ActorKey?> ResolveAsync(string keyId, bool forceRefresh, CancellationToken cancellationToken) => Task.FromResult<ActorKey?>(key);
}
