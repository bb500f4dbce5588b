using System.Security.Claims;
using VideoPlatform.Api.Auth;
using VideoPlatform.Api.Videos;
using VideoPlatform.Api.Accounts;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Videos;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Federation.Actors;
using VideoPlatform.Federation.Follows;
using VideoPlatform.Federation.Safety;
using VideoPlatform.Web;

namespace VideoPlatform.Api.WebAdapters;

/// <summary>The web session on top of the API's OAuth tokens: same grants, lifetimes, rotation and revocation.</summary>
public sealed class WebSessions(OAuthRepository oauth, OAuthTokens tokens, ExternalAuthTokens externalTokens,
    Microsoft.Extensions.Options.IOptions<AuthOptions> auth) : IWebSessions
{
    public bool LocalLogin => auth.Value.LocalLogin;

    public IReadOnlyList<WebSignInProvider> Providers { get; } = auth.Value.Oidc.Providers
        .Select(p => new WebSignInProvider(p.Key, p.Value.DisplayName.Length > 0 ? p.Value.DisplayName : p.Key, OidcSignIn.StartPath + "/" + p.Key))
        .OrderBy(p => p.DisplayName, StringComparer.Ordinal).ToList();

    public async Task<WebTokens?> RedeemExternalAuthTokenAsync(string username, string externalAuthToken, CancellationToken ct)
    {
        if (externalTokens.Redeem(externalAuthToken, username) is not { } userId)
        {
            return null;
        }
        var client = await oauth.GetOrCreateLocalClientAsync(ct);
        var issued = Map(await tokens.IssueAsync(userId, client.Id, ct));
        // Refused like any other token of a blocked user: no session.
        return await tokens.AuthenticateAsync(issued.AccessToken, VideoPlatform.Web.Infrastructure.WebSessionHandler.SchemeName, ct) is null ? null : issued;
    }

    public string? DirectorySignOutScheme(HttpContext context) =>
        OidcSignIn.ProviderOfSession(context, auth.Value) is { } name ? OidcSignIn.SchemeOf(name) : null;

    public async Task<WebSignIn> SignInAsync(string username, string password, System.Net.IPAddress? client, CancellationToken ct)
    {
        if (!auth.Value.LocalLogin)
        {
            return new WebSignIn(null);
        }
        var (user, retryAfter) = await tokens.SignInAsync(username, password, client, ct);
        if (user is null || user.Blocked)
        {
            return new WebSignIn(null, retryAfter);
        }
        var oauthClient = await oauth.GetOrCreateLocalClientAsync(ct);
        return new WebSignIn(Map(await tokens.IssueAsync(user.Id, oauthClient.Id, ct)));
    }

    public async Task<WebTokens?> RefreshAsync(string refreshToken, CancellationToken ct)
    {
        var client = await oauth.GetOrCreateLocalClientAsync(ct);
        var userId = await tokens.RedeemRefreshTokenAsync(refreshToken, client.Id, ct);
        return userId is null ? null : Map(await tokens.IssueAsync(userId.Value, client.Id, ct));
    }

    public Task<ClaimsPrincipal?> AuthenticateAsync(string accessToken, string scheme, CancellationToken ct) =>
        tokens.AuthenticateAsync(accessToken, scheme, ct);

    public Task SignOutAsync(string accessToken, CancellationToken ct) => tokens.RevokeAsync(accessToken, ct);

    private static WebTokens Map(OAuthTokens.Issued t) => new(t.Access, t.Refresh, t.AccessExpires, t.RefreshExpires);
}

