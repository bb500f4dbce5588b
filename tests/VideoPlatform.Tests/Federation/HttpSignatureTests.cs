using System.Text;
using VideoPlatform.Federation.Signatures;

namespace VideoPlatform.Tests.Federation;

public class HttpSignatureTests
{
    private const string Actor = "https://lyon.example/accounts/peertube";
    private const string KeyId = Actor + "#main-key";
    private static readonly DateTimeOffset Now = new(2026, 11, 3, 10, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"type":"Follow","actor":"https://lyon.example/accounts/peertube"}""");

    private static readonly ActorKey KeyA = new(KeyId, Actor, TestKeys.APublic);

    private static async Task<IncomingRequest> SignedPostAsync(string privateKey = TestKeys.APrivate, DateTimeOffset? at = null, string url = "https://paris.example/accounts/peertube/inbox")
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(Body) };
        await new HttpSignatureSigner(new FixedTimeProvider(at ?? Now)).SignAsync(message, new SigningKey(KeyId, privateKey), CancellationToken.None);
        return ToIncoming(message, Body);
    }

    private static IncomingRequest ToIncoming(HttpRequestMessage message, byte[] body)
    {
        var headers = message.Headers.SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v))).ToList();
        return IncomingRequest.Create(message.Method.Method, message.RequestUri!.PathAndQuery, headers, body);
    }

    private static HttpSignatureVerifier Verifier(IActorKeyResolver? keys = null, DateTimeOffset? now = null, ClockSkew? skew = null) =>
        new(keys ?? new DictionaryKeyResolver().With(KeyA), new FixedTimeProvider(now ?? Now), skew);

    [Test]
    public async Task Signer_sets_PeerTube_headers_for_a_POST()
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "https://paris.example:8443/inbox") { Content = new ByteArrayContent(Body) };
        await new HttpSignatureSigner(new FixedTimeProvider(Now)).SignAsync(message, new SigningKey(KeyId, TestKeys.APrivate), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(message.Headers.Host, Is.EqualTo("paris.example:8443"));
            Assert.That(message.Headers.GetValues("Date").Single(), Is.EqualTo("Tue, 03 Nov 2026 10:00:00 GMT"));
            Assert.That(message.Headers.GetValues("Digest").Single(), Does.StartWith("SHA-256=").And.EndWith("="));
            var signature = message.Headers.GetValues("Signature").Single();
            Assert.That(signature, Does.StartWith($"keyId=\"{KeyId}\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date digest\",signature=\""));
        });
    }

    [Test]
    public async Task Signer_signs_GET_without_digest()
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, "https://paris.example/accounts/peertube");
        await new HttpSignatureSigner(new FixedTimeProvider(Now)).SignAsync(message, new SigningKey(KeyId, TestKeys.APrivate), CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(message.Headers.Contains("Digest"), Is.False);
            Assert.That(message.Headers.GetValues("Signature").Single(), Does.Contain("headers=\"(request-target) host date\""));
        });
    }

    [Test]
    public async Task Signed_GET_verifies()
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, "https://paris.example/accounts/peertube/outbox?page=2");
        await new HttpSignatureSigner(new FixedTimeProvider(Now)).SignAsync(message, new SigningKey(KeyId, TestKeys.APrivate), CancellationToken.None);
        var result = await Verifier().VerifyAsync(ToIncoming(message, []), CancellationToken.None);
        Assert.That(result.IsValid, Is.True, result.Detail);
    }

    [Test]
    public async Task Signed_POST_verifies_and_returns_the_key()
    {
        var result = await Verifier().VerifyAsync(await SignedPostAsync(), CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(result.IsValid, Is.True, result.Detail);
            Assert.That(result.Key, Is.EqualTo(KeyA));
        });
    }

    [Test]
    public async Task Pkcs1_public_key_is_accepted()
    {
        var keys = new DictionaryKeyResolver().With(KeyA with { PublicKeyPem = TestKeys.APublicPkcs1 });
        var result = await Verifier(keys).VerifyAsync(await SignedPostAsync(), CancellationToken.None);
        Assert.That(result.IsValid, Is.True, result.Detail);
    }

    private static IncomingRequest WithHeader(IncomingRequest request, string name, string? value)
    {
        var headers = request.Headers.Where(h => !h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).ToList();
        if (value is not null)
        {
            headers.Add(new(name, value));
        }
        return IncomingRequest.Create(request.Method, request.PathAndQuery, headers, request.Body);
    }

    private static IEnumerable<TestCaseData> TamperedRequests()
    {
        yield return new TestCaseData(new Func<IncomingRequest, IncomingRequest>(r => r with { Body = Encoding.UTF8.GetBytes("{}") }), SignatureFailure.DigestMismatch).SetName("body changed after signing");
        yield return new TestCaseData(new Func<IncomingRequest, IncomingRequest>(r => WithHeader(r, "Digest", "SHA-256=" + Convert.ToBase64String(new byte[32]))), SignatureFailure.DigestMismatch).SetName("digest of other bytes");
        yield return new TestCaseData(new Func<IncomingRequest, IncomingRequest>(r => WithHeader(r, "Digest", "SHA-512=abc")), SignatureFailure.DigestMismatch).SetName("digest without SHA-256");
        yield return new TestCaseData(new Func<IncomingRequest, IncomingRequest>(r => WithHeader(r, "Digest", null)), SignatureFailure.MissingDigest).SetName("digest removed");
        yield return new TestCaseData(new Func<IncomingRequest, IncomingRequest>(r => WithHeader(r, "Host", "evil.example")), SignatureFailure.BadSignature).SetName("host changed");
        yield return new TestCaseData(new Func<IncomingRequest, IncomingRequest>(r => r with { PathAndQuery = "/inbox" }), SignatureFailure.BadSignature).SetName("path changed");
        yield return new TestCaseData(new Func<IncomingRequest, IncomingRequest>(r => r with { Method = "PUT" }), SignatureFailure.BadSignature).SetName("method changed");
        yield return new TestCaseData(new Func<IncomingRequest, IncomingRequest>(r => WithHeader(r, "Date", "Tue, 03 Nov 2026 10:00:01 GMT")), SignatureFailure.BadSignature).SetName("date changed");
        yield return new TestCaseData(new Func<IncomingRequest, IncomingRequest>(r => WithHeader(r, "Date", "yesterday")), SignatureFailure.InvalidDate).SetName("date unreadable");
        yield return new TestCaseData(new Func<IncomingRequest, IncomingRequest>(r => WithHeader(r, "Date", null)), SignatureFailure.MissingDate).SetName("date removed");
        yield return new TestCaseData(new Func<IncomingRequest, IncomingRequest>(r => WithHeader(r, "Signature", null)), SignatureFailure.MissingSignature).SetName("signature removed");
        yield return new TestCaseData(new Func<IncomingRequest, IncomingRequest>(r => WithHeader(r, "Signature", "keyId=\"x\",signature=\"!!!\"")), SignatureFailure.MalformedSignature).SetName("signature not base64");
        yield return new TestCaseData(new Func<IncomingRequest, IncomingRequest>(r => WithHeader(r, "Signature", r.Header("Signature")!.Replace("rsa-sha256", "hmac-sha256", StringComparison.Ordinal))), SignatureFailure.UnsupportedAlgorithm).SetName("hmac algorithm");
        yield return new TestCaseData(new Func<IncomingRequest, IncomingRequest>(r => WithHeader(r, "Signature", r.Header("Signature")!.Replace(" digest\"", "\"", StringComparison.Ordinal))), SignatureFailure.RequiredHeaderNotSigned).SetName("digest not covered on POST");
        yield return new TestCaseData(new Func<IncomingRequest, IncomingRequest>(r => WithHeader(r, "Signature", r.Header("Signature")!.Replace("(request-target) ", "", StringComparison.Ordinal))), SignatureFailure.RequiredHeaderNotSigned).SetName("request-target not covered");
        yield return new TestCaseData(new Func<IncomingRequest, IncomingRequest>(r => WithHeader(r, "Signature", r.Header("Signature")!.Replace(KeyId, "https://lyon.example/accounts/other#main-key", StringComparison.Ordinal))), SignatureFailure.KeyNotFound).SetName("unknown key id");
    }

    [TestCaseSource(nameof(TamperedRequests))]
    public async Task Tampered_request_is_refused_with_a_precise_reason(Func<IncomingRequest, IncomingRequest> tamper, SignatureFailure expected)
    {
        var result = await Verifier().VerifyAsync(tamper(await SignedPostAsync()), CancellationToken.None);
        Assert.That(result.Failure, Is.EqualTo(expected), result.Detail);
    }

    [TestCase(-31 * 60, SignatureFailure.DateTooOld, TestName = "31 min old, PeerTube window")]
    [TestCase(-29 * 60, SignatureFailure.None, TestName = "29 min old, PeerTube window")]
    [TestCase(3, SignatureFailure.DateInFuture, TestName = "3 s ahead, PeerTube window")]
    [TestCase(1, SignatureFailure.None, TestName = "1 s ahead, PeerTube window")]
    public async Task Date_window_follows_PeerTube(int offsetSeconds, SignatureFailure expected)
    {
        var request = await SignedPostAsync(at: Now.AddSeconds(offsetSeconds));
        var result = await Verifier(skew: ClockSkew.PeerTube).VerifyAsync(request, CancellationToken.None);
        Assert.That(result.Failure, Is.EqualTo(expected), result.Detail);
    }

    [TestCase(-2 * 3600, SignatureFailure.DateTooOld)]
    [TestCase(-50 * 60, SignatureFailure.None)]
    [TestCase(4 * 60, SignatureFailure.None)]
    [TestCase(6 * 60, SignatureFailure.DateInFuture)]
    public async Task Date_window_default(int offsetSeconds, SignatureFailure expected)
    {
        var request = await SignedPostAsync(at: Now.AddSeconds(offsetSeconds));
        var result = await Verifier().VerifyAsync(request, CancellationToken.None);
        Assert.That(result.Failure, Is.EqualTo(expected), result.Detail);
    }

    [Test]
    public async Task Wrong_key_fails_then_rotated_key_is_refetched_once()
    {
        var stale = new ActorKey(KeyId, Actor, TestKeys.BPublic);
        var keys = new DictionaryKeyResolver().With(stale, afterRefresh: KeyA);
        var result = await Verifier(keys).VerifyAsync(await SignedPostAsync(), CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(result.IsValid, Is.True, result.Detail);
            Assert.That(keys.Refreshes, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Signature_from_another_key_is_a_bad_signature()
    {
        var keys = new DictionaryKeyResolver().With(KeyA);
        var result = await Verifier(keys).VerifyAsync(await SignedPostAsync(privateKey: TestKeys.BPrivate), CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(result.Failure, Is.EqualTo(SignatureFailure.BadSignature));
            Assert.That(keys.Refreshes, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Key_owned_by_another_host_is_refused()
    {
        var keys = new DictionaryKeyResolver().With(KeyA with { OwnerId = "https://evil.example/accounts/peertube" });
        var result = await Verifier(keys).VerifyAsync(await SignedPostAsync(), CancellationToken.None);
        Assert.That(result.Failure, Is.EqualTo(SignatureFailure.KeyHostMismatch));
    }

    [Test]
    public async Task Hs2019_is_verified_as_rsa_sha256()
    {
        var request = await SignedPostAsync();
        request = WithHeader(request, "Signature", request.Header("Signature")!.Replace("rsa-sha256", "hs2019", StringComparison.Ordinal));
        var result = await Verifier().VerifyAsync(request, CancellationToken.None);
        Assert.That(result.IsValid, Is.True, result.Detail);
    }

    [Test]
    public async Task Query_left_out_by_the_signer_is_tolerated()
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, "https://paris.example/accounts/peertube/outbox");
        await new HttpSignatureSigner(new FixedTimeProvider(Now)).SignAsync(message, new SigningKey(KeyId, TestKeys.APrivate), CancellationToken.None);
        var request = ToIncoming(message, []) with { PathAndQuery = "/accounts/peertube/outbox?page=1" };
        var result = await Verifier().VerifyAsync(request, CancellationToken.None);
        Assert.That(result.IsValid, Is.True, result.Detail);
    }

    [TestCase("keyId=\"k\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date\",signature=\"AAAA\"", "k", "rsa-sha256", 3)]
    [TestCase("  keyId = \"k\" ,  signature=\"AAAA\" , headers=\"Date\"  ", "k", null, 1)]
    [TestCase("Signature keyId=\"k\",signature=\"AAAA\",created=1700000000", "k", null, 1)]
    [TestCase("keyId=\"a\\\"b\",signature=\"AAAA\"", "a\"b", null, 1)]
    public void Signature_header_parses_tolerantly(string value, string keyId, string? algorithm, int headerCount)
    {
        Assert.That(SignatureHeader.TryParse(value, out var header, out var error), Is.True, error);
        Assert.Multiple(() =>
        {
            Assert.That(header!.KeyId, Is.EqualTo(keyId));
            Assert.That(header.Algorithm, Is.EqualTo(algorithm));
            Assert.That(header.Headers, Has.Count.EqualTo(headerCount));
        });
    }

    [TestCase("")]
    [TestCase("signature=\"AAAA\"")]
    [TestCase("keyId=\"k\"")]
    [TestCase("keyId=\"k,signature=\"AAAA\"")]
    [TestCase("keyId=\"k\",keyId=\"j\",signature=\"AAAA\"")]
    [TestCase("keyId")]
    public void Malformed_signature_header_is_rejected(string value) =>
        Assert.That(SignatureHeader.TryParse(value, out _, out _), Is.False);

    [TestCase("SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", "", true)]
    [TestCase("sha-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", "", true)]
    [TestCase("SHA=abc, SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", "", true)]
    [TestCase("SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", "x", false)]
    [TestCase("SHA-256=AAAA", "", false)]
    public void Digest_header_table(string header, string body, bool matches) =>
        Assert.That(Digests.Sha256Matches(header, Encoding.UTF8.GetBytes(body)), Is.EqualTo(matches));

    [Test]
    public void Digest_header_is_exactly_PeerTube_form() =>
        Assert.That(Digests.Sha256Header([]), Is.EqualTo("SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="));

    [TestCase("https://lyon.example/accounts/peertube", "https://lyon.example/activities/1", true)]
    [TestCase("https://lyon.example/accounts/peertube", null, true)]
    [TestCase("https://lyon.example/accounts/root", "https://lyon.example/activities/1", false)]
    [TestCase("https://lyon.example/accounts/peertube", "https://evil.example/activities/1", false)]
    [TestCase(null, "https://lyon.example/activities/1", false)]
    public void Activity_must_come_from_the_signer(string? actor, string? id, bool expected) =>
        Assert.That(HttpSignatureVerifier.IsActivityFromSigner(KeyA, actor, id), Is.EqualTo(expected));

    [Test]
    public void Generated_key_pair_round_trips()
    {
        var pair = RsaKeys.Generate();
        using var rsa = RsaKeys.ImportPem(pair.PublicKeyPem);
        Assert.Multiple(() =>
        {
            Assert.That(pair.PublicKeyPem, Does.StartWith("-----BEGIN PUBLIC KEY-----"));
            Assert.That(pair.PrivateKeyPem, Does.StartWith("-----BEGIN PRIVATE KEY-----"));
            Assert.That(rsa.KeySize, Is.EqualTo(2048));
        });
    }
}
