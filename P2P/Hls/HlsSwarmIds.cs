using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace VideoPlatform.P2P.Hls;

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
    /// The id p2p-media-loader 2.3 (our web player, given the video's uuid as swarm id) announces for one main stream.
    /// The loader names a stream after what hls.js reads of its #EXT-X-STREAM-INF line (generateStreamShortId):
    /// <c>base64(sha1("{BANDWIDTH}-{video codec}-{width}-{height}----{frame rate}-"))</c>; the stream's swarm is
    /// <c>"v2-{uuid}-main-{that}"</c> and the tracker sees the first 15 bytes of its SHA-1 in base64: 20 ASCII characters.
    /// </summary>
    public static string ForLoaderStream(string videoUuid, MasterVariant variant) => ForLoader(videoUuid, "main", LoaderStreamKey(variant));

    /// <summary>
    /// The id p2p-media-loader 2.3 announces for an alternate audio rendition (#EXT-X-MEDIA TYPE=AUDIO, a "secondary"
    /// stream): the same scheme over <c>"0-{audio codecs}---{language}-{channels}-{name}--"</c>, where the audio codecs are
    /// those hls.js gives the track, the non-video codecs of the first variant of its group.
    /// </summary>
    public static string ForLoaderAudio(string videoUuid, AudioRendition audio) => ForLoader(videoUuid, "secondary", LoaderAudioKey(audio));

#pragma warning disable CA5350 // SHA-1 is what the swarm id protocol specifies, not a security choice.
    private static string ForLoader(string videoUuid, string streamType, string streamKey)
    {
        var shortId = Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes(streamKey)));
        return Convert.ToHexStringLower(Encoding.ASCII.GetBytes(Convert.ToBase64String(
            SHA1.HashData(Encoding.UTF8.GetBytes($"v2-{videoUuid}-{streamType}-{shortId}")).AsSpan(0, 15))));
    }
#pragma warning restore CA5350

    /// <summary>The loader's key of an audio track: no bitrate, its codecs, no size, language (2 letters), channels, name (lower case).</summary>
    internal static string LoaderAudioKey(AudioRendition audio)
    {
        var codecs = string.Join(',', audio.Codecs.Select(c => c.ToLowerInvariant()).Order(StringComparer.Ordinal));
        var language = audio.Language is { Length: > 0 } l && l != "und" ? l[..Math.Min(2, l.Length)].ToLowerInvariant() : "";
        var channels = audio.Channels?.Split('/')[0] ?? "";
        return $"0-{codecs}---{language}-{channels}-{audio.Name.Trim().ToLowerInvariant()}--";
    }

    /// <summary>The loader's stream key: bitrate, normalised video codecs, size, then language/channels/name (empty for main streams), frame rate, video range.</summary>
    internal static string LoaderStreamKey(MasterVariant variant)
    {
        var a = variant.Attributes;
        var bandwidth = a.GetValueOrDefault("BANDWIDTH") ?? a.GetValueOrDefault("AVERAGE-BANDWIDTH") ?? "0";
        var hasMetadata = bandwidth != "0";
        // hls.js keeps the video codecs of CODECS as its level's videoCodec; the loader lower-cases and sorts them.
        var codecs = hasMetadata
            ? string.Join(',', (a.GetValueOrDefault("CODECS") ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Where(IsVideoCodec).Select(c => c.ToLowerInvariant()).Order(StringComparer.Ordinal))
            : "";
        var (width, height) = ("", "");
        if (hasMetadata && a.GetValueOrDefault("RESOLUTION")?.Split('x') is [var w, var h])
        {
            (width, height) = (w, h);
        }
        var frameRate = hasMetadata && double.TryParse(a.GetValueOrDefault("FRAME-RATE"), NumberStyles.Float, CultureInfo.InvariantCulture, out var fps) && fps != 0
            ? fps.ToString("R", CultureInfo.InvariantCulture)
            : "";
        var range = hasMetadata ? a.GetValueOrDefault("VIDEO-RANGE")?.Trim().ToUpperInvariant() ?? "" : "";
        return $"{bandwidth}-{codecs}-{width}-{height}----{frameRate}-{range}";
    }

    private static bool IsVideoCodec(string codec) =>
        codec.StartsWith("avc", StringComparison.OrdinalIgnoreCase) || codec.StartsWith("hvc", StringComparison.OrdinalIgnoreCase)
        || codec.StartsWith("hev", StringComparison.OrdinalIgnoreCase) || codec.StartsWith("av01", StringComparison.OrdinalIgnoreCase)
        || codec.StartsWith("vp09", StringComparison.OrdinalIgnoreCase) || codec.StartsWith("vp8", StringComparison.OrdinalIgnoreCase)
        || codec.StartsWith("vp9", StringComparison.OrdinalIgnoreCase);

    /// <summary>An #EXT-X-MEDIA TYPE=AUDIO rendition: its URI, NAME (or LANGUAGE), LANGUAGE, CHANNELS and the audio codecs of its group.</summary>
    public sealed record AudioRendition(string Uri, string Name, string? Language, string? Channels, IReadOnlyList<string> Codecs);

    /// <summary>The audio renditions of a master playlist, in order; their codecs are read from the first variant of their group.</summary>
    public static IReadOnlyList<AudioRendition> AudioRenditions(string masterPlaylist)
    {
        var variants = Variants(masterPlaylist);
        var audio = new List<AudioRendition>();
        foreach (var line in masterPlaylist.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!line.StartsWith("#EXT-X-MEDIA:", StringComparison.Ordinal))
            {
                continue;
            }
            var a = HlsAttributeList.Parse(line["#EXT-X-MEDIA:".Length..]);
            if (a.GetValueOrDefault("TYPE") != "AUDIO" || a.GetValueOrDefault("URI") is not { Length: > 0 } uri)
            {
                continue;
            }
            var group = a.GetValueOrDefault("GROUP-ID") ?? "";
            // hls.js: the group's codecs, or the first group's when none names it.
            var variant = variants.FirstOrDefault(v => v.Attributes.GetValueOrDefault("AUDIO") == group)
                ?? variants.FirstOrDefault(v => v.Attributes.ContainsKey("AUDIO"));
            var codecs = (variant?.Attributes.GetValueOrDefault("CODECS") ?? "")
                .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Where(c => !IsVideoCodec(c)).ToList();
            var language = a.GetValueOrDefault("LANGUAGE");
            audio.Add(new AudioRendition(uri, a.GetValueOrDefault("NAME") ?? language ?? "", language, a.GetValueOrDefault("CHANNELS"), codecs));
        }
        return audio;
    }

    /// <summary>One variant of a master playlist: its URI and the attributes of its #EXT-X-STREAM-INF line.</summary>
    public sealed record MasterVariant(string Uri, IReadOnlyDictionary<string, string> Attributes);

    /// <summary>Variants in the order the master playlist lists them; a malformed attribute list is a <see cref="FormatException"/>.</summary>
    public static IReadOnlyList<MasterVariant> Variants(string masterPlaylist)
    {
        var variants = new List<MasterVariant>();
        IReadOnlyDictionary<string, string> pending = new Dictionary<string, string>();
        foreach (var line in masterPlaylist.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("#EXT-X-STREAM-INF:", StringComparison.Ordinal))
            {
                pending = HlsAttributeList.Parse(line["#EXT-X-STREAM-INF:".Length..]);
            }
            else if (!line.StartsWith('#'))
            {
                variants.Add(new MasterVariant(line, pending));
                pending = new Dictionary<string, string>();
            }
        }
        return variants;
    }
}
