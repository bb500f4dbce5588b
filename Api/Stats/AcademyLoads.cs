using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Domain;
using VideoPlatform.Federation.Follows;
using VideoPlatform.Federation.Safety;
using VideoPlatform.Web;

namespace VideoPlatform.Api.Stats;

/// <summary>
/// Reads <c>/api/v1/server/stats</c> of every academy this one follows, through the federation's SSRF-guarded client
/// (size cap, timeout, private networks only when allowed), at most 8 at once, each answer cached for a minute.
/// </summary>
public sealed partial class AcademyLoads(ServerStatsReader self, FollowService follows, ActivityPubClient client, IOptions<InstanceOptions> instance,
    TimeProvider clock, ILogger<AcademyLoads> logger) : IAcademyLoads
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(1);
    private const int MaxBytes = 256 * 1024;
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, AcademyLoad Load)> _cache = new(StringComparer.OrdinalIgnoreCase);

    public async Task<IReadOnlyList<AcademyLoad>> ListAsync(CancellationToken ct)
    {
        var own = await self.ReadAsync(ct);
        var mine = new AcademyLoad(instance.Value.Host, true, null, own.TotalLocalVideos, own.Load.Viewers, Mbps(own.Load.HttpEgressBytesLastHour), own.Load.P2pShare,
            own.Load.TranscodeQueueDepth, own.Load.TranscodeQueueWaitSeconds, own.Load.StorageUsedBytes, own.Load.StorageFreeBytes, own.Load.Alerts.Select(a => a.Message).ToList());
        var (_, _, items) = await follows.ListServerFollowsAsync(asFollower: true, state: FollowStates.Accepted, 0, 100, ct);
        var others = items.Select(f => new Uri(f.Following.Url)).Select(u => new Uri($"{u.Scheme}://{u.Authority}")).DistinctBy(u => u.Authority).ToList();
        var loads = new AcademyLoad[others.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, others.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (i, token) => loads[i] = await ReadAsync(others[i], token));
        return [mine, .. loads.OrderByDescending(l => l.EgressMbps ?? -1).ThenBy(l => l.Host, StringComparer.Ordinal)];
    }

    private async Task<AcademyLoad> ReadAsync(Uri origin, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_cache.TryGetValue(origin.Authority, out var cached) && now - cached.At < CacheLifetime)
        {
            return cached.Load;
        }
        AcademyLoad load;
        try
        {
            var media = await client.GetMediaAsync(new Uri(origin, "/api/v1/server/stats"), MaxBytes, ["application/json"], ct);
            load = Parse(origin.Authority, media.Bytes);
        }
        catch (Exception e) when (e is ActivityPubFetchException or JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            LogUnreadable(logger, origin.Authority, e.Message);
            load = new AcademyLoad(origin.Authority, false, e.Message, 0, null, null, null, null, null, null, null, []);
        }
        _cache[origin.Authority] = (now, load);
        return load;
    }

    /// <summary>PeerTube's fields, and ours under <c>load</c> when the academy runs VideoPlatform (a plain PeerTube has none).</summary>
    internal static AcademyLoad Parse(string host, byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var videos = root.TryGetProperty("totalLocalVideos", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;
        if (!root.TryGetProperty("load", out var load) || load.ValueKind != JsonValueKind.Object)
        {
            return new AcademyLoad(host, false, null, videos, null, null, null, null, null, null, null, []);
        }
        static double? Number(JsonElement e, string name) => e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number ? p.GetDouble() : null;
        var alerts = load.TryGetProperty("alerts", out var a) && a.ValueKind == JsonValueKind.Array
            ? a.EnumerateArray().Select(x => x.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "").Where(m => m.Length > 0).Take(10).ToList()
            : [];
        return new AcademyLoad(host, false, null, videos, (int?)Number(load, "viewers"), Number(load, "httpEgressBytesLastHour") is { } bytes ? Mbps(bytes) : null,
            Number(load, "p2pShare"), (long?)Number(load, "transcodeQueueDepth"), Number(load, "transcodeQueueWaitSeconds"), (long?)Number(load, "storageUsedBytes"),
            (long?)Number(load, "storageFreeBytes"), alerts);
    }

    /// <summary>Average Mbit/s over the hour the bytes were counted in.</summary>
    private static double Mbps(double bytesLastHour) => Math.Round(bytesLastHour * 8 / 3600 / 1e6, 3);

    [LoggerMessage(Level = LogLevel.Information, Message = "The server stats of {Host} could not be read: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string host, string reason);
}
