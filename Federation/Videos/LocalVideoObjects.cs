using System.Globalization;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Federation.ActivityStreams;

namespace VideoPlatform.Federation.Videos;

/// <summary>Turns a local video's rows into the PeerTube-shaped Video object and the activities that carry it.</summary>
public sealed class LocalVideoObjects(VideoRepository videos, CaptionRepository captions, IVideoMediaLinks links, IOptions<InstanceOptions> instance,
    VideoPlatform.Core.Storage.VideoMediaFiles media)
{
    private Uri BaseUri => new(instance.Value.PublicUrl);

    /// <summary>Only published public videos federate (PeerTube's default: unlisted stays home); a public live also while it waits or has ended.</summary>
    public static bool Federates(VideoRow video) => video.IsLocal && video.Privacy == VideoPrivacy.Public
        && !video.Blacklisted
        && (video.State == VideoState.Published || (video.IsLive && video.State is VideoState.WaitingForLive or VideoState.LiveEnded));

    /// <summary>
    /// Whether every file the Video object lists exists with its torrent and info hash, and the HLS playlist with its
    /// segments' sha256 file: only then is the object sent or served (a receiver that fetches it at once sees it whole).
    /// </summary>
    public async Task<bool> IsCompleteAsync(VideoRow video, CancellationToken ct)
    {
        if (video.IsLive)
        {
            return true; // a live has no files: its playlist is listed while on air
        }
        var playlist = await videos.PlaylistAsync(video.Id, ct);
        return Complete(playlist, await videos.FilesAsync(video.Id, ct));
    }

    /// <summary>The object lists the HLS renditions (web videos and the source are not federated): each needs its torrent.</summary>
    private static bool Complete(StreamingPlaylistRow? playlist, IReadOnlyList<VideoFileRow> files)
    {
        var listed = files.Where(f => f.Kind == VideoFileKinds.Hls).ToList();
        return playlist?.MasterName is not null && playlist.SegmentsSha256Name is not null
            && listed.Count > 0 && listed.All(f => f.FileName is not null && f.TorrentName is not null && f.InfoHash is not null);
    }

    /// <summary>The Video object, or null while it would not be complete (<see cref="IsCompleteAsync"/>), judged on the rows it is built from.</summary>
    public async Task<VideoObject?> BuildAsync(VideoWithOwners item, CancellationToken ct)
    {
        var v = item.Video;
        var playlist = await videos.PlaylistAsync(v.Id, ct);
        var fileRows = await videos.FilesAsync(v.Id, ct);
        if (!v.IsLive && !Complete(playlist, fileRows))
        {
            return null;
        }
        var baseUrl = instance.Value.PublicUrl;
        var trackers = links.TrackerUrls();
        HlsPlaylist? hls = null;
        if (playlist?.MasterName is not null && playlist.SegmentsSha256Name is not null)
        {
            var renditions = fileRows
                // The HLS renditions only: web videos are not in the federated object yet (a PeerTube web-video Link needs its own magnet Link).
                .Where(f => f.Kind == VideoFileKinds.Hls && f.InfoHash is not null && f.TorrentName is not null && f.FileName is not null)
                .Select(f => new HlsRendition(f.Resolution, f.Width, f.Size, f.Fps, links.FileUrl(v, f), baseUrl + MediaUrls.Torrent(f.TorrentName!), f.InfoHash!,
                    f.HasAudio, f.HasVideo))
                .ToArray();
            hls = new HlsPlaylist(
                media.HlsUrl(v, playlist.MasterName, playlist.Storage),
                media.HlsUrl(v, playlist.SegmentsSha256Name, playlist.Storage),
                renditions);
        }
        var publication = new VideoPublication
        {
            Uuid = Guid.Parse(v.Uuid),
            Name = v.Name,
            Description = v.Description,
            DurationSeconds = v.Duration,
            Published = DateTimeOffset.FromUnixTimeMilliseconds(v.PublishedAt),
            Updated = DateTimeOffset.FromUnixTimeMilliseconds(v.UpdatedAt),
            OriginallyPublishedAt = v.OriginallyPublishedAt is { } o ? DateTimeOffset.FromUnixTimeMilliseconds(o) : null,
            IsPublic = v.Privacy == VideoPrivacy.Public,
            AccountName = item.Account.Name,
            ChannelName = item.Channel.Name,
            State = (int)v.State,
            IsLiveBroadcast = v.IsLive,
            Views = v.Views,
            Sensitive = v.Nsfw,
            WaitTranscoding = v.WaitTranscoding,
            CommentsPolicy = v.CommentsPolicy,
            DownloadEnabled = v.DownloadEnabled,
            Category = v.Category is { } c ? new IdentifierObject(c.ToString(CultureInfo.InvariantCulture), VideoConstants.Categories.GetValueOrDefault(c, "Unknown")) : null,
            Licence = v.Licence is { } l ? new IdentifierObject(l.ToString(CultureInfo.InvariantCulture), VideoConstants.Licences.GetValueOrDefault(l, "Unknown")) : null,
            Language = v.Language is { } g ? new IdentifierObject(g, VideoConstants.Languages.GetValueOrDefault(g, g)) : null,
            Tags = v.TagList(),
            Hls = hls,
            // PeerTube's thumbnail size; its validator wants a JPEG with integer dimensions.
            // PeerTube sends both sizes in icon; receivers pick the miniature and the preview from them.
            Thumbnails = [
                .. v.ThumbnailName is null ? [] : new[] { new Thumbnail(baseUrl + MediaUrls.Thumbnail(v.ThumbnailName), 280, 157) },
                .. v.PreviewName is null ? [] : new[] { new Thumbnail(baseUrl + MediaUrls.Preview(v.PreviewName), 850, 480) },
            ],
            TrackerHttpUrl = trackers.FirstOrDefault(t => t.StartsWith("http", StringComparison.Ordinal)),
            TrackerWebSocketUrl = trackers.FirstOrDefault(t => t.StartsWith("ws", StringComparison.Ordinal)),
            Subtitles = (await captions.ListAsync(v.Id, ct)).Where(c => c.FileName is not null)
                .Select(c => new SubtitleObject(c.Language, VideoConstants.Languages.GetValueOrDefault(c.Language, c.Language), baseUrl + MediaUrls.Caption(c.FileName!)))
                .ToArray(),
        };
        return VideoObjectBuilder.Build(BaseUri, publication);
    }

    public static string CreateId(string videoUrl) => videoUrl + "/activity";

    public static string AnnounceId(string videoUrl, long actorId) => videoUrl + "/announces/" + actorId.ToString(CultureInfo.InvariantCulture);

    public static IReadOnlyList<string> Cc(VideoWithOwners item) =>
        [item.Account.FollowersUrl ?? item.Account.Url + "/followers", item.Channel.FollowersUrl ?? item.Channel.Url + "/followers"];
}
