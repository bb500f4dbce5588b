using System.Text.Json;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Federation.ActivityStreams;

/// <summary>
/// PeerTube's acceptance rules for a remote Video (its <c>sanitizeAndCheckVideoTorrentObject</c> plus the
/// owner and magnet checks made while creating the video), as a list of readable errors. Empty = accepted.
/// </summary>
public sealed class VideoObjectValidator(bool requireTld = true)
{
    public IReadOnlyList<string> Validate(JsonElement video)
    {
        var errors = new List<string>();
        if (!video.IsType("Video"))
        {
            errors.Add("type must be Video");
            return errors;
        }
        var id = video.String("id");
        if (!IsUrl(id))
        {
            errors.Add("id must be an http(s) URL of at most 2000 characters");
        }
        var name = video.String("name");
        if (name is null || name.Length is < 3 or > 120)
        {
            errors.Add("name must have 3 to 120 characters");
        }
        if (VideoObjectReader.ParseDuration(video.String("duration")) is null)
        {
            errors.Add("duration must be PT<seconds>S");
        }
        if (!Guid.TryParse(video.String("uuid") ?? video.String("identifier"), out var uuid) || uuid.Version != 4)
        {
            errors.Add("uuid must be a version-4 UUID");
        }
        if (video.Property("views") is not { ValueKind: JsonValueKind.Number } views || !views.TryGetInt64(out var count) || count < 0)
        {
            errors.Add("views must be an integer >= 0");
        }
        foreach (var date in new[] { "published", "updated" })
        {
            if (video.Date(date) is null)
            {
                errors.Add($"{date} must be an ISO 8601 date");
            }
        }
        foreach (var date in new[] { "originallyPublishedAt", "uploadDate" })
        {
            if (video.Property(date) is not null && video.Date(date) is null)
            {
                errors.Add($"{date} must be an ISO 8601 date when present");
            }
        }
        if (video.Property("category") is { } category && !IsNonNegativeIntString(category.String("identifier")))
        {
            errors.Add("category.identifier must be an integer string");
        }
        if (video.Property("licence") is { } licence && licence.String("identifier") is null)
        {
            errors.Add("licence.identifier must be a string");
        }
        if (video.Property("language") is { } language && language.String("identifier") is null)
        {
            errors.Add("language.identifier must be a string");
        }
        if (video.Property("content") is not null)
        {
            var content = video.String("content");
            if (video.String("mediaType") is not ("text/markdown" or "text/html"))
            {
                errors.Add("mediaType must be text/markdown or text/html when content is present");
            }
            if (content is null || content.Length < 3)
            {
                errors.Add("content must have at least 3 characters");
            }
        }
        foreach (var audience in new[] { "to", "cc" })
        {
            if (video.Property(audience) is { } value && value.ValueKind != JsonValueKind.Array)
            {
                errors.Add($"{audience} must be an array");
            }
        }

        ValidateUrls(video, errors);
        ValidateIcons(video, errors);
        ValidateAttributedTo(video, id, errors);
        return errors;
    }

    private void ValidateUrls(JsonElement video, List<string> errors)
    {
        if (video.Property("url") is not { ValueKind: JsonValueKind.Array } urls)
        {
            errors.Add("url must be an array");
            return;
        }
        var links = urls.EnumerateArray().Where(IsValidUrlObject).ToArray();
        CheckMagnets(links, "url", errors);
        foreach (var hls in links.Where(l => (l.String("mediaType") ?? l.String("mimeType")) == VideoObjectBuilder.HlsMediaType))
        {
            var tag = hls.Many("tag").Where(t => t.ValueKind == JsonValueKind.Object).ToArray();
            if (!tag.Any(VideoObjectReader.IsSegmentsSha256Link))
            {
                errors.Add("an HLS playlist Link needs a sha256 segments Link in its tag (PeerTube skips it otherwise)");
            }
            CheckMagnets(tag.Where(IsValidUrlObject).ToArray(), "HLS tag", errors);
        }
    }

