using System.Globalization;
using VideoPlatform.Core.Videos;

namespace VideoPlatform.Api.Videos;

/// <summary>Video metadata from PeerTube's multipart forms (the rules are <see cref="VideoCommands.Validate"/>).</summary>
public static class VideoForm
{
    public static UpdateVideoRequest ReadUpdate(IFormCollection form) => new()
    {
        Name = Text(form, "name"),
        Description = Text(form, "description"),
        Support = Text(form, "support"),
        Privacy = Int(form, "privacy"),
        Category = Int(form, "category"),
        Licence = Int(form, "licence"),
        Language = Text(form, "language"),
        Tags = List(form, "tags"),
        Nsfw = Bool(form, "nsfw"),
        CommentsEnabled = Bool(form, "commentsEnabled"),
        CommentsPolicy = Int(form, "commentsPolicy"),
        DownloadEnabled = Bool(form, "downloadEnabled"),
        WaitTranscoding = Bool(form, "waitTranscoding"),
        ChannelId = Int(form, "channelId"),
        OriginallyPublishedAt = Text(form, "originallyPublishedAt") is { } date
            ? DateTimeOffset.TryParse(date, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at : throw Invalid("originallyPublishedAt", "a date")
            : null,
        VideoPasswords = List(form, "videoPasswords"),
        AudienceGroups = List(form, "audienceGroups"),
        EmbedAllowedDomains = List(form, "embedAllowedDomains"),
    };

    /// <summary>An array field as PeerTube's forms send it (<c>key[]</c> repeated, or <c>key</c> repeated).</summary>
    private static List<string>? List(IFormCollection form, string key) =>
        form.TryGetValue(key + "[]", out var brackets) ? brackets.Where(x => x is not null).Select(x => x!).ToList()
            : form.TryGetValue(key, out var plain) ? plain.Where(x => x is not null).Select(x => x!).ToList() : null;

    private static string? Text(IFormCollection form, string key) => form.TryGetValue(key, out var value) && value.Count > 0 ? value.ToString() : null;

    private static int? Int(IFormCollection form, string key) =>
        Text(form, key) is { } text
            ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : throw Invalid(key, "an integer")
            : null;

    private static bool? Bool(IFormCollection form, string key) =>
        Text(form, key) is { } text ? bool.TryParse(text, out var value) ? value : throw Invalid(key, "true or false") : null;

    /// <summary>A malformed form value is the client's error: 400 with a problem detail (Api/Hosting/ErrorHandling).</summary>
    private static BadHttpRequestException Invalid(string key, string expected) =>
        new($"{key} must be {expected}.", StatusCodes.Status400BadRequest);
}
