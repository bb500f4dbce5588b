using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace VideoPlatform.Core.Storage;

/// <summary>
/// The media store: where media lives, laid out as PeerTube's URLs are (a URL maps to one path and back), and every
/// write, move, read and delete of a media file. Every folder name here is created at start; nothing else in the code
/// builds storage paths by hand or touches them with <see cref="File"/> or <see cref="Directory"/>.
/// <para>
/// This is the seam for a second backend (S3-compatible object storage): an address is a path under <see cref="Root"/>,
/// and its path relative to the root is the object key; callers only pass addresses they got from here. Members that
/// hand out a local path for a program to use directly are few and marked "local": the work folder and the original
/// that ffmpeg reads and writes, upload staging, and files served or seeded from local disk.
/// </para>
/// </summary>
public sealed partial class MediaStore
{
    private readonly ILogger<MediaStore> _logger;

    public MediaStore(IOptions<StorageOptions> options, ILogger<MediaStore> logger)
    {
        _logger = logger;
        Root = Path.GetFullPath(options.Value.Root);
        foreach (var dir in new[] { HlsRoot, PrivateHlsRoot, TorrentsRoot, ThumbnailsRoot, PreviewsRoot, UploadsRoot, OriginalsRoot, TempRoot, KeysRoot })
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

    /// <summary>Secrets every process of the instance shares (e.g. the video file token key).</summary>
    public string KeysRoot => Path.Combine(Root, "keys");

    /// <summary>
    /// Private, internal and password videos keep their HLS files in the private tree (PeerTube's layout), served only
    /// to those allowed; public and unlisted ones in the public tree (<see cref="Domain.VideoAccess.IsShared"/>).
    /// </summary>
    public static bool IsPrivateMedia(Domain.VideoPrivacy privacy) => !Domain.VideoAccess.IsShared(privacy);

    public string HlsFolder(string videoUuid, bool isPrivate) =>
        Path.Combine(isPrivate ? PrivateHlsRoot : HlsRoot, SafeName(videoUuid));

    /// <summary>
    /// Where a local file row lives: the source in the originals folder, HLS and web-video renditions together in the
    /// video's HLS folder (one transcode's output, moved as one on publication and on a privacy change).
    /// </summary>
    public string VideoFilePath(string videoUuid, bool isPrivate, string kind, string fileName) =>
        kind == Domain.VideoFileKinds.Source
            ? Path.Combine(OriginalsRoot, SafeName(fileName))
            : Path.Combine(HlsFolder(videoUuid, isPrivate), SafeName(fileName));

    public string UploadPath(string uploadId) => Path.Combine(UploadsRoot, SafeName(uploadId));

    /// <summary>The source file of a local video (local: ffmpeg reads it); the extension is kept so that probing can tell a misnamed file.</summary>
    public string OriginalPath(string videoUuid, string extension) =>
        Path.Combine(OriginalsRoot, SafeName(videoUuid + extension));

    /// <summary>The original of a video whatever its extension, or null.</summary>
    public string? FindOriginal(string videoUuid) =>
        Directory.EnumerateFiles(OriginalsRoot, SafeName(videoUuid) + ".*").FirstOrDefault()
        ?? (File.Exists(Path.Combine(OriginalsRoot, videoUuid)) ? Path.Combine(OriginalsRoot, videoUuid) : null);

    public string TorrentPath(string name) => Path.Combine(TorrentsRoot, SafeName(name));
    public string KeyPath(string name) => Path.Combine(KeysRoot, SafeName(name));
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

    /// <summary>Local: an empty work folder under <see cref="TempRoot"/> for a job's outputs (what a dead attempt left there is removed).</summary>
    public string CreateWorkFolder(string name)
    {
        var folder = Path.Combine(TempRoot, SafeName(name));
        Delete(folder);
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>
    /// Writes a whole file atomically, replacing any: the bytes go to a temporary file beside it (same file system),
    /// renamed over the target, so a reader sees the old file or the new one, never half of one.
    /// </summary>
    public async Task WriteAsync(string path, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        var temp = TempBeside(path);
        try
        {
            await File.WriteAllBytesAsync(temp, content, ct);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// Reads a file, first creating it with <paramref name="create"/>'s bytes when it does not exist. The creation is
    /// atomic and never replaces: when two processes start together, both read the one that won.
    /// </summary>
    public byte[] ReadOrCreate(string path, Func<byte[]> create)
    {
        if (!File.Exists(path))
        {
            var temp = TempBeside(path);
            try
            {
                File.WriteAllBytes(temp, create());
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first: theirs is the one.
            }
            finally
            {
                File.Delete(temp);
            }
        }
        return File.ReadAllBytes(path);
    }

    /// <summary>Moves a finished local file (a work folder's output, a completed upload) into the store, replacing any.</summary>
    public void PublishFile(string localFile, string path) => File.Move(localFile, path, overwrite: true);

    /// <summary>
    /// Moves every file of a finished local work folder into <paramref name="folder"/>, in one rename when the folder
    /// does not exist yet; otherwise file by file, replacing same names and leaving the others (files of an older
    /// transcode stay served until the database points to the new ones). Returns the names published.
    /// </summary>
    public IReadOnlySet<string> PublishFolder(string workFolder, string folder)
    {
        var names = ListFiles(workFolder).ToHashSet(StringComparer.Ordinal);
        if (!Directory.Exists(folder))
        {
            Directory.Move(workFolder, folder);
        }
        else
        {
            foreach (var name in names)
            {
                File.Move(Path.Combine(workFolder, name), Path.Combine(folder, name), overwrite: true);
            }
        }
        return names;
    }

    /// <summary>Moves a whole folder (a video's HLS files between the public and the private tree) unless the target exists; false when nothing moved.</summary>
    public bool MoveFolder(string from, string to)
    {
        if (!Directory.Exists(from) || Directory.Exists(to))
        {
            return false;
        }
        Directory.Move(from, to);
        return true;
    }

    /// <summary>
    /// Moves a video's HLS files into the public or the private tree (a privacy change): one rename of the folder
    /// (<see cref="MoveFolder"/>), or file by file when the target folder already exists. False when there was nothing to move.
    /// </summary>
    public bool MoveHls(string videoUuid, bool toPrivate)
    {
        var from = HlsFolder(videoUuid, !toPrivate);
        var to = HlsFolder(videoUuid, toPrivate);
        if (MoveFolder(from, to))
        {
            return true;
        }
        if (!Directory.Exists(from))
        {
            return false;
        }
        foreach (var name in ListFiles(from))
        {
            File.Move(Path.Combine(from, name), Path.Combine(to, name), overwrite: true);
        }
        Delete(from);
        return true;
    }

    /// <summary>Copies a file of the store under another address, atomically as <see cref="WriteAsync"/> (a re-key's new names).</summary>
    public async Task CopyAsync(string from, string to, CancellationToken ct)
    {
        var temp = TempBeside(to);
        try
        {
            await using (var source = OpenRead(from))
            await using (var target = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true))
            {
                await source.CopyToAsync(target, ct);
            }
            File.Move(temp, to, overwrite: true);
        }
        catch
        {
            Delete(temp);
            throw;
        }
    }

    /// <summary>Names of the files in a folder; none when it does not exist.</summary>
    public IReadOnlyList<string> ListFiles(string folder) =>
        Directory.Exists(folder) ? Directory.EnumerateFiles(folder).Select(Path.GetFileName).OfType<string>().ToList() : [];

    public bool Exists(string path) => File.Exists(path);

    /// <summary>The length of a file in bytes.</summary>
    public long Length(string path) => new FileInfo(path).Length;

    public Task<byte[]> ReadAllBytesAsync(string path, CancellationToken ct) => File.ReadAllBytesAsync(path, ct);

    public Task<string> ReadAllTextAsync(string path, CancellationToken ct) => File.ReadAllTextAsync(path, ct);

    /// <summary>A stream over a file for sequential and random reads (hashing, seeding).</summary>
    public Stream OpenRead(string path) => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);

    private static string TempBeside(string path) => $"{path}.{Guid.NewGuid():N}.tmp";

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
