using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace VideoPlatform.Federation.Signatures;

/// <summary>
/// Signs outgoing requests the way PeerTube does (draft-cavage, rsa-sha256):
/// POST signs <c>(request-target) host date digest</c>, GET signs <c>(request-target) host date</c>.
/// </summary>
public sealed class HttpSignatureSigner(TimeProvider timeProvider)
{
    public static readonly IReadOnlyList<string> HeadersWithBody = ["(request-target)", "host", "date", "digest"];
    public static readonly IReadOnlyList<string> HeadersWithoutBody = ["(request-target)", "host", "date"];

    /// <summary>Sets <c>Host</c>, <c>Date</c>, <c>Digest</c> (when there is a body) and <c>Signature</c> on the request.</summary>
    public async Task SignAsync(HttpRequestMessage request, SigningKey key, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri ?? throw new ArgumentException("The request has no absolute URI.", nameof(request));
        if (!uri.IsAbsoluteUri)
        {
            throw new ArgumentException("The request URI must be absolute.", nameof(request));
        }
        var host = uri.IsDefaultPort ? uri.Host : uri.Authority;
        // Truncating to whole seconds stamps Date up to 1 s in the past: PeerTube refuses dates > 2 s ahead.
        var date = FormatDate(timeProvider.GetUtcNow());
        request.Headers.Host = host;
        request.Headers.Remove("Date");
        request.Headers.TryAddWithoutValidation("Date", date);

        string? digest = null;
        if (request.Content is not null)
        {
            var body = await request.Content.ReadAsByteArrayAsync(cancellationToken);
            digest = Digests.Sha256Header(body);
            request.Headers.Remove("Digest");
            request.Headers.TryAddWithoutValidation("Digest", digest);
        }

        var signature = CreateSignatureHeader(request.Method.Method, uri.PathAndQuery, host, date, digest, key);
        request.Headers.Remove("Signature");
        request.Headers.TryAddWithoutValidation("Signature", signature);
    }

    /// <summary>The pure part: the <c>Signature</c> header value for the given request line and headers.</summary>
    public static string CreateSignatureHeader(string method, string pathAndQuery, string host, string date, string? digest, SigningKey key)
    {
        var headers = digest is null ? HeadersWithoutBody : HeadersWithBody;
        var signingString = SigningString.Build(
            headers,
            method,
            pathAndQuery,
            name => name switch
            {
                "host" => host,
                "date" => date,
                "digest" => digest,
                _ => null,
            },
            created: null,
            expires: null,
            out _)!;
        using var rsa = RsaKeys.ImportPem(key.PrivateKeyPem);
        var signature = rsa.SignData(Encoding.UTF8.GetBytes(signingString), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return new SignatureHeader(key.KeyId, "rsa-sha256", headers, signature, null, null).Format();
    }

    /// <summary>IMF-fixdate, e.g. <c>Tue, 03 Nov 2026 10:00:00 GMT</c>.</summary>
    public static string FormatDate(DateTimeOffset instant) =>
        instant.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture);
}
