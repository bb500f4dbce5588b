using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace VideoPlatform.Core.Storage;

/// <summary>
/// Where media lives on local disk, laid out as PeerTube's URLs are, so a URL maps to one path and back.
/// Every folder name here is created at start; nothing else in the code builds storage paths by hand.
/// </summary>
public sealed partial class MediaStore
{
    private readonly ILogger<MediaStore> _logger;

    public MediaStore(IOptions<StorageOptions> options, ILogger<MediaStore> logger)
    {
        _logger = logger;
        Root = Path.GetFullPath(options.Value.Root);
        foreach (var dir in new[] { HlsRoot, PrivateHlsRoot, TorrentsRoot, ThumbnailsRoot, PreviewsRoot, UploadsRoot, OriginalsRoot, TempRoot })
        {
            Directory.CreateDirectory(dir);
        }
    }

    public string Root { get; }

    public string HlsRoot => Path.Combine(Root, "streaming-playlists", "hls");
    public string PrivateHlsRoot => Path.Combine(HlsRoot, "private");
    public string TorrentsRoot => Path.Combine(Root, "torrents");
    public string ThumbnailsRoot => Path.Combine(Root, "thumbnails");
    public string PreviewsRoot => Path.Combine(Root, "previews");
    public string UploadsRoot => Path.Combine(Root, "uploads");

    /// <summary>Finished uploads, one per video, kept as the source of later transcodes (and counted by the quota).</summary>
    public string OriginalsRoot => Path.Combine(Root, "originals");

    /// <summary>Work folders of running jobs; outputs are moved from here into place in one rename.</summary>
    public string TempRoot => Path.Combine(Root, "tmp");

    /// <summary>Private and internal videos keep their HLS files in the private tree (PeerTube's layout), served only to those allowed.</summary>
    public static bool IsPrivateMedia(Domain.VideoPrivacy privacy) => privacy is Domain.VideoPrivacy.Private or Domain.VideoPrivacy.Internal;

    public string HlsFolder(string videoUuid, bool isPrivate) =>
        Path.Combine(isPrivate ? PrivateHlsRoot : HlsRoot, SafeName(videoUuid));

    public string UploadPath(string uploadId) => Path.Combine(UploadsRoot, SafeName(uploadId));

    /// <summary>The source file of a local video; the extension is kept so that probing can tell a misnamed file.</summary>
    public string OriginalPath(string videoUuid, string extension) =>
        Path.Combine(OriginalsRoot, SafeName(videoUuid + extension));

    /// <summary>The original of a video whatever its extension, or null.</summary>
    public string? FindOriginal(string videoUuid) =>
        Directory.EnumerateFiles(OriginalsRoot, SafeName(videoUuid) + ".*").FirstOrDefault()
        ?? (File.Exists(Path.Combine(OriginalsRoot, videoUuid)) ? Path.Combine(OriginalsRoot, videoUuid) : null);

    public string TorrentPath(string name) => Path.Combine(TorrentsRoot, SafeName(name));
    public string ThumbnailPath(string name) => Path.Combine(ThumbnailsRoot, SafeName(name));
    public string PreviewPath(string name) => Path.Combine(PreviewsRoot, SafeName(name));

    /// <summary>Refuses anything that could leave its folder: names come from URLs.</summary>
    public static string SafeName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal)
            || name.Contains("..", StringComparison.Ordinal) || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            throw new ArgumentException($"Invalid media file name '{name}'.", nameof(name));
        }
        return name;
    }

    /// <summary>
    /// Removes a file or a whole folder; a missing one is fine, and a failure is logged rather than thrown: cleanup must
    /// never undo the work it follows (a stray file costs disk, not correctness).
    /// </summary>
    public void Delete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
            else
            {
                File.Delete(path);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogDeleteFailed(_logger, path, ex.Message);
        }
    }

    /// <summary>Removes a video's thumbnail and preview files by name (either may be null).</summary>
    public void DeleteImages(string? thumbnailName, string? previewName)
    {
        if (thumbnailName is not null)
        {
            Delete(ThumbnailPath(thumbnailName));
        }
        if (previewName is not null)
        {
            Delete(PreviewPath(previewName));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete {Path}: {Reason}")]
    private static partial void LogDeleteFailed(ILogger logger, string path, string reason);
}
