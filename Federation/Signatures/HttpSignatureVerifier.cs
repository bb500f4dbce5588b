using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace VideoPlatform.Federation.Signatures;

/// <summary>
/// Verifies HTTP signatures on incoming requests, in either format. draft-cavage (<c>Signature</c>, rsa-sha256 or
/// hs2019): PeerTube's and Mastodon's strength rules, <c>Digest</c>, the date window. RFC 9421 (a <c>Signature-Input</c>
/// header, as Mastodon ≥ 4.5 and Fedify send): <c>rsa-v1_5-sha256</c>, <c>@method</c> and the target covered, and
/// <c>content-digest</c> (RFC 9530 sha-256) with a body, <c>created</c> in the same window. Then the RSA signature with
/// the actor's key, refetching the key once when it does not verify (key rotation).
/// </summary>
public sealed class HttpSignatureVerifier(IActorKeyResolver keys, TimeProvider timeProvider, ClockSkew? skew = null)
{
    private readonly ClockSkew _skew = skew ?? ClockSkew.Default;

    public async Task<SignatureVerification> VerifyAsync(IncomingRequest request, CancellationToken cancellationToken)
    {
        if (request.Header("Signature-Input") is not null)
        {
            return await VerifyMessageSignatureAsync(request, cancellationToken);
        }
        var raw = request.Header("Signature");
        if (raw is null)
        {
            var authorization = request.Header("Authorization");
            if (authorization is not null && authorization.StartsWith("Signature ", StringComparison.OrdinalIgnoreCase))
            {
                raw = authorization;
            }
        }
        if (raw is null)
        {
            return SignatureVerification.Fail(SignatureFailure.MissingSignature, "no Signature header");
        }
        if (!SignatureHeader.TryParse(raw, out var signature, out var parseError))
        {
            return SignatureVerification.Fail(SignatureFailure.MalformedSignature, parseError);
        }

        var precheck = CheckRequest(request, signature!);
        if (precheck is not null)
        {
            return precheck;
        }

        return await WithKeyAsync(signature!.KeyId, key => VerifyWithKey(request, signature, key), cancellationToken);
    }

    /// <summary>The <c>keyId</c> (draft-cavage) or <c>keyid</c> (RFC 9421) a request claims, before any verification.</summary>
    public static string? ClaimedKeyId(IncomingRequest request)
    {
        if (request.Header("Signature-Input") is { } input)
        {
            return StructuredFields.TryParseDictionary(input, out var members, out _) && members is [{ Value: SfInnerList list }]
                ? list.Parameter("keyid") as string
                : null;
        }
        return SignatureHeader.TryParse(request.Header("Signature") ?? request.Header("Authorization"), out var parsed, out _) ? parsed!.KeyId : null;
    }

    /// <summary>Resolves the key, verifies, and on a bad signature refetches the key once (it may have been rotated).</summary>
    private async Task<SignatureVerification> WithKeyAsync(string keyId, Func<ActorKey, SignatureVerification> verify, CancellationToken cancellationToken)
    {
        var key = await keys.ResolveAsync(keyId, forceRefresh: false, cancellationToken);
        if (key is null)
        {
            return SignatureVerification.Fail(SignatureFailure.KeyNotFound, $"no key for {keyId}");
        }
        var result = verify(key);
        if (result.Failure is SignatureFailure.BadSignature or SignatureFailure.InvalidKey)
        {
            var refreshed = await keys.ResolveAsync(keyId, forceRefresh: true, cancellationToken);
            if (refreshed is not null && !string.Equals(refreshed.PublicKeyPem, key.PublicKeyPem, StringComparison.Ordinal))
            {
                result = verify(refreshed);
            }
        }
        return result;
    }

    private async Task<SignatureVerification> VerifyMessageSignatureAsync(IncomingRequest request, CancellationToken cancellationToken)
    {
        if (!MessageSignature.TryParse(request.Header("Signature-Input"), request.Header("Signature"), out var signature, out var parseError))
        {
            return SignatureVerification.Fail(SignatureFailure.MalformedSignature, parseError);
        }
        var precheck = CheckRequest(request, signature!);
        if (precheck is not null)
        {
            return precheck;
        }
        return await WithKeyAsync(signature!.KeyId, key => VerifyWithKey(request, signature, key), cancellationToken);
    }

