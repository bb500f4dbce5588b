namespace VideoPlatform.Core.Domain;

public sealed class InstanceOptions
{
    public const string Section = "Instance";

    /// <summary>Absolute base URL other instances and browsers use, without a trailing slash.</summary>
    public string PublicUrl { get; set; } = "";

    /// <summary>Display name, e.g. "Académie de Lyon".</summary>
    public string Name { get; set; } = "";

    public string Description { get; set; } = "Plateforme vidéo académique";

    /// <summary>Allows <c>POST /api/v1/users/register</c>.</summary>
    public bool SignupEnabled { get; set; }

    /// <summary>Bytes of uploads a new user may store; -1 for unlimited (PeerTube's convention).</summary>
    public long DefaultVideoQuota { get; set; } = 10L * 1024 * 1024 * 1024;

    public long DefaultVideoQuotaDaily { get; set; } = -1;

    /// <summary>Capacity of the instance's link to the Internet in Mbit/s (0: unknown); the egress alert compares with it.</summary>
    public double UplinkMbps { get; set; }

    /// <summary>Host names (optionally with a port) whose pages may frame the embed player; empty: any site (PeerTube's default).</summary>
    public IReadOnlyList<string> EmbedAllowedDomains { get; set; } = [];

    public string Host => new Uri(PublicUrl).Authority;
}

/// <summary>The URLs of local objects (PeerTube's layout), built in this one place.</summary>
public static class LocalUrls
{
    /// <summary>The server actor's name, as PeerTube's: <c>/accounts/peertube</c> (Application), which signs fetches and instance follows.</summary>
    public const string ServerActorName = "peertube";

    public static string Account(string baseUrl, string name) => $"{baseUrl}/accounts/{Uri.EscapeDataString(name)}";
    public static string Channel(string baseUrl, string name) => $"{baseUrl}/video-channels/{Uri.EscapeDataString(name)}";
    public static string Video(string baseUrl, string uuid) => $"{baseUrl}/videos/watch/{uuid}";
    public static string Playlist(string baseUrl, string uuid) => $"{baseUrl}/video-playlists/{uuid}";
    /// <summary>PeerTube's URL of a local comment: on this instance, even under a remote video.</summary>
    public static string Comment(string baseUrl, string videoUuid, long id) => $"{Video(baseUrl, videoUuid)}/comments/{id.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
    public static string PlaylistElement(string baseUrl, string uuid, long elementId) => $"{baseUrl}/video-playlists/{uuid}/videos/{elementId}";
    public static string SharedInbox(string baseUrl) => $"{baseUrl}/inbox";
}
