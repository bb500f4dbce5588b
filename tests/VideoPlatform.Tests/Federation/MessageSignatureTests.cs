using System.Security.Cryptography;
using System.Text;
using VideoPlatform.Federation.Signatures;

namespace VideoPlatform.Tests.Federation;

/// <summary>RFC 9421 HTTP message signatures on input: vectors built here with our keys, tampering, policy, and the RFC's own rsa-v1_5-sha256 example.</summary>
public class MessageSignatureTests
{
    private const string Actor = "https://lyon.example/accounts/peertube";
    private const string KeyId = Actor + "#main-key";
    private const string Inbox = "https://paris.example/accounts/peertube/inbox";
    private static readonly DateTimeOffset Now = new(2026, 11, 3, 10, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"type":"Follow","actor":"https://lyon.example/accounts/peertube"}""");
    private static readonly ActorKey KeyA = new(KeyId, Actor, TestKeys.APublic);

    private static HttpSignatureVerifier Verifier(DateTimeOffset? now = null) => new(new DictionaryKeyResolver().With(KeyA), new FixedTimeProvider(now ?? Now));

    private static async Task<IncomingRequest> SignedPostAsync(DateTimeOffset? at = null)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, Inbox) { Content = new ByteArrayContent(Body) };
        await new MessageSignatureSigner(new FixedTimeProvider(at ?? Now)).SignAsync(message, new SigningKey(KeyId, TestKeys.APrivate), CancellationToken.None);
        var headers = message.Headers.Concat(message.Content.Headers).SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v)));
        return IncomingRequest.Create("POST", message.RequestUri!.PathAndQuery, headers, Body) with { Scheme = "https" };
    }

    /// <summary>Signs <paramref name="request"/> by hand with any components and parameters, to build the vectors the policy must refuse.</summary>
    private static IncomingRequest SignByHand(IncomingRequest request, string[] components, IReadOnlyList<KeyValuePair<string, object>> parameters,
        string privateKey = TestKeys.APrivate, string label = "sig1")
    {
        var input = new SfInnerList(components.Select(c => new SfItem(c, [])).ToArray(), parameters);
        var signatureBase = MessageSignature.Base(components, input, request, out var missing) ?? throw new InvalidOperationException(missing);
        using var rsa = RsaKeys.ImportPem(privateKey);
        var signature = rsa.SignData(Encoding.UTF8.GetBytes(signatureBase), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return With(request, ("Signature-Input", $"{label}={StructuredFields.Serialize(input)}"), ("Signature", $"{label}=:{Convert.ToBase64String(signature)}:"));
    }

    private static IncomingRequest With(IncomingRequest request, params (string Name, string Value)[] headers)
    {
        var map = new Dictionary<string, string>(request.Headers, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            map[name] = value;
        }
        return request with { Headers = map };
    }

    private static KeyValuePair<string, object>[] Params(long? created = null, string? keyId = KeyId, string? alg = null, long? expires = null) =>
    [
        .. created is null && keyId is null ? [] : new[] { new KeyValuePair<string, object>("created", created ?? Now.ToUnixTimeSeconds()) },
        .. keyId is null ? [] : new[] { new KeyValuePair<string, object>("keyid", keyId) },
        .. alg is null ? [] : new[] { new KeyValuePair<string, object>("alg", alg) },
        .. expires is null ? [] : new[] { new KeyValuePair<string, object>("expires", expires.Value) },
    ];

    private static IncomingRequest Unsigned() =>
        IncomingRequest.Create("POST", "/accounts/peertube/inbox",
            [new("Host", "paris.example"), new("Content-Type", "application/activity+json"), new("Content-Digest", MessageSignature.ContentDigestHeader(Body))], Body);

    [Test]
    public async Task Signer_covers_method_target_and_content_digest_like_Mastodon_and_verifies()
    {
        var request = await SignedPostAsync();
        var result = await Verifier().VerifyAsync(request, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(request.Header("Signature-Input"),
                Is.EqualTo($"sig1=(\"@method\" \"@target-uri\" \"content-digest\");created={Now.ToUnixTimeSeconds()};keyid=\"{KeyId}\";alg=\"rsa-v1_5-sha256\""));
            Assert.That(request.Header("Content-Digest"), Is.EqualTo("sha-256=:" + Convert.ToBase64String(SHA256.HashData(Body)) + ":"));
            Assert.That(request.Header("Signature"), Does.StartWith("sig1=:").And.EndWith(":"));
            Assert.That(result.IsValid, Is.True, result.Detail);
            Assert.That(result.Key, Is.EqualTo(KeyA));
        });
    }

    [Test]
    public async Task Alg_may_be_omitted_and_authority_with_path_may_stand_for_the_target()
    {
        var request = SignByHand(Unsigned(), ["@method", "@authority", "@path", "content-digest"], Params());
        var result = await Verifier().VerifyAsync(request, CancellationToken.None);
        Assert.That(result.IsValid, Is.True, result.Detail);
    }

    private static readonly (string Name, Func<IncomingRequest, IncomingRequest> Tamper, SignatureFailure Expected)[] Tamperings =
    [
        ("method", r => r with { Method = "PUT" }, SignatureFailure.BadSignature),
        ("path", r => r with { PathAndQuery = "/inbox" }, SignatureFailure.BadSignature),
        ("query added", r => r with { PathAndQuery = r.PathAndQuery + "?x=1" }, SignatureFailure.BadSignature),
        ("authority", r => With(r, ("Host", "evil.example")), SignatureFailure.BadSignature),
        ("scheme", r => r with { Scheme = "http" }, SignatureFailure.BadSignature),
        ("body, digest kept", r => r with { Body = Encoding.UTF8.GetBytes("""{"type":"Delete"}""") }, SignatureFailure.DigestMismatch),
        ("body and its digest", r => With(r with { Body = Encoding.UTF8.GetBytes("""{"type":"Delete"}""") },
            ("Content-Digest", MessageSignature.ContentDigestHeader(Encoding.UTF8.GetBytes("""{"type":"Delete"}""")))), SignatureFailure.BadSignature),
        ("digest removed", r => r with { Headers = r.Headers.Where(h => h.Key != "Content-Digest").ToDictionary(StringComparer.OrdinalIgnoreCase) }, SignatureFailure.MissingDigest),
        ("created in the parameters", r => With(r, ("Signature-Input", r.Header("Signature-Input")!.Replace(
            $"created={Now.ToUnixTimeSeconds()}", $"created={Now.ToUnixTimeSeconds() - 1}", StringComparison.Ordinal))), SignatureFailure.BadSignature),
        ("signature bytes", r => With(r, ("Signature", "sig1=:" + Convert.ToBase64String(new byte[256]) + ":")), SignatureFailure.BadSignature),
    ];

    private static IEnumerable<TestCaseData> TamperingCases() => Tamperings.Select(t => new TestCaseData(t.Name).SetName("Tampered " + t.Name + " is refused"));

    [TestCaseSource(nameof(TamperingCases))]
    public async Task Tampering_is_refused(string name)
    {
        var (_, tamper, expected) = Tamperings.Single(t => t.Name == name);
        var result = await Verifier().VerifyAsync(tamper(await SignedPostAsync()), CancellationToken.None);
        Assert.That(result.Failure, Is.EqualTo(expected), result.Detail);
    }

    [TestCase(new[] { "@target-uri", "content-digest" }, SignatureFailure.RequiredHeaderNotSigned, "@method")]
    [TestCase(new[] { "@method", "content-digest" }, SignatureFailure.RequiredHeaderNotSigned, "@target-uri")]
    [TestCase(new[] { "@method", "@path", "content-digest" }, SignatureFailure.RequiredHeaderNotSigned, "@target-uri")]
    [TestCase(new[] { "@method", "@target-uri" }, SignatureFailure.RequiredHeaderNotSigned, "content-digest")]
    [TestCase(new[] { "@method", "@target-uri", "content-digest", "date" }, SignatureFailure.SignedHeaderMissing, "date")]
    public async Task Weak_or_incomplete_coverage_is_refused(string[] components, SignatureFailure expected, string named)
    {
        // "date" is covered but absent: signed by hand with a Date, sent without it.
        var unsigned = components.Contains("date") ? With(Unsigned(), ("Date", "Tue, 03 Nov 2026 10:00:00 GMT")) : Unsigned();
        var request = SignByHand(unsigned, components, Params());
        if (components.Contains("date"))
        {
            request = request with { Headers = request.Headers.Where(h => h.Key != "Date").ToDictionary(StringComparer.OrdinalIgnoreCase) };
        }
        var result = await Verifier().VerifyAsync(request, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(result.Failure, Is.EqualTo(expected));
            Assert.That(result.Detail, Does.Contain(named));
        });
    }

    [Test]
    public async Task Dates_outside_the_window_and_expired_signatures_are_refused()
    {
        string[] components = ["@method", "@target-uri", "content-digest"];
        var old = SignByHand(Unsigned(), components, Params(created: Now.AddHours(-2).ToUnixTimeSeconds()));
        var future = SignByHand(Unsigned(), components, Params(created: Now.AddMinutes(10).ToUnixTimeSeconds()));
        var expired = SignByHand(Unsigned(), components, Params(expires: Now.AddSeconds(-1).ToUnixTimeSeconds()));
        Assert.Multiple(async () =>
        {
            Assert.That((await Verifier().VerifyAsync(old, CancellationToken.None)).Failure, Is.EqualTo(SignatureFailure.DateTooOld));
            Assert.That((await Verifier().VerifyAsync(future, CancellationToken.None)).Failure, Is.EqualTo(SignatureFailure.DateInFuture));
            Assert.That((await Verifier().VerifyAsync(expired, CancellationToken.None)).Failure, Is.EqualTo(SignatureFailure.Expired));
        });
    }

    [Test]
    public async Task Other_algorithms_are_refused()
    {
        var request = SignByHand(Unsigned(), ["@method", "@target-uri", "content-digest"], Params(alg: "rsa-pss-sha512"));
        Assert.That((await Verifier().VerifyAsync(request, CancellationToken.None)).Failure, Is.EqualTo(SignatureFailure.UnsupportedAlgorithm));
    }

    [Test]
    public async Task A_keyid_on_another_host_than_the_key_owner_is_refused()
    {
        var foreign = new ActorKey("https://evil.example/accounts/peertube#main-key", Actor, TestKeys.APublic);
        var request = SignByHand(Unsigned(), ["@method", "@target-uri", "content-digest"], Params(keyId: foreign.KeyId));
        var verifier = new HttpSignatureVerifier(new DictionaryKeyResolver().With(foreign), new FixedTimeProvider(Now));
        Assert.That((await verifier.VerifyAsync(request, CancellationToken.None)).Failure, Is.EqualTo(SignatureFailure.KeyHostMismatch));
    }

    [Test]
    public async Task A_signature_by_another_key_is_refused()
    {
        var request = SignByHand(Unsigned(), ["@method", "@target-uri", "content-digest"], Params(), TestKeys.BPrivate);
        Assert.That((await Verifier().VerifyAsync(request, CancellationToken.None)).Failure, Is.EqualTo(SignatureFailure.BadSignature));
    }

    [TestCase("sig1=(\"@method\" \"@target-uri\");created=1", "sig1=:AAAA:", "keyid")]
    [TestCase("sig1=(\"@method\" \"@target-uri\");keyid=\"k\"", "sig1=:AAAA:", "created")]
    [TestCase("sig1=(\"@method\");created=1;keyid=\"k\", sig2=(\"@method\");created=1;keyid=\"k\"", "sig1=:AAAA:, sig2=:AAAA:", "exactly one")]
    [TestCase("sig1=(\"@method\");created=1;keyid=\"k\"", "sig2=:AAAA:", "labelled 'sig1'")]
    [TestCase("sig1=(\"@method\" \"content-digest\";sf);created=1;keyid=\"k\"", "sig1=:AAAA:", "not supported")]
    [TestCase("sig1=(\"@Method\");created=1;keyid=\"k\"", "sig1=:AAAA:", "lower-case")]
    [TestCase("sig1=(\"@method\";created=1", "sig1=:AAAA:", "Signature-Input")]
    [TestCase("sig1=(\"@method\");created=1;keyid=\"k\"", "sig1=:not base64!:", "base64")]
    public async Task Malformed_headers_are_refused_with_a_reason(string input, string signature, string reason)
    {
        var result = await Verifier().VerifyAsync(With(Unsigned(), ("Signature-Input", input), ("Signature", signature)), CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(result.Failure, Is.EqualTo(SignatureFailure.MalformedSignature));
            Assert.That(result.Detail, Does.Contain(reason));
        });
    }

    [Test]
    public void Structured_fields_parse_and_serialize_back()
    {
        Assert.That(StructuredFields.TryParseDictionary("a=(\"x\\\"y\" \"z\");n=-5;t=tok;b=?0;d=1.5, c=:aGk=:, flag;p", out var members, out var error), Is.True, error);
        var list = (SfInnerList)members[0].Value;
        Assert.Multiple(() =>
        {
            Assert.That(list.Items.Select(i => i.Value), Is.EqualTo(new object[] { "x\"y", "z" }));
            Assert.That(list.Parameter("n"), Is.EqualTo(-5L));
            Assert.That(list.Parameter("t"), Is.EqualTo(new SfToken("tok")));
            Assert.That(list.Parameter("b"), Is.EqualTo(false));
            Assert.That(list.Parameter("d"), Is.EqualTo(1.5m));
            Assert.That(((SfItem)members[1].Value).Value, Is.EqualTo("hi"u8.ToArray()));
            Assert.That(((SfItem)members[2].Value).Value, Is.EqualTo(true));
            Assert.That(StructuredFields.Serialize(list), Is.EqualTo("(\"x\\\"y\" \"z\");n=-5;t=tok;b=?0;d=1.5"));
        });
        Assert.That(StructuredFields.TryParseDictionary("a=1,", out _, out error), Is.False);
        Assert.That(error, Does.Contain("trailing"));
        Assert.That(StructuredFields.TryParseDictionary("a=1, a=2", out _, out error), Is.False);
        Assert.That(error, Does.Contain("duplicate"));
    }

    /// <summary>RFC 9421 Appendix B.1.1: test-key-rsa (public half).</summary>
    private const string RfcTestKeyRsa = """
        -----BEGIN RSA PUBLIC KEY-----
        MIIBCgKCAQEAhAKYdtoeoy8zcAcR874L8cnZxKzAGwd7v36APp7Pv6Q2jdsPBRrw
        WEBnez6d0UDKDwGbc6nxfEXAy5mbhgajzrw3MOEt8uA5txSKobBpKDeBLOsdJKFq
        MGmXCQvEG7YemcxDTRPxAleIAgYYRjTSd/QBwVW9OwNFhekro3RtlinV0a75jfZg
        kne/YiktSvLG34lw2zqXBDTC5NHROUqGTlML4PlNZS5Ri2U4aCNx2rUPRcKIlE0P
        uKxI4T+HIaFpv8+rdV6eUgOrB2xeI1dSFFn/nnv5OoZJEIB+VmuKn3DCUcCZSFlQ
        PSXSfBDiUGhwOw76WuSSsf1D4b/vLoJ10wIDAQAB
        -----END RSA PUBLIC KEY-----
        """;

    /// <summary>
    /// RFC 9421 §4.3, the proxy's signature: the only rsa-v1_5-sha256 value the RFC publishes. Our signature base must be
    /// the RFC's byte for byte, and the RFC's signature must verify over it. (Our inbox policy would still refuse the
    /// request: its Content-Digest is sha-512 only.)
    /// </summary>
    [Test]
    public async Task RFC_9421_rsa_v1_5_sha256_example_verifies()
    {
        const string contentDigest = "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:";
        const string input = "proxy_sig=(\"@method\" \"@authority\" \"@path\" \"content-digest\" \"content-type\" \"content-length\" \"forwarded\");created=1618884480;keyid=\"test-key-rsa\";alg=\"rsa-v1_5-sha256\";expires=1618884540";
        const string signature = "proxy_sig=:S6ZzPXSdAMOPjN/6KXfXWNO/f7V6cHm7BXYUh3YD/fRad4BCaRZxP+JH+8XY1I6+8Cy+CM5g92iHgxtRPz+MjniOaYmdkDcnL9cCpXJleXsOckpURl49GwiyUpZ10KHgOEe11sx3G2gxI8S0jnxQB+Pu68U9vVcasqOWAEObtNKKZd8tSFu7LB5YAv0RAGhB8tmpv7sFnIm9y+7X5kXQfi8NMaZaA8i2ZHwpBdg7a6CMfwnnrtflzvZdXAsD3LH2TwevU+/PBPv0B6NMNk93wUs/vfJvye+YuI87HU38lZHowtznbLVdp770I6VHR6WfgS9ddzirrswsE1w5o0LV/g==:";
        var body = """{"hello": "world"}"""u8.ToArray();
        var request = IncomingRequest.Create("POST", "/foo?param=Value&Pet=dog",
        [
            new("Host", "origin.host.internal.example"), new("Date", "Tue, 20 Apr 2021 02:07:56 GMT"), new("Content-Type", "application/json"),
            new("Content-Length", "18"), new("Forwarded", "for=192.0.2.123;host=example.com;proto=https"), new("Content-Digest", contentDigest),
            new("Signature-Input", input), new("Signature", signature),
        ], body);

        Assert.That(MessageSignature.TryParse(input, signature, out var parsed, out var error), Is.True, error);
        var signatureBase = MessageSignature.Base(parsed!.Components, parsed.Input, request, out _);
        Assert.That(signatureBase, Is.EqualTo(string.Join('\n',
            "\"@method\": POST",
            "\"@authority\": origin.host.internal.example",
            "\"@path\": /foo",
            $"\"content-digest\": {contentDigest}",
            "\"content-type\": application/json",
            "\"content-length\": 18",
            "\"forwarded\": for=192.0.2.123;host=example.com;proto=https",
            "\"@signature-params\": (\"@method\" \"@authority\" \"@path\" \"content-digest\" \"content-type\" \"content-length\" \"forwarded\");created=1618884480;keyid=\"test-key-rsa\";alg=\"rsa-v1_5-sha256\";expires=1618884540")));
        using var rsa = RsaKeys.ImportPem(RfcTestKeyRsa);
        Assert.That(rsa.VerifyData(Encoding.UTF8.GetBytes(signatureBase!), parsed.Signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), Is.True);

        var verifier = new HttpSignatureVerifier(new DictionaryKeyResolver(), new FixedTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1618884480)));
        var result = await verifier.VerifyAsync(request, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(result.Failure, Is.EqualTo(SignatureFailure.DigestMismatch));
            Assert.That(result.Detail, Does.Contain("no sha-256"));
        });
    }
}
