namespace VideoPlatform.P2P.PeerWire;

/// <summary>Bind from configuration section "P2P" (PeerPort is the documented P2P:PeerPort key).</summary>
public sealed class SeederOptions
{
    /// <summary>TCP port: 0 lets the OS pick one at start (then announced), -1 turns the seeder off.</summary>
    public int PeerPort { get; set; }

    public string ListenAddress { get; set; } = "0.0.0.0";

    /// <summary>Address announced to the tracker; when null, the listen address unless it is a wildcard (then nothing is announced).</summary>
    public string? AnnounceAddress { get; set; }

    public int MaxConnections { get; set; } = 200;

    /// <summary>Connections one IP address may hold at once (key P2P:MaxConnectionsPerIp); more are closed at once.</summary>
    public int MaxConnectionsPerIp { get; set; } = 8;

    /// <summary>Peers served at once; the others wait their turn in a round-robin rotation.</summary>
    public int UploadSlots { get; set; } = 8;

    public TimeSpan UnchokeInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Total upload rate over all peers; 0 = unlimited.</summary>
    public long UploadBytesPerSecond { get; set; }

    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(3);

    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(90);

    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(15);

    public int MaxPendingRequests { get; set; } = 250;

    /// <summary>How often every seeded torrent is re-announced in-process; below the tracker's 2× interval expiry.</summary>
    public TimeSpan ReannounceInterval { get; set; } = TimeSpan.FromMinutes(5);
}