    /// <summary>RFC 9421: everything that does not need the key (algorithm, covered components, Content-Digest, created/expires).</summary>
    internal SignatureVerification? CheckRequest(IncomingRequest request, MessageSignature signature)
    {
        // The algorithm may be left out: the key (RSA, the only kind actors publish to us) then decides.
        if (signature.Algorithm is not null && signature.Algorithm != MessageSignature.RsaPkcs1Sha256)
        {
            return SignatureVerification.Fail(SignatureFailure.UnsupportedAlgorithm, $"alg '{signature.Algorithm}' is not supported (only {MessageSignature.RsaPkcs1Sha256})");
        }
        if (!signature.Covers("@method"))
        {
            return SignatureVerification.Fail(SignatureFailure.RequiredHeaderNotSigned, "@method is not covered");
        }
        if (!signature.Covers("@target-uri") && !(signature.Covers("@authority") && (signature.Covers("@path") || signature.Covers("@request-target"))))
        {
            return SignatureVerification.Fail(SignatureFailure.RequiredHeaderNotSigned, "neither @target-uri nor @authority with @path is covered");
        }
        var hasBody = !request.Body.IsEmpty || IsMethodWithBody(request.Method);
        if (hasBody && !signature.Covers("content-digest"))
        {
            return SignatureVerification.Fail(SignatureFailure.RequiredHeaderNotSigned, "content-digest is not covered on a request with a body");
        }
        if (signature.Covers("content-digest") || hasBody)
        {
            if (MessageSignature.CheckContentDigest(request.Header("Content-Digest"), request.Body.Span) is { } digestError)
            {
                return SignatureVerification.Fail(request.Header("Content-Digest") is null ? SignatureFailure.MissingDigest : SignatureFailure.DigestMismatch, digestError);
            }
        }
        return CheckWindow("created", DateTimeOffset.FromUnixTimeSeconds(signature.Created), signature.Expires);
    }

    /// <summary>The signing time within the allowed skew (when known), and the signature not expired.</summary>
    private SignatureVerification? CheckWindow(string what, DateTimeOffset? signedAt, long? expires)
    {
        var now = timeProvider.GetUtcNow();
        if (signedAt is { } at)
        {
            if (at - now > _skew.MaxFuture)
            {
                return SignatureVerification.Fail(SignatureFailure.DateInFuture, $"{what} {at:O} is more than {_skew.MaxFuture} ahead of {now:O}");
            }
            if (now - at > _skew.MaxAge)
            {
                return SignatureVerification.Fail(SignatureFailure.DateTooOld, $"{what} {at:O} is more than {_skew.MaxAge} before {now:O}");
            }
        }
        if (expires is { } e && DateTimeOffset.FromUnixTimeSeconds(e) < now)
        {
            return SignatureVerification.Fail(SignatureFailure.Expired, "the signature has expired");
        }
        return null;
    }

    internal static SignatureVerification VerifyWithKey(IncomingRequest request, MessageSignature signature, ActorKey key)
    {
        var signatureBase = MessageSignature.Base(signature.Components, signature.Input, request, out var missing);
        return signatureBase is null
            ? SignatureVerification.Fail(SignatureFailure.SignedHeaderMissing, $"covered component '{missing}' is absent from the request")
            : VerifyRsa(key, signature.KeyId, [signatureBase], signature.Signature);
    }

