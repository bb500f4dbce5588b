using System.Globalization;
using VideoPlatform.Transcoder.Analysis;

namespace VideoPlatform.Transcoder.Planning;

/// <summary>
/// The x264 rate control of one rendition: constant rate factor under a VBV cap (<c>-maxrate</c>/<c>-bufsize</c>), and the
/// tuning for the content. Only the video encoder's rate-control arguments live here; streams, audio and files are
/// <see cref="FfmpegArguments.Ladder"/>'s.
/// </summary>
public sealed record RateControl(int Crf, string? Tune, string? X264Params, long MaxRate, long BufferSize)
{
    /// <summary>Screen content's VBV cap, as a fraction of PeerTube's bitrate table.</summary>
    public const double ScreenMaxRateShare = 0.5;

    /// <summary>
    /// Screen content: x264's <c>stillimage</c> tuning (less deblocking, which blurs sharp text), keyframes at the same quantizer
    /// as the frames between them (<c>ipratio=1</c>: on slides the 2-second keyframes are most of the bytes, and the frames between
    /// them only repeat them), CRF raised by <see cref="ScreenCrfRaise"/>, the cap lowered to <see cref="ScreenMaxRateShare"/> of
    /// the table. Normal and motion: the configured CRF (23) with the table as cap, as PeerTube.
    /// </summary>
    public static RateControl For(RenditionPlan rendition, ContentKind content, int crf)
    {
        if (content == ContentKind.Screen)
        {
            var cap = Math.Max(1, (long)(rendition.MaxBitrate * ScreenMaxRateShare));
            return new RateControl(Math.Min(51, crf + ScreenCrfRaise(rendition.Resolution)), "stillimage", "ipratio=1", cap, cap * 2);
        }

        return new RateControl(crf, null, null, rendition.MaxBitrate, rendition.BufferSize);
    }

    /// <summary>
    /// How far CRF rises on screen content, by rendition: small renditions have less SSIM headroom (each pixel covers more of a
    /// letter). Chosen from SSIM against the source scaled to the rendition, on bench/ladder.sh's slide lesson (CRF 23 → raised,
    /// PeerTube's settings vs these): 720p 0.99974 → 0.99810 at 0.55× the bytes, 360p 0.99950 → 0.99710 at 0.64×, 240p 0.99889
    /// → 0.99495 (CRF 31) at 0.68×; the aim is at most 0.005 below PeerTube's SSIM on every rendition.
    /// </summary>
    public static int ScreenCrfRaise(int resolution) => resolution switch
    {
        >= 720 => 10,
        >= 360 => 8,
        _ => 6,
    };

    /// <summary>The libx264 arguments: <c>-crf</c>, <c>-maxrate</c>, <c>-bufsize</c> and, when set, <c>-tune</c> and <c>-x264-params</c>.</summary>
    public IReadOnlyList<string> Arguments =>
    [
        .. Tune is null ? Array.Empty<string>() : ["-tune", Tune],
        .. X264Params is null ? Array.Empty<string>() : ["-x264-params", X264Params],
        "-crf", Str(Crf), "-maxrate", Str(MaxRate), "-bufsize", Str(BufferSize),
    ];

    private static string Str(long value) => value.ToString(CultureInfo.InvariantCulture);
}
