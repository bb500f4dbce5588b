namespace VideoPlatform.Transcoder.Probing;

/// <summary>What ffprobe told us about an uploaded file, in our own terms.</summary>
public sealed record SourceMedia(
    string FormatName,
    long SizeBytes,
    TimeSpan Duration,
    long? BitRate,
    SourceVideo? Video,
    SourceAudio? Audio)
{
    public bool HasVideo => Video is not null;

    public bool HasAudio => Audio is not null;
}

public sealed record SourceVideo(
    string Codec,
    int Width,
    int Height,
    int Rotation,
    double AverageFps,
    double RealFps,
    string? PixelFormat,
    int BitDepth,
    long? BitRate,
    long? FrameCount)
{
    /// <summary>True when the display matrix turns the picture by a quarter turn: width and height swap on screen.</summary>
    public bool IsQuarterTurn => Math.Abs(Rotation % 180) == 90;

    public int DisplayWidth => IsQuarterTurn ? Height : Width;

    public int DisplayHeight => IsQuarterTurn ? Width : Height;

    public bool IsPortrait => DisplayHeight > DisplayWidth;

    /// <summary>The frame rate PeerTube would use: avg_frame_rate, else r_frame_rate, rounded.</summary>
    public int Fps => AverageFps > 0 ? (int)Math.Round(AverageFps) : (int)Math.Round(RealFps);

    /// <summary>
    /// avg_frame_rate far from r_frame_rate means timestamps are irregular (phones, screen recorders):
    /// the encoder must be fed a constant rate.
    /// </summary>
    public bool IsVariableFrameRate =>
        AverageFps > 0 && RealFps > 0 && Math.Abs(AverageFps - RealFps) / RealFps > 0.02;
}

public sealed record SourceAudio(string Codec, long? BitRate, int Channels, int SampleRate);
