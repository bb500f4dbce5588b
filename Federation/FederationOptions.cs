using VideoPlatform.Core.Data.Repositories;

namespace VideoPlatform.Federation;

/// <summary>Settings of the <c>Federation</c> section.</summary>
public sealed class FederationOptions
{
    public const string Section = "Federation";

    /// <summary>Must be true to federate over 127.0.0.1 (tests, local academies); off in production (SSRF guard).</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>When true, follows of the server actor wait for an administrator (PeerTube's followers.instance.manual_approval).</summary>
    public bool ManualApproval { get; set; }

    /// <summary>PeerTube refuses inbox bodies above 500 kB; so do we.</summary>
    public int InboxMaxBytes { get; set; } = 500 * 1024;

    /// <summary>Inbox requests accepted per remote host and minute, before signature checks cost anything.</summary>
    public int InboxRequestsPerMinute { get; set; } = 3000;

    /// <summary>
    /// Inbox requests accepted per source IP and minute (the client IP as the host resolves it, forwarded headers included
    /// when proxies are configured): one address cannot spread its load over many claimed hosts.
    /// </summary>
    public int InboxRequestsPerIpPerMinute { get; set; } = 3000;

    /// <summary>About 20 attempts with doubling backoff capped at 6 h: a little over four days of retries.</summary>
    public int DeliveryMaxAttempts { get; set; } = 20;

    public TimeSpan DeliveryInitialBackoff { get; set; } = TimeSpan.FromSeconds(30);

    public int DeliveryConcurrency { get; set; } = 4;

    /// <summary>Consecutive delivery failures after which a server is marked unreachable (with <see cref="UnreachableAfter"/>).</summary>
    public int UnreachableAfterFailures { get; set; } = 5;

    /// <summary>How long the run of failures must last too, so that one short outage does not mark a server.</summary>
    public TimeSpan UnreachableAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>While a server is unreachable, deliveries to it wait; one probes it this often, and any success clears the mark.</summary>
    public TimeSpan UnreachableProbeInterval { get; set; } = TimeSpan.FromMinutes(15);

    public ReachabilityPolicy Reachability => new(UnreachableAfterFailures, UnreachableAfter, UnreachableProbeInterval);

    /// <summary>Largest remote thumbnail or preview we copy into our media store.</summary>
    public int ThumbnailMaxBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>
    /// A remote playlist read (API or page) longer than this after its last fetch is fetched again from its origin, by a
    /// job, as PeerTube's <c>refreshVideoPlaylistIfNeeded</c>; Create and Update activities fetch it at once anyway.
    /// </summary>
    public TimeSpan PlaylistRefreshAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Items per collection page (PeerTube: 10).</summary>
    public int CollectionPageSize { get; set; } = 10;

    /// <summary>PeerTube's crawler limit.</summary>
    public int MaxCrawledPages { get; set; } = 2000;
}
