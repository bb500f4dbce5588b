using System.Globalization;

namespace VideoPlatform.Core.Domain;

/// <summary>Host names as PeerTube writes them in follows, blocklists and embed domains.</summary>
public static class HostNames
{
    /// <summary>A DNS name or IPv4 address with an optional port (no scheme, no path), as PeerTube writes hosts.</summary>
    public static bool IsHostAndPort(string value)
    {
        var colon = value.LastIndexOf(':');
        var host = colon < 0 ? value : value[..colon];
        if (colon >= 0 && (!int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535))
        {
            return false;
        }
        return host.Length is > 0 and <= 253 && Uri.CheckHostName(host) is UriHostNameType.Dns or UriHostNameType.IPv4;
    }
}
