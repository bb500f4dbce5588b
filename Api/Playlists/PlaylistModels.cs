using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using VideoPlatform.Api.Videos;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Playlists;

namespace VideoPlatform.Api.Playlists;

/// <summary>PeerTube's VideoPlaylist.</summary>
public sealed record PlaylistDto
{
    public long Id { get; init; }
    public required string Uuid { get; init; }
    [JsonPropertyName("shortUUID")]
    public required string ShortUuid { get; init; }
    public bool IsLocal { get; init; }
    public required string Url { get; init; }
    public required string DisplayName { get; init; }
    public string? Description { get; init; }
    public required IdLabel<int> Privacy { get; init; }
    public required IdLabel<int> Type { get; init; }
    public int VideosLength { get; init; }
    public string? ThumbnailPath { get; init; }
    public string? ThumbnailUrl { get; init; }
    public required string EmbedPath { get; init; }
    public required AccountSummary OwnerAccount { get; init; }
    public ChannelSummary? VideoChannel { get; init; }
    public int? VideoChannelPosition { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>PeerTube's VideoPlaylistElement: <c>video</c> is null unless <c>type</c> is 0 (regular).</summary>
public sealed record PlaylistElementDto(long Id, int Position, int? StartTimestamp, int? StopTimestamp, int Type, VideoDto? Video);

public sealed record CreatedPlaylistId(long Id, string Uuid, [property: JsonPropertyName("shortUUID")] string ShortUuid);

public sealed record CreatedPlaylist(CreatedPlaylistId VideoPlaylist);

public sealed record CreatedElement(PlaylistIdOnly VideoPlaylistElement);

public sealed record PlaylistIdOnly(long Id);

/// <summary>An entry of PeerTube's <c>videos-exist</c> answer.</summary>
public sealed record VideoExistsInPlaylist(long PlaylistElementId, long PlaylistId, [property: JsonPropertyName("playlistShortUUID")] string PlaylistShortUuid,
    string PlaylistDisplayName, int? StartTimestamp, int? StopTimestamp);

/// <summary>Playlists and their elements in PeerTube's JSON shapes.</summary>
public sealed class PlaylistFormatter(IOptions<InstanceOptions> instance, ApiFormatter format, VideoRepository videos)
{
    public PlaylistDto Playlist(PlaylistWithOwners item)
    {
        var p = item.Playlist;
        var thumbnail = p.ThumbnailName ?? p.FirstThumbnailName;
        return new PlaylistDto
        {
            Id = p.Id,
            Uuid = p.Uuid,
            ShortUuid = p.ShortUuid,
            IsLocal = p.IsLocal,
            Url = p.Url,
            DisplayName = p.Name,
            Description = p.Description,
            Privacy = new IdLabel<int>((int)p.Privacy, PlaylistRules.PrivacyLabels.GetValueOrDefault(p.Privacy, "Unknown")),
            Type = new IdLabel<int>((int)p.Type, PlaylistRules.TypeLabel(p.Type)),
            VideosLength = p.VideosLength,
            ThumbnailPath = thumbnail is null ? null : MediaUrls.Thumbnail(thumbnail),
            ThumbnailUrl = thumbnail is null ? null : instance.Value.PublicUrl + MediaUrls.Thumbnail(thumbnail),
            EmbedPath = "/video-playlists/embed/" + p.Uuid,
            OwnerAccount = format.AccountSummary(item.Account),
            VideoChannel = item.Channel is null ? null : format.ChannelSummary(item.Channel),
            CreatedAt = ApiFormatter.Time(p.CreatedAt),
            UpdatedAt = ApiFormatter.Time(p.UpdatedAt),
        };
    }

    /// <summary>The elements as <paramref name="user"/> may see them (PeerTube's element types; <c>video: null</c> when not regular).</summary>
    public async Task<IReadOnlyList<PlaylistElementDto>> ElementsAsync(IReadOnlyList<PlaylistElementRow> elements, ClaimsPrincipal user, CancellationToken ct)
    {
        var found = (await videos.FindManyAsync(elements.Select(e => e.VideoId).OfType<long>().Distinct().ToArray(), ct)).ToDictionary(v => v.Video.Id);
        return elements.Select(e =>
        {
            var video = e.VideoId is { } id ? found.GetValueOrDefault(id) : null;
            var type = PlaylistRules.ElementType(video, user);
            return new PlaylistElementDto(e.Id, e.Position, e.StartTimestamp, e.StopTimestamp, (int)type, type == PlaylistElementType.Regular ? format.Video(video!) : null);
        }).ToList();
    }
}
