using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using VideoPlatform.Core.Data.Repositories;

namespace VideoPlatform.Core.Domain;

/// <summary>PeerTube's privacy rules in one place: who may see and who may manage a video.</summary>
public static class VideoAccess
{
    public static bool IsOwner(VideoWithOwners video, ClaimsPrincipal user) =>
        user.UserId() is { } id && video.Account.UserId == id && video.Account.IsLocal;

    public static bool CanManage(VideoWithOwners video, ClaimsPrincipal user) => IsOwner(video, user) || user.CanSeeAllVideos();

    /// <summary>
    /// Public and unlisted videos are the only ones shared beyond the HTTP access check: their files live in the public
    /// tree and they have torrents, a swarm and seeding. Every other privacy (private, internal, password) has none, and
    /// a change across this line re-keys the video's media (new file names, new info hashes).
    /// </summary>
    public static bool IsShared(VideoPrivacy privacy) => privacy is VideoPrivacy.Public or VideoPrivacy.Unlisted;

    /// <summary>
    /// Public and unlisted: anyone with the link; internal: logged-in users; private, password-protected (without its
    /// password, see <see cref="VideoAudience.MatchesAny"/>) and blocked videos: owner and moderators. A class audience
    /// (<see cref="VideoAudience"/>) further restricts any of them to members of its groups (and owner, moderators).
    /// </summary>
    public static bool CanView(VideoWithOwners video, ClaimsPrincipal user) => CanManage(video, user) || (!video.Video.Blacklisted
        && VideoAudience.IsInAudience(video.Video, user) && video.Video.Privacy switch
        {
            VideoPrivacy.Public or VideoPrivacy.Unlisted => true,
            VideoPrivacy.Internal => user.UserId() is not null,
            _ => false,
        });

    /// <summary>A video whose viewers must give one of its passwords (owner and moderators need none).</summary>
    public static bool NeedsPassword(VideoWithOwners video, ClaimsPrincipal user) =>
        video.Video.Privacy == VideoPrivacy.PasswordProtected && !video.Video.Blacklisted && !CanManage(video, user);

    /// <summary>A video restricted to groups the user is not in (signed in or not): refused with the groups' names.</summary>
    public static bool IsOutsideAudience(VideoWithOwners video, ClaimsPrincipal user) => !CanManage(video, user) && !VideoAudience.IsInAudience(video.Video, user);

    /// <summary>
    /// A listing as this viewer may see it: the privacies they may list (of <paramref name="requested"/>, if given), the
    /// class videos of their directory groups, every class video for moderators, and without what the viewer blocked.
    /// </summary>
    public static VideoQuery ForViewer(VideoQuery query, ClaimsPrincipal user, IReadOnlyCollection<int>? requested = null) => query with
    {
        Privacies = ListablePrivacies(user, requested),
        AudienceGroups = user.UserId() is null ? [] : VideoAudience.GroupsOf(user),
        IncludeAudienceRestricted = user.CanSeeAllVideos(),
        BlockViewer = user.BlockViewer(),
    };

    /// <summary>Privacies a listing may include for this user (PeerTube lists public, plus internal for logged-in users).</summary>
    public static IReadOnlyCollection<int> ListablePrivacies(ClaimsPrincipal user, IReadOnlyCollection<int>? requested)
    {
        var allowed = user.CanSeeAllVideos()
            ? new HashSet<int> { 1, 2, 3, 4, 5 }
            : user.UserId() is not null ? new HashSet<int> { (int)VideoPrivacy.Public, (int)VideoPrivacy.Internal } : new HashSet<int> { (int)VideoPrivacy.Public };
        if (requested is null || requested.Count == 0)
        {
            return user.UserId() is not null ? [(int)VideoPrivacy.Public, (int)VideoPrivacy.Internal] : [(int)VideoPrivacy.Public];
        }
        return requested.Where(allowed.Contains).ToList();
    }
}

/// <summary>The claims an authenticated user carries (set by the API's bearer handler and the web session handler).</summary>
public static class ClaimsPrincipalExtensions
{
    public static long? UserId(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null;

    public static UserRole? Role(this ClaimsPrincipal user) =>
        int.TryParse(user.FindFirstValue(ClaimTypes.Role), System.Globalization.CultureInfo.InvariantCulture, out var role) ? (UserRole)role : null;

    /// <summary>The one way a role becomes a claim (PeerTube's number), read back by <see cref="Role"/> and the policies below.</summary>
    public static Claim RoleClaim(UserRole role) => new(ClaimTypes.Role, RoleValue(role));

    /// <summary>The API's and the web's role policies (Admin, Moderator) are built with this, from <see cref="UserRole"/>.</summary>
    public static AuthorizationPolicyBuilder RequireUserRole(this AuthorizationPolicyBuilder policy, params UserRole[] roles) =>
        policy.RequireAuthenticatedUser().RequireClaim(ClaimTypes.Role, roles.Select(RoleValue));

    private static string RoleValue(UserRole role) => ((int)role).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Carried by users who blocked accounts or servers for themself: their account id (see <see cref="BlockViewer"/>).</summary>
    public const string BlocklistClaim = "blocklist_account";

    /// <summary>
    /// The account whose own blocklist filters what this user is shown, or null when they keep none (then what they are
    /// shown depends on their audience only, and listings may be shared through the cache).
    /// </summary>
    public static long? BlockViewer(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(BlocklistClaim), System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null;

    /// <summary>Administrators and moderators see and manage every video (PeerTube's SEE_ALL_VIDEOS right).</summary>
    public static bool CanSeeAllVideos(this ClaimsPrincipal user) => user.Role() is UserRole.Administrator or UserRole.Moderator;
}
