using VideoPlatform.Api.Captions;
using VideoPlatform.Api.Playlists;
using VideoPlatform.Core.Accounts;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;
using VideoPlatform.Api.Accounts;
using VideoPlatform.Api.P2P;
using VideoPlatform.Api.WebAdapters;
using VideoPlatform.Transcoder.Jobs;
using VideoPlatform.Api.Auth;
using VideoPlatform.Api.Videos;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Videos;
using VideoPlatform.Api.Federation;
using VideoPlatform.Api.Media;
using VideoPlatform.Api.Runners;
using VideoPlatform.Api.Live;
using VideoPlatform.Api.Uploads;
using VideoPlatform.Api.Stats;
using VideoPlatform.Core;
using VideoPlatform.Core.Data;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Core.Storage;
using VideoPlatform.Web;

namespace VideoPlatform.Api;

/// <summary>The one composition of an instance, used by Program and by every test fixture.</summary>
public static class VideoPlatformApp
{
    public const string DefaultUrl = "http://127.0.0.1:9000";

    public static WebApplication Build(string[] args) => Build(args, configureServices: null);

    /// <param name="configureServices">Runs after the composition, before the container is built (tests add a service there).</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ApplicationName = typeof(VideoPlatformApp).Assembly.GetName().Name });
        builder.Configuration.AddEnvironmentVariables("VP_");
        // Port 0 is resolved to a free port now, so that Instance:PublicUrl is known before anything reads it.
        builder.Configuration["urls"] = ListenUrls.Resolve(builder.Configuration["urls"] ?? DefaultUrl);
        builder.WebHost.UseUrls(builder.Configuration["urls"]!);
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        var roles = InstanceRolesParser.Parse(builder.Configuration["Roles"]);
        if (roles == InstanceRoles.Runner)
        {
            return builder.BuildRunner(configureServices);
        }

        builder.AddCore();
        builder.AddAccountsAndApi();
        builder.AddUploads(roles);
        builder.AddMedia(roles);
        builder.AddP2P(roles);
        builder.AddFederation(roles);
        builder.AddRunners(roles);
        builder.AddLive(roles);
        builder.AddWeb();
        builder.AddStats(roles);
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseReverseProxy();
        app.UseSecurityHeaders(OidcSignIn.ProviderOrigins(app.Services.GetRequiredService<IOptions<AuthOptions>>().Value));
        app.UseProblemResponses();
        app.UseHttpMetrics();
        app.UseReadinessGate();
        app.UseWebSockets();
        app.UseRouting();
        app.UseBodyLimits();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseOutputCache();

