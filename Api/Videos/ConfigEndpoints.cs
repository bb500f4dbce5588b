using Microsoft.Extensions.Options;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Api.Videos;

/// <summary><c>GET /api/v1/config</c>: the parts of PeerTube's server config its clients read.</summary>
public static class ConfigEndpoints
{
    public const string ServerVersion = "7.0.0";

    public static IEndpointRouteBuilder MapConfigEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/config", (IOptions<InstanceOptions> instance, IOptions<Uploads.UploadOptions> uploads, VideoFileFormatter files) =>
        {
            var i = instance.Value;
            return TypedResults.Ok(new
            {
                instance = new
                {
                    name = i.Name,
                    shortDescription = i.Description,
                    defaultClientRoute = "/videos/trending",
                    isNSFW = false,
                    defaultNSFWPolicy = "blur",
                    languages = new[] { "fr" },
                    categories = new[] { 13 },
                },
                serverVersion = ServerVersion,
                serverCommit = (string?)null,
                signup = new { allowed = i.SignupEnabled, allowedForCurrentIP = i.SignupEnabled, requiresEmailVerification = false, requiresApproval = false, minimumAge = 16 },
                transcoding = new
                {
                    hls = new { enabled = true },
                    webVideos = new { enabled = false },
                    enabledResolutions = new[] { 240, 360, 480, 720, 1080 },
                    profile = "default",
                    availableProfiles = new[] { "default" },
                },
                video = new
                {
                    image = new { extensions = new[] { ".png", ".jpg", ".jpeg", ".webp" }, size = new { max = 8 * 1024 * 1024 } },
                    file = new { extensions = uploads.Value.AllowedExtensions },
                },
                videoCaption = new { file = new { extensions = new[] { ".vtt", ".srt" }, size = new { max = 20 * 1024 * 1024 } } },
                user = new { videoQuota = i.DefaultVideoQuota, videoQuotaDaily = i.DefaultVideoQuotaDaily },
                tracker = new { enabled = true },
                trackerUrls = files.TrackerUrls(),
                federation = new { enabled = true },
                webadmin = new { configuration = new { edition = new { allowed = false } } },
            });
        }).WithTags("Config");
        return app;
    }
}
