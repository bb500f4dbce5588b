namespace VideoPlatform.Core.Playlists;

/// <summary>PeerTube's VideoPlaylistPrivacy.</summary>
public enum PlaylistPrivacy
{
    Public = 1,
    Unlisted = 2,
    Private = 3,
}

/// <summary>PeerTube's VideoPlaylistType.</summary>
public enum PlaylistType
{
    Regular = 1,
    WatchLater = 2,
}

/// <summary>PeerTube's VideoPlaylistElementType: what a viewer sees of an element's video.</summary>
public enum PlaylistElementType
{
    Regular = 0,
    Deleted = 1,
    Private = 2,
    Unavailable = 3,
}

/// <summary>PeerTube's playlist rules (pure): fields, privacy, what an element shows, who sees a playlist.</summary>
public static class PlaylistRules
{
    public const int NameMax = 120;
    public const int DescriptionMin = 3;
    public const int DescriptionMax = 1000;

    public static readonly IReadOnlyDictionary<PlaylistPrivacy, string> PrivacyLabels = new Dictionary<PlaylistPrivacy, string>
    {
        [PlaylistPrivacy.Public] = "Public",
        [PlaylistPrivacy.Unlisted] = "Unlisted",
        [PlaylistPrivacy.Private] = "Private",
    };

    public static string TypeLabel(PlaylistType type) => type == PlaylistType.WatchLater ? "Watch later" : "Regular";

    /// <summary>The error of a playlist's fields as they would be saved (after a create or an update), or null.</summary>
    public static string? Validate(string? displayName, string? description, int privacy, bool hasChannel)
    {
        if (string.IsNullOrWhiteSpace(displayName) || displayName.Length > NameMax)
        {
            return $"displayName must be 1 to {NameMax} characters long.";
        }
        if (description is not null && (description.Length < DescriptionMin || description.Length > DescriptionMax))
        {
            return $"description must be {DescriptionMin} to {DescriptionMax} characters long.";
        }
        if (!Enum.IsDefined((PlaylistPrivacy)privacy))
        {
            return "privacy must be 1 (public), 2 (unlisted) or 3 (private).";
        }
        if ((PlaylistPrivacy)privacy == PlaylistPrivacy.Public && !hasChannel)
        {
            return "Cannot set \"public\" a playlist that is not assigned to a channel.";
        }
        return null;
    }

    /// <summary>Public and unlisted playlists are seen by anyone with the link; a private one by its owner only.</summary>
    public static bool CanView(PlaylistPrivacy privacy, bool isOwner) => privacy != PlaylistPrivacy.Private || isOwner;

    /// <summary>
    /// What an element shows to a viewer (PeerTube's getType): a deleted video is <c>Deleted</c>; the owner of the video sees
    /// it; a logged-in user sees an internal one; a private, internal or password-protected one is <c>Private</c>; a blocked
    /// one is <c>Unavailable</c>. Anything but <c>Regular</c> is listed with <c>video: null</c>.
    /// </summary>
    public static PlaylistElementType ElementType(bool videoExists, Domain.VideoPrivacy privacy, bool blacklisted, bool viewerOwnsVideo, bool viewerLoggedIn)
    {
        if (!videoExists)
        {
            return PlaylistElementType.Deleted;
        }
        if (viewerOwnsVideo)
        {
            return PlaylistElementType.Regular;
        }
        if (privacy == Domain.VideoPrivacy.Internal && viewerLoggedIn)
        {
            return blacklisted ? PlaylistElementType.Unavailable : PlaylistElementType.Regular;
        }
        if (privacy is Domain.VideoPrivacy.Private or Domain.VideoPrivacy.Internal or Domain.VideoPrivacy.PasswordProtected)
        {
            return PlaylistElementType.Private;
        }
        return blacklisted ? PlaylistElementType.Unavailable : PlaylistElementType.Regular;
    }

