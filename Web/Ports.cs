using System.Security.Claims;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Videos;

namespace VideoPlatform.Web;

/// <summary>An OAuth token pair, as the API's password grant returns it.</summary>
public sealed record WebTokens(string AccessToken, string RefreshToken, DateTimeOffset AccessExpires, DateTimeOffset RefreshExpires);

/// <summary>The tokens of a successful sign-in; when refused, how long to wait if the attempt was throttled.</summary>
public sealed record WebSignIn(WebTokens? Tokens, TimeSpan? RetryAfter = null);

/// <summary>Sign-in through the API's own token logic (implemented in Api/WebAdapters), so the web and the API share one session model.</summary>
public interface IWebSessions
{
    /// <param name="client">The client's IP (after forwarded headers), for the login limits shared with the API.</param>
    Task<WebSignIn> SignInAsync(string username, string password, System.Net.IPAddress? client, CancellationToken ct);
    Task<WebTokens?> RefreshAsync(string refreshToken, CancellationToken ct);
    Task<ClaimsPrincipal?> AuthenticateAsync(string accessToken, string scheme, CancellationToken ct);
    Task SignOutAsync(string accessToken, CancellationToken ct);

    /// <summary><c>Auth:LocalLogin</c>: false hides the password form (directory sign-in only).</summary>
    bool LocalLogin { get; }

    /// <summary>The academy directories (OpenID Connect providers) offered on the login page.</summary>
    IReadOnlyList<WebSignInProvider> Providers { get; }

    /// <summary>Redeems PeerTube's single-use <c>externalAuthToken</c> a directory sign-in ended with (same as the API's password grant with it).</summary>
    Task<WebTokens?> RedeemExternalAuthTokenAsync(string username, string externalAuthToken, CancellationToken ct);

    /// <summary>The authentication scheme whose sign-out also ends this browser's session at its directory, if it signed in through one.</summary>
    string? DirectorySignOutScheme(Microsoft.AspNetCore.Http.HttpContext context);
}

/// <summary>A directory the login page offers: "Se connecter avec {DisplayName}", starting at <see cref="StartUrl"/>.</summary>
public sealed record WebSignInProvider(string Name, string DisplayName, string StartUrl);

/// <summary>
/// What the player needs to play a video: its HLS master playlist, segment hashes and a progressive fallback; for private
/// and internal videos, PeerTube's <c>videoFileToken</c> that every media request must carry.
/// </summary>
public sealed record PlayerSources(string PlaylistUrl, string? SegmentsSha256Url, string? FallbackFileUrl, IReadOnlyList<string> TrackerUrls,
    string? FileToken = null)
{
    /// <summary>The fallback file as a download link: a plain link carries no credentials, so a private file needs the token in its query.</summary>
    public string? DownloadUrl => FallbackFileUrl is null || FileToken is null
        ? FallbackFileUrl
        : Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(FallbackFileUrl, "videoFileToken", FileToken);
}

/// <summary>Media URLs as the API publishes them (layout owned by Core/Domain/MediaUrls).</summary>
public interface IWebMedia
{
    Task<PlayerSources?> PlayerSourcesAsync(VideoWithOwners video, CancellationToken ct);
    string? ThumbnailUrl(VideoRow video);
    string? PreviewUrl(VideoRow video);
}

/// <summary>
/// One follow between our instance and another academy, as the admin page shows it: the other side's host and handle,
/// its state (<see cref="FollowStates"/>) and since when (Unix milliseconds).
/// </summary>
public sealed record WebFollow(string Host, string Handle, string State, long Since);

/// <summary>Instance follows for the admin page, through the same domain logic as PeerTube's <c>/api/v1/server/following</c> API.</summary>
public interface IWebFollows
{
    /// <summary>The academies we follow (<paramref name="following"/>) or that follow us, newest first.</summary>
    Task<(long Total, IReadOnlyList<WebFollow> Items)> ListAsync(bool following, int start, int count, CancellationToken ct);

    /// <summary>The host as it will be stored, and why it cannot be followed, if it cannot; nothing is stored or sent.</summary>
    Task<(string Host, FollowRefusal? Refusal)> CheckAsync(string host, CancellationToken ct);

