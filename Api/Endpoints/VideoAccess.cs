using System.Security.Claims;
using VideoPlatform.Api.Auth;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Api.Endpoints;

/// <summary>PeerTube's privacy rules in one place: who may see and who may manage a video.</summary>
public static class VideoAccess
{
    public static bool IsOwner(VideoWithOwners video, ClaimsPrincipal user) =>
        user.UserId() is { } id && video.Account.UserId == id && video.Account.IsLocal;

    public static bool CanManage(VideoWithOwners video, ClaimsPrincipal user) => IsOwner(video, user) || user.CanSeeAllVideos();

    /// <summary>Public and unlisted: anyone with the link; internal: logged-in users; private: owner and moderators.</summary>
    public static bool CanView(VideoWithOwners video, ClaimsPrincipal user) => video.Video.Privacy switch
    {
        VideoPrivacy.Public or VideoPrivacy.Unlisted => true,
        VideoPrivacy.Internal => user.UserId() is not null,
        _ => CanManage(video, user),
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
