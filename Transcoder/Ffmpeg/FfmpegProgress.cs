using System.Globalization;

namespace VideoPlatform.Transcoder.Ffmpeg;

/// <summary>Reads ffmpeg's "-progress" key=value lines and turns them into a fraction of the expected duration.</summary>
internal static class FfmpegProgress
{
    /// <summary>The fraction done after this line, or null when the line says nothing about it.</summary>
    public static double? Parse(string line, TimeSpan expectedDuration)
    {
        if (line.StartsWith("progress=end", StringComparison.Ordinal))
        {
            return 1.0;
        }

        // out_time_us is N/A until the first frame leaves the muxer.
        if (line.StartsWith("out_time_us=", StringComparison.Ordinal)
            && long.TryParse(line.AsSpan("out_time_us=".Length), NumberStyles.Integer, CultureInfo.InvariantCulture, out var micros)
            && expectedDuration > TimeSpan.Zero)
        {
            var fraction = micros / (expectedDuration.TotalMilliseconds * 1000.0);
            return Math.Clamp(fraction, 0.0, 1.0);
        }

        return null;
    }
}
