namespace VideoPlatform.Transcoder.Planning;

/// <summary>
/// Theoretical bitrates per pixel and frame, with PeerTube's bits-per-pixel tables
/// (packages/core-utils/src/videos/bitrate.ts), so that our renditions weigh what PeerTube's do.
/// </summary>
internal static class Bitrates
{
    // Resolution thresholds from the largest down: the first one not above the rendition's resolution gives the factor.
    private static readonly int[] Thresholds = [2160, 1440, 1080, 720, 480, 360, 240, 144, 0];
    private static readonly double[] MinBitsPerPixel = [0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0];
    private static readonly double[] AverageBitsPerPixel = [0.08, 0.09, 0.10, 0.11, 0.12, 0.15, 0.17, 0.19, 0];
    private static readonly double[] MaxBitsPerPixel = [0.14, 0.16, 0.17, 0.19, 0.22, 0.26, 0.29, 0.32, 0];

    public static long Average(int resolution, double ratio, int fps) => Compute(AverageBitsPerPixel, resolution, ratio, fps) is > 0 and var b ? b : 192_000;

    public static long Max(int resolution, double ratio, int fps) => Compute(MaxBitsPerPixel, resolution, ratio, fps) is > 0 and var b ? b : 256_000;

    public static long Min(int resolution, double ratio, int fps) => Compute(MinBitsPerPixel, resolution, ratio, fps) is > 0 and var b ? b : 10_000;

    /// <summary>
    /// The -maxrate of a rendition: the average target, lowered to the source's bitrate plus 30 %
    /// (no point spending more bits than the source had), never under the minimum.
    /// </summary>
    public static long Target(int resolution, double ratio, int fps, long? sourceBitrate)
    {
        var target = Average(resolution, ratio, fps);
        if (sourceBitrate is > 0 and var input)
        {
            target = Math.Min(target, (long)(input * 1.3));
        }

        return Math.Max(Min(resolution, ratio, fps), target);
    }

    /// <summary>PeerTube's audio ceiling: 384 kbit/s.</summary>
    public const long MaxAudioBitrate = 384_000;

    /// <summary>
    /// AAC bitrate in kbit/s from the source's audio, as PeerTube's getMaxAudioKBitrate: the source's own rate
    /// capped at 384k; 256k when unknown (384k for FLAC, whose uploader wants quality).
    /// </summary>
    public static int AudioKbps(string codec, long? sourceBitrate)
    {
        const int max = (int)(MaxAudioBitrate / 1000);
        if (sourceBitrate is not > 0)
        {
            return string.Equals(codec, "flac", StringComparison.Ordinal) ? max : 256;
        }

        return (int)Math.Min(max, Math.Round(sourceBitrate.Value / 1000.0, MidpointRounding.AwayFromZero));
    }

    /// <summary>Width / height rounded to 4 decimals, as PeerTube's buildAspectRatio.</summary>
    public static double AspectRatio(int width, int height) => height == 0 ? 0 : Math.Round((double)width / height, 4);

    private static long Compute(double[] bitsPerPixel, int resolution, double ratio, int fps)
    {
        double side1 = resolution;
        var side2 = ratio is > 0 and < 1 ? resolution / ratio : resolution * ratio;
        for (var i = 0; i < Thresholds.Length; i++)
        {
            if (Thresholds[i] <= resolution)
            {
                return (long)Math.Floor(side1 * side2 * fps * bitsPerPixel[i]);
            }
        }

        return 0;
    }
}
