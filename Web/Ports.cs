using System.Security.Claims;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Web;

/// <summary>An OAuth token pair, as the API's password grant returns it.</summary>
public sealed record WebTokens(string AccessToken, string RefreshToken, DateTimeOffset AccessExpires, DateTimeOffset RefreshExpires);

/// <summary>Sign-in through the API's own token logic (implemented in Api/Adapters), so the web and the API share one session model.</summary>
public interface IWebSessions
{
    Task<WebTokens?> SignInAsync(string username, string password, CancellationToken ct);
    Task<WebTokens?> RefreshAsync(string refreshToken, CancellationToken ct);
    Task<ClaimsPrincipal?> AuthenticateAsync(string accessToken, string scheme, CancellationToken ct);
    Task SignOutAsync(string accessToken, CancellationToken ct);
}

/// <summary>
/// What the player needs to play a video: its HLS master playlist, segment hashes and a progressive fallback; for private
/// and internal videos, PeerTube's <c>videoFileToken</c> that every media request must carry.
/// </summary>
public sealed record PlayerSources(string PlaylistUrl, string? SegmentsSha256Url, string? FallbackFileUrl, IReadOnlyList<string> TrackerUrls,
    string? FileToken = null);

/// <summary>Media URLs as the API publishes them (layout owned by Api/Endpoints/MediaUrls).</summary>
public interface IWebMedia
{
    Task<PlayerSources?> PlayerSourcesAsync(VideoWithOwners video, CancellationToken ct);
    string? ThumbnailUrl(VideoRow video);
    string? PreviewUrl(VideoRow video);
}

/// <summary>Video changes that must reach media cleanup, federation and the P2P catalog, as the API's do.</summary>
public interface IWebVideoChanges
{
    Task UpdatedAsync(VideoRow updated, VideoPrivacy previousPrivacy, CancellationToken ct);
    Task DeleteAsync(VideoWithOwners video, CancellationToken ct);
}
