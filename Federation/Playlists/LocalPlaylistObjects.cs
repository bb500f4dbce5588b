using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Playlists;
using VideoPlatform.Federation.ActivityStreams;

namespace VideoPlatform.Federation.Playlists;

/// <summary>Local playlists as PeerTube's Playlist and PlaylistElement objects.</summary>
public sealed class LocalPlaylistObjects(PlaylistRepository playlists, VideoRepository videos, IOptions<InstanceOptions> instance)
{
    public const int PageSize = 50;

    /// <summary>Public and unlisted playlists can be fetched by their URL; only public ones are sent to followers (PeerTube's default).</summary>
    public static bool Serves(PlaylistRow playlist) => playlist.IsLocal && playlist.Privacy is PlaylistPrivacy.Public or PlaylistPrivacy.Unlisted;

    public static bool Federates(PlaylistRow playlist) => playlist.IsLocal && playlist.Privacy == PlaylistPrivacy.Public;

    /// <summary>The root (<paramref name="page"/> null: <c>first</c>) or a page (1-based) of element URLs.</summary>
    public async Task<PlaylistObject> BuildAsync(PlaylistWithOwners item, int? page, CancellationToken ct)
    {
        var p = item.Playlist;
        var elements = await SharedElementsAsync(p, ct);
        var thumbnail = p.ThumbnailName ?? p.FirstThumbnailName;
        var document = new PlaylistObject
        {
            Context = PlaylistObject.PlaylistContext(),
            Id = p.Url,
            Name = p.Name,
            Content = p.Description,
            Uuid = p.Uuid,
            TotalItems = elements.Count,
            AttributedTo = item.Channel is null ? [] : [item.Channel.Url],
            Icon = thumbnail is null ? null : new ImageDocument(instance.Value.PublicUrl + MediaUrls.Thumbnail(thumbnail), "image/jpeg", null, null),
            Published = DateTimeOffset.FromUnixTimeMilliseconds(p.CreatedAt),
            Updated = DateTimeOffset.FromUnixTimeMilliseconds(p.UpdatedAt),
            To = p.Privacy == PlaylistPrivacy.Public ? [ActivityJson.PublicAddress] : [],
        };
        if (page is not { } n || n < 1)
        {
            return document with { First = elements.Count == 0 ? null : OrderedCollection.PageUrl(p.Url, 1) };
        }
        var items = elements.Skip((n - 1) * PageSize).Take(PageSize).Select(e => LocalUrls.PlaylistElement(instance.Value.PublicUrl, p.Uuid, e.Element.Id)).ToList();
        return document with
        {
            Id = OrderedCollection.PageUrl(p.Url, n),
            PartOf = p.Url,
            OrderedItems = items,
            Next = n * PageSize < elements.Count ? OrderedCollection.PageUrl(p.Url, n + 1) : null,
        };
    }

    /// <summary>An element of a served playlist whose video is shared (public or unlisted); null otherwise.</summary>
    public async Task<PlaylistElementObject?> BuildElementAsync(PlaylistWithOwners item, long elementId, CancellationToken ct)
    {
        var element = (await SharedElementsAsync(item.Playlist, ct)).FirstOrDefault(e => e.Element.Id == elementId);
        return element is null ? null : new PlaylistElementObject
        {
            Context = PlaylistObject.PlaylistContext(),
            Id = LocalUrls.PlaylistElement(instance.Value.PublicUrl, item.Playlist.Uuid, element.Element.Id),
            Url = element.VideoUrl,
            Position = element.Element.Position,
            StartTimestamp = element.Element.StartTimestamp,
            StopTimestamp = element.Element.StopTimestamp,
        };
    }

    private sealed record SharedElement(PlaylistElementRow Element, string VideoUrl);

    private async Task<IReadOnlyList<SharedElement>> SharedElementsAsync(PlaylistRow playlist, CancellationToken ct)
    {
        var (_, elements) = await playlists.ListElementsAsync(playlist.Id, 0, 1000, ct);
        var shared = (await videos.FindManyAsync(elements.Select(e => e.VideoId).OfType<long>().Distinct().ToArray(), ct))
            .Where(v => VideoAccess.IsShared(v.Video.Privacy) && !v.Video.Blacklisted).ToDictionary(v => v.Video.Id, v => v.Video.Url);
        return elements.Where(e => e.VideoId is { } id && shared.ContainsKey(id)).Select(e => new SharedElement(e, shared[e.VideoId!.Value])).ToList();
    }
}
