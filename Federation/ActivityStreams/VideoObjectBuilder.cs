using System.Globalization;
using System.Text;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Federation.ActivityStreams;

/// <summary>
/// One HLS rendition: its fragmented MP4, the torrent of that file, and the torrent's v1 info hash. A separate audio
/// rendition (PeerTube ≥ 6.3) has height 0, <see cref="HasVideo"/> false; the video rungs beside it have <see cref="HasAudio"/> false.
/// </summary>
public sealed record HlsRendition(int Height, int Width, long Size, int Fps, string FileUrl, string TorrentUrl, string InfoHash,
    bool HasAudio = true, bool HasVideo = true);

public sealed record HlsPlaylist(string MasterPlaylistUrl, string SegmentsSha256Url, IReadOnlyList<HlsRendition> Renditions);

public sealed record Thumbnail(string Url, int Width, int Height, string MediaType = "image/jpeg");

/// <summary>What the federation layer needs to know about a local video to publish it.</summary>
public sealed record VideoPublication
{
    public required Guid Uuid { get; init; }
    public required string Name { get; init; }
    public string? Description { get; init; }
    public required int DurationSeconds { get; init; }
    public required DateTimeOffset Published { get; init; }
    public required DateTimeOffset Updated { get; init; }
    public DateTimeOffset? OriginallyPublishedAt { get; init; }

    /// <summary>Public videos are addressed to the Public collection; anything else federates as unlisted.</summary>
    public required bool IsPublic { get; init; }
    public required string AccountName { get; init; }
    public required string ChannelName { get; init; }

    /// <summary>PeerTube's state numbers: 1 published, 2 to transcode, …</summary>
    public int State { get; init; } = 1;
    public bool IsLiveBroadcast { get; init; }
    public long Views { get; init; }
    public bool Sensitive { get; init; }
    public bool WaitTranscoding { get; init; }
    public bool CommentsEnabled => CommentsPolicy != 2;

    /// <summary>PeerTube's commentsPolicy: 1 enabled, 2 disabled, 3 requires approval.</summary>
    public int CommentsPolicy { get; init; } = 1;
    public bool DownloadEnabled { get; init; } = true;
    public IdentifierObject? Category { get; init; }
    public IdentifierObject? Licence { get; init; }
    public IdentifierObject? Language { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public HlsPlaylist? Hls { get; init; }
    public IReadOnlyList<Thumbnail> Thumbnails { get; init; } = [];
    public string? TrackerHttpUrl { get; init; }
    public string? TrackerWebSocketUrl { get; init; }
    public IReadOnlyList<SubtitleObject> Subtitles { get; init; } = [];
}

public static class VideoObjectBuilder
{
    public const string HlsMediaType = "application/x-mpegURL";
    public const string TorrentMediaType = "application/x-bittorrent";
    public const string MagnetMediaType = "application/x-bittorrent;x-scheme-handler/magnet";

    /// <summary>PeerTube's chapters object of a video: its URL + <c>/chapters</c>.</summary>
    public static string ChaptersUrl(string videoUrl) => videoUrl + "/chapters";

    public static string VideoUrl(Uri publicBaseUrl, Guid uuid) =>
        publicBaseUrl.GetLeftPart(UriPartial.Authority) + "/videos/watch/" + uuid.ToString("D");

