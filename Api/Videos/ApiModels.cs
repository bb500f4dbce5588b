using System.Text.Json.Serialization;

namespace VideoPlatform.Api.Videos;

// PeerTube's REST shapes (support/doc/api/openapi.yaml); only what we implement, with its field names.

public sealed record IdLabel<T>(T Id, string Label);

public sealed record ListResult<T>(long Total, IReadOnlyList<T> Data);

public sealed record ActorImage(string Path, int Width, string? FileUrl = null);

public sealed record AccountSummary(long Id, string Name, string DisplayName, string Url, string Host, IReadOnlyList<ActorImage> Avatars);

public sealed record ChannelSummary(long Id, string Name, string DisplayName, string Url, string Host, IReadOnlyList<ActorImage> Avatars);

public sealed record AccountDto(
    long Id, string Name, string DisplayName, string? Description, string Url, string Host, bool IsLocal, DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt, long FollowersCount, long FollowingCount, IReadOnlyList<ActorImage> Avatars, long? UserId);

public sealed record ChannelDto(
    long Id, string Name, string DisplayName, string? Description, string? Support, string Url, string Host, bool IsLocal,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long FollowersCount, long FollowingCount, IReadOnlyList<ActorImage> Avatars,
    IReadOnlyList<ActorImage> Banners, AccountSummary OwnerAccount);

public sealed record VideoFileDto(
    long Id,
    IdLabel<int> Resolution,
    long Size,
    int Fps,
    int Width,
    int Height,
    string FileUrl,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FileDownloadUrl,
    string? PlaylistUrl,
    string? TorrentUrl,
    string? TorrentDownloadUrl,
    string? MagnetUri,
    string? InfoHash,
    string? MetadataUrl,
    bool HasAudio,
    bool HasVideo,
    int Storage = 0);

/// <summary><c>p2pMediaLoaderInfohashes</c>: the swarm id of each HLS variant, in master playlist order (PeerTube's field).</summary>
public sealed record StreamingPlaylistDto(long Id, int Type, string PlaylistUrl, string? SegmentsSha256Url, IReadOnlyList<object> Redundancies,
    IReadOnlyList<VideoFileDto> Files, IReadOnlyList<string> P2pMediaLoaderInfohashes);

public sealed record VideoDto
{
    public long Id { get; init; }
    public required string Uuid { get; init; }

    [JsonPropertyName("shortUUID")]
    public required string ShortUuid { get; init; }

    public required string Url { get; init; }
    public required string Name { get; init; }
    public required IdLabel<int?> Category { get; init; }
    public required IdLabel<int?> Licence { get; init; }
    public required IdLabel<string?> Language { get; init; }
    public required IdLabel<int> Privacy { get; init; }
    public bool Nsfw { get; init; }
    public string? TruncatedDescription { get; init; }
    public string? Description { get; init; }
    public bool IsLocal { get; init; }
    public int Duration { get; init; }
    public long Views { get; init; }
    public long Viewers { get; init; }
    public long Likes { get; init; }
    public long Dislikes { get; init; }
    // Made by the transcode: absent (PeerTube's type is a string, never null) until then.
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ThumbnailPath { get; init; }

    public string? ThumbnailUrl { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PreviewPath { get; init; }
    public required string EmbedPath { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset PublishedAt { get; init; }
    public DateTimeOffset? OriginallyPublishedAt { get; init; }
    public bool IsLive { get; init; }
    public required IdLabel<int> State { get; init; }
    public bool WaitTranscoding { get; init; }
    /// <summary>Width / height of the largest rendition rounded to 2 decimals, as PeerTube's; null while unknown.</summary>
    public float? AspectRatio { get; init; }

    /// <summary><see cref="Videos.AccountSummary"/> in listings, the full <see cref="AccountDto"/> in details (PeerTube's types).</summary>
    public required object Account { get; init; }

    /// <summary><see cref="ChannelSummary"/> in listings, the full <see cref="ChannelDto"/> in details.</summary>
    public required object Channel { get; init; }

    /// <summary>Transcoding progress in percent while the video is being processed (our extension; PeerTube shows it per job).</summary>
    public int? TranscodingProgress { get; init; }

    /// <summary>Why processing failed, in plain words, when <c>state</c> is a failure.</summary>
    public string? Error { get; init; }

    // Details only (GET /api/v1/videos/{id}); null in listings and omitted.
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Support { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DescriptionPath { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Tags { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? CommentsEnabled { get; init; }

    /// <summary>PeerTube's <c>commentsPolicy</c> (1 enabled, 2 disabled, 3 requires approval), beside the older <c>commentsEnabled</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IdLabel<int>? CommentsPolicy { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? DownloadEnabled { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? TrackerUrls { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<VideoFileDto>? Files { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<StreamingPlaylistDto>? StreamingPlaylists { get; init; }

    /// <summary>Our class audience (directory groups), shown to those who manage the video.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? AudienceGroups { get; init; }

    /// <summary>Our per-video embed domains (empty: the instance's), shown to those who manage the video.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? EmbedAllowedDomains { get; init; }
}

public sealed record UserDto(
    long Id, string Username, string Email, IdLabel<int> Role, long VideoQuota, long VideoQuotaDaily, bool Blocked, DateTimeOffset CreatedAt,
    AccountDto Account, IReadOnlyList<ChannelDto> VideoChannels, long? VideoQuotaUsed = null, long? VideoQuotaUsedDaily = null)
{
    // The preferences of PeerTube's user model that its web client and apps read (PeerTube's defaults; we keep no
    // per-user player preferences yet). Email addresses need no verification here.
    public bool EmailVerified { get; init; } = true;
    public string NsfwPolicy { get; init; } = "blur";
    public IReadOnlyList<string> NsfwFlagsDisplayed { get; init; } = [];
    public IReadOnlyList<string> NsfwFlagsHidden { get; init; } = [];
    public IReadOnlyList<string> NsfwFlagsWarned { get; init; } = [];
    public IReadOnlyList<string> NsfwFlagsBlurred { get; init; } = [];
    public bool P2pEnabled { get; init; } = true;
    public bool AutoPlayVideo { get; init; } = true;
    public bool AutoPlayNextVideo { get; init; }
    public bool AutoPlayNextVideoPlaylist { get; init; } = true;
    public bool VideosHistoryEnabled { get; init; } = true;

    /// <summary>Languages the user wants to see videos in; null is all (PeerTube's).</summary>
    public IReadOnlyList<string>? VideoLanguages { get; init; }

    public string Language { get; init; } = "fr";
    public string Theme { get; init; } = "instance-default";
    public bool NoInstanceConfigWarningModal { get; init; } = true;
    public bool NoAccountSetupWarningModal { get; init; } = true;
    public bool NoWelcomeModal { get; init; } = true;
    public int AdminFlags { get; init; }
    public IReadOnlyList<object> VideoPlaylists { get; init; } = [];
}
