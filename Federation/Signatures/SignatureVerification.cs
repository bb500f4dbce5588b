namespace VideoPlatform.Federation.Signatures;

public enum SignatureFailure
{
    None,
    MissingSignature,
    MalformedSignature,
    UnsupportedAlgorithm,
    RequiredHeaderNotSigned,
    SignedHeaderMissing,
    MissingDigest,
    DigestMismatch,
    MissingDate,
    InvalidDate,
    DateTooOld,
    DateInFuture,
    Expired,
    KeyNotFound,
    InvalidKey,
    KeyHostMismatch,
    BadSignature,
}

/// <summary>The outcome of verifying one request; <see cref="Key"/> is the signer's key on success.</summary>
public sealed record SignatureVerification(SignatureFailure Failure, string Detail, ActorKey? Key)
{
    public bool IsValid => Failure == SignatureFailure.None;

    internal static SignatureVerification Fail(SignatureFailure failure, string detail) => new(failure, detail, null);

    internal static SignatureVerification Ok(ActorKey key) => new(SignatureFailure.None, "", key);
}

/// <summary>
/// How far a signature date may stray from our clock. Defaults follow the security sheet's advice
/// (1 h in the past, 5 min in the future); <see cref="PeerTube"/> and <see cref="Mastodon"/> mirror those servers.
/// </summary>
public sealed record ClockSkew(TimeSpan MaxAge, TimeSpan MaxFuture)
{
    public static ClockSkew Default { get; } = new(TimeSpan.FromHours(1), TimeSpan.FromMinutes(5));

    /// <summary>PeerTube: 30 min behind (<c>CLOCK_SKEW_SECONDS</c>), 2 s ahead (verifier library default).</summary>
    public static ClockSkew PeerTube { get; } = new(TimeSpan.FromMinutes(30), TimeSpan.FromSeconds(2));

    /// <summary>Mastodon: expiry 5 min after creation plus 1 h grace; 1 h ahead.</summary>
    public static ClockSkew Mastodon { get; } = new(TimeSpan.FromMinutes(65), TimeSpan.FromHours(1));
}

/// <summary>What the verifier needs of an incoming request: independent of ASP.NET so it is testable with tables.</summary>
public sealed record IncomingRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, ReadOnlyMemory<byte> Body)
{
    /// <summary>The scheme the client used (RFC 9421's <c>@target-uri</c>, <c>@scheme</c>): behind a TLS proxy, the public one.</summary>
    public string Scheme { get; init; } = "https";

    public static IncomingRequest Create(string method, string pathAndQuery, IEnumerable<KeyValuePair<string, string>> headers, ReadOnlyMemory<byte> body)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            // Repeated headers are joined as the draft requires.
            map[name] = map.TryGetValue(name, out var existing) ? existing + ", " + value.Trim() : value.Trim();
        }
        return new IncomingRequest(method, pathAndQuery, map, body);
    }

    /// <summary>
    /// Adapter for the host: the body must be the raw bytes read before JSON parsing; <paramref name="scheme"/> is the
    /// public scheme when a proxy terminates TLS (the request's own otherwise).
    /// </summary>
    public static IncomingRequest FromHttpRequest(Microsoft.AspNetCore.Http.HttpRequest request, ReadOnlyMemory<byte> body, string? scheme = null) =>
        Create(
            request.Method,
            request.Path.ToUriComponent() + request.QueryString.ToUriComponent(),
            request.Headers.SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v ?? ""))),
            body) with { Scheme = scheme ?? request.Scheme };

    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}