    public static VideoObject Build(Uri publicBaseUrl, VideoPublication video)
    {
        var baseUrl = publicBaseUrl.GetLeftPart(UriPartial.Authority);
        var id = VideoUrl(publicBaseUrl, video.Uuid);
        var account = baseUrl + "/accounts/" + video.AccountName;
        var channel = baseUrl + "/video-channels/" + video.ChannelName;

        var urls = new List<LinkObject>
        {
            // Mastodon links the first text/html url; PeerTube expects it first as well.
            new() { MediaType = "text/html", Href = id },
        };
        if (video.Hls is { } hls)
        {
            urls.Add(BuildHlsLink(video, hls));
        }
        if (video.TrackerHttpUrl is { } http)
        {
            urls.Add(new LinkObject { Name = "tracker-http", Rel = ["tracker", "http"], Href = http });
        }
        if (video.TrackerWebSocketUrl is { } ws)
        {
            urls.Add(new LinkObject { Name = "tracker-websocket", Rel = ["tracker", "websocket"], Href = ws });
        }

        return new VideoObject
        {
            To = video.IsPublic ? [ActivityJson.PublicAddress] : [],
            Cc = video.IsPublic ? [account + "/followers"] : [],
            Id = id,
            Name = video.Name,
            Duration = FormatDuration(video.DurationSeconds),
            Uuid = video.Uuid.ToString("D"),
            Category = video.Category,
            Licence = video.Licence,
            Language = video.Language,
            Views = video.Views,
            Sensitive = video.Sensitive,
            WaitTranscoding = video.WaitTranscoding,
            State = video.State,
            IsLiveBroadcast = video.IsLiveBroadcast,
            CommentsEnabled = video.CommentsEnabled,
            CommentsPolicy = video.CommentsPolicy,
            CanReply = video.CommentsPolicy == 1 ? null : ActivityJson.PublicAddress,
            DownloadEnabled = video.DownloadEnabled,
            Published = video.Published,
            OriginallyPublishedAt = video.OriginallyPublishedAt,
            Updated = video.Updated,
            Tag = video.Tags.Select(t => new HashtagObject(t)).ToArray(),
            Content = string.IsNullOrEmpty(video.Description) ? null : video.Description,
            Icon = video.Thumbnails.Select(t => new ImageDocument(t.Url, t.MediaType, t.Width, t.Height)).ToArray(),
            Url = urls,
            Likes = id + "/likes",
            Dislikes = id + "/dislikes",
            Shares = id + "/announces",
            Comments = id + "/comments",
            AttributedTo = [new ActorReference(ActorTypes.Person, account), new ActorReference(ActorTypes.Group, channel)],
            SubtitleLanguage = video.Subtitles,
            HasParts = ChaptersUrl(id),
        };
    }

    public static string FormatDuration(int seconds) => "PT" + Math.Max(0, seconds).ToString(CultureInfo.InvariantCulture) + "S";

    private static LinkObject BuildHlsLink(VideoPublication video, HlsPlaylist hls)
    {
        var tag = new List<LinkObject>();
        tag.AddRange(hls.Renditions.Select(r => new LinkObject { Type = "Infohash", Name = r.InfoHash.ToLowerInvariant() }));
        tag.Add(new LinkObject { Name = "sha256", MediaType = "application/json", Rel = ["sha256"], Href = hls.SegmentsSha256Url });
        foreach (var r in hls.Renditions.OrderByDescending(r => r.Height))
        {
            tag.Add(new LinkObject
            {
                MediaType = "video/mp4", Href = r.FileUrl, Height = r.Height, Width = r.Width, Size = r.Size, Fps = r.Fps,
                Attachment = FileAttachment(r.HasAudio, r.HasVideo, "fragmented"),
            });
            tag.Add(new LinkObject { MediaType = TorrentMediaType, Href = r.TorrentUrl, Height = r.Height, Width = r.Width, Fps = r.Fps });
            tag.Add(new LinkObject { MediaType = MagnetMediaType, Href = Magnet(video, r), Height = r.Height, Width = r.Width, Fps = r.Fps });
        }
        return new LinkObject { MediaType = HlsMediaType, Href = hls.MasterPlaylistUrl, Tag = tag };
    }

    /// <summary>PeerTube's attachment of a file Link (VideoFileModel.toActivityPubObject): which streams it holds, and its format.</summary>
    public static IReadOnlyList<PropertyValue> FileAttachment(bool hasAudio, bool hasVideo, string formatFlag)
    {
        var attachment = new List<PropertyValue>();
        if (hasAudio)
        {
            attachment.Add(new PropertyValue(CodecTypeProperty, "audio"));
        }
        if (hasVideo)
        {
            attachment.Add(new PropertyValue(CodecTypeProperty, "video"));
        }
        attachment.Add(new PropertyValue("peertube_format_flag", formatFlag));
        return attachment;
    }

    /// <summary>The PropertyValue name listing a file's stream types.</summary>
    public const string CodecTypeProperty = "ffprobe_codec_type";

    /// <summary>PeerTube reads the info hash from <c>xt</c> and the torrent URL from <c>xs</c>.</summary>
    public static string Magnet(VideoPublication video, HlsRendition rendition)
    {
        var sb = new StringBuilder("magnet:?xs=").Append(Uri.EscapeDataString(rendition.TorrentUrl))
            .Append("&xt=urn:btih:").Append(rendition.InfoHash.ToLowerInvariant())
            .Append("&dn=").Append(Uri.EscapeDataString(video.Name));
        if (video.TrackerHttpUrl is { } http)
        {
            sb.Append("&tr=").Append(Uri.EscapeDataString(http));
        }
        if (video.TrackerWebSocketUrl is { } ws)
        {
            sb.Append("&tr=").Append(Uri.EscapeDataString(ws));
        }
        return sb.Append("&ws=").Append(Uri.EscapeDataString(rendition.FileUrl)).ToString();
    }
}
