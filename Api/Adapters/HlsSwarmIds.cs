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

    public const string PeerTubeScheme = "peertube";
    public const string LoaderScheme = "p2p-media-loader-2";

    /// <summary>
    /// The id p2p-media-loader 2.x (our web player, with the video's uuid as swarm id) announces for a main stream:
    /// the first 15 bytes of SHA-1 of <c>"v2-{uuid}-main-{index}"</c> in base64, i.e. 20 ASCII characters sent as bytes.
    /// </summary>
#pragma warning disable CA5350 // SHA-1 is what the swarm id protocol specifies, not a security choice.
    public static string ForLoaderStream(string videoUuid, int streamIndex) =>
        Convert.ToHexStringLower(Encoding.ASCII.GetBytes(Convert.ToBase64String(
            SHA1.HashData(Encoding.UTF8.GetBytes($"v2-{videoUuid}-main-{streamIndex}")).AsSpan(0, 15))));
#pragma warning restore CA5350

    /// <summary>Variant URIs in the order the master playlist lists them.</summary>
    public static IReadOnlyList<string> VariantUris(string masterPlaylist) =>
        masterPlaylist.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(line => !line.StartsWith('#'))
            .ToList();
}
