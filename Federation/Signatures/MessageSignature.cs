using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace VideoPlatform.Federation.Signatures;

/// <summary>
/// One RFC 9421 HTTP message signature, read from <c>Signature-Input</c> and <c>Signature</c>. As Mastodon does, a request
/// carries exactly one; <c>keyid</c> and <c>created</c> are required.
/// </summary>
public sealed record MessageSignature(string Label, IReadOnlyList<string> Components, SfInnerList Input, string KeyId, string? Algorithm,
    long Created, long? Expires, byte[] Signature)
{
    public const string RsaPkcs1Sha256 = "rsa-v1_5-sha256";

    public bool Covers(string component) => Components.Contains(component, StringComparer.Ordinal);

    public static bool TryParse(string? signatureInput, string? signature, out MessageSignature? parsed, out string error)
    {
        parsed = null;
        if (!StructuredFields.TryParseDictionary(signatureInput, out var inputs, out error))
        {
            error = "Signature-Input: " + error;
            return false;
        }
        if (!StructuredFields.TryParseDictionary(signature, out var signatures, out error))
        {
            error = "Signature: " + error;
            return false;
        }
        if (inputs.Count != 1)
        {
            error = $"Signature-Input has {inputs.Count} signatures; exactly one is accepted";
            return false;
        }
        var (label, inputValue) = inputs[0];
        if (inputValue is not SfInnerList input)
        {
            error = $"Signature-Input member '{label}' is not an inner list of components";
            return false;
        }
        if (signatures.FirstOrDefault(s => s.Key == label).Value is not SfItem { Value: byte[] bytes })
        {
            error = $"Signature has no byte sequence labelled '{label}'";
            return false;
        }
        var components = new List<string>();
        foreach (var item in input.Items)
        {
            if (item.Value is not string name || name.Length == 0 || name.Any(char.IsAsciiLetterUpper))
            {
                error = "covered components must be lower-case strings";
                return false;
            }
            if (item.Parameters.Count > 0)
            {
                error = $"component parameters ({name};{item.Parameters[0].Key}) are not supported";
                return false;
            }
            if (components.Contains(name, StringComparer.Ordinal))
            {
                error = $"component {name} is covered twice";
                return false;
            }
            components.Add(name);
        }
        if (input.Parameter("keyid") is not string keyId || keyId.Length == 0)
        {
            error = "the keyid parameter (a string) is required";
            return false;
        }
        if (input.Parameter("created") is not long created)
        {
            error = "the created parameter (an integer) is required";
            return false;
        }
        var expires = input.Parameter("expires");
        if (expires is not (null or long))
        {
            error = "the expires parameter must be an integer";
            return false;
        }
        var algorithm = input.Parameter("alg");
        if (algorithm is not (null or string))
        {
            error = "the alg parameter must be a string";
            return false;
        }
        parsed = new MessageSignature(label, components, input, keyId, (string?)algorithm, created, (long?)expires, bytes);
        return true;
    }

    /// <summary>
    /// The signature base (RFC 9421 §2.5): one <c>"component": value</c> line per covered component, then the
    /// <c>@signature-params</c> line. Null, naming the component, when the request lacks one it covers.
    /// </summary>
    public static string? Base(IReadOnlyList<string> components, SfInnerList input, IncomingRequest request, out string? missing)
    {
        missing = null;
        var sb = new StringBuilder();
        foreach (var name in components)
        {
            var value = ComponentValue(name, request);
            if (value is null)
            {
                missing = name;
                return null;
            }
            sb.Append('"').Append(name).Append("\": ").Append(value).Append('\n');
        }
        sb.Append("\"@signature-params\": ").Append(StructuredFields.Serialize(input));
        return sb.ToString();
    }

    private static string? ComponentValue(string name, IncomingRequest request)
    {
        var pathAndQuery = request.PathAndQuery.Length == 0 ? "/" : request.PathAndQuery;
        var queryAt = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var path = queryAt < 0 ? pathAndQuery : pathAndQuery[..queryAt];
        var authority = request.Header("Host")?.Trim().ToLowerInvariant();
        return name switch
        {
            "@method" => request.Method,
            "@target-uri" => authority is null ? null : $"{request.Scheme.ToLowerInvariant()}://{authority}{pathAndQuery}",
            "@authority" => authority,
            "@scheme" => request.Scheme.ToLowerInvariant(),
            "@request-target" => pathAndQuery,
            "@path" => path.Length == 0 ? "/" : path,
            "@query" => queryAt < 0 ? "?" : pathAndQuery[queryAt..],
            _ when name.StartsWith('@') => null,
            _ => request.Header(name),
        };
    }

    /// <summary>
    /// Checks an RFC 9530 <c>Content-Digest</c> header against the body: a structured dictionary that must hold a
    /// <c>sha-256</c> byte sequence equal to the body's hash (other algorithms are ignored). Null when it matches.
    /// </summary>
    public static string? CheckContentDigest(string? header, ReadOnlySpan<byte> body)
    {
        if (header is null)
        {
            return "no Content-Digest header";
        }
        if (!StructuredFields.TryParseDictionary(header, out var digests, out var error))
        {
            return "Content-Digest: " + error;
        }
        if (digests.FirstOrDefault(d => d.Key == "sha-256").Value is not SfItem { Value: byte[] claimed })
        {
            return "Content-Digest has no sha-256 byte sequence";
        }
        Span<byte> actual = stackalloc byte[32];
        SHA256.HashData(body, actual);
        return claimed.Length == 32 && CryptographicOperations.FixedTimeEquals(claimed, actual) ? null : "Content-Digest does not match the body (sha-256)";
    }

    public static string ContentDigestHeader(ReadOnlySpan<byte> body) => "sha-256=:" + Convert.ToBase64String(SHA256.HashData(body)) + ":";
}

