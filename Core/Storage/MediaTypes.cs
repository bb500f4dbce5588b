namespace VideoPlatform.Core.Storage;

/// <summary>The media type of a media file by its extension: what the instance answers, and what objects are stored with.</summary>
public static class MediaTypes
{
    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".m3u8"] = "application/vnd.apple.mpegurl",
        [".mp4"] = "video/mp4",
        [".m4s"] = "video/iso.segment",
        [".json"] = "application/json",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".png"] = "image/png",
        [".webp"] = "image/webp",
        [".torrent"] = "application/x-bittorrent",
    };

    public static string Of(string fileName) => ByExtension.GetValueOrDefault(Path.GetExtension(fileName), "application/octet-stream");
}
