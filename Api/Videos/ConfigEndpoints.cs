using Microsoft.Extensions.Options;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Api.Videos;

/// <summary><c>GET /api/v1/config</c>: the parts of PeerTube's server config its clients read.</summary>
public static class ConfigEndpoints
{
    public const string ServerVersion = "7.0.0";

    public static IEndpointRouteBuilder MapConfigEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/config", async (IOptions<InstanceOptions> instance, IOptions<UploadOptions> uploads, IConfiguration configuration,
            VideoFileFormatter files, VideoPlatform.Core.Settings.InstanceSettings settings,
            IOptions<Transcoder.Live.LiveOptions> live, Transcoder.Live.LiveSettings liveSettings, IServiceProvider services, CancellationToken ct) =>
        {
            var i = instance.Value;
            // What administrators changed on /admin/settings, over the configuration.
            var current = await settings.CurrentAsync(ct);
            var webVideos = configuration.GetValue("Transcoding:WebVideos", true);
            var imageConstraints = new { size = new { max = 8 * 1024 * 1024 }, extensions = new[] { ".png", ".jpg", ".jpeg", ".webp" } };
            var disabled = new { enabled = false };
            // Every section of PeerTube's ServerConfig (packages/models/src/server/server-config.model.ts) that its web
            // client and apps read at start-up, with PeerTube's names and types; features we lack say enabled = false.
            return TypedResults.Ok(new
            {
                serverVersion = ServerVersion,
                client = new
                {
                    newFeaturesInfo = false,
                    header = new { hideInstanceName = false },
                    videos = new
                    {
                        miniature = new { preferAuthorDisplayName = false },
                        resumableUpload = new { minChunkSize = 256 * 1024, maxChunkSize = 100 * 1024 * 1024 },
                    },
                    browseVideos = new { defaultSort = "-publishedAt", defaultScope = "local" },
                    menu = new { login = new { redirectOnSingleExternalAuth = false } },
                },
                defaults = new
                {
                    publish = new { downloadEnabled = true, commentsPolicy = 1, privacy = 1, licence = 1 },
                    live = new { saveReplay = false },
                    p2p = new { webapp = new { enabled = true }, embed = new { enabled = true } },
                    player = new { theme = "galaxy", autoPlay = true },
                },
                webadmin = new { configuration = new { edition = new { allowed = false } } },
                instance = new
                {
                    name = current.Name,
                    shortDescription = current.Description,
                    defaultClientRoute = "/videos/trending",
                    isNSFW = false,
                    defaultNSFWPolicy = "blur",
                    serverCountry = "FR",
                    support = new { text = "" },
                    social = new { externalLink = "", mastodonLink = "", blueskyLink = "", xLink = "" },
                    customizations = new { javascript = "", css = "" },
                    avatars = Array.Empty<ActorImage>(),
                    banners = Array.Empty<ActorImage>(),
                    defaultLanguage = "fr",
                    logo = Array.Empty<object>(),
                    languages = new[] { "fr" },
                    categories = new[] { 13 },
                },
                search = new
                {
                    remoteUri = new { users = true, anonymous = false },
                    searchIndex = new { enabled = false, url = "", disableLocalSearch = false, isDefaultSearch = false },
                },
                plugin = new { registered = Array.Empty<object>(), registeredExternalAuths = Array.Empty<object>(), registeredIdAndPassAuths = Array.Empty<object>() },
                theme = new { registered = Array.Empty<object>(), builtIn = new[] { new { name = "peertube-core-light-beige" } }, @default = "default" },
                email = disabled,
                contactForm = disabled,
                signup = new { allowed = current.SignupEnabled, allowedForCurrentIP = current.SignupEnabled, requiresEmailVerification = false, requiresApproval = false, minimumAge = 16 },
                transcoding = new
                {
                    hls = new { enabled = true, splitAudioAndVideo = false },
                    web_videos = new { enabled = webVideos },
                    enabledResolutions = current.TranscodingResolutions,
                    profile = "default",
                    availableProfiles = new[] { "default" },
                    remoteRunners = disabled,
                    alwaysTranscodeOriginalResolution = true,
                    alwaysTranscodePodcastOptimizedAudio = false,
                },
                live = Live.LiveModule.Config(await liveSettings.CurrentAsync(ct), Live.LiveModule.RtmpPort(live.Value, services)),
                videoStudio = new { enabled = false, remoteRunners = disabled },
                videoFile = new { update = disabled },
                import = new { videos = new { http = disabled, torrent = disabled }, videoChannelSynchronization = disabled, users = new { enabled = false, resumableUpload = new { minChunkSize = 256 * 1024 } } },
                export = new { users = new { enabled = false, exportExpiration = 0, maxUserVideoQuota = 0 } },
                autoBlacklist = new { videos = new { ofUsers = disabled } },
                blocklist = new { publicLog = disabled },
                avatar = new { file = imageConstraints, extensions = imageConstraints.extensions },
                banner = new { file = imageConstraints },
                logo = new { file = imageConstraints },
                video = new
                {
                    image = imageConstraints,
                    file = new { extensions = uploads.Value.AllowedExtensions },
                },
                videoCaption = new { file = new { extensions = new[] { ".vtt", ".srt" }, size = new { max = 20 * 1024 * 1024 } } },
                user = new { videoQuota = current.DefaultVideoQuota, videoQuotaDaily = current.DefaultVideoQuotaDaily },
                videoChannels = new { maxPerUser = 20 },
                trending = new { videos = new { intervalDays = 7, algorithms = new { enabled = new[] { "most-viewed", "most-liked" }, @default = "most-viewed" } } },
                tracker = new { enabled = true },
                trackerUrls = files.TrackerUrls(),
                // PeerTube's default index (auto-following it is off here, as in PeerTube by default).
                followings = new { instance = new { autoFollowIndex = new { indexUrl = "https://instances.joinpeertube.org/api/v1/instances/hosts/json" } } },
                federation = new { enabled = true },
                broadcastMessage = new { enabled = false, message = "", level = "info", dismissable = false },
                homepage = disabled,
                openTelemetry = new { metrics = new { enabled = false, playbackStatsInterval = 15000 } },
                views = new { videos = new { remote = new { maxAge = -1 }, local = new { maxAge = -1 }, watchingInterval = new { anonymous = 5000, users = 5000 } } },
                storyboards = new { enabled = false, remoteRunners = disabled },
                videoTranscription = new { enabled = false, remoteRunners = disabled },
                webrtc = new { stunServers = Array.Empty<string>() },
                nsfwFlagsSettings = disabled,
                fieldsConstraints = new { users = new { password = new { minLength = 8, maxLength = 255 } } },
            });
        }).WithTags("Config");
        return app;
    }
}
