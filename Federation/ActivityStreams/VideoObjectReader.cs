using System.Text.Json;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Federation.ActivityStreams;

public enum RemotePrivacy
{
    Public = 1,
    Unlisted = 2,
}

/// <summary>
/// A file of a remote video. <see cref="HasAudio"/>/<see cref="HasVideo"/> come from PeerTube's <c>ffprobe_codec_type</c>
/// attachment; without one, a file has both, except a resolution 0 file (audio only).
/// </summary>
public sealed record RemoteVideoFile(int Resolution, int? Width, long? Size, int? Fps, string Url, string? TorrentUrl, string? MagnetUri, string? InfoHash,
    bool HasAudio = true, bool HasVideo = true);

/// <summary>A remote Video flattened to what we store; ids are IRIs, never trusted for ownership by themselves.</summary>
public sealed record RemoteVideo
{
    public required Guid Uuid { get; init; }
    public required string Url { get; init; }
    public required string Name { get; init; }
    public string? Description { get; init; }
    public required int DurationSeconds { get; init; }
    public required DateTimeOffset Published { get; init; }
    public required DateTimeOffset Updated { get; init; }
    public string? HtmlUrl { get; init; }
    public string? MasterPlaylistUrl { get; init; }
    public string? SegmentsSha256Url { get; init; }
    public required IReadOnlyList<RemoteVideoFile> Files { get; init; }
    public IReadOnlyList<string> InfoHashes { get; init; } = [];
    public string? ThumbnailUrl { get; init; }

    /// <summary>The icon to cache as our miniature (PeerTube's choice: the smallest JPEG wider than 150 px).</summary>
    public string? MiniatureUrl { get; init; }

    /// <summary>The icon to cache as our preview (PeerTube's choice: the largest JPEG wider than 400 px), if any.</summary>
    public string? PreviewUrl { get; init; }
    public string? ChannelId { get; init; }
    public string? AccountId { get; init; }
    public required RemotePrivacy Privacy { get; init; }
    public IdentifierObject? Category { get; init; }
    public IdentifierObject? Licence { get; init; }
    public IdentifierObject? Language { get; init; }
    public required IReadOnlyList<string> Tags { get; init; }
    public long Views { get; init; }
    public int State { get; init; } = 1;
    public bool Nsfw { get; init; }

    /// <summary>Its captions (<c>subtitleLanguage</c>), kept as links to the origin's WebVTT files.</summary>
    public IReadOnlyList<VideoPlatform.Core.Data.Repositories.RemoteCaption> Captions { get; init; } = [];

    /// <summary>The URL of its chapters object (<c>hasParts</c>, an http(s) URL), fetched by the captions job; null when it has none.</summary>
    public string? ChaptersUrl { get; init; }
}

