using System.Text.Json;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Core.Videos;

/// <summary>
/// A new local video, for every way one is made (an upload, a live): the metadata rules and the row's common fields.
/// Each caller adds what is its own (state, duration, live flags, images) and writes the row.
/// </summary>
public static class NewVideos
{
    /// <summary>PeerTube's required name and channel, then the rules of an edit and of the audience; null when valid.</summary>
    public static string? Validate(UpdateVideoRequest metadata)
    {
        if (metadata.Name is null)
        {
            return "name is required.";
        }
        if (metadata.ChannelId is null)
        {
            return "channelId is required.";
        }
        return VideoCommands.Validate(metadata)?.Message ?? VideoCommands.ResolveAudience(null, metadata).Error?.Message;
    }

    /// <summary>
    /// The row of a new local video from validated <paramref name="metadata"/> (see <see cref="Validate"/>): a fresh
    /// UUID and short UUID, the trimmed name, the audience, PeerTube's defaults for the flags, the search text and the
    /// timestamps; state, duration and sizes are the caller's.
    /// </summary>
    public static VideoRow Row(UpdateVideoRequest metadata, VideoCommands.Audience audience, string publicUrl, long now)
    {
        var uuid = Guid.NewGuid();
        var uuidText = uuid.ToString("D");
        var tags = metadata.Tags ?? [];
        var name = metadata.Name!.Trim();
        return new VideoRow
        {
            Uuid = uuidText,
            ShortUuid = ShortUuid.FromUuid(uuid),
            Name = name,
            Description = metadata.Description,
            Support = metadata.Support,
            ChannelId = metadata.ChannelId!.Value,
            Privacy = audience.Privacy,
            AudienceGroups = audience.AudienceGroups,
            EmbedAllowedDomains = audience.EmbedAllowedDomains,
            Category = metadata.Category,
            Licence = metadata.Licence,
            Language = metadata.Language,
            Tags = JsonSerializer.Serialize(tags),
            Nsfw = metadata.Nsfw ?? false,
            CommentsPolicy = CommentsPolicies.Resolve(metadata.CommentsPolicy, metadata.CommentsEnabled, CommentsPolicies.Enabled),
            DownloadEnabled = metadata.DownloadEnabled ?? true,
            IsLocal = true,
            Url = LocalUrls.Video(publicUrl, uuidText),
            SearchText = SearchText.ForVideo(name, metadata.Description, tags),
            PublishedAt = now,
            OriginallyPublishedAt = metadata.OriginallyPublishedAt?.ToUnixTimeMilliseconds(),
            CreatedAt = now,
            UpdatedAt = now,
        };
    }
}
