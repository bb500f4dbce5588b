namespace VideoPlatform.Transcoder.Jobs;

/// <summary>Settings of the <c>Transcoder</c> section.</summary>
public sealed class TranscoderOptions
{
    public const string Section = "Transcoder";

    /// <summary>Transcodes one process runs at once; each ffmpeg run uses <see cref="Threads"/> threads per encoder.</summary>
    public int Concurrency { get; set; } = 1;

    public int Threads { get; set; } = 2;

    /// <summary>libx264 preset.</summary>
    public string Preset { get; set; } = "veryfast";

    /// <summary>Set from <c>Transcoding:WebVideos</c> (default on): faststart MP4 renditions beside HLS, from the same ffmpeg run.</summary>
    public bool WebVideos { get; set; } = true;

    /// <summary>How long a claimed transcode stays ours without a heartbeat: after a worker dies, another takes the job after this.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>First retry delay of a failed transcode (doubling per attempt).</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(30);
}