/// <summary>
/// Media URLs for the player, from the same formatter the video API uses. The file tokens (web role) and the tracker
/// (P2P role) are optional: injected as sequences, empty when the role is off.
/// </summary>
public sealed class WebMedia(VideoRepository videos, VideoFileFormatter files, Microsoft.Extensions.Options.IOptions<InstanceOptions> instance,
    IEnumerable<VideoPlatform.Api.Media.VideoFileTokens> fileTokens, IEnumerable<VideoPlatform.P2P.Tracker.ITrackedContentCatalog> tracker,
    IConfiguration configuration, VideoPlatform.Core.Storage.VideoMediaFiles media) : IWebMedia
{
    private readonly VideoPlatform.Api.Media.VideoFileTokens? _fileTokens = fileTokens.FirstOrDefault();

    /// <summary>Browser-to-browser sharing needs the tracker (P2P role); <c>P2P:BrowserPeers=false</c> keeps players on HTTP.</summary>
    private readonly bool _hasTracker = tracker.Any() && configuration.GetValue("P2P:BrowserPeers", true);

    public async Task<PlayerSources?> PlayerSourcesAsync(VideoWithOwners video, CancellationToken ct)
    {
        var v = video.Video;
        var playlist = await videos.PlaylistAsync(v.Id, ct);
        if (playlist is null)
        {
            return null;
        }
        var isPrivate = VideoPlatform.Core.Storage.MediaStore.IsPrivateMedia(v.Privacy);
        var baseUrl = instance.Value.PublicUrl;
        var master = playlist.RemotePlaylistUrl ?? (playlist.MasterName is null ? null : media.HlsUrl(v, playlist.MasterName, playlist.Storage));
        if (master is null)
        {
            return null;
        }
        var sha = playlist.RemoteSegmentsSha256Url
            ?? (playlist.SegmentsSha256Name is null ? null : media.HlsUrl(v, playlist.SegmentsSha256Name, playlist.Storage));
        // The progressive fallback (and the page's download): a middle rendition, light enough for a phone without
        // MediaSource; its web video (faststart MP4, plays anywhere, offline too) when there is one.
        var fileRows = await videos.FilesAsync(v.Id, ct);
        var fallback = fileRows.Where(f => f.Resolution > 0 && f.Kind != VideoFileKinds.Source)
            // With the audio in its own HLS rendition, a rung's fragmented MP4 has none: web videos (which keep it) come first.
            .OrderBy(f => f.Kind == VideoFileKinds.WebVideo ? 0 : 1).ThenByDescending(f => f.HasAudio).ThenBy(f => Math.Abs(f.Resolution - 480)).FirstOrDefault();
        // The page has already applied the privacy rules; the token lets this viewer's player fetch the private files.
        var token = isPrivate && playlist.RemotePlaylistUrl is null ? _fileTokens?.Issue(v.Uuid).Token : null;
        return new PlayerSources(master, sha, fallback is null ? null : files.Format(v, fallback).FileUrl, _hasTracker ? files.TrackerUrls() : [], token);
    }

    public string? ThumbnailUrl(VideoRow video) =>
        video.ThumbnailName is null ? video.RemoteThumbnailUrl : MediaUrls.Thumbnail(video.ThumbnailName);

    public string? PreviewUrl(VideoRow video) =>
        video.PreviewName is null ? null : MediaUrls.Preview(video.PreviewName);
}

/// <summary>The admin page's follows: <see cref="FollowService"/>, the same logic as the follows API, without going through HTTP.</summary>
public sealed class WebFollows(FollowService follows) : IWebFollows
{
    public async Task<(long Total, IReadOnlyList<WebFollow> Items)> ListAsync(bool following, int start, int count, CancellationToken ct)
    {
        var (server, total, items) = await follows.ListServerFollowsAsync(asFollower: following, state: null, start, count, ct);
        var ourHost = new Uri(server.Url).Authority;
        return (total, items.Select(f =>
        {
            var other = following ? f.Following : f.Follower;
            var host = other.Host ?? ourHost;
            return new WebFollow(host, $"{other.Name}@{host}", f.Follow.State, f.Follow.CreatedAt);
        }).ToList());
    }

    public Task<(string Host, FollowRefusal? Refusal)> CheckAsync(string host, CancellationToken ct) => follows.CheckHostAsync(host, ct);

    public async Task<FollowRefusal?> FollowAsync(string host, CancellationToken ct)
    {
        if ((await follows.CheckHostAsync(host, ct)).Refusal is { } refusal)
        {
            return refusal;
        }
        try
        {
            await follows.FollowHostAsync(host, ct);
            return null;
        }
        catch (Exception e) when (e is InvalidActivityException or ActivityPubFetchException)
        {
            return FollowRefusal.Unreachable;
        }
    }

    public Task<bool> UnfollowAsync(string host, CancellationToken ct) => follows.UnfollowHostAsync(host, ct);

    public Task<bool> AnswerFollowerAsync(string handle, bool accept, CancellationToken ct) => follows.AnswerFollowerAsync(handle, accept, ct);
}
