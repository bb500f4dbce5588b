namespace VideoPlatform.Core.Domain;

/// <summary>PeerTube's privacy numbers (VideoPrivacy).</summary>
public enum VideoPrivacy
{
    Public = 1,
    Unlisted = 2,
    Private = 3,
    Internal = 4,
    PasswordProtected = 5,
}

/// <summary>PeerTube's video state numbers (VideoState).</summary>
public enum VideoState
{
    Published = 1,
    ToTranscode = 2,
    ToImport = 3,
    WaitingForLive = 4,
    LiveEnded = 5,
    ToMoveToExternalStorage = 6,
    TranscodingFailed = 7,
    ToMoveToExternalStorageFailed = 8,
    ToEdit = 9,
}

/// <summary>Where a local media file lives (PeerTube's FileStorage numbers).</summary>
public enum FileStorage
{
    /// <summary>The instance's disk, under <c>Storage:Root</c>.</summary>
    FileSystem = 0,

    /// <summary>S3-compatible object storage (<c>ObjectStorage:*</c>).</summary>
    ObjectStorage = 1,
}

/// <summary>PeerTube's user roles (UserRole).</summary>
/// <summary>The academy role beside PeerTube's numeric one: teachers publish, students watch and comment.</summary>
public static class AcademyRoles
{
    public const string Teacher = "teacher";
    public const string Student = "student";
}

public enum UserRole
{
    Administrator = 0,
    Moderator = 1,
    User = 2,
}

public static class ActorTypes
{
    public const string Application = "Application";
    public const string Person = "Person";
    public const string Group = "Group";
}

public static class FollowStates
{
    public const string Pending = "pending";
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";
}

/// <summary>Why an administrator's request to follow an instance by its host is refused before anything is stored or sent.</summary>
public enum FollowRefusal
{
    Empty,
    Malformed,
    Self,
    AlreadyFollowed,
    Blocked,
    Unreachable,
}

/// <summary>Why a live was not created: the REST API answers a problem, the « Diffuser en direct » page a French message.</summary>
public enum LiveCreationRefusal
{
    Disabled,
    Invalid,
    ReplayNotAllowed,
    UnknownChannel,
    InstanceLimit,
    UserLimit,
}
