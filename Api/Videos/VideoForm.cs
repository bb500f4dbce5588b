using System.Globalization;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Api.Videos;

/// <summary>Video metadata from PeerTube's multipart forms, and the checks shared by upload and update.</summary>
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
        Tags = form.TryGetValue("tags[]", out var t1) ? t1.Where(x => x is not null).Select(x => x!).ToList()
            : form.TryGetValue("tags", out var t2) ? t2.Where(x => x is not null).Select(x => x!).ToList() : null,
        Nsfw = Bool(form, "nsfw"),
        CommentsEnabled = Bool(form, "commentsEnabled"),
        DownloadEnabled = Bool(form, "downloadEnabled"),
        WaitTranscoding = Bool(form, "waitTranscoding"),
        ChannelId = Int(form, "channelId"),
        OriginallyPublishedAt = Text(form, "originallyPublishedAt") is { } date ? DateTimeOffset.Parse(date, CultureInfo.InvariantCulture) : null,
    };

    public static string? Validate(UpdateVideoRequest body)
    {
        if (body.Name is not null && body.Name.Trim().Length is < 3 or > 120)
        {
            return "name must be 3 to 120 characters long.";
        }
        if (body.Description is { Length: > 10000 })
        {
            return "description must be at most 10000 characters long.";
        }
        if (body.Support is { Length: > 1000 })
        {
            return "support must be at most 1000 characters long.";
        }
        if (body.Privacy is { } privacy && (!VideoConstants.Privacies.ContainsKey(privacy) || privacy == (int)VideoPrivacy.PasswordProtected))
        {
            return "privacy must be 1 (public), 2 (unlisted), 3 (private) or 4 (internal).";
        }
        if (body.Category is { } category && !VideoConstants.Categories.ContainsKey(category))
        {
            return $"category {category} is unknown (see /api/v1/videos/categories).";
        }
        if (body.Licence is { } licence && !VideoConstants.Licences.ContainsKey(licence))
        {
            return $"licence {licence} is unknown (see /api/v1/videos/licences).";
        }
        if (body.Language is { } language && !VideoConstants.Languages.ContainsKey(language))
        {
            return $"language '{language}' is unknown (see /api/v1/videos/languages).";
        }
        if (body.Tags is { } tags && (tags.Count > 5 || tags.Any(tag => tag is null || tag.Length is < 2 or > 30)))
        {
            return "tags: at most 5, each 2 to 30 characters long.";
        }
        return null;
    }

    private static string? Text(IFormCollection form, string key) => form.TryGetValue(key, out var value) && value.Count > 0 ? value.ToString() : null;

    private static int? Int(IFormCollection form, string key) =>
        Text(form, key) is { } text ? int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture) : null;

    private static bool? Bool(IFormCollection form, string key) => Text(form, key) is { } text ? bool.Parse(text) : null;
}
