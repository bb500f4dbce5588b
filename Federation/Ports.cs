using VideoPlatform.Core.Domain;

namespace VideoPlatform.Federation;

// What federation needs from the host, declared here and implemented by the Api project (Api/Federation/FederationAdapters.cs).

/// <summary>
/// The links of a local video's media that depend on how the host serves them: the rendition files and the P2P trackers.
/// The playlist, torrent and image paths are <see cref="MediaUrls"/> rules, known to Core.
/// </summary>
public interface IVideoMediaLinks
{
    /// <summary>The WebSocket and HTTP tracker announce URLs, in that order.</summary>
    IReadOnlyList<string> TrackerUrls();

    /// <summary>The absolute URL of <paramref name="file"/>'s rendition of <paramref name="video"/>.</summary>
    string FileUrl(VideoRow video, VideoFileRow file);
}
