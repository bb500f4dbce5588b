using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using VideoPlatform.Core.Stats;

namespace VideoPlatform.Api.Hosting;

/// <summary>A source of Prometheus samples another module contributes to <c>/metrics</c>.</summary>
public interface IMetricsSource
{
    void Write(PrometheusWriter writer);
}

/// <summary>Writes the Prometheus text exposition format (version 0.0.4).</summary>
public sealed class PrometheusWriter
{
    private readonly StringBuilder _text = new();
    private readonly HashSet<string> _described = new(StringComparer.Ordinal);

    public void Sample(string name, string type, string help, double value, params (string Key, string Value)[] labels)
    {
        if (_described.Add(name))
        {
            _text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            _text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        }
        SampleLine(name, value, labels);
    }

    internal void SampleLine(string name, double value, (string Key, string Value)[] labels)
    {
        _text.Append(name);
        if (labels.Length > 0)
        {
            _text.Append('{');
            for (var i = 0; i < labels.Length; i++)
            {
                if (i > 0)
                {
                    _text.Append(',');
                }
                _text.Append(labels[i].Key).Append("=\"").Append(Escape(labels[i].Value)).Append('"');
            }
            _text.Append('}');
        }
        _text.Append(' ').Append(value.ToString("G17", CultureInfo.InvariantCulture)).Append('\n');
    }

    internal void Describe(string name, string type, string help)
    {
        if (_described.Add(name))
        {
            _text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            _text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        }
    }

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    public override string ToString() => _text.ToString();
}

/// <summary>HTTP request counts and a duration histogram per route, method and status.</summary>
public sealed class HttpMetrics : IMetricsSource
{
    private static readonly double[] Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private readonly ConcurrentDictionary<(string Route, string Method, int Status), Series> _series = new();

    public long BytesSent => Interlocked.Read(ref _bytesSent);
    private long _bytesSent;

    public void Record(string route, string method, int status, double seconds, long bytes)
    {
        var series = _series.GetOrAdd((route, method, status), _ => new Series());
        series.Observe(seconds);
        if (bytes > 0)
        {
            Interlocked.Add(ref _bytesSent, bytes);
        }
    }

    public void Write(PrometheusWriter writer)
    {
        writer.Describe("http_requests_total", "counter", "HTTP requests handled.");
        foreach (var ((route, method, status), series) in _series)
        {
            writer.SampleLine("http_requests_total", series.Count, [("route", route), ("method", method), ("status", status.ToString(CultureInfo.InvariantCulture))]);
        }
        writer.Describe("http_request_duration_seconds", "histogram", "HTTP request durations.");
        foreach (var ((route, method, status), series) in _series)
        {
            var statusText = status.ToString(CultureInfo.InvariantCulture);
            long cumulative = 0;
            for (var i = 0; i < Buckets.Length; i++)
            {
                cumulative += Interlocked.Read(ref series.BucketCounts[i]);
                writer.SampleLine("http_request_duration_seconds_bucket", cumulative,
                    [("route", route), ("method", method), ("status", statusText), ("le", Buckets[i].ToString(CultureInfo.InvariantCulture))]);
            }
            writer.SampleLine("http_request_duration_seconds_bucket", series.Count, [("route", route), ("method", method), ("status", statusText), ("le", "+Inf")]);
            writer.SampleLine("http_request_duration_seconds_sum", series.Sum, [("route", route), ("method", method), ("status", statusText)]);
            writer.SampleLine("http_request_duration_seconds_count", series.Count, [("route", route), ("method", method), ("status", statusText)]);
        }
        writer.Sample("http_response_bytes_total", "counter", "Bytes of response bodies sent over HTTP (media included).", BytesSent);
    }

    private sealed class Series
    {
        public readonly long[] BucketCounts = new long[Buckets.Length + 1];
        private long _count;
        private long _sumMicros;

