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
        if (body.Privacy is { } privacy && (!VideoConstants.Privacies.ContainsKey(privacy) || privacy == (int)VideoPrivacy.PasswordProtected))
        {
            return new(VideoField.Privacy, "privacy must be 1 (public), 2 (unlisted), 3 (private) or 4 (internal).");
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

    /// <summary>
    /// Validates and writes <paramref name="body"/> over <paramref name="video"/>, then tells the listeners (media moves,
    /// federation, torrents, caches) with the previous privacy. Returns the refusal, or null once saved. A blank
    /// description clears it.
    /// </summary>
    public async Task<VideoChangeError?> UpdateAsync(VideoWithOwners video, UpdateVideoRequest body, CancellationToken ct)
    {
        if (Validate(body) is { } error)
        {
            return error;
        }
        var v = video.Video;
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
            Privacy = body.Privacy is { } privacy ? (VideoPrivacy)privacy : v.Privacy,
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
        await videos.UpdateMetadataAsync(updated, ct);
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
