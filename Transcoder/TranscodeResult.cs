using VideoPlatform.Transcoder.Probing;

namespace VideoPlatform.Transcoder;

/// <summary>
/// One published rendition: {id}-{resolution}.m3u8 over {id}-{resolution}-fragmented.mp4, and its web video
/// {id}-{resolution}.mp4 when web videos are on (<see cref="WebVideoName"/> null otherwise).
/// </summary>
public sealed record RenditionResult(
    int Resolution,
    int Width,
    int Height,
    int Fps,
    long SizeBytes,
    long AverageBitrate,
    long PeakBitrate,
    string Codecs,
    string PlaylistName,
    string FragmentedName,
    string? WebVideoName = null,
    long WebVideoSizeBytes = 0,
    bool HasAudio = true);

/// <summary>Everything a transcode published, all inside <see cref="Directory"/>, all named with the fresh <see cref="Id"/>.</summary>
public sealed record TranscodeResult(
    string Id,
    string Directory,
    TimeSpan Duration,
    IReadOnlyList<RenditionResult> Renditions,
    string MasterPlaylistName,
    string SegmentsSha256Name,
    string ThumbnailName,
    string PreviewName,
    SourceMedia Source);

/// <summary>The upload cannot be transcoded; <see cref="Validation"/> says why, in words for the uploader.</summary>
public sealed class UploadRejectedException(ValidationResult validation) : Exception(validation.Message)
{
    public ValidationResult Validation { get; } = validation;
}
