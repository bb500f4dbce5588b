namespace VideoPlatform.Core.Domain;

public sealed class UploadOptions
{
    public const string Section = "Uploads";

    /// <summary>Largest file accepted, checked before any byte is stored.</summary>
    public long MaxFileSize { get; set; } = 8L * 1024 * 1024 * 1024;

    /// <summary>An unfinished resumable upload untouched this long is removed with its bytes.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(24);

    public string[] AllowedExtensions { get; set; } =
        [".mp4", ".mov", ".m4v", ".mkv", ".webm", ".ogv", ".avi", ".mpeg", ".mpg", ".3gp", ".flv", ".wmv", ".ts", ".mts", ".m2ts", ".mp3", ".m4a", ".ogg", ".wav", ".flac", ".aac", ".opus"];
}