    /// <summary>
    /// What an element whose video is <paramref name="video"/> (null: deleted) shows to <paramref name="user"/>; moderators see every video.
    /// A video the viewer still cannot see by <see cref="Domain.VideoAccess.CanView"/> (a class audience they are not in) is private to them.
    /// </summary>
    public static PlaylistElementType ElementType(Data.Repositories.VideoWithOwners? video, System.Security.Claims.ClaimsPrincipal user)
    {
        if (video is null)
        {
            return PlaylistElementType.Deleted;
        }
        var type = ElementType(true, video.Video.Privacy, video.Video.Blacklisted,
            Domain.VideoAccess.IsOwner(video, user) || Domain.ClaimsPrincipalExtensions.CanSeeAllVideos(user), Domain.ClaimsPrincipalExtensions.UserId(user) is not null);
        return type == PlaylistElementType.Regular && !Domain.VideoAccess.CanView(video, user) ? PlaylistElementType.Private : type;
    }

    /// <summary>An element's start and stop (seconds): each at least 0, the stop after the start.</summary>
    public static string? ValidateTimestamps(int? start, int? stop)
    {
        if (start is < 0 || stop is < 0)
        {
            return "startTimestamp and stopTimestamp must be positive integers (seconds).";
        }
        if (start is not null && stop is not null && stop <= start)
        {
            return "stopTimestamp must be after startTimestamp.";
        }
        return null;
    }
}

/// <summary>
/// Positions 1..n of a playlist's elements, kept contiguous: an element is added at the end, a removal closes the gap, and a
/// reorder moves a block (PeerTube's <c>startPosition</c>, <c>insertAfterPosition</c>, <c>reorderLength</c>).
/// </summary>
public static class PlaylistPositions
{
    /// <summary>PeerTube's checks of a reorder on a playlist of <paramref name="count"/> elements, with its messages.</summary>
    public static string? ValidateReorder(int count, int startPosition, int insertAfterPosition, int reorderLength)
    {
        if (startPosition < 1 || insertAfterPosition < 0 || reorderLength < 1)
        {
            return "startPosition must be at least 1, insertAfterPosition at least 0 and reorderLength at least 1.";
        }
        if (startPosition > count || insertAfterPosition > count)
        {
            return $"Start position or insert after position exceed the playlist limits (max: {count}).";
        }
        if (startPosition + reorderLength - 1 > count)
        {
            return $"Reorder length with this start position exceeds the playlist limits (max: {count - startPosition + 1}).";
        }
        if (insertAfterPosition > startPosition && insertAfterPosition < startPosition + reorderLength)
        {
            return "insertAfterPosition cannot be inside the block of elements being moved.";
        }
        return null;
    }

    /// <summary>
    /// The order after a valid reorder: element i of the result is the old position now at position i + 1. The block of
    /// <paramref name="reorderLength"/> elements from <paramref name="startPosition"/> goes right after the element that was at
    /// <paramref name="insertAfterPosition"/> (0: first); <c>insertAfterPosition == startPosition</c> changes nothing, as in PeerTube.
    /// </summary>
    public static IReadOnlyList<int> Reorder(int count, int startPosition, int insertAfterPosition, int reorderLength)
    {
        if (ValidateReorder(count, startPosition, insertAfterPosition, reorderLength) is { } error)
        {
            throw new ArgumentException(error);
        }
        var all = Enumerable.Range(1, count).ToList();
        if (insertAfterPosition == startPosition)
        {
            return all;
        }
        var block = all.GetRange(startPosition - 1, reorderLength);
        var rest = all.Where(p => p < startPosition || p >= startPosition + reorderLength).ToList();
        var at = insertAfterPosition == 0 ? 0 : rest.IndexOf(insertAfterPosition) + 1;
        rest.InsertRange(at, block);
        return rest;
    }

    /// <summary>After removing the element at <paramref name="removed"/>, where an element at <paramref name="position"/> goes.</summary>
    public static int AfterRemoval(int position, int removed) => position > removed ? position - 1 : position;
}
