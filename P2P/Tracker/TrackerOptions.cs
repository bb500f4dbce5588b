namespace VideoPlatform.P2P.Tracker;

/// <summary>Bind from configuration section "P2P:Tracker" (the Api does that).</summary>
public sealed class TrackerOptions
{
    /// <summary>Announce interval sent to HTTP clients; peers silent for twice this long are dropped.</summary>
    public TimeSpan AnnounceInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Interval sent to WebSocket clients (bittorrent-tracker uses a fifth of the HTTP one).</summary>
    public TimeSpan WebSocketAnnounceInterval { get; set; } = TimeSpan.FromMinutes(2);

    public int MaxPeersPerSwarm { get; set; } = 1000;

    public int MaxSwarms { get; set; } = 100_000;

    /// <summary>Upper bound of numwant (and of relayed WebRTC offers per announce).</summary>
    public int MaxNumWant { get; set; } = 50;

    public int DefaultNumWant { get; set; } = 30;

    public int MaxScrapeHashes { get; set; } = 64;

    public int MaxWebSocketMessageBytes { get; set; } = 64 * 1024;

    public int MaxWebSocketMessagesPerSecond { get; set; } = 20;

    public int MaxWebSocketsPerIp { get; set; } = 32;

    /// <summary>Swarms one socket may join; p2p-media-loader joins one per rendition.</summary>
    public int MaxSwarmsPerWebSocket { get; set; } = 32;

    /// <summary>Queued outgoing messages per socket; a peer that cannot keep up is disconnected.</summary>
    public int WebSocketSendQueue { get; set; } = 256;
}