/// <summary>
/// Reads a Video object as PeerTube (or we) emit it, tolerating single values for arrays and links as
/// strings or objects. Returns null with a reason when the basics (type, id, uuid, name, dates) are missing;
/// run <see cref="VideoObjectValidator"/> first to apply PeerTube's acceptance rules.
/// </summary>
public static class VideoObjectReader
{
    public static RemoteVideo? Read(JsonElement video, out string? error, IReadOnlyList<string>? activityTo = null)
    {
        error = null;
        if (!video.IsType("Video"))
        {
            error = "not a Video";
            return null;
        }
        var id = video.String("id");
        var name = video.String("name");
        // PeerTube < 6.1 sent the uuid as "identifier".
        var uuidText = video.String("uuid") ?? video.String("identifier");
        var published = video.Date("published");
        var updated = video.Date("updated") ?? published;
        if (id is null || name is null || !Guid.TryParse(uuidText, out var uuid) || published is null)
        {
            error = "id, name, uuid and published are required";
            return null;
        }

        var urls = video.Many("url").Where(u => u.ValueKind == JsonValueKind.Object).ToArray();
        var html = urls.FirstOrDefault(u => u.String("mediaType") == "text/html").Iri()
            ?? video.Many("url").FirstOrDefault(u => u.ValueKind == JsonValueKind.String).Iri();
        var hls = urls.FirstOrDefault(u => (u.String("mediaType") ?? u.String("mimeType")) == VideoObjectBuilder.HlsMediaType);
        var files = new List<RemoteVideoFile>();
        files.AddRange(ReadFiles(urls));
        string? master = null, sha256 = null;
        var infoHashes = new List<string>();
        if (hls.ValueKind == JsonValueKind.Object)
        {
            master = hls.String("href");
            var tag = hls.Many("tag").Where(t => t.ValueKind == JsonValueKind.Object).ToArray();
            sha256 = tag.FirstOrDefault(IsSegmentsSha256Link).Iri();
            infoHashes.AddRange(tag.Where(t => t.String("type") == "Infohash").Select(t => t.String("name")).OfType<string>());
            files.AddRange(ReadFiles(tag));
        }

        var attributedTo = video.Many("attributedTo").ToArray();
        var to = activityTo ?? video.Ids("to");

        return new RemoteVideo
        {
            Uuid = uuid,
            Url = id,
            Name = name,
            Description = video.String("content"),
            DurationSeconds = ParseDuration(video.String("duration")) ?? 0,
            Published = published.Value,
            Updated = updated!.Value,
            HtmlUrl = html,
            MasterPlaylistUrl = master,
            SegmentsSha256Url = sha256,
            Files = files,
            InfoHashes = infoHashes,
            ThumbnailUrl = PickThumbnail(video),
            MiniatureUrl = PickIcon(video, minWidth: 150, largest: false) ?? PickThumbnail(video),
            PreviewUrl = PickIcon(video, minWidth: 400, largest: true),
            AccountId = ActorOfType(attributedTo, ActorTypes.Person),
            ChannelId = ActorOfType(attributedTo, ActorTypes.Group),
            Privacy = to.Any(JsonLd.IsPublicAddress) ? RemotePrivacy.Public : RemotePrivacy.Unlisted,
            Category = ReadIdentifier(video, "category"),
            Licence = ReadIdentifier(video, "licence"),
            Language = ReadIdentifier(video, "language"),
            Tags = video.Many("tag").Where(t => t.String("type") == "Hashtag").Select(t => t.String("name")).OfType<string>().ToArray(),
            Views = video.Integer("views") ?? 0,
            State = (int)(video.Integer("state") ?? 1),
            Nsfw = video.Boolean("sensitive") ?? false,
            Captions = ReadCaptions(video),
            ChaptersUrl = video.String("hasParts") is { } parts && Uri.TryCreate(parts, UriKind.Absolute, out var partsUri)
                && (partsUri.Scheme == Uri.UriSchemeHttps || partsUri.Scheme == Uri.UriSchemeHttp) ? parts : null,
        };
    }