    /// <summary>Everything that does not need the key: algorithm, covered headers, digest, dates.</summary>
    internal SignatureVerification? CheckRequest(IncomingRequest request, SignatureHeader signature)
    {
        var algorithm = signature.Algorithm;
        // Mastodon treats a missing algorithm as hs2019, and hs2019 as RSA-SHA256 for RSA keys.
        if (algorithm is not null
            && !algorithm.Equals("rsa-sha256", StringComparison.OrdinalIgnoreCase)
            && !algorithm.Equals("hs2019", StringComparison.OrdinalIgnoreCase))
        {
            return SignatureVerification.Fail(SignatureFailure.UnsupportedAlgorithm, $"algorithm '{algorithm}' is not supported");
        }

        var covered = signature.Headers;
        var hasBody = !request.Body.IsEmpty || IsMethodWithBody(request.Method);
        if (!covered.Contains("(request-target)"))
        {
            return SignatureVerification.Fail(SignatureFailure.RequiredHeaderNotSigned, "(request-target) is not signed");
        }
        if (!covered.Contains("host"))
        {
            return SignatureVerification.Fail(SignatureFailure.RequiredHeaderNotSigned, "host is not signed");
        }
        if (!covered.Contains("date") && !covered.Contains("(created)"))
        {
            return SignatureVerification.Fail(SignatureFailure.RequiredHeaderNotSigned, "neither date nor (created) is signed");
        }
        if (hasBody && !covered.Contains("digest"))
        {
            return SignatureVerification.Fail(SignatureFailure.RequiredHeaderNotSigned, "digest is not signed on a request with a body");
        }
        if (covered.Contains("(created)") && signature.Created is null)
        {
            return SignatureVerification.Fail(SignatureFailure.MalformedSignature, "(created) is signed but the created parameter is missing");
        }
        if (covered.Contains("(expires)") && signature.Expires is null)
        {
            return SignatureVerification.Fail(SignatureFailure.MalformedSignature, "(expires) is signed but the expires parameter is missing");
        }

        if (covered.Contains("digest") || hasBody)
        {
            var digest = request.Header("Digest");
            if (digest is null)
            {
                return SignatureVerification.Fail(SignatureFailure.MissingDigest, "no Digest header");
            }
            if (!Digests.Sha256Matches(digest, request.Body.Span))
            {
                return SignatureVerification.Fail(SignatureFailure.DigestMismatch, "Digest does not match the body (SHA-256)");
            }
        }

        var now = timeProvider.GetUtcNow();
        DateTimeOffset? signedAt = null;
        if (covered.Contains("date"))
        {
            var dateText = request.Header("Date");
            if (dateText is null)
            {
                return SignatureVerification.Fail(SignatureFailure.MissingDate, "no Date header");
            }
            if (!DateTimeOffset.TryParseExact(dateText, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                && !DateTimeOffset.TryParse(dateText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out parsed))
            {
                return SignatureVerification.Fail(SignatureFailure.InvalidDate, $"Date '{dateText}' is not an HTTP date");
            }
            signedAt = parsed;
        }
        if (signature.Created is { } created)
        {
            var createdAt = DateTimeOffset.FromUnixTimeSeconds(created);
            if (createdAt - now > _skew.MaxFuture)
            {
                return SignatureVerification.Fail(SignatureFailure.DateInFuture, $"created {createdAt:O} is ahead of {now:O}");
            }
            signedAt ??= createdAt;
        }
        return CheckWindow("Date", signedAt, signature.Expires);
    }

    internal static SignatureVerification VerifyWithKey(IncomingRequest request, SignatureHeader signature, ActorKey key)
    {
        // Mastodon's tolerance: try the target with its query, then without (signers that omit it).
        var path = request.PathAndQuery;
        var queryAt = path.IndexOf('?', StringComparison.Ordinal);
        string[] targets = queryAt < 0 ? [path] : [path, path[..queryAt]];
        var signingStrings = new List<string>(targets.Length);
        foreach (var target in targets)
        {
            var signingString = SigningString.Build(signature.Headers, request.Method, target, request.Header, signature.Created, signature.Expires, out var missing);
            if (signingString is null)
            {
                return SignatureVerification.Fail(SignatureFailure.SignedHeaderMissing, $"signed header '{missing}' is absent from the request");
            }
            signingStrings.Add(signingString);
        }
        return VerifyRsa(key, signature.KeyId, signingStrings, signature.Signature);
    }

    /// <summary>RSASSA-PKCS1-v1_5 with SHA-256 over any of <paramref name="candidates"/>, with a key that lives on its owner's host.</summary>
    private static SignatureVerification VerifyRsa(ActorKey key, string claimedKeyId, IReadOnlyList<string> candidates, byte[] signature)
    {
        if (!SameHost(key.KeyId, key.OwnerId) || !SameHost(claimedKeyId, key.OwnerId))
        {
            return SignatureVerification.Fail(SignatureFailure.KeyHostMismatch, $"key {key.KeyId} and owner {key.OwnerId} are not on one host");
        }
        RSA rsa;
        try
        {
            rsa = PublicKeys.Get(key.PublicKeyPem);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            return SignatureVerification.Fail(SignatureFailure.InvalidKey, "the public key PEM cannot be read");
        }
        // One RSA object per key is shared by all requests; OpenSSL handles are not documented as thread-safe.
        lock (rsa)
        {
            foreach (var candidate in candidates)
            {
                if (rsa.VerifyData(Encoding.UTF8.GetBytes(candidate), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
                {
                    return SignatureVerification.Ok(key);
                }
            }
        }
        return SignatureVerification.Fail(SignatureFailure.BadSignature, "the RSA-SHA256 signature does not verify");
    }

    /// <summary>
    /// The activity's <c>actor</c> and <c>id</c> must live on the signing key owner's host:
    /// a signer can only speak for its own server (forwarded activities need an LD signature instead).
    /// </summary>
    public static bool IsActivityFromSigner(ActorKey signer, string? activityActor, string? activityId)
    {
        if (activityActor is null || !string.Equals(activityActor, signer.OwnerId, StringComparison.Ordinal))
        {
            return false;
        }
        return activityId is null || SameHost(activityId, signer.OwnerId);
    }

    public static bool SameHost(string a, string b) =>
        Uri.TryCreate(a, UriKind.Absolute, out var ua)
        && Uri.TryCreate(b, UriKind.Absolute, out var ub)
        && string.Equals(ua.Authority, ub.Authority, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Parsed public keys by PEM: importing a PEM costs several times the RSA verification itself. Bounded by
    /// starting afresh past 10,000 keys (far more actors than the academies federate with).
    /// </summary>
    private static class PublicKeys
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, RSA> Cache = new(StringComparer.Ordinal);

        public static RSA Get(string pem)
        {
            if (Cache.TryGetValue(pem, out var rsa))
            {
                return rsa;
            }
            if (Cache.Count >= 10_000)
            {
                Cache.Clear();
            }
            rsa = RsaKeys.ImportPem(pem);
            return Cache.GetOrAdd(pem, rsa);
        }
    }

    private static bool IsMethodWithBody(string method) =>
        method.Equals("POST", StringComparison.OrdinalIgnoreCase) || method.Equals("PUT", StringComparison.OrdinalIgnoreCase);
}
