using System.Security.Cryptography;
using System.Text;

namespace VideoPlatform.Api.Adapters;

/// <summary>
/// The swarm id of each HLS variant, as PeerTube computes its <c>p2pMediaLoaderInfohashes</c>:
/// SHA-1 of <c>"2" + masterPlaylistUrl + "+V" + variantIndex</c> (peer protocol version 2, variants in master order).
/// The player announces these 20 bytes to our tracker; the tracker serves only ids listed here.
/// </summary>
public static class HlsSwarmIds
{
    public const string PeerProtocolVersion = "2";

#pragma warning disable CA5350 // SHA-1 is what the swarm id protocol specifies, not a security choice.
    public static string ForVariant(string masterPlaylistUrl, int variantIndex) =>
        Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes($"{PeerProtocolVersion}{masterPlaylistUrl}+V{variantIndex}")));
#pragma warning restore CA5350

    /// <summary>Variant URIs in the order the master playlist lists them.</summary>
    public static IReadOnlyList<string> VariantUris(string masterPlaylist) =>
        masterPlaylist.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(line => !line.StartsWith('#'))
            .ToList();
}
