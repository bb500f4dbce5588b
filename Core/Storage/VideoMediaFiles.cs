using Microsoft.Extensions.Options;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Core.Storage;

/// <summary>
/// Where a local video's media files are and how they are reached, whichever the store (<see cref="FileStorage"/>): the
/// absolute URL clients, torrents (web seeds) and other academies are given, and the bytes for those who read them
/// (torrent hashing). Public media in object storage is named by its bucket or CDN URL; private and internal media
/// always by the instance's URL, which authorises the request before it streams the object.
/// </summary>
public sealed class VideoMediaFiles(IOptions<InstanceOptions> instance, MediaStore store, ObjectStore objects)
{
    private string BaseUrl => instance.Value.PublicUrl;

    /// <summary>The bucket a local file row's file goes to.</summary>
    public static ObjectKind KindOf(string fileKind) => fileKind == VideoFileKinds.WebVideo ? ObjectKind.WebVideo : ObjectKind.StreamingPlaylist;

    /// <summary>A file of the video's HLS folder (playlists, fragmented MP4s, segments-sha256.json).</summary>
    public string HlsUrl(VideoRow video, string fileName, FileStorage storage) => Url(video, ObjectKind.StreamingPlaylist, fileName, storage);

    /// <summary>The URL of a file row (an HLS rendition, a web video, the source listed as one).</summary>
    public string FileUrl(VideoRow video, VideoFileRow file) => FileUrl(video, file.Kind, file.FileName ?? "", file.Storage);

    /// <summary>The URL of a file of a given <see cref="VideoFileKinds"/> kind.</summary>
    public string FileUrl(VideoRow video, string fileKind, string fileName, FileStorage storage) =>
        Url(video, fileKind == VideoFileKinds.Hls ? ObjectKind.StreamingPlaylist : ObjectKind.WebVideo, fileName, storage);

    private string Url(VideoRow video, ObjectKind kind, string fileName, FileStorage storage)
    {
        var isPrivate = MediaStore.IsPrivateMedia(video.Privacy);
        if (storage == FileStorage.ObjectStorage && !isPrivate && objects.Enabled)
        {
            return objects.PublicUrl(kind, ObjectStore.VideoKey(video.Uuid, fileName, isPrivate: false));
        }
        return BaseUrl + (kind == ObjectKind.StreamingPlaylist ? MediaUrls.HlsFile(video.Uuid, fileName, isPrivate) : MediaUrls.WebVideo(fileName, isPrivate));
    }

    /// <summary>Opens a file of the video for reading from start to end, wherever it lives, with its length; null when it is missing.</summary>
    public async Task<(Stream Content, long Length)?> OpenAsync(VideoRow video, string fileKind, string fileName, FileStorage storage, CancellationToken ct)
    {
        var isPrivate = MediaStore.IsPrivateMedia(video.Privacy);
        if (storage == FileStorage.ObjectStorage)
        {
            var response = await objects.OpenAsync(KindOf(fileKind), ObjectStore.VideoKey(video.Uuid, fileName, isPrivate), null, null, ct);
            return response is null ? null : (response.ResponseStream, response.ContentLength);
        }
        var path = store.VideoFilePath(video.Uuid, isPrivate, fileKind, fileName);
        return store.Exists(path) ? (store.OpenRead(path), store.Length(path)) : null;
    }

    /// <summary>A text file of the video's HLS folder (a playlist), wherever it lives; null when it is missing.</summary>
    public async Task<string?> ReadHlsTextAsync(VideoRow video, string fileName, FileStorage storage, CancellationToken ct)
    {
        if (await OpenAsync(video, VideoFileKinds.Hls, fileName, storage, ct) is not { } opened)
        {
            return null;
        }
        using var reader = new StreamReader(opened.Content);
        return await reader.ReadToEndAsync(ct);
    }
}
