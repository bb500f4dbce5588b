namespace VideoPlatform.Core.Domain;

/// <summary>The public paths of local media (DESIGN.md "Media URLs"), built in this one place.</summary>
public static class MediaUrls
{
    public const string HlsPrefix = "/static/streaming-playlists/hls";
    public const string PrivateHlsPrefix = "/static/streaming-playlists/hls/private";
    public const string WebVideosPrefix = "/static/web-videos";
    public const string PrivateWebVideosPrefix = "/static/web-videos/private";
    public const string TorrentsPrefix = "/lazy-static/torrents";
    public const string ThumbnailsPrefix = "/lazy-static/thumbnails";
    public const string PreviewsPrefix = "/lazy-static/previews";
    public const string CaptionsPrefix = "/lazy-static/video-captions";

    public static string HlsFile(string videoUuid, string fileName, bool isPrivate) =>
        $"{(isPrivate ? PrivateHlsPrefix : HlsPrefix)}/{videoUuid}/{fileName}";

    /// <summary>A web video (or the source listed as one) by its file name, as PeerTube serves them.</summary>
    public static string WebVideo(string fileName, bool isPrivate) => $"{(isPrivate ? PrivateWebVideosPrefix : WebVideosPrefix)}/{fileName}";

    public static string WebVideoDownload(string fileName) => $"/download/web-videos/{fileName}";

    public static string FileMetadata(string videoUuid, long fileId) => $"/api/v1/videos/{videoUuid}/metadata/{fileId}";

    public static string Torrent(string name) => $"{TorrentsPrefix}/{name}";
    public static string TorrentDownload(string name) => $"/download/torrents/{name}";
    public static string Thumbnail(string name) => $"{ThumbnailsPrefix}/{name}";
    public static string Preview(string name) => $"{PreviewsPrefix}/{name}";
    /// <summary>A caption's WebVTT, named <c>{random uuid}-{language}.vtt</c> as PeerTube names them (a new name per upload).</summary>
    public static string Caption(string fileName) => $"{CaptionsPrefix}/{fileName}";
    public static string Embed(string uuid) => $"/videos/embed/{uuid}";
}