    /// <summary>Sends a Follow to the academy's server actor; <see cref="FollowRefusal.Unreachable"/> when it could not be fetched.</summary>
    Task<FollowRefusal?> FollowAsync(string host, CancellationToken ct);

    /// <summary>False when <paramref name="host"/> was not followed.</summary>
    Task<bool> UnfollowAsync(string host, CancellationToken ct);

    /// <summary>Accepts or rejects a pending follower by its handle (<c>name@host</c>); false when it does not follow us.</summary>
    Task<bool> AnswerFollowerAsync(string handle, bool accept, CancellationToken ct);
}

/// <summary>A remote runner as the admin page shows it: last contact, the job it holds (video and progress), jobs done and failed.</summary>
public sealed record WebRunner(long Id, string Name, string? Description, string? Ip, long LastContactMs, string? CurrentJobUuid, long? CurrentVideoId,
    int Progress, int JobsDone, int JobsFailed);

/// <summary>A runner registration token (stored hashed: its value is shown only when generated).</summary>
public sealed record WebRunnerToken(long Id, long CreatedAtMs, int RunnersCount);

/// <summary>Remote transcoding runners for the admin page (implemented in Api/Runners, beside the runner API).</summary>
public interface IWebRunners
{
    /// <summary>Whether transcode jobs go to runners (<c>Transcoding:RemoteRunners:Enabled</c>).</summary>
    bool Enabled { get; }
    Task<IReadOnlyList<WebRunner>> RunnersAsync(CancellationToken ct);
    Task<IReadOnlyList<WebRunnerToken>> TokensAsync(CancellationToken ct);

    /// <summary>A new registration token, in clear, to show once.</summary>
    Task<string> GenerateTokenAsync(CancellationToken ct);
    Task<bool> DeleteTokenAsync(long id, CancellationToken ct);
    Task<bool> DeleteRunnerAsync(long id, CancellationToken ct);
}

/// <summary>Where and with which key a live's owner publishes (shown on the watch page with copy buttons).</summary>
public sealed record WebLivePublishing(string RtmpUrl, string StreamKey, string? RtmpsUrl, bool PermanentLive, bool SaveReplay);

/// <summary>Lives' publishing points, from the live API's own rules (implemented in Api/Live).</summary>
public interface IWebLives
{
    /// <summary>The URL and key of a local live, for a viewer who may manage it; null otherwise.</summary>
    Task<WebLivePublishing?> PublishingAsync(VideoWithOwners video, ClaimsPrincipal user, CancellationToken ct);

    /// <summary>Whether lives (and their replays) may be created now, as the administrator's settings say.</summary>
    Task<WebLiveRules> RulesAsync(CancellationToken ct);

    /// <summary>Creates a live through the same rules as <c>POST /api/v1/videos/live</c>.</summary>
    Task<WebLiveCreation> CreateAsync(WebLiveForm form, ClaimsPrincipal user, CancellationToken ct);
}

public sealed record WebLiveRules(bool Enabled, bool AllowReplay);

/// <summary>The « Diffuser en direct » form, with PeerTube's field meanings (privacy and latency mode numbers).</summary>
public sealed record WebLiveForm(long? ChannelId, string? Name, int? Privacy, bool PermanentLive, bool SaveReplay, int? ReplayPrivacy, int? LatencyMode);

/// <summary>The created live's short UUID, or the refusal (<see cref="LiveCreationRefusal.Invalid"/> with the API's English detail).</summary>
public sealed record WebLiveCreation(string? ShortUuid, LiveCreationRefusal? Refusal, string? Detail);

/// <summary>One academy's load as its <c>/api/v1/server/stats</c> says; <see cref="Error"/> when it could not be read.</summary>
public sealed record AcademyLoad(string Host, bool IsSelf, string? Error, long LocalVideos, int? Viewers, double? EgressMbps, double? P2pShare, long? QueueDepth,
    double? QueueWaitSeconds, long? StorageUsedBytes, long? StorageFreeBytes, IReadOnlyList<string> Alerts);

/// <summary>The national view: this academy and every academy it follows, read through the SSRF-guarded client and cached.</summary>
public interface IAcademyLoads
{
    Task<IReadOnlyList<AcademyLoad>> ListAsync(CancellationToken ct);
}
