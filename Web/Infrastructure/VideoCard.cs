using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Web.Infrastructure;

/// <summary>What a list shows of a video.</summary>
public sealed record VideoCard(string Title, string WatchUrl, string? ThumbnailUrl, string ChannelName, string ChannelUrl,
    string? Host, int Duration, long Views, long PublishedAt)
{
    /// <summary>Where a search found the words in the video's captions (seconds): the card links to that moment.</summary>
    public int? Moment { get; init; }

    public string Href => Moment is { } start ? $"{WatchUrl}?start={start}" : WatchUrl;

    public static VideoCard From(VideoWithOwners v, IWebMedia media) => new(
        v.Video.Name,
        WebUrls.Watch(v.Video),
        media.ThumbnailUrl(v.Video),
        v.Channel.DisplayName,
        WebUrls.Channel(v.Channel),
        v.Channel.Host,
        v.Video.Duration,
        v.Video.Views,
        v.Video.PublishedAt);
}

/// <summary>PeerTube's page URLs, built in one place.</summary>
public static class WebUrls
{
    public static string Watch(VideoRow v) => "/w/" + v.ShortUuid;
    public static string Embed(VideoRow v) => "/videos/embed/" + v.Uuid;
    public static string Channel(ActorRow channel) => "/c/" + Uri.EscapeDataString(Handle(channel));
    public static string Account(ActorRow account) => "/a/" + Uri.EscapeDataString(Handle(account));
    public static string Playlist(PlaylistRow p, int? position = null) =>
        "/w/p/" + p.ShortUuid + (position is { } n ? "?playlistPosition=" + n.ToString(System.Globalization.CultureInfo.InvariantCulture) : "");
    public static string PlaylistEmbed(PlaylistRow p) => "/video-playlists/embed/" + p.Uuid;
    public static string Handle(ActorRow actor) => actor.IsLocal ? actor.Name : $"{actor.Name}@{actor.Host}";
}
