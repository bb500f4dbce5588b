namespace VideoPlatform.Transcoder;

/// <summary>How a transcode runs. Defaults follow PeerTube where it has a rule, and our perf anchors otherwise.</summary>
public sealed record TranscodeSettings
{
    /// <summary>
    /// Resolutions made when the source is at least that tall (the smaller side for portrait videos).
    /// PeerTube ships every resolution switched off for the administrator to choose; we default to the
    /// 240p–1080p ladder our performance anchors were measured with.
    /// </summary>
    public IReadOnlySet<int> EnabledResolutions { get; init; } = new HashSet<int> { 240, 360, 480, 720, 1080 };

    /// <summary>As PeerTube's transcoding.always_transcode_original_resolution (true by default): also encode the source's own resolution.</summary>
    public bool AlwaysTranscodeOriginalResolution { get; init; } = true;

    /// <summary>PeerTube's transcoding.fps.max.</summary>
    public int MaxFps { get; init; } = 60;

    public string Preset { get; init; } = "veryfast";

    /// <summary>
    /// Also write each rendition as a faststart MP4 (PeerTube's web videos: <c>files[]</c>, the offline download), from
    /// the same encoder output as its HLS file (tee muxer), in the same single ffmpeg run.
    /// </summary>
    public bool WebVideos { get; init; } = true;

    /// <summary>Constant rate factor under the maxrate cap (libx264's own default, which PeerTube leaves in place).</summary>
    public int Crf { get; init; } = 23;

    /// <summary>ffmpeg -threads, for the decoder and for each encoder.</summary>
    public int Threads { get; init; } = 2;

    /// <summary>Keyframe interval, identical in every rendition so that players switch on aligned boundaries.</summary>
    public int KeyframeIntervalSeconds { get; init; } = 2;

    /// <summary>HLS segment length; PeerTube uses -hls_time 4.</summary>
    public int SegmentSeconds { get; init; } = 4;

    public string FfmpegPath { get; init; } = File.Exists("/usr/bin/ffmpeg") ? "/usr/bin/ffmpeg" : "ffmpeg";

    /// <summary>Folder of ffprobe for FFMpegCore; empty means PATH.</summary>
    public string FfprobeFolder { get; init; } = File.Exists("/usr/bin/ffprobe") ? "/usr/bin" : "";

    /// <summary>The whole ffmpeg run is stopped after this long.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromHours(3);

    /// <summary>After asking ffmpeg to quit (q on stdin), how long to wait before killing it.</summary>
    public TimeSpan CancelGracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>PeerTube's thumbnail (smallest configured size) and preview (largest) sizes.</summary>
    public (int Width, int Height) ThumbnailSize { get; init; } = (280, 157);

    public (int Width, int Height) PreviewSize { get; init; } = (850, 480);
}
