using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Accounts;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Api.Auth;

/// <summary>One OpenID Connect provider (<c>Auth:Oidc:Providers:{name}</c>): the academy's directory.</summary>
public sealed class OidcProviderOptions
{
    public string DisplayName { get; set; } = "";
    public string Authority { get; set; } = "";
    public string ClientId { get; set; } = "";
    public string ClientSecret { get; set; } = "";
    /// <summary>Space- or comma-separated; <c>openid</c> is always asked.</summary>
    public string Scopes { get; set; } = "openid profile email";
    public string UsernameClaim { get; set; } = "preferred_username";
    public string RoleClaim { get; set; } = "roles";
    public string GroupsClaim { get; set; } = "groups";
    public bool RequireHttpsMetadata { get; set; } = true;
    public DirectoryRoleMap Roles { get; set; } = new();
}

/// <summary>Section <c>Auth</c>: the local password form (<c>LocalLogin</c>) and the OpenID Connect providers.</summary>
public sealed partial class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>False hides the local form and refuses passwords (web and API); directory sign-in and its tokens still work.</summary>
    public bool LocalLogin { get; set; } = true;

    public OidcOptions Oidc { get; set; } = new();

    public sealed class OidcOptions
    {
        public Dictionary<string, OidcProviderOptions> Providers { get; set; } = new(StringComparer.Ordinal);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$")]
    private static partial Regex ProviderName();

    /// <summary>Every configuration error of the providers, in words an operator can act on (empty when valid).</summary>
    public IEnumerable<string> Errors()
    {
        foreach (var (name, p) in Oidc.Providers)
        {
            var key = $"Auth:Oidc:Providers:{name}";
            if (!ProviderName().IsMatch(name))
            {
                yield return $"{key}: the provider name must be 1 to 40 lowercase letters, digits or '-' (it is part of /signin-oidc/{{name}}).";
            }
            if (!Uri.TryCreate(p.Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("http" or "https"))
            {
                yield return $"{key}:Authority must be the provider's absolute http(s) URL (its issuer).";
            }
            else if (p.RequireHttpsMetadata && authority.Scheme != "https")
            {
                yield return $"{key}:Authority must use https, or set {key}:RequireHttpsMetadata to false (loopback tests only).";
            }
            if (string.IsNullOrWhiteSpace(p.ClientId))
            {
                yield return $"{key}:ClientId is required.";
            }
            if (string.IsNullOrWhiteSpace(p.UsernameClaim))
            {
                yield return $"{key}:UsernameClaim must name a claim.";
            }
        }
    }
}

/// <summary>
/// Directory sign-in: ASP.NET Core's OpenIdConnect handler per provider (code flow with PKCE, state and nonce checked,
/// query response mode so that the Lax correlation cookies come back), provisioning through <see cref="DirectoryAccounts"/>,
/// then PeerTube's external-auth hand-over: a short-lived single-use <see cref="ExternalAuthTokens"/> token that the
/// login page (or a PeerTube client) exchanges on <c>POST /api/v1/users/token</c>, so the web session and API tokens stay one model.
/// </summary>
public static partial class OidcSignIn
{
    public const string SchemePrefix = "oidc-";
    public const string ProviderCookie = "vp_oidc";
    public const string IdTokenCookie = "vp_oidc_id";
    public const string StartPath = "/login/oidc";

    public static string SchemeOf(string provider) => SchemePrefix + provider;

    public static void AddOidcSignIn(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddSingleton<ExternalAuthTokens>();
        services.AddSingleton<DirectoryAccounts>();
        var auth = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        var builder = services.AddAuthentication();
        foreach (var (name, provider) in auth.Oidc.Providers)
        {
            builder.AddOpenIdConnect(SchemeOf(name), provider.DisplayName, o => Configure(o, name, provider));
        }
    }

    private sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
    {
        public ValidateOptionsResult Validate(string? name, AuthOptions options)
        {
            var errors = options.Errors().ToList();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }

    private static void Configure(OpenIdConnectOptions o, string name, OidcProviderOptions provider)
    {
        o.Authority = provider.Authority;
        o.ClientId = provider.ClientId;
        o.ClientSecret = string.IsNullOrEmpty(provider.ClientSecret) ? null : provider.ClientSecret;
        o.RequireHttpsMetadata = provider.RequireHttpsMetadata;
        o.ResponseType = OpenIdConnectResponseType.Code;
        o.ResponseMode = OpenIdConnectResponseMode.Query;
        o.UsePkce = true;
        o.CallbackPath = "/signin-oidc/" + name;
        o.SignedOutCallbackPath = "/signout-callback-oidc/" + name;
        // No front-channel logout endpoint: our session is the API's tokens, ended by our own sign-out.
        o.RemoteSignOutPath = default;
        o.SignInScheme = WebSessionHandler.SchemeName;
        o.SignOutScheme = WebSessionHandler.SchemeName;
        o.SaveTokens = true;
        o.GetClaimsFromUserInfoEndpoint = true;
        o.MapInboundClaims = false;
        o.Scope.Clear();
        foreach (var scope in provider.Scopes.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Append("openid").Distinct(StringComparer.Ordinal))
        {
            o.Scope.Add(scope);
        }
        foreach (var claim in new[] { provider.UsernameClaim, provider.RoleClaim, provider.GroupsClaim, "email" }.Where(c => c.Length > 0).Distinct(StringComparer.Ordinal))
        {
            o.ClaimActions.MapJsonKey(claim, claim);
        }
        // Top-level GET redirects (query response mode): Lax cookies come back; Secure whenever the request is https.
        o.CorrelationCookie.SameSite = SameSiteMode.Lax;
        o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.NonceCookie.SameSite = SameSiteMode.Lax;
        o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.Events = new OpenIdConnectEvents
        {
            OnTicketReceived = context => OnTicketReceivedAsync(context, name, provider),
            OnRemoteFailure = context =>
            {
                var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OidcSignIn));
                LogRemoteFailure(logger, name, context.Failure?.Message ?? "unknown");
                context.Response.Redirect("/login?externalAuthError=failed");
                context.HandleResponse();
                return Task.CompletedTask;
            },
            OnRedirectToIdentityProviderForSignOut = context =>
            {
                context.ProtocolMessage.IdTokenHint = context.Request.Cookies[IdTokenCookie];
                context.ProtocolMessage.ClientId = provider.ClientId;
                DeleteProviderCookies(context.HttpContext);
                return Task.CompletedTask;
            },
        };
    }

    private static async Task OnTicketReceivedAsync(TicketReceivedContext context, string name, OidcProviderOptions provider)
    {
        var http = context.HttpContext;
        var principal = context.Principal!;
        var subject = principal.FindFirstValue("sub");
        if (string.IsNullOrEmpty(subject))
        {
            context.Response.Redirect("/login?externalAuthError=failed");
            context.HandleResponse();
            return;
        }
        var identity = new DirectoryIdentity(name, subject, principal.FindFirstValue(provider.UsernameClaim), principal.FindFirstValue("email"),
            Values(principal, provider.RoleClaim), Values(principal, provider.GroupsClaim));
        var result = await http.RequestServices.GetRequiredService<DirectoryAccounts>().SignInAsync(identity, provider.Roles, http.RequestAborted);
        if (result.User is not { } user)
        {
            context.Response.Redirect("/login?externalAuthError=" + (result.Refusal == DirectoryRefusal.Blocked ? "blocked" : "email"));
            context.HandleResponse();
            return;
        }
        var token = http.RequestServices.GetRequiredService<ExternalAuthTokens>().Issue(user.Id, user.Username);
        var secure = http.Request.IsHttps;
        var cookie = new CookieOptions { HttpOnly = true, Secure = secure, SameSite = SameSiteMode.Lax, Path = "/", IsEssential = true };
        http.Response.Cookies.Append(ProviderCookie, name, cookie);
        if (context.Properties?.GetTokenValue(OpenIdConnectParameterNames.IdToken) is { Length: > 0 } idToken)
        {
            http.Response.Cookies.Append(IdTokenCookie, idToken, cookie);
        }
        var returnUrl = context.ReturnUri is { Length: > 0 } r && r.StartsWith('/') && !r.StartsWith("//", StringComparison.Ordinal) && !r.StartsWith("/\\", StringComparison.Ordinal) ? r : "/";
        // PeerTube's external-auth redirect: the login page (or a PeerTube client watching for it) redeems the token once.
        context.Response.Redirect(Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/login", new Dictionary<string, string?>
        {
            ["externalAuthToken"] = token,
            ["username"] = user.Username,
            ["returnUrl"] = returnUrl,
        }));
        context.HandleResponse();
    }

    /// <summary>A claim's values: repeated claims, or a JSON array or a single string as some providers send them.</summary>
    private static List<string> Values(ClaimsPrincipal principal, string claim) =>
        claim.Length == 0 ? [] : principal.FindAll(claim).SelectMany(c => c.Value.StartsWith('[') ? ParseArray(c.Value) : [c.Value])
            .Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToList();

    private static string[] ParseArray(string json)
    {
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<string[]>(json) ?? [];
        }
        catch (System.Text.Json.JsonException)
        {
            return [json];
        }
    }

    public static void DeleteProviderCookies(HttpContext http)
    {
        http.Response.Cookies.Delete(ProviderCookie, new CookieOptions { Path = "/" });
        http.Response.Cookies.Delete(IdTokenCookie, new CookieOptions { Path = "/" });
    }

    /// <summary>The provider whose session this browser has (set at directory sign-in), if it is still configured.</summary>
    public static string? ProviderOfSession(HttpContext http, AuthOptions options) =>
        http.Request.Cookies[ProviderCookie] is { Length: > 0 } name && options.Oidc.Providers.ContainsKey(name) ? name : null;

    /// <summary><c>GET /login/oidc/{name}?returnUrl=</c>: starts the code flow with the provider (the login page's buttons).</summary>
    public static IEndpointRouteBuilder MapOidcSignIn(this IEndpointRouteBuilder app)
    {
        app.MapGet(StartPath + "/{name}", (string name, string? returnUrl, HttpContext http, IOptions<AuthOptions> options) =>
        {
            if (!options.Value.Oidc.Providers.ContainsKey(name))
            {
                return (IResult)Problems.NotFound($"No sign-in provider named '{name}'.");
            }
            var local = returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal)
                && !returnUrl.StartsWith("/\\", StringComparison.Ordinal) ? returnUrl : "/";
            return Results.Challenge(new AuthenticationProperties { RedirectUri = local }, [SchemeOf(name)]);
        }).ExcludeFromDescription();
        return app;
    }

    /// <summary>Origins of the providers, which the CSP's form-action must allow: sign-out is a form whose answer redirects there.</summary>
    public static IEnumerable<string> ProviderOrigins(AuthOptions options) =>
        options.Oidc.Providers.Values.Select(p => Uri.TryCreate(p.Authority, UriKind.Absolute, out var u) ? u.GetLeftPart(UriPartial.Authority) : null)
            .OfType<string>().Distinct(StringComparer.Ordinal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in through '{Provider}' failed: {Reason}")]
    private static partial void LogRemoteFailure(ILogger logger, string provider, string reason);
}