/// <summary>
/// Signs a request as RFC 9421 does (<c>rsa-v1_5-sha256</c>, label <c>sig1</c>): covers <c>@method</c>,
/// <c>@target-uri</c> and, with a body, <c>content-digest</c> (RFC 9530, sha-256), as Mastodon and Fedify sign.
/// Outgoing deliveries still use draft-cavage (the only scheme PeerTube verifies); this is the counterpart of our
/// verifier, for tests and for a later double-knock.
/// </summary>
public sealed class MessageSignatureSigner(TimeProvider clock)
{
    public async Task SignAsync(HttpRequestMessage request, SigningKey key, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri ?? throw new ArgumentException("the request has no URI", nameof(request));
        request.Headers.Host = uri.IsDefaultPort ? uri.Host : uri.Authority;
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        List<SfItem> components = [new("@method", []), new("@target-uri", [])];
        if (request.Content is not null)
        {
            request.Content.Headers.Remove("Content-Digest");
            request.Content.Headers.TryAddWithoutValidation("Content-Digest", MessageSignature.ContentDigestHeader(body));
            components.Add(new("content-digest", []));
        }
        var input = new SfInnerList(components,
        [
            new("created", clock.GetUtcNow().ToUnixTimeSeconds()),
            new("keyid", key.KeyId),
            new("alg", MessageSignature.RsaPkcs1Sha256),
        ]);
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v)));
        var incoming = IncomingRequest.Create(request.Method.Method, uri.PathAndQuery, headers, body) with { Scheme = uri.Scheme };
        var signatureBase = MessageSignature.Base(components.Select(c => (string)c.Value).ToArray(), input, incoming, out var missing)
            ?? throw new InvalidOperationException($"component {missing} is missing");
        using var rsa = RsaKeys.ImportPem(key.PrivateKeyPem);
        var signature = rsa.SignData(Encoding.UTF8.GetBytes(signatureBase), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.Headers.Remove("Signature-Input");
        request.Headers.Remove("Signature");
        request.Headers.TryAddWithoutValidation("Signature-Input", "sig1=" + StructuredFields.Serialize(input));
        request.Headers.TryAddWithoutValidation("Signature", "sig1=:" + Convert.ToBase64String(signature) + ":");
    }
}
