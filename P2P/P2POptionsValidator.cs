using System.Net;
using Microsoft.Extensions.Options;
using VideoPlatform.P2P.PeerWire;
using VideoPlatform.P2P.Tracker;

namespace VideoPlatform.P2P;

/// <summary>
/// The P2P sections checked at start like every other one, each failure naming its configuration key (the sections
/// the host binds: <c>P2P:Tracker</c> for <see cref="TrackerOptions"/>, <c>P2P</c> for <see cref="SeederOptions"/>).
/// </summary>
public sealed class P2POptionsValidator : IValidateOptions<TrackerOptions>, IValidateOptions<SeederOptions>
{
    public ValidateOptionsResult Validate(string? name, TrackerOptions options)
    {
        var failures = new List<string>();
        const string section = "P2P:Tracker:";
        Positive(failures, section + nameof(options.AnnounceInterval), options.AnnounceInterval);
        Positive(failures, section + nameof(options.WebSocketAnnounceInterval), options.WebSocketAnnounceInterval);
        Positive(failures, section + nameof(options.MaxPeersPerSwarm), options.MaxPeersPerSwarm);
        Positive(failures, section + nameof(options.MaxSwarms), options.MaxSwarms);
        Positive(failures, section + nameof(options.MaxNumWant), options.MaxNumWant);
        Positive(failures, section + nameof(options.MaxScrapeHashes), options.MaxScrapeHashes);
        Positive(failures, section + nameof(options.MaxWebSocketMessageBytes), options.MaxWebSocketMessageBytes);
        Positive(failures, section + nameof(options.MaxWebSocketMessagesPerSecond), options.MaxWebSocketMessagesPerSecond);
        Positive(failures, section + nameof(options.MaxWebSocketsPerIp), options.MaxWebSocketsPerIp);
        Positive(failures, section + nameof(options.MaxSwarmsPerWebSocket), options.MaxSwarmsPerWebSocket);
        Positive(failures, section + nameof(options.WebSocketSendQueue), options.WebSocketSendQueue);
        if (options.DefaultNumWant < 0 || options.DefaultNumWant > options.MaxNumWant)
        {
            failures.Add($"{section}{nameof(options.DefaultNumWant)} must be between 0 and P2P:Tracker:MaxNumWant ({options.MaxNumWant}).");
        }
        return Result(failures);
    }

    public ValidateOptionsResult Validate(string? name, SeederOptions options)
    {
        var failures = new List<string>();
        const string section = "P2P:";
        if (options.PeerPort is < -1 or > 65535)
        {
            failures.Add($"{section}{nameof(options.PeerPort)} must be -1 (off), 0 (a free port) or a TCP port up to 65535.");
        }
        if (!IPAddress.TryParse(options.ListenAddress, out _))
        {
            failures.Add($"{section}{nameof(options.ListenAddress)} must be an IP address.");
        }
        if (options.AnnounceAddress is { } announce && !IPAddress.TryParse(announce, out _))
        {
            failures.Add($"{section}{nameof(options.AnnounceAddress)} must be an IP address.");
        }
        Positive(failures, section + nameof(options.MaxConnections), options.MaxConnections);
        Positive(failures, section + nameof(options.MaxConnectionsPerIp), options.MaxConnectionsPerIp);
        if (options.MaxConnectionsPerIp > options.MaxConnections)
        {
            failures.Add($"{section}{nameof(options.MaxConnectionsPerIp)} cannot exceed {section}{nameof(options.MaxConnections)} ({options.MaxConnections}).");
        }
        Positive(failures, section + nameof(options.UploadSlots), options.UploadSlots);
        Positive(failures, section + nameof(options.UnchokeInterval), options.UnchokeInterval);
        if (options.UploadBytesPerSecond < 0)
        {
            failures.Add($"{section}{nameof(options.UploadBytesPerSecond)} must be 0 (unlimited) or positive.");
        }
        Positive(failures, section + nameof(options.IdleTimeout), options.IdleTimeout);
        Positive(failures, section + nameof(options.KeepAliveInterval), options.KeepAliveInterval);
        Positive(failures, section + nameof(options.HandshakeTimeout), options.HandshakeTimeout);
        Positive(failures, section + nameof(options.MaxPendingRequests), options.MaxPendingRequests);
        Positive(failures, section + nameof(options.ReannounceInterval), options.ReannounceInterval);
        return Result(failures);
    }

    private static void Positive(List<string> failures, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add(key + " must be positive.");
        }
    }

    private static void Positive(List<string> failures, string key, long value)
    {
        if (value <= 0)
        {
            failures.Add(key + " must be positive.");
        }
    }

    private static ValidateOptionsResult Result(List<string> failures) =>
        failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
}
