namespace VideoPlatform.Transcoder.Live;

/// <summary>The <c>Live</c> section: PeerTube's live settings plus where the RTMP ingest listens.</summary>
public sealed class LiveOptions
{
    public const string Section = "Live";

    public bool Enabled { get; set; }

    /// <summary>TCP port of the RTMP ingest; 0 picks a free port at start (the live API's <c>rtmpUrl</c> carries the bound one).</summary>
    public int RtmpPort { get; set; } = 1935;

    /// <summary>Address the ingest binds; RTMPS is terminated in front of it by the proxy.</summary>
    public string RtmpAddress { get; set; } = "0.0.0.0";

    /// <summary>Host name put in <c>rtmpUrl</c>; the host of Instance:PublicUrl when empty.</summary>
    public string? RtmpHost { get; set; }

    /// <summary>Public RTMPS URL when a proxy terminates TLS (e.g. <c>rtmps://videos.ac-lyon.fr:1936/live</c>); null when there is none.</summary>
    public string? RtmpsUrl { get; set; }

    /// <summary>Longest session; null for no limit (PeerTube's <c>live.max_duration</c> -1).</summary>
    public TimeSpan? MaxDuration { get; set; }

    /// <summary>Lives not ended on the instance; -1 for no limit.</summary>
    public int MaxInstanceLives { get; set; } = 20;

    /// <summary>Lives not ended per user; -1 for no limit.</summary>
    public int MaxUserLives { get; set; } = 3;

    public bool AllowReplay { get; set; } = true;

    public LiveTranscodingOptions Transcoding { get; set; } = new();

    /// <summary>A connection that sends nothing for this long (handshake included) is cut.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a live whose publisher dropped (without saying it stops) stays on air waiting for it to reconnect with the
    /// same key: the stream then continues in the same playlists. Zero ends the live at once.
    /// </summary>
    public TimeSpan ReconnectGrace { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Largest RTMP message accepted (a key frame of a 1080p stream is well under it).</summary>
    public int MaxMessageSize { get; set; } = 8 * 1024 * 1024;
}

public sealed class LiveTranscodingOptions
{
    /// <summary>Heights of the live ladder, at or below the source's height; the source's own height is always kept.</summary>
    public List<int> Resolutions { get; set; } = [];

    /// <summary>Segments kept in the live playlists (the window a viewer can catch up in).</summary>
    public int PlaylistSize { get; set; } = 6;

    public string Preset { get; set; } = "veryfast";

    public int Threads { get; set; } = 2;
}
