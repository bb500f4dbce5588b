using System.Text.Json;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Core.Videos;

/// <summary>PeerTube's editable fields of a video (its names, as the REST API and the upload forms take them); null leaves a field as it is.</summary>
public sealed record UpdateVideoRequest
{
    public string? Name { get; init; }
    public string? Description { get; init; }
    public string? Support { get; init; }
    public int? Privacy { get; init; }
    public int? Category { get; init; }
    public int? Licence { get; init; }
    public string? Language { get; init; }
    public IReadOnlyList<string>? Tags { get; init; }
    public bool? Nsfw { get; init; }
    public bool? CommentsEnabled { get; init; }
    /// <summary>PeerTube 6.2's commentsPolicy (1 enabled, 2 disabled, 3 requires approval); wins over <see cref="CommentsEnabled"/>.</summary>
    public int? CommentsPolicy { get; init; }
    public bool? DownloadEnabled { get; init; }
    public bool? WaitTranscoding { get; init; }
    public long? ChannelId { get; init; }
    public DateTimeOffset? OriginallyPublishedAt { get; init; }

    /// <summary>PeerTube's passwords of a password-protected video (privacy 5); replaces them all.</summary>
    public IReadOnlyList<string>? VideoPasswords { get; init; }

    /// <summary>Our class audience: directory groups the video is restricted to (empty: none); implies privacy 4 (internal).</summary>
    public IReadOnlyList<string>? AudienceGroups { get; init; }

    /// <summary>Our per-video embed domains (empty: the instance's <c>Instance:EmbedAllowedDomains</c>).</summary>
    public IReadOnlyList<string>? EmbedAllowedDomains { get; init; }
}

/// <summary>The fields a video change can be refused for, so that each surface can say it in its own words.</summary>
public enum VideoField
{
    Name,
    Description,
    Support,
    Privacy,
    Category,
    Licence,
    Language,
    Tags,
    Channel,
    Passwords,
    AudienceGroups,
    EmbedDomains,
    CommentsPolicy,
}

/// <summary>Why a change was refused: the field and a message in the REST API's words (English, as PeerTube's).</summary>
public sealed record VideoChangeError(VideoField Field, string Message);

/// <summary>
/// The changes to a local video, written once for the REST API, the pages and federation: the update (PeerTube's field
/// limits, the write, the change notification with the previous privacy) and the deletion (Deleting → delete → Deleted).
/// Who may change a video is the caller's business: each surface answers a refusal its own way.
/// </summary>
public sealed class VideoCommands(VideoRepository videos, ActorRepository actors, VideoChangeNotifier notifier)
{
    /// <summary>PeerTube's limits, so that an edit is valid for the API, the pages and other instances alike.</summary>
    public static VideoChangeError? Validate(UpdateVideoRequest body)
    {
        if (body.Name is not null && body.Name.Trim().Length is < 3 or > 120)
        {
            return new(VideoField.Name, "name must be 3 to 120 characters long.");
        }
        if (body.Description is { Length: > 10000 })
        {
            return new(VideoField.Description, "description must be at most 10000 characters long.");
        }
        if (body.Support is { Length: > 1000 })
        {
            return new(VideoField.Support, "support must be at most 1000 characters long.");
        }
        if (body.Privacy is { } privacy && !VideoConstants.Privacies.ContainsKey(privacy))
        {
            return new(VideoField.Privacy, "privacy must be 1 (public), 2 (unlisted), 3 (private), 4 (internal) or 5 (password protected).");
        }
        if (body.Privacy == (int)VideoPrivacy.PasswordProtected && body.VideoPasswords is not { Count: > 0 })
        {
            return new(VideoField.Privacy, "privacy 5 (password protected) requires videoPasswords.");
        }
        if (body.VideoPasswords is { } passwords && VideoAudience.ValidatePasswords(passwords) is { } passwordError)
        {
            return new(VideoField.Passwords, passwordError);
        }
        if (body.AudienceGroups is { } groups && VideoAudience.NormalizeGroups(groups).Error is { } groupError)
        {
            return new(VideoField.AudienceGroups, groupError);
        }
        if (body.EmbedAllowedDomains is { } domains && VideoAudience.NormalizeDomains(domains).Error is { } domainError)
        {
            return new(VideoField.EmbedDomains, domainError);
        }
        if (body.Category is { } category && !VideoConstants.Categories.ContainsKey(category))
        {
            return new(VideoField.Category, $"category {category} is unknown (see /api/v1/videos/categories).");
        }
        if (body.Licence is { } licence && !VideoConstants.Licences.ContainsKey(licence))
        {
            return new(VideoField.Licence, $"licence {licence} is unknown (see /api/v1/videos/licences).");
        }
        if (body.Language is { } language && !VideoConstants.Languages.ContainsKey(language))
        {
            return new(VideoField.Language, $"language '{language}' is unknown (see /api/v1/videos/languages).");
        }
        if (body.Tags is { } tags && (tags.Count > 5 || tags.Any(tag => tag is null || tag.Length is < 2 or > 30)))
        {
            return new(VideoField.Tags, "tags: at most 5, each 2 to 30 characters long.");
        }
        if (body.CommentsPolicy is { } policy && !CommentsPolicies.IsValid(policy))
        {
            return new(VideoField.CommentsPolicy, "commentsPolicy must be 1 (enabled), 2 (disabled) or 3 (requires approval).");
        }
        return null;
    }

