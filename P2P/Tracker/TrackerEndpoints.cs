using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace VideoPlatform.P2P.Tracker;

/// <summary>HTTP announce/scrape and the WebSocket endpoint. Failures are bencoded/JSON replies, never exceptions.</summary>
internal static class TrackerEndpoints
{
    public const string AnnouncePath = "/tracker/announce";
    public const string ScrapePath = "/tracker/scrape";
    public const string SocketPath = "/tracker/socket";

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(AnnouncePath, AnnounceAsync).ExcludeFromDescription();
        endpoints.MapGet(ScrapePath, Scrape).ExcludeFromDescription();
        endpoints.Map(SocketPath, SocketAsync).ExcludeFromDescription();
    }

    private static async Task<IResult> AnnounceAsync(HttpContext context, SwarmRegistry registry, P2PMetrics metrics)
    {
        metrics.HttpAnnounce();
        var remote = context.Connection.RemoteIpAddress ?? IPAddress.Loopback;
        var options = registry.Options;
        if (!HttpAnnounceParser.TryParse(context.Request.QueryString.Value, remote, options.DefaultNumWant, out var announce, out var failure))
        {
            metrics.AnnounceFailed();
            return Bencoded(HttpTrackerResponses.Failure(failure));
        }

        var outcome = await registry.AnnounceAsync(announce!.Request, context.RequestAborted);
        if (outcome.Failure is not null)
        {
            metrics.AnnounceFailed();
            return Bencoded(HttpTrackerResponses.Failure(outcome.Failure));
        }

        var interval = (int)Math.Ceiling(options.AnnounceInterval.TotalSeconds);
        return Bencoded(HttpTrackerResponses.Announce(outcome, interval, announce.Compact, announce.NoPeerId));
    }

    private static IResult Scrape(HttpContext context, SwarmRegistry registry, P2PMetrics metrics)
    {
        metrics.Scrape();
        var hashes = HttpAnnounceParser.ParseScrape(context.Request.QueryString.Value);
        if (hashes is null || hashes.Count == 0 || hashes.Count > registry.Options.MaxScrapeHashes)
        {
            return Bencoded(HttpTrackerResponses.Failure("scrape needs 1 to " + registry.Options.MaxScrapeHashes + " valid info_hash values"));
        }

        return Bencoded(HttpTrackerResponses.Scrape(hashes.Distinct().Select(registry.Scrape)));
    }

    private static async Task SocketAsync(HttpContext context, SwarmRegistry registry, P2PMetrics metrics, WebSocketIpLimiter limiter, TimeProvider time, ILoggerFactory loggers)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            return;
        }

        var ip = context.Connection.RemoteIpAddress ?? IPAddress.None;
        if (!limiter.TryAcquire(ip))
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return;
        }

        try
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            metrics.WebSocketOpened();
            try
            {
                var peer = new WebSocketPeer(socket, registry, metrics, time, loggers.CreateLogger("VideoPlatform.P2P.Tracker.WebSocket"));
                await peer.RunAsync(context.RequestAborted);
            }
            finally
            {
                metrics.WebSocketClosed();
            }
        }
        finally
        {
            limiter.Release(ip);
        }
    }

    private static IResult Bencoded(byte[] body) => Results.Bytes(body, "text/plain");
}

/// <summary>Counts open tracker sockets per client address.</summary>
internal sealed class WebSocketIpLimiter(SwarmRegistry registry)
{
    private readonly ConcurrentDictionary<IPAddress, int> _open = new();

    public bool TryAcquire(IPAddress ip)
    {
        var max = registry.Options.MaxWebSocketsPerIp;
        while (true)
        {
            var current = _open.GetOrAdd(ip, 0);
            if (current >= max)
            {
                return false;
            }

            if (_open.TryUpdate(ip, current + 1, current))
            {
                return true;
            }
        }
    }

    public void Release(IPAddress ip)
    {
        while (_open.TryGetValue(ip, out var current))
        {
            if (current <= 1 ? _open.TryRemove(new KeyValuePair<IPAddress, int>(ip, current)) : _open.TryUpdate(ip, current - 1, current))
            {
                return;
            }
        }
    }
}
