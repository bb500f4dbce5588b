using System.Text.Json;
using VideoPlatform.Core.Playlists;

namespace VideoPlatform.Federation.ActivityStreams;

/// <summary>A remote Playlist as read from its origin; <see cref="IconUrl"/> is its thumbnail (PeerTube's <c>icon</c>), if any.</summary>
public sealed record RemotePlaylist(string Id, string Name, string? Description, Guid Uuid, DateTimeOffset Published, DateTimeOffset Updated,
    string ChannelUrl, bool IsPublic, string? IconUrl = null);

/// <summary>A remote PlaylistElement: the video's URL at a position, with optional start and stop times (seconds).</summary>
public sealed record RemotePlaylistElementObject(string Id, string VideoUrl, long Position, int? StartTimestamp, int? StopTimestamp);

/// <summary>
/// Reads PeerTube's Playlist and PlaylistElement objects with PeerTube's rules (<c>isPlaylistObjectValid</c>: integer
/// <c>totalItems</c>, name of 1–120 characters, v4 uuid, valid <c>published</c>/<c>updated</c>; one channel in
/// <c>attributedTo</c> on the playlist's host; <c>isPlaylistElementObjectValid</c>: integer position, valid url).
/// Privacy as PeerTube maps it: public when addressed to Public, unlisted otherwise.
/// </summary>
public static class PlaylistObjectReader
{
    public static RemotePlaylist? Read(JsonElement json, bool requireTld, out string? error)
    {
        var urls = new VideoObjectValidator(requireTld);
        error = null;
        var id = json.String("id");
        var name = json.String("name");
        var uuid = Guid.Empty;
        var attributed = json.Ids("attributedTo");
        error = !json.IsType("Playlist") ? "type must be Playlist"
            : !urls.IsUrl(id) ? "id must be an http(s) URL"
            : json.Integer("totalItems") is null ? "totalItems must be an integer"
            : string.IsNullOrWhiteSpace(name) || name.Length > PlaylistRules.NameMax ? $"name must have 1 to {PlaylistRules.NameMax} characters"
            : !Guid.TryParse(json.String("uuid"), out uuid) || uuid.Version != 4 ? "uuid must be a version-4 UUID"
            : json.Date("published") is null || json.Date("updated") is null ? "published and updated must be dates"
            : attributed.Count != 1 ? "attributedTo must name exactly one channel"
            : !urls.IsUrl(attributed[0]) || !Signatures.HttpSignatureVerifier.SameHost(attributed[0], id!) ? "the channel must be on the playlist's host"
            : null;
        if (error is not null)
        {
            return null;
        }
        var content = json.String("content");
        var description = string.IsNullOrWhiteSpace(content) ? null : content.Length > PlaylistRules.DescriptionMax ? content[..PlaylistRules.DescriptionMax] : content;
        var isPublic = json.Ids("to").Any(JsonLd.IsPublicAddress);
        // PeerTube's icon is one Image object; an unusable one leaves the playlist without a thumbnail (PeerTube does not check it).
        var icon = json.Many("icon").Where(i => i.ValueKind == JsonValueKind.Object).Select(i => i.Id("url")).FirstOrDefault(u => urls.IsUrl(u));
        return new RemotePlaylist(id!, name!.Trim(), description, uuid, json.Date("published")!.Value, json.Date("updated")!.Value, attributed[0], isPublic, icon);
    }

    public static RemotePlaylistElementObject? ReadElement(JsonElement json, bool requireTld, out string? error)
    {
        var urls = new VideoObjectValidator(requireTld);
        var id = json.String("id");
        var videoUrl = json.Id("url");
        error = !json.IsType("PlaylistElement") ? "type must be PlaylistElement"
            : !urls.IsUrl(id) ? "id must be an http(s) URL"
            : json.Integer("position") is not >= 0 ? "position must be a non-negative integer"
            : !urls.IsUrl(videoUrl) ? "url must be the video's URL"
            : null;
        return error is null
            ? new RemotePlaylistElementObject(id!, videoUrl!, json.Integer("position")!.Value, Seconds(json, "startTimestamp"), Seconds(json, "stopTimestamp"))
            : null;
    }

    /// <summary>PeerTube stores <c>startTimestamp || null</c>: zero and absent are the same.</summary>
    private static int? Seconds(JsonElement json, string name) => json.Integer(name) is { } s and > 0 and <= int.MaxValue ? (int)s : null;
}
