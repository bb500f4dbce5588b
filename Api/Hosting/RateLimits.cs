using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace VideoPlatform.Api.Hosting;

/// <summary>Abuse limits (<c>RateLimits:*</c>); every window is a TimeSpan ("00:05:00").</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    public LoginLimit Login { get; set; } = new();
    public WindowLimit Signup { get; set; } = new() { Permits = 5, Window = TimeSpan.FromMinutes(10) };
    public ViewLimit Views { get; set; } = new();

    /// <summary>Wrong passwords allowed per client IP and, separately, per account in a window (API and login page together).</summary>
    public sealed class LoginLimit
    {
        public int FailuresPerIp { get; set; } = 30;
        public int FailuresPerAccount { get; set; } = 10;
        public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);
    }

    public sealed class WindowLimit
    {
        public int Permits { get; set; }
        public TimeSpan Window { get; set; }
    }

    /// <summary>A viewer (account, or IP when anonymous) counts once per video in this window, as PeerTube's views.</summary>
    public sealed class ViewLimit
    {
        public TimeSpan Window { get; set; } = TimeSpan.FromHours(1);
    }

    public string? Validate() =>
        Login.FailuresPerIp < 1 || Login.FailuresPerAccount < 1 || Login.Window <= TimeSpan.Zero ? "RateLimits:Login needs FailuresPerIp, FailuresPerAccount >= 1 and a positive Window."
        : Signup.Permits < 1 || Signup.Window <= TimeSpan.Zero ? "RateLimits:Signup needs Permits >= 1 and a positive Window."
        : Views.Window <= TimeSpan.Zero ? "RateLimits:Views:Window must be positive."
        : null;
}

/// <summary>
/// Password guessing: only failures count, per client IP and per account, so a class logging in at once is never
/// refused, while a guesser is answered 429 until the window has passed. A key's window starts at its first failure
/// (not on a shared clock tick, where a fixed-window limiter would let a guesser's failures straddle two windows and
/// count as none), and its wait is exactly what is left of that window.
/// </summary>
public sealed class LoginThrottle(Microsoft.Extensions.Options.IOptions<RateLimitOptions> options, TimeProvider clock) : IDisposable
{
    /// <summary>Expired windows are swept when this many keys are held, so a spray of IPs cannot grow memory for ever.</summary>
    private const int SweepAbove = 10_000;
    private readonly RateLimitOptions.LoginLimit _limits = options.Value.Login;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, FailureWindow> _windows = new(StringComparer.Ordinal);

    private sealed record FailureWindow(DateTimeOffset Start, int Failures);

    /// <summary>How long to wait when this IP or this account has used up its failures; null when a try is allowed.</summary>
    public TimeSpan? RetryAfter(IPAddress? client, string login)
    {
        var now = clock.GetUtcNow();
        TimeSpan? wait = null;
        foreach (var (key, limit) in Keys(client, login))
        {
            if (_windows.TryGetValue(key, out var window) && window.Failures >= limit && now < window.Start + _limits.Window)
            {
                var left = window.Start + _limits.Window - now;
                wait = wait is { } other && other > left ? other : left;
            }
        }
        return wait;
    }

    public void Failed(IPAddress? client, string login)
    {
        var now = clock.GetUtcNow();
        foreach (var (key, _) in Keys(client, login))
        {
            _windows.AddOrUpdate(key, _ => new FailureWindow(now, 1),
                (_, window) => now < window.Start + _limits.Window ? window with { Failures = window.Failures + 1 } : new FailureWindow(now, 1));
        }
        if (_windows.Count > SweepAbove)
        {
            foreach (var (key, window) in _windows)
            {
                if (now >= window.Start + _limits.Window)
                {
                    _windows.TryRemove(new KeyValuePair<string, FailureWindow>(key, window));
                }
            }
        }
    }

    private (string Key, int Limit)[] Keys(IPAddress? client, string login) =>
        [("ip:" + RateLimits.ClientKey(client), _limits.FailuresPerIp), ("account:" + login.Trim().ToLowerInvariant(), _limits.FailuresPerAccount)];

    public void Dispose() => _windows.Clear();
}

/// <summary>Counts a view once per viewer and video per window; the others are answered as usual but not counted.</summary>
public sealed class ViewDeduplicator : IDisposable
{
    private readonly PartitionedRateLimiter<string> _views;

    public ViewDeduplicator(Microsoft.Extensions.Options.IOptions<RateLimitOptions> options)
    {
        var window = options.Value.Views.Window;
        _views = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = 1,
            Window = window,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <param name="viewer">The account id when signed in, else null (the client IP is used).</param>
    public bool ShouldCount(long videoId, long? viewer, IPAddress? client)
    {
        var who = viewer is { } id ? "u" + id.ToString(System.Globalization.CultureInfo.InvariantCulture) : "ip" + RateLimits.ClientKey(client);
        using var lease = _views.AttemptAcquire(videoId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "|" + who);
        return lease.IsAcquired;
    }

    public void Dispose() => _views.Dispose();
}

/// <summary>Registration of the limits, and the 429 problem they answer.</summary>
public static class RateLimits
{
    public const string Signup = "signup";

    /// <summary>The client's IP as a partition key (after forwarded headers from known proxies have been applied); IPv6 clients by their /64.</summary>
    public static string ClientKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            address = new IPAddress(bytes);
        }
        return address.ToString();
    }

    public static IServiceCollection AddAbuseLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.Section))
            .Validate(o => o.Validate() is null, "RateLimits: every limit needs a positive number of permits and a positive window.")
            .ValidateOnStart();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<ViewDeduplicator>();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, _) => new ValueTask(TooManyRequests(context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? retry : null)
                .ExecuteAsync(context.HttpContext));
            o.AddPolicy(Signup, context =>
            {
                var limit = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<RateLimitOptions>>().Value.Signup;
                return RateLimitPartition.GetFixedWindowLimiter(ClientKey(context.Connection.RemoteIpAddress), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limit.Permits,
                    Window = limit.Window,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
        });
        return services;
    }

    /// <summary>PeerTube's answer to a rate limit: 429, a problem detail, and <c>Retry-After</c> in whole seconds.</summary>
    public static RetryAfterResult TooManyRequests(TimeSpan? retryAfter) => new RetryAfterResult(
        Problems.Status(StatusCodes.Status429TooManyRequests, "You have made too many requests, please try again later.", "too_many_requests"), retryAfter);

    public static string RetryAfterSeconds(TimeSpan retryAfter) =>
        Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A problem detail (429, or 503 when a retry will do) with <c>Retry-After</c>.</summary>
    public sealed class RetryAfterResult(IResult inner, TimeSpan? retryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            if (retryAfter is { } retry)
            {
                httpContext.Response.Headers.RetryAfter = RetryAfterSeconds(retry);
            }
            return inner.ExecuteAsync(httpContext);
        }
    }
}