    /// <summary>Each file needs a magnet of the same height with a 40-hex info hash, or PeerTube throws on creation.</summary>
    private static void CheckMagnets(IReadOnlyList<JsonElement> links, string where, List<string> errors)
    {
        foreach (var file in links.Where(l => VideoObjectReader.IsVideoFileMediaType(l.String("mediaType") ?? l.String("mimeType"))))
        {
            var height = file.Integer("height");
            var magnet = links.FirstOrDefault(l => l.String("mediaType") == VideoObjectBuilder.MagnetMediaType && l.Integer("height") == height);
            if (VideoObjectReader.InfoHashFromMagnet(magnet.Iri()) is null)
            {
                errors.Add($"{where}: file of height {height} has no magnet Link with a valid info hash");
            }
        }
    }

    private bool IsValidUrlObject(JsonElement url)
    {
        if (url.ValueKind != JsonValueKind.Object)
        {
            return false;
        }
        var mediaType = url.String("mediaType") ?? url.String("mimeType");
        var href = url.String("href");
        var isLink = url.String("type") == "Link";
        if (isLink && VideoObjectReader.IsVideoFileMediaType(mediaType))
        {
            return IsUrl(href) && IsNonNegative(url, "height") && IsNonNegative(url, "size") && (url.Integer("fps") is null or >= -1);
        }
        if (isLink && mediaType == VideoObjectBuilder.TorrentMediaType)
        {
            return IsUrl(href) && IsNonNegative(url, "height");
        }
        if (isLink && mediaType == VideoObjectBuilder.MagnetMediaType)
        {
            return href is { Length: >= 5 } && IsNonNegative(url, "height");
        }
        if (mediaType == VideoObjectBuilder.HlsMediaType)
        {
            return isLink && IsUrl(href) && url.Property("tag") is { ValueKind: JsonValueKind.Array };
        }
        if (url.Many("rel").Any(r => r.ValueKind == JsonValueKind.String && r.GetString() == "tracker"))
        {
            return IsUrl(href, allowWebSocket: true);
        }
        return isLink && mediaType == "application/json" && url.Many("rel").Any(r => r.ValueKind == JsonValueKind.String && r.GetString() == "metadata")
            || mediaType == "text/html" && IsUrl(href);
    }

    private void ValidateIcons(JsonElement video, List<string> errors)
    {
        var valid = video.Many("icon").Count(i =>
            i.String("type") == "Image"
            && i.String("mediaType") == "image/jpeg"
            && IsUrl(i.String("url"))
            && i.Property("width") is { ValueKind: JsonValueKind.Number } w && w.TryGetInt32(out _)
            && i.Property("height") is { ValueKind: JsonValueKind.Number } h && h.TryGetInt32(out _));
        if (valid == 0)
        {
            errors.Add("icon needs at least one image/jpeg Image with integer width and height");
        }
    }

    private void ValidateAttributedTo(JsonElement video, string? id, List<string> errors)
    {
        var owners = video.Many("attributedTo")
            .Where(a => a.ValueKind == JsonValueKind.String && IsUrl(a.GetString())
                || a.ValueKind == JsonValueKind.Object && a.String("type") is ActorTypes.Person or ActorTypes.Group && IsUrl(a.String("id")))
            .ToArray();
        if (owners.Length == 0)
        {
            errors.Add("attributedTo must name at least one Person or Group");
            return;
        }
        var channel = owners.FirstOrDefault(a => a.ValueKind == JsonValueKind.Object && a.String("type") == ActorTypes.Group).Iri();
        if (channel is null || id is null || !Signatures.HttpSignatureVerifier.SameHost(channel, id))
        {
            errors.Add("attributedTo needs a Group (channel) on the video's host");
        }
    }

    private static bool IsNonNegative(JsonElement element, string name) => element.Integer(name) is >= 0;

    private static bool IsNonNegativeIntString(string? value) =>
        long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _);

    /// <summary>PeerTube's URL rule: http(s), at most 2000 characters, a TLD unless it runs on localhost.</summary>
    internal bool IsUrl(string? value, bool allowWebSocket = false)
    {
        if (value is null || value.Length > 2000 || !Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            return false;
        }
        var schemeOk = uri.Scheme is "http" or "https" || allowWebSocket && uri.Scheme is "ws" or "wss";
        return schemeOk && (!requireTld || uri.Host.Contains('.', StringComparison.Ordinal));
    }
}
