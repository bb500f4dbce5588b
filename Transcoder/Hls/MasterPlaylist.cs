using System.Globalization;
using System.Text;

namespace VideoPlatform.Transcoder.Hls;

/// <summary>
/// One #EXT-X-STREAM-INF entry. Width/Height/Fps are 0 for the audio-only rendition. <see cref="AudioGroup"/> names the
/// #EXT-X-MEDIA audio rendition played with this video-only variant (its bandwidth and codecs include that audio).
/// </summary>
public sealed record VariantStream(string Uri, long Bandwidth, long AverageBandwidth, int Width, int Height, double Fps, string Codecs, string? AudioGroup = null);

/// <summary>The audio rendition the video variants share (#EXT-X-MEDIA TYPE=AUDIO), as PeerTube's separated audio.</summary>
public sealed record AudioMedia(string Uri, string GroupId = MasterPlaylist.AudioGroupId, string Name = "Audio");

/// <summary>
/// Writes the master playlist, shaped as PeerTube's (version 3, the audio #EXT-X-MEDIA first when the audio is separate, one
/// STREAM-INF per video rendition, LF line ends).
/// </summary>
public static class MasterPlaylist
{
    /// <summary>PeerTube's GROUP-ID of the separated audio.</summary>
    public const string AudioGroupId = "audio";

    public static string Write(IEnumerable<VariantStream> variants, AudioMedia? audio = null)
    {
        var sb = new StringBuilder();
        sb.Append("#EXTM3U\n#EXT-X-VERSION:3\n");
        if (audio is not null)
        {
            sb.Append("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"").Append(audio.GroupId).Append("\",NAME=\"").Append(audio.Name)
              .Append("\",AUTOSELECT=YES,DEFAULT=YES,URI=\"").Append(audio.Uri).Append("\"\n");
        }

        foreach (var v in variants)
        {
            sb.Append("#EXT-X-STREAM-INF:BANDWIDTH=").Append(v.Bandwidth.ToString(CultureInfo.InvariantCulture))
              .Append(",AVERAGE-BANDWIDTH=").Append(v.AverageBandwidth.ToString(CultureInfo.InvariantCulture));
            if (v.Width > 0 && v.Height > 0)
            {
                sb.Append(",RESOLUTION=").Append(v.Width.ToString(CultureInfo.InvariantCulture))
                  .Append('x').Append(v.Height.ToString(CultureInfo.InvariantCulture));
            }

            if (v.Fps > 0)
            {
                sb.Append(",FRAME-RATE=").Append(v.Fps.ToString("0.###", CultureInfo.InvariantCulture));
            }

            sb.Append(",CODECS=\"").Append(v.Codecs).Append('"');
            if (v.AudioGroup is not null)
            {
                sb.Append(",AUDIO=\"").Append(v.AudioGroup).Append('"');
            }

            sb.Append('\n');
            sb.Append(v.Uri).Append('\n');
        }

        return sb.ToString();
    }
}

/// <summary>RFC 6381 codec strings for the CODECS attribute.</summary>
public static class CodecStrings
{
    /// <summary>AAC-LC, what ffmpeg's native aac encoder produces.</summary>
    public const string AacLc = "mp4a.40.2";

    /// <summary>mp4a.40.N from ffprobe's AAC profile name: HE-AAC (SBR) is object type 5, HE-AACv2 (PS) 29, anything else LC.</summary>
    public static string Aac(string? profile) => profile switch
    {
        "HE-AAC" => "mp4a.40.5",
        "HE-AACv2" => "mp4a.40.29",
        _ => AacLc,
    };

    /// <summary>avc1.PPCCLL from ffprobe's H.264 profile name and level (e.g. "High", 31 → avc1.64001f).</summary>
    public static string Avc(string? profile, int level)
    {
        var (profileIdc, constraints) = profile switch
        {
            "Constrained Baseline" => (0x42, 0xE0),
            "Baseline" => (0x42, 0x00),
            "Main" => (0x4D, 0x40),
            "Extended" => (0x58, 0x00),
            "High 10" => (0x6E, 0x00),
            "High 4:2:2" => (0x7A, 0x00),
            "High 4:4:4 Predictive" => (0xF4, 0x00),
            _ => (0x64, 0x00),
        };
        return string.Create(CultureInfo.InvariantCulture, $"avc1.{profileIdc:x2}{constraints:x2}{level:x2}");
    }
}
