namespace VideoPlatform.Core.Domain;

// Rows as stored. Timestamps are Unix milliseconds (DateTimeOffset.ToUnixTimeMilliseconds at the edges).

public sealed record UserRow
{
    public long Id { get; init; }
    public required string Username { get; init; }
    public required string Email { get; init; }
    public required string PasswordHash { get; init; }
    public UserRole Role { get; init; }
    public long VideoQuota { get; init; }
    public long VideoQuotaDaily { get; init; }
    public bool Blocked { get; init; }
    public long CreatedAt { get; init; }
    /// <summary><see cref="AcademyRoles"/>: teacher or student from the academy's directory, beside PeerTube's <see cref="Role"/>.</summary>
    public string? AcademyRole { get; init; }
    /// <summary>The OpenID Connect provider (configuration name) this user signs in through.</summary>
    public string? ExternalProvider { get; init; }
    /// <summary>The provider's <c>sub</c>; null with a provider set: an admin allowed the next sign-in with the same e-mail to link.</summary>
    public string? ExternalSubject { get; init; }
}

public sealed record ActorRow
{
    public long Id { get; init; }
    public required string Type { get; init; }
    public required string Name { get; init; }
    public required string DisplayName { get; init; }
    public string? Description { get; init; }
    public string? Support { get; init; }
    public required string Url { get; init; }
    public required string InboxUrl { get; init; }
    public string? OutboxUrl { get; init; }
    public string? SharedInboxUrl { get; init; }
    public string? FollowersUrl { get; init; }
    public string? FollowingUrl { get; init; }
    public string? PublicKeyPem { get; init; }
    public string? PrivateKeyPem { get; init; }
    public long? ServerId { get; init; }
    public long? UserId { get; init; }
    public long? AccountId { get; init; }
    public string? AvatarUrl { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }

    /// <summary>Host of a remote actor (joined from servers), null for local ones.</summary>
    public string? Host { get; init; }

    public bool IsLocal => ServerId is null;
}

public sealed record VideoRow
{
    public long Id { get; init; }
    public required string Uuid { get; init; }
    public required string ShortUuid { get; init; }
    public required string Name { get; init; }
    public string? Description { get; init; }
    public string? Support { get; init; }
    public long ChannelId { get; init; }
    public VideoPrivacy Privacy { get; init; }
    public VideoState State { get; init; }
    public int Duration { get; init; }
    public int? Category { get; init; }
    public int? Licence { get; init; }
    public string? Language { get; init; }
    public string Tags { get; init; } = "[]";
    public bool Nsfw { get; init; }
    /// <summary>PeerTube's commentsPolicy (<see cref="CommentsPolicies"/>).</summary>
    public int CommentsPolicy { get; init; } = CommentsPolicies.Enabled;
    /// <summary>PeerTube's older commentsEnabled: any policy but disabled.</summary>
    public bool CommentsEnabled => CommentsPolicy != CommentsPolicies.Disabled;
    public bool DownloadEnabled { get; init; } = true;
    public bool WaitTranscoding { get; init; } = true;
    public long Views { get; init; }
    public long Likes { get; init; }
    public long Dislikes { get; init; }
    /// <summary>Blocked by a moderator (PeerTube's blacklist): seen only by its owner and moderators, not federated.</summary>
    public bool Blacklisted { get; init; }
    public bool IsLocal { get; init; }
    public required string Url { get; init; }
    public string? ThumbnailName { get; init; }
    public string? PreviewName { get; init; }
    public string? RemoteThumbnailUrl { get; init; }
    public string SearchText { get; init; } = "";
    public string? ErrorMessage { get; init; }
    public int? TranscodeProgress { get; init; }
    public long OriginalSize { get; init; }

    /// <summary>A live (PeerTube's isLive): on air in state 1, waiting in state 4, ended in state 5.</summary>
    public bool IsLive { get; init; }

    public long PublishedAt { get; init; }
    public long? OriginallyPublishedAt { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }

    /// <summary>The tags, stored as a JSON array of strings.</summary>
    public IReadOnlyList<string> TagList() => System.Text.Json.JsonSerializer.Deserialize<List<string>>(Tags) ?? [];

    /// <summary>Class audience (<see cref="VideoAudience"/>): the directory groups this video is restricted to, a JSON array; null for none.</summary>
    public string? AudienceGroups { get; init; }

    /// <summary>Domains this video may be embedded on, a JSON array; null: the instance's <c>Instance:EmbedAllowedDomains</c>.</summary>
    public string? EmbedAllowedDomains { get; init; }
}

public sealed record VideoPasswordRow
{
    public long Id { get; init; }
    public long VideoId { get; init; }
    public required string Password { get; init; }
    public long CreatedAt { get; init; }
}

public sealed record StreamingPlaylistRow
{
    public long Id { get; init; }
    public long VideoId { get; init; }
    public string? MasterName { get; init; }
    public string? SegmentsSha256Name { get; init; }
    public string? RemotePlaylistUrl { get; init; }
    public string? RemoteSegmentsSha256Url { get; init; }

    /// <summary>Where the playlists and <c>segments-sha256.json</c> live.</summary>
    public FileStorage Storage { get; init; }

    public long CreatedAt { get; init; }
}