        public long Count => Interlocked.Read(ref _count);
        public double Sum => Interlocked.Read(ref _sumMicros) / 1e6;

        public void Observe(double seconds)
        {
            var index = Array.FindIndex(Buckets, b => seconds <= b);
            Interlocked.Increment(ref BucketCounts[index < 0 ? Buckets.Length : index]);
            Interlocked.Increment(ref _count);
            Interlocked.Add(ref _sumMicros, (long)(seconds * 1e6));
        }
    }
}

public static class MetricsEndpoints
{
    /// <summary>Times every request and labels it by route template (never by raw path, which would explode cardinality).</summary>
    public static IApplicationBuilder UseHttpMetrics(this IApplicationBuilder app)
    {
        var metrics = app.ApplicationServices.GetRequiredService<HttpMetrics>();
        var recorder = app.ApplicationServices.GetRequiredService<StatsRecorder>();
        return app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            var failed = true;
            try
            {
                await next(context);
                failed = false;
            }
            finally
            {
                var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
                var status = context.Response.StatusCode;
                metrics.Record(route, context.Request.Method, status, Stopwatch.GetElapsedTime(started).TotalSeconds, context.Response.ContentLength ?? 0);
                recorder.Request(failed || status >= 500);
                if (status < 400 && context.Request.ContentLength is > 0 and var uploaded && context.Request.Path.StartsWithSegments("/api/v1/videos/upload", StringComparison.OrdinalIgnoreCase))
                {
                    recorder.Uploaded(uploaded);
                }
            }
        });
    }

    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder endpoints)
    {
        var access = MetricsAccess.From(endpoints.ServiceProvider.GetRequiredService<IConfiguration>());
        endpoints.MapGet("/metrics", (HttpContext context, IEnumerable<IMetricsSource> sources) =>
        {
            if (access.Check(context.Connection.RemoteIpAddress, context.Request.Headers.Authorization.ToString()) is { } refused)
            {
                return refused;
            }
            var writer = new PrometheusWriter();
            foreach (var source in sources)
            {
                source.Write(writer);
            }
            return Results.Text(writer.ToString(), "text/plain; version=0.0.4; charset=utf-8");
        }).ExcludeFromDescription();
        return endpoints;
    }
}

/// <summary>
/// Who may read <c>/metrics</c>: by default anyone; with <c>Metrics:AllowedNetworks</c> (CIDR list) only clients in them,
/// with <c>Metrics:Token</c> only requests bearing it (<c>Authorization: Bearer …</c>, as Prometheus' <c>authorization</c> sends it).
/// </summary>
public sealed class MetricsAccess(IReadOnlyList<System.Net.IPNetwork> networks, string? token)
{
    public static MetricsAccess From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Metrics");
        var networks = ReverseProxy.List(section.GetSection("AllowedNetworks")).Select(n => System.Net.IPNetwork.TryParse(n, out var net) ? net
            : throw new InvalidOperationException($"Metrics:AllowedNetworks: '{n}' is not a network such as 10.0.0.0/8.")).ToList();
        var token = section["Token"];
        return new MetricsAccess(networks, string.IsNullOrEmpty(token) ? null : token);
    }

    /// <summary>Null when allowed, else the 401/403 problem to answer.</summary>
    public IResult? Check(System.Net.IPAddress? client, string authorization)
    {
        if (networks.Count > 0)
        {
            var address = client is { IsIPv4MappedToIPv6: true } ? client.MapToIPv4() : client;
            if (address is null || !networks.Any(n => n.Contains(address)))
            {
                return Problems.Forbidden("Metrics are not available from this network.");
            }
        }
        if (token is not null)
        {
            var expected = Encoding.UTF8.GetBytes("Bearer " + token);
            var given = Encoding.UTF8.GetBytes(authorization);
            if (!System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(expected, given))
            {
                return Problems.Unauthorized("Metrics require the bearer token of Metrics:Token.");
            }
        }
        return null;
    }
}