    /// <summary>A language identifier as PeerTube's (ISO 639 code, optional subtags such as <c>zh-Hans</c>): safe in a file name and an attribute.</summary>
    private static bool IsLanguageTag(string s) =>
        s.Length is >= 2 and <= 20 && char.IsAsciiLetterLower(s[0]) && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    /// <summary>
    /// <c>subtitleLanguage</c> entries with a language tag and an http(s) WebVTT URL: <c>url</c> as a string (PeerTube ≤ 6)
    /// or as Links, of which the <c>text/vtt</c> one (PeerTube 7 adds an HLS playlist Link). One caption per language.
    /// </summary>
    internal static IReadOnlyList<VideoPlatform.Core.Data.Repositories.RemoteCaption> ReadCaptions(JsonElement video) =>
        video.Many("subtitleLanguage")
            .Select(s =>
            {
                var language = s.String("identifier");
                var url = s.TryGetProperty("url", out var u) && u.ValueKind == JsonValueKind.String
                    ? u.GetString()
                    : s.Many("url").Where(l => l.ValueKind == JsonValueKind.Object && (l.String("mediaType") ?? "text/vtt") == "text/vtt")
                        .Select(l => l.String("href")).FirstOrDefault(h => h is not null);
                return (language, url);
            })
            .Where(x => x.language is not null && IsLanguageTag(x.language) && x.url is not null
                && Uri.TryCreate(x.url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
            .DistinctBy(x => x.language)
            .Select(x => new VideoPlatform.Core.Data.Repositories.RemoteCaption(x.language!, x.url!))
            .ToArray();

    /// <summary>PeerTube keeps only the digits of <c>PT…S</c>; so do we, to read what it reads.</summary>
    public static int? ParseDuration(string? duration)
    {
        if (duration is null || !duration.StartsWith("PT", StringComparison.Ordinal) || !duration.EndsWith('S'))
        {
            return null;
        }
        var digits = new string(duration.Where(char.IsAsciiDigit).ToArray());
        return int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) ? seconds : null;
    }

    /// <summary>The 40-hex v1 info hash in a magnet's <c>xt=urn:btih:</c>.</summary>
    public static string? InfoHashFromMagnet(string? magnet)
    {
        if (magnet is null || !magnet.StartsWith("magnet:?", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        foreach (var part in magnet["magnet:?".Length..].Split('&'))
        {
            const string prefix = "xt=urn:btih:";
            if (part.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                var hash = part[prefix.Length..];
                return hash.Length == 40 && hash.All(char.IsAsciiHexDigit) ? hash.ToLowerInvariant() : null;
            }
        }
        return null;
    }

    public static string? TorrentUrlFromMagnet(string? magnet)
    {
        if (magnet is null)
        {
            return null;
        }
        var query = magnet.IndexOf('?', StringComparison.Ordinal);
        return query < 0
            ? null
            : magnet[(query + 1)..].Split('&').Where(p => p.StartsWith("xs=", StringComparison.Ordinal)).Select(p => Uri.UnescapeDataString(p[3..])).FirstOrDefault();
    }

    internal static bool IsVideoFileMediaType(string? mediaType) =>
        mediaType is "video/mp4" or "video/webm" or "video/ogg" or "audio/mp4";

    internal static bool IsSegmentsSha256Link(JsonElement link) =>
        link.String("mediaType") == "application/json"
        && (link.String("name") == "sha256" || link.Many("rel").Any(r => r.ValueKind == JsonValueKind.String && r.GetString() == "sha256"));

    private static IEnumerable<RemoteVideoFile> ReadFiles(IReadOnlyList<JsonElement> links)
    {
        foreach (var file in links.Where(l => IsVideoFileMediaType(l.String("mediaType") ?? l.String("mimeType"))))
        {
            var height = file.Integer("height");
            var href = file.String("href");
            if (height is null || href is null)
            {
                continue;
            }
            var torrent = links.FirstOrDefault(l => l.String("mediaType") == VideoObjectBuilder.TorrentMediaType && l.Integer("height") == height).Iri();
            var magnet = links.FirstOrDefault(l => l.String("mediaType") == VideoObjectBuilder.MagnetMediaType && l.Integer("height") == height).Iri();
            var codecTypes = file.Many("attachment")
                .Where(a => a.ValueKind == JsonValueKind.Object && a.String("name") == VideoObjectBuilder.CodecTypeProperty)
                .Select(a => a.String("value")).ToList();
            yield return new RemoteVideoFile(
                (int)height.Value,
                (int?)file.Integer("width"),
                file.Integer("size"),
                (int?)file.Integer("fps"),
                href,
                torrent ?? TorrentUrlFromMagnet(magnet),
                magnet,
                InfoHashFromMagnet(magnet),
                codecTypes.Count > 0 ? codecTypes.Contains("audio") : true,
                codecTypes.Count > 0 ? codecTypes.Contains("video") : height > 0);
        }
    }

    private static string? ActorOfType(IReadOnlyList<JsonElement> attributedTo, string type) =>
        attributedTo.FirstOrDefault(a => a.ValueKind == JsonValueKind.Object && a.String("type") == type).Iri();

    private static IdentifierObject? ReadIdentifier(JsonElement video, string name) =>
        video.Property(name) is { ValueKind: JsonValueKind.Object } value && value.String("identifier") is { } identifier
            ? new IdentifierObject(identifier, value.String("name") ?? identifier)
            : null;

    /// <summary>The largest icon, JPEG first: the origin's image, shown until (or unless) our copies are cached.</summary>
    private static string? PickThumbnail(JsonElement video) =>
        video.Many("icon")
            .Where(i => i.ValueKind == JsonValueKind.Object)
            .OrderByDescending(i => i.String("mediaType") == "image/jpeg")
            .ThenByDescending(i => i.Integer("width") ?? 0)
            .Select(i => i.Id("url"))
            .FirstOrDefault(u => u is not null);

    private static string? PickIcon(JsonElement video, int minWidth, bool largest)
    {
        var candidates = video.Many("icon")
            .Where(i => i.ValueKind == JsonValueKind.Object && i.String("mediaType") == "image/jpeg" && (i.Integer("width") ?? 0) > minWidth && i.Id("url") is not null);
        var ordered = largest ? candidates.OrderByDescending(i => i.Integer("width")) : candidates.OrderBy(i => i.Integer("width"));
        return ordered.Select(i => i.Id("url")).FirstOrDefault();
    }
}