    /// <summary>The privacy, passwords and audience a change leaves a video with (new video: <paramref name="current"/> null).</summary>
    public sealed record Audience(VideoPrivacy Privacy, IReadOnlyList<string>? Passwords, string? AudienceGroups, string? EmbedAllowedDomains);

    /// <summary>
    /// The cross-field rules of audiences, over a validated <paramref name="body"/>: passwords only with privacy 5
    /// (leaving privacy 5 removes them); a class audience is a restriction of privacy 4 (internal: never federated, no
    /// swarm, signed-in viewers only), taken when no privacy is given and refused beside another one.
    /// </summary>
    public static (Audience? Audience, VideoChangeError? Error) ResolveAudience(VideoRow? current, UpdateVideoRequest body)
    {
        var privacy = body.Privacy is { } p ? (VideoPrivacy)p : current?.Privacy ?? VideoPrivacy.Public;
        var groups = body.AudienceGroups is { } given ? VideoAudience.NormalizeGroups(given).Groups
            : current is null ? [] : VideoAudience.Groups(current);
        if (groups.Count > 0 && privacy != VideoPrivacy.Internal)
        {
            if (body.Privacy is not null)
            {
                return (null, new(VideoField.AudienceGroups, "audienceGroups restrict internal videos: privacy must be 4 (internal), or audienceGroups empty."));
            }
            privacy = VideoPrivacy.Internal;
        }
        if (body.VideoPasswords is { Count: > 0 } && privacy != VideoPrivacy.PasswordProtected)
        {
            return (null, new(VideoField.Passwords, "videoPasswords are only for privacy 5 (password protected)."));
        }
        var passwords = privacy == VideoPrivacy.PasswordProtected
            ? body.VideoPasswords
            : current?.Privacy == VideoPrivacy.PasswordProtected ? [] : null;
        var domains = body.EmbedAllowedDomains is { } d ? VideoAudience.Column(VideoAudience.NormalizeDomains(d).Domains) : current?.EmbedAllowedDomains;
        return (new Audience(privacy, passwords, VideoAudience.Column(groups), domains), null);
    }

    /// <summary>
    /// Validates and writes <paramref name="body"/> over <paramref name="video"/>, then tells the listeners (media moves,
    /// federation, torrents, caches) with the previous privacy. Returns the refusal, or null once saved. A blank
    /// description clears it.
    /// </summary>
    public async Task<VideoChangeError?> UpdateAsync(VideoWithOwners video, UpdateVideoRequest body, CancellationToken ct)
    {
        var v = video.Video;
        if (v.Privacy == VideoPrivacy.PasswordProtected && body.Privacy == (int)VideoPrivacy.PasswordProtected && body.VideoPasswords is null)
        {
            // Already protected: keeping privacy 5 keeps its passwords.
            body = body with { Privacy = null };
        }
        if (Validate(body) is { } error)
        {
            return error;
        }
        var (audience, audienceError) = ResolveAudience(v, body);
        if (audienceError is not null)
        {
            return audienceError;
        }
        var channelId = v.ChannelId;
        if (body.ChannelId is { } newChannel && newChannel != channelId)
        {
            var channel = await actors.FindByIdAsync(newChannel, ct);
            if (channel is null || channel.AccountId != video.Account.Id)
            {
                return new(VideoField.Channel, "channelId must be one of the owner's channels.");
            }
            channelId = newChannel;
        }
        var tags = body.Tags ?? v.TagList();
        var updated = v with
        {
            Name = body.Name ?? v.Name,
            Description = body.Description is null ? v.Description : string.IsNullOrWhiteSpace(body.Description) ? null : body.Description,
            Support = body.Support ?? v.Support,
            Privacy = audience!.Privacy,
            AudienceGroups = audience.AudienceGroups,
            EmbedAllowedDomains = audience.EmbedAllowedDomains,
            Category = body.Category ?? v.Category,
            Licence = body.Licence ?? v.Licence,
            Language = body.Language ?? v.Language,
            Tags = JsonSerializer.Serialize(tags),
            Nsfw = body.Nsfw ?? v.Nsfw,
            CommentsPolicy = CommentsPolicies.Resolve(body.CommentsPolicy, body.CommentsEnabled, v.CommentsPolicy),
            DownloadEnabled = body.DownloadEnabled ?? v.DownloadEnabled,
            WaitTranscoding = body.WaitTranscoding ?? v.WaitTranscoding,
            ChannelId = channelId,
            OriginallyPublishedAt = body.OriginallyPublishedAt?.ToUnixTimeMilliseconds() ?? v.OriginallyPublishedAt,
        };
        updated = updated with { SearchText = SearchText.ForVideo(updated.Name, updated.Description, tags) };
        await videos.UpdateMetadataAsync(updated, audience.Passwords, ct);
        await notifier.UpdatedAsync(updated.Id, v.Privacy, ct);
        return null;
    }

    /// <summary>Deletes a video, local or remote, with the same listeners either way (files, torrents, federation, caches).</summary>
    public async Task DeleteAsync(VideoWithOwners video, CancellationToken ct)
    {
        await notifier.DeletingAsync(video, ct);
        await videos.DeleteAsync(video.Video.Id, ct);
        await notifier.DeletedAsync(video, ct);
    }
}