public sealed record VideoFileRow
{
    public long Id { get; init; }
    public long VideoId { get; init; }
    public int Resolution { get; init; }
    public int Width { get; init; }
    public int Height { get; init; }
    public int Fps { get; init; }
    public long Size { get; init; }
    public long Bitrate { get; init; }
    public string? FileName { get; init; }
    public string? PlaylistName { get; init; }
    public string? TorrentName { get; init; }
    public string? InfoHash { get; init; }
    public string? RemoteFileUrl { get; init; }
    public string? RemotePlaylistUrl { get; init; }
    public string? RemoteTorrentUrl { get; init; }
    public string? RemoteMagnetUri { get; init; }

    /// <summary>One of <see cref="VideoFileKinds"/>.</summary>
    public string Kind { get; init; } = VideoFileKinds.Hls;

    public bool HasAudio { get; init; } = true;
    public bool HasVideo { get; init; } = true;

    /// <summary>Where this file lives.</summary>
    public FileStorage Storage { get; init; }

    public long CreatedAt { get; init; }
}

/// <summary>What a <c>video_files</c> row is; PeerTube lists the last two in <c>files[]</c> and the first under <c>streamingPlaylists[]</c>.</summary>
public static class VideoFileKinds
{
    /// <summary>A fragmented MP4 rendition of the HLS playlist.</summary>
    public const string Hls = "hls";

    /// <summary>A faststart MP4 rendition, made in the same ffmpeg run as the HLS ladder: the download that plays offline.</summary>
    public const string WebVideo = "web-video";

    /// <summary>The uploaded original, listed as PeerTube lists it (a web video with its torrent) until the transcode publishes.</summary>
    public const string Source = "source";
}

public sealed record FollowRow
{
    public long Id { get; init; }
    public long FollowerId { get; init; }
    public long FollowingId { get; init; }
    public required string State { get; init; }
    public string? ActivityUrl { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
}

/// <summary>An unfinished resumable upload: who, into which channel, what metadata, and how many bytes are stored.</summary>
public sealed record UploadSessionRow
{
    public required string Id { get; init; }
    public long UserId { get; init; }
    public long ChannelId { get; init; }
    public required string Metadata { get; init; }
    public required string FileName { get; init; }
    public required string ContentType { get; init; }
    public long Size { get; init; }
    public long Received { get; init; }
    public long? VideoId { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
}

/// <summary>A remote server: blocked or not, and its delivery health.</summary>
public sealed record ServerRow
{
    public long Id { get; init; }
    public required string Host { get; init; }
    public bool Blocked { get; init; }
    public long? BlockedAt { get; init; }
    public int FailureCount { get; init; }
    public long? FailingSince { get; init; }
    public long? UnreachableSince { get; init; }
    public long? ProbeAt { get; init; }
}

/// <summary>One administrator action: who (username), what (<c>user.create</c>, <c>settings.update</c>…), on what, and the changes.</summary>
public sealed record AuditRow
{
    public long Id { get; init; }
    public required string Actor { get; init; }
    public required string Action { get; init; }
    public required string Target { get; init; }
    public string? Details { get; init; }
    public long CreatedAt { get; init; }
}

/// <summary>A report (PeerTube's abuse) with the names needed to show it; <see cref="State"/> is PeerTube's AbuseState.</summary>
public sealed record AbuseRow
{
    public long Id { get; init; }
    public long? ReporterAccountId { get; init; }
    public string? ReporterName { get; init; }
    public required string Reason { get; init; }
    public string PredefinedReasons { get; init; } = "[]";
    public long? VideoId { get; init; }
    public string? VideoUuid { get; init; }
    public string? VideoName { get; init; }
    public long? FlaggedAccountId { get; init; }
    public string? FlaggedAccountName { get; init; }
    /// <summary>A reported comment: its id (null once deleted) and its text as it was reported.</summary>
    public long? CommentId { get; init; }
    public string? CommentText { get; init; }
    public int State { get; init; }
    public string? ModerationComment { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
}

/// <summary>A live's settings (PeerTube's videoLive): its stream key, whether it is permanent, and what becomes of a session.</summary>
public sealed record LiveRow
{
    public long VideoId { get; init; }
    public required string StreamKey { get; init; }
    public bool PermanentLive { get; init; }
    public bool SaveReplay { get; init; }
    public VideoPrivacy? ReplayPrivacy { get; init; }

    /// <summary>PeerTube's LiveVideoLatencyMode: 1 default, 2 high latency, 3 small latency.</summary>
    public int LatencyMode { get; init; } = 1;

    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
}

/// <summary>PeerTube's AbuseState.</summary>
public static class AbuseStates
{
    public const int Pending = 1;
    public const int Rejected = 2;
    public const int Accepted = 3;

    public static string Label(int state) => state switch { Pending => "Pending", Rejected => "Rejected", Accepted => "Accepted", _ => "Unknown" };
}

/// <summary>A blocked video (PeerTube's blacklist entry).</summary>
public sealed record BlacklistRow
{
    public long VideoId { get; init; }
    public string? Reason { get; init; }
    public long CreatedAt { get; init; }
}

/// <summary>One time on air (PeerTube's videoLiveSession).</summary>
public sealed record LiveSessionRow
{
    public long Id { get; init; }
    public long LiveVideoId { get; init; }
    public long StartedAt { get; init; }
    public long? EndedAt { get; init; }

    /// <summary>PeerTube's LiveVideoError when the session ended badly (1 bad socket health, 2 duration exceeded, 3 quota exceeded, 4 ffmpeg error, 5 blacklisted).</summary>
    public int? Error { get; init; }

    public bool SaveReplay { get; init; }
    public VideoPrivacy? ReplayPrivacy { get; init; }
    public long? ReplayVideoId { get; init; }
}