        app.MapHealthAndMetrics();
        if (roles.HasFlag(InstanceRoles.Web))
        {
            app.MapOpenApi("/openapi/{documentName}.json");
            app.MapScalarApiReference("/api-docs", o => o.WithOpenApiRoutePattern("../openapi/{documentName}.json"));
            app.MapOAuthEndpoints();
            app.MapOidcSignIn();
            VideoPlatform.Api.Moderation.AbuseEndpoints.MapAbuseEndpoints(app);
            VideoPlatform.Api.Moderation.BlacklistEndpoints.MapBlacklistEndpoints(app);
            VideoPlatform.Api.Moderation.BlocklistEndpoints.MapBlocklistEndpoints(app);
            app.MapUserEndpoints();
            app.MapChannelEndpoints();
            app.MapVideoEndpoints();
            app.MapVideoAudienceEndpoints();
            app.MapCaptionEndpoints();
            VideoPlatform.Api.Comments.CommentEndpoints.MapCommentEndpoints(app);
            app.MapPlaylistEndpoints();
            app.MapConfigEndpoints();
            app.MapStats();
            app.MapWeb();
        }
        app.MapUploads(roles);
        app.MapMedia(roles);
        app.MapP2P(roles);
        app.MapRunners(roles);
        app.MapLive(roles);
        if (roles.HasFlag(InstanceRoles.Federation))
        {
            app.MapFederation();
        }
        return app;
    }

    /// <summary>Options, the database, storage, the job queue and start-up: what every role needs.</summary>
    private static void AddCore(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<Readiness>();

        services.AddOptions<InstanceOptions>().Validate(o => VideoAudience.NormalizeDomains(o.EmbedAllowedDomains).Error is null,
            "Instance:EmbedAllowedDomains: each entry must be a host name, optionally with a port (e.g. ent.ac-lyon.fr).");
        services.AddOptions<InstanceOptions>().Bind(configuration.GetSection(InstanceOptions.Section))
            .PostConfigure(o =>
            {
                var firstUrl = (configuration["urls"] ?? DefaultUrl).Split(';', StringSplitOptions.RemoveEmptyEntries)[0];
                o.PublicUrl = (string.IsNullOrWhiteSpace(o.PublicUrl) ? firstUrl : o.PublicUrl).TrimEnd('/');
                if (string.IsNullOrWhiteSpace(o.Name))
                {
                    o.Name = Uri.TryCreate(o.PublicUrl, UriKind.Absolute, out var uri) ? uri.Host : "VideoPlatform";
                }
            })
            .Validate(o => Uri.TryCreate(o.PublicUrl, UriKind.Absolute, out var u) && (u.Scheme == "http" || u.Scheme == "https") && u.AbsolutePath == "/",
                "Instance:PublicUrl must be an absolute http(s) URL without a path, such as https://videos.ac-lyon.fr")
            .ValidateOnStart();
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.Root), "Storage:Root must name a folder.").ValidateOnStart();
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.Section))
            .Validate(o => o.Provider.ToLowerInvariant() is "sqlite" or "postgres" or "postgresql", "Database:Provider must be 'sqlite' or 'postgres'.")
            .Validate(o => string.Equals(o.Provider, "sqlite", StringComparison.OrdinalIgnoreCase) || !string.IsNullOrWhiteSpace(o.ConnectionString),
                "Database:ConnectionString is required with Database:Provider=postgres.")
            .ValidateOnStart();
        services.AddOptions<AdminOptions>().Bind(configuration.GetSection(AdminOptions.Section))
            .Validate(o => AccountService.ValidateUsername(o.Username) is null, "Admin:Username must be 1 to 50 lowercase letters, digits, '.' or '_'.")
            .Validate(o => string.IsNullOrEmpty(o.Password) || AccountService.ValidatePassword(o.Password, o.Username) is null,
                "Admin:Password must be 8 to 255 characters long and not the username.")
            .ValidateOnStart();

        services.AddSingleton(sp =>
        {
            var db = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var connectionString = db.ConnectionString;
            if (db.Dialect == SqlDialect.Sqlite && string.IsNullOrWhiteSpace(connectionString))
            {
                Directory.CreateDirectory(storage.Root);
                connectionString = $"Data Source={Path.Combine(Path.GetFullPath(storage.Root), "videoplatform.db")}";
            }
            return new Database(db.Dialect, connectionString!);
        });
        services.AddSingleton<Migrator>();
        services.AddSingleton<MediaStore>();
        services.AddSingleton<UploadStaging>();
        services.AddSingleton<JobQueue>();
        services.AddSingleton<UserRepository>();
        services.AddSingleton<ActorRepository>();
        services.AddSingleton<OAuthRepository>();
        services.AddSingleton<VideoRepository>();
        services.AddSingleton<CaptionRepository>();
        services.AddSingleton<VideoPasswordRepository>();
        services.AddSingleton<CommentRepository>();
        services.AddPlaylists();
        services.AddSingleton<HttpMetrics>();
        services.AddSingleton<IMetricsSource>(sp => sp.GetRequiredService<HttpMetrics>());
        // Registered first so that migrations run before any other hosted service, and before Kestrel listens.
        services.AddHostedService<StartupService>();
        services.AddHostedService<JobRunner>();
    }

    private static void AddAccountsAndApi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<AccountService>();
        services.AddSingleton<UploadQuota>();
        services.AddSingleton<ApiFormatter>();
        services.AddSingleton<VideoFileFormatter>();
        services.AddSingleton<VideoChangeNotifier>();
        services.AddSingleton<VideoCommands>();
        services.AddSingleton<VideoPlatform.Core.Comments.CommentCommands>();
        services.AddProblemDetails();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddAbuseLimits(builder.Configuration);
        services.AddApiAuthentication();
        services.AddOidcSignIn(builder.Configuration);
        services.AddSingleton<SettingsRepository>();
        services.AddSingleton<AuditRepository>();
        services.AddSingleton<BlocklistRepository>();
        services.AddSingleton<VideoPlatform.Core.Accounts.Blocklists>();
        services.AddSingleton<VideoPlatform.Core.Accounts.IBlocklistChangeListener, PublicListingCache>();
        services.AddSingleton<AbuseRepository>();
        services.AddSingleton<BlacklistRepository>();
        services.AddSingleton<VideoModeration>();
        services.AddSingleton<UserAdministration>();
        services.AddSingleton<VideoPlatform.Core.Settings.InstanceSettings>();
        services.AddReverseProxy(builder.Configuration);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Admin, p => p.RequireUserRole(UserRole.Administrator))
            .AddPolicy(Policies.Moderator, p => p.RequireUserRole(UserRole.Administrator, UserRole.Moderator));
        // Anonymous listings are what a class of students hits at once: cached briefly, shared by all, evicted on change.
        services.AddOutputCache(o =>
        {
            o.AddPolicy(PublicListingCache.Policy, b => b.Expire(PublicListingCache.Lifetime).SetVaryByQuery("*")
                .SetVaryByHeader(VideoAudienceEndpoints.PasswordHeader).Tag(PublicListingCache.Tag));
            o.AddPolicy(AudienceListingPolicy.Name, AudienceListingPolicy.Instance);
        });
        services.AddSingleton<IVideoChangeListener, PublicListingCache>();
        services.AddSingleton<IWebSessions, WebSessions>();
        services.AddSingleton<IWebMedia, WebMedia>();
        services.AddSingleton<IWebFollows, WebFollows>();
        services.AddOpenApi();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.MaxDepth = 32);
    }

    private static void MapHealthAndMetrics(this WebApplication app)
    {
        app.MapGet("/health", (Readiness readiness) => readiness.IsReady
            ? Results.Ok(new { status = "ready" })
            : Problems.Status(StatusCodes.Status503ServiceUnavailable, "Starting: database migrations or first start-up tasks are still running."))
            .ExcludeFromDescription();
        app.MapMetrics();
    }

    /// <summary>Until start-up finishes (migrations, first administrator), everything but health and metrics answers 503.</summary>
    private static void UseReadinessGate(this WebApplication app)
    {
        var readiness = app.Services.GetRequiredService<Readiness>();
        app.Use((context, next) =>
            readiness.IsReady || context.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase) || context.Request.Path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase)
                ? next(context)
                : Problems.Status(StatusCodes.Status503ServiceUnavailable, "The instance is starting.").ExecuteAsync(context));
    }
}
