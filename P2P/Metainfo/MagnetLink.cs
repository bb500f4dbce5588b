using System.Text;

namespace VideoPlatform.P2P.Metainfo;

/// <summary>magnet:?xt=urn:btih:HEX&amp;dn=…&amp;tr=…&amp;ws=…&amp;xs=… with every value percent-encoded (RFC 3986 unreserved kept).</summary>
public static class MagnetLink
{
    public static string Build(InfoHash infoHash, string? displayName, IEnumerable<string> trackers, IEnumerable<string> webSeeds, string? torrentUrl)
    {
        var sb = new StringBuilder("magnet:?xt=urn:btih:").Append(infoHash.ToHex());
        if (!string.IsNullOrEmpty(displayName))
        {
            sb.Append("&dn=").Append(Uri.EscapeDataString(displayName));
        }

        // HTTP trackers first, as in the torrents' announce list: a desktop client tries them in order and cannot use
        // a WebSocket tracker; WebTorrent picks the ws:// ones wherever they are.
        foreach (var tracker in trackers.OrderBy(t => t.StartsWith("ws", StringComparison.OrdinalIgnoreCase) ? 1 : 0))
        {
            sb.Append("&tr=").Append(Uri.EscapeDataString(tracker));
        }

        foreach (var seed in webSeeds)
        {
            sb.Append("&ws=").Append(Uri.EscapeDataString(seed));
        }

        if (!string.IsNullOrEmpty(torrentUrl))
        {
            sb.Append("&xs=").Append(Uri.EscapeDataString(torrentUrl));
        }

        return sb.ToString();
    }
}
