using VideoPlatform.Transcoder.Analysis;
using VideoPlatform.Transcoder.Probing;

namespace VideoPlatform.Transcoder;

/// <summary>
/// One published rendition: {id}-{resolution}.m3u8 over {id}-{resolution}-fragmented.mp4, and its web video
/// {id}-{resolution}.mp4 when web videos are on (<see cref="WebVideoName"/> null otherwise). Resolution 0 is the audio: the
/// separate audio rendition of a video (no web video), or the only rendition of an audio file. <see cref="HasAudio"/> says
/// whether the HLS file carries audio (a video rung's does not when the audio is separate; its web video does).
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

/// <summary>
/// Everything a transcode published, all inside <see cref="Directory"/>, all named with the fresh <see cref="Id"/>; and
/// <see cref="Report"/>, what it decided and measured (content, rate control, size and SSIM per rendition) for the job's details.
/// </summary>
public sealed record TranscodeResult(
    string Id,
    string Directory,
    TimeSpan Duration,
    IReadOnlyList<RenditionResult> Renditions,
    string MasterPlaylistName,
    string SegmentsSha256Name,
    string ThumbnailName,
    string PreviewName,
    SourceMedia Source,
    TranscodeReport? Report = null)
{
    /// <summary>What publication needs of this transcode, and what a remote runner sends back with the files.</summary>
    public TranscodeOutput Output => new(Id, Duration.TotalSeconds, Renditions, MasterPlaylistName, SegmentsSha256Name, ThumbnailName, PreviewName);
}

/// <summary>
/// One transcode's files, by name (all in one folder, all named with the fresh <see cref="Id"/>): what publication needs, and
/// the manifest a remote runner sends with its upload (<see cref="Check"/> is what the instance accepts of it).
/// </summary>
public sealed record TranscodeOutput(
    string Id,
    double DurationSeconds,
    IReadOnlyList<RenditionResult> Renditions,
    string MasterPlaylistName,
    string SegmentsSha256Name,
    string ThumbnailName,
    string PreviewName)
{
    /// <summary>True when the audio is its own rendition (resolution 0) next to video renditions that carry none.</summary>
    public bool HasSeparateAudio => Renditions.Any(r => r.Resolution == 0) && Renditions.Any(r => r.Resolution > 0);

    /// <summary>Every file of the transcode: master, hashes, images, and per rendition its playlist, fragmented MP4 and web video.</summary>
    public IReadOnlyList<string> FileNames =>
    [
        MasterPlaylistName, SegmentsSha256Name, ThumbnailName, PreviewName,
        .. Renditions.SelectMany(r => r.WebVideoName is null
            ? new[] { r.PlaylistName, r.FragmentedName }
            : new[] { r.PlaylistName, r.FragmentedName, r.WebVideoName }),
    ];

    /// <summary>
    /// Null when the manifest is acceptable, else why not: a GUID id, at least one rendition, every file named
    /// <c>{id}-…</c> with only letters, digits, '-', '_' and '.', no name twice, sizes and resolutions in range.
    /// </summary>
    public string? Check()
    {
        if (!Guid.TryParseExact(Id ?? "", "D", out _))
        {
            return "id must be a UUID.";
        }
        if (Renditions is null || Renditions.Count == 0 || Renditions.Count > 16)
        {
            return "renditions must list 1 to 16 renditions.";
        }
        if (!double.IsFinite(DurationSeconds) || DurationSeconds < 0 || DurationSeconds > 7 * 24 * 3600)
        {
            return "durationSeconds is out of range.";
        }
        foreach (var r in Renditions)
        {
            if (r is null || r.Resolution < 0 || r.Resolution > 8640 || r.Width < 0 || r.Height < 0 || r.Fps < 0 || r.Fps > 240
                || r.SizeBytes <= 0 || r.WebVideoSizeBytes < 0 || r.AverageBitrate < 0 || r.PeakBitrate < 0 || string.IsNullOrEmpty(r.Codecs))
            {
                return "a rendition has a missing or out-of-range field.";
            }
        }
        var names = FileNames;
        foreach (var name in names)
        {
            if (string.IsNullOrEmpty(name) || name.Length > 200 || !name.StartsWith(Id + "-", StringComparison.Ordinal)
                || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) || name.Contains("..", StringComparison.Ordinal))
            {
                return $"file name '{name}' is not one of this transcode's names ({Id}-…).";
            }
        }
        return names.Distinct(StringComparer.Ordinal).Count() == names.Count ? null : "a file name appears twice.";
    }
}

/// <summary>The upload cannot be transcoded; <see cref="Validation"/> says why, in words for the uploader.</summary>
public sealed class UploadRejectedException(ValidationResult validation) : Exception(validation.Message)
{
    public ValidationResult Validation { get; } = validation;
}
