namespace VideoPlatform.Web;

/// <summary>Settings of the web front end (section <c>Web</c>).</summary>
public sealed class WebOptions
{
    public const string Section = "Web";

    /// <summary>Browser-to-browser segment sharing; when off, the player only uses HTTP.</summary>
    public bool P2PEnabled { get; set; } = true;

    /// <summary>STUN/TURN servers for WebRTC. Empty by default: no public server learns who watches what.</summary>
    public IList<string> IceServers { get; set; } = [];

    /// <summary>Size of each resumable upload chunk: small enough to resume cheaply on a weak school connection.</summary>
    public int UploadChunkSize { get; set; } = 8 * 1024 * 1024;
}
