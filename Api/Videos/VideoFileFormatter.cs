using Microsoft.Extensions.Options;
using VideoPlatform.Api.Videos;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Api.Videos;

/// <summary>Builds <c>streamingPlaylists[].files[]</c> entries and the tracker URLs for a video.</summary>
public sealed class VideoFileFormatter(IOptions<InstanceOptions> instance, VideoPlatform.Core.Storage.VideoMediaFiles media, IMagnetLinkBuilder? magnets = null)
{
    private string BaseUrl => instance.Value.PublicUrl;

    public IReadOnlyList<string> TrackerUrls()
    {
        var ws = BaseUrl.StartsWith("https://", StringComparison.Ordinal) ? "wss://" + BaseUrl[8..] : "ws://" + BaseUrl[7..];
        return [ws + "/tracker/socket", BaseUrl + "/tracker/announce"];
    }

    public VideoFileDto Format(VideoRow video, VideoFileRow f)
    {
        var isPrivate = VideoPlatform.Core.Storage.MediaStore.IsPrivateMedia(video.Privacy);
        var isHls = f.Kind == VideoFileKinds.Hls;
        var fileUrl = f.RemoteFileUrl ?? media.FileUrl(video, f);
        var downloadUrl = f.RemoteFileUrl is null && !isHls ? BaseUrl + MediaUrls.WebVideoDownload(f.FileName ?? "") : fileUrl;
        // Only public and unlisted videos have torrents (PeerTube gives every file a torrent; we give none to the others,
        // whose files are not seeded and whose names change when they become shared again).
        var torrentName = VideoAccess.IsShared(video.Privacy) ? f.TorrentName : null;
        var infoHash = VideoAccess.IsShared(video.Privacy) ? f.InfoHash : null;
        var torrentUrl = f.RemoteTorrentUrl ?? (torrentName is null ? null : BaseUrl + MediaUrls.Torrent(torrentName));
        var magnet = f.RemoteMagnetUri
            ?? (infoHash is null || torrentUrl is null || magnets is null ? null : magnets.Build(infoHash, $"{video.Name} {f.Resolution}p", TrackerUrls(), fileUrl, torrentUrl));
        return new VideoFileDto(
            f.Id,
            new IdLabel<int>(f.Resolution, f.Resolution == 0 ? "Audio" : $"{f.Resolution}p"),
            f.Size,
            f.Fps,
            f.Width,
            f.Height,
            fileUrl,
            downloadUrl,
            f.RemotePlaylistUrl ?? (f.PlaylistName is null ? null : media.HlsUrl(video, f.PlaylistName, f.Storage)),
            torrentUrl,
            torrentName is null ? f.RemoteTorrentUrl : BaseUrl + MediaUrls.TorrentDownload(torrentName),
            magnet,
            infoHash,
            // PeerTube serves the file's ffprobe output there; only for files we hold.
            f.RemoteFileUrl is null && f.FileName is not null ? BaseUrl + MediaUrls.FileMetadata(video.Uuid, f.Id) : null,
            f.HasAudio,
            f.HasVideo);
    }
}

/// <summary>Port filled by the P2P module's magnet builder.</summary>
public interface IMagnetLinkBuilder
{
    string Build(string infoHashHex, string displayName, IReadOnlyList<string> trackers, string webSeed, string torrentUrl);
}
