using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using VideoPlatform.Federation.ActivityStreams;
using VideoPlatform.Federation.Signatures;

namespace VideoPlatform.Federation.Safety;

public sealed class ActivityPubClientOptions
{
    /// <summary>Test and local-academy switch (<c>Federation:AllowPrivateNetworks</c>).</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Mastodon caps bodies at 1 MB, PeerTube at 3 000 kB.</summary>
    public int MaxResponseBytes { get; set; } = ActivityJson.DefaultMaxBytes;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public int MaxRedirects { get; set; } = 3;
}

public enum FetchFailure
{
    InvalidUrl,
    Blocked,
    Timeout,
    TooManyRedirects,
    HttpError,
    TooLarge,
    NotActivityJson,
    InvalidJson,
    IdHostMismatch,
    Network,
    UnexpectedMediaType,
}

public sealed class ActivityPubFetchException(FetchFailure failure, Uri url, string message, Exception? inner = null, HttpStatusCode? status = null)
    : Exception($"{failure} fetching {url}: {message}", inner)
{
    public FetchFailure Failure { get; } = failure;
    public Uri Url { get; } = url;
    public HttpStatusCode? Status { get; } = status;

    /// <summary>Worth retrying: the network, a timeout, a 5xx, 408 or 429; a 4xx or a bad document will not fix itself.</summary>
    public bool IsRetryable =>
        Failure is FetchFailure.Network or FetchFailure.Timeout
        || Failure == FetchFailure.HttpError && (Status is null || (int)Status >= 500 || Status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout);
}

/// <summary>A fetched media file: the URL after redirects, its lower-case media type and its bytes.</summary>
public sealed record FetchedMedia(Uri FinalUrl, string MediaType, byte[] Bytes);

/// <summary>A fetched document; <see cref="FinalUrl"/> is the URL after redirects. Dispose to release the JSON.</summary>
public sealed class ActivityPubDocument(Uri finalUrl, JsonDocument document) : IDisposable
{
    public Uri FinalUrl { get; } = finalUrl;
    public JsonDocument Document { get; } = document;
    public JsonElement Root => Document.RootElement;

    public void Dispose() => Document.Dispose();
}

/// <summary>
/// Signed ActivityPub GETs for outgoing fetches (actors, keys, objects, collection pages). The injected
/// <see cref="HttpClient"/> must come from <see cref="ActivityPubClientRegistration.AddActivityPubClient"/> so that its
/// handler carries the <see cref="SsrfGuard"/> and does not follow redirects on its own.
/// </summary>
public sealed partial class ActivityPubClient(HttpClient http, HttpSignatureSigner signer, ActivityPubClientOptions options, ILogger<ActivityPubClient> logger)
{
    public const string AcceptHeader = "application/activity+json, application/ld+json";

    /// <summary>GETs <paramref name="url"/>, signed with <paramref name="key"/> (the server actor's) when given.</summary>
    public async Task<ActivityPubDocument> GetAsync(Uri url, SigningKey? key, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        var (current, response) = await SendAsync(url, AcceptHeader, key, timeout.Token, cancellationToken);
        using (response)
        {
            if (!IsActivityJson(response.Content.Headers.ContentType))
            {
                throw new ActivityPubFetchException(FetchFailure.NotActivityJson, current, $"Content-Type '{response.Content.Headers.ContentType}' is not ActivityStreams JSON");
            }
            var body = await ReadLimitedAsync(response.Content, current, options.MaxResponseBytes, timeout.Token, cancellationToken);
            JsonDocument document;
            try
            {
                document = ActivityJson.Parse(body, options.MaxResponseBytes);
            }
            catch (ActivityJsonException e)
            {
                throw new ActivityPubFetchException(FetchFailure.InvalidJson, current, e.Message, e);
            }
            // A document may only speak for its own host (Mastodon's and PeerTube's origin check).
            var id = document.RootElement.String("id");
            if (id is not null && !HttpSignatureVerifier.SameHost(id, current.AbsoluteUri))
            {
                document.Dispose();
                throw new ActivityPubFetchException(FetchFailure.IdHostMismatch, current, $"document id {id} is not on {current.Authority}");
            }
            return new ActivityPubDocument(current, document);
        }
    }

    /// <summary>
    /// GETs a media file of a remote object (a thumbnail): unsigned, through the same SSRF guard, redirect cap and
    /// timeout as documents, at most <paramref name="maxBytes"/>, and only with one of <paramref name="mediaTypes"/>.
    /// </summary>
    public async Task<FetchedMedia> GetMediaAsync(Uri url, int maxBytes, IReadOnlyCollection<string> mediaTypes, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        var (current, response) = await SendAsync(url, string.Join(", ", mediaTypes), key: null, timeout.Token, cancellationToken);
        using (response)
        {
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (mediaType is null || !mediaTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase))
            {
                throw new ActivityPubFetchException(FetchFailure.UnexpectedMediaType, current,
                    $"Content-Type '{response.Content.Headers.ContentType}' is not one of {string.Join(", ", mediaTypes)}");
            }
            var body = await ReadLimitedAsync(response.Content, current, maxBytes, timeout.Token, cancellationToken);
            return new FetchedMedia(current, mediaType.ToLowerInvariant(), body);
        }
    }

    /// <summary>Sends the GET and follows redirects by hand (each hop goes through the SSRF guard again); returns a 2xx response.</summary>
    private async Task<(Uri Url, HttpResponseMessage Response)> SendAsync(Uri url, string accept, SigningKey? key, CancellationToken token, CancellationToken callerToken)
    {
        var current = url;
        for (var hop = 0; ; hop++)
        {
            if (!current.IsAbsoluteUri || current.Scheme is not ("http" or "https"))
            {
                throw new ActivityPubFetchException(FetchFailure.InvalidUrl, current, "only absolute http(s) URLs are fetched");
            }
            using var request = new HttpRequestMessage(HttpMethod.Get, current);
            request.Headers.TryAddWithoutValidation("Accept", accept);
            if (key is not null)
            {
                await signer.SignAsync(request, key, token);
            }
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
            }
            catch (HttpRequestException e) when (e.InnerException is SsrfBlockedException blocked)
            {
                LogBlocked(logger, current, blocked.Address, blocked.Kind);
                throw new ActivityPubFetchException(FetchFailure.Blocked, current, blocked.Message, blocked);
            }
            catch (HttpRequestException e)
            {
                throw new ActivityPubFetchException(FetchFailure.Network, current, e.Message, e);
            }
            catch (OperationCanceledException e) when (!callerToken.IsCancellationRequested)
            {
                throw new ActivityPubFetchException(FetchFailure.Timeout, current, $"no answer within {options.Timeout}", e);
            }

            if (IsRedirect(response.StatusCode))
            {
                using (response)
                {
                    if (hop >= options.MaxRedirects || response.Headers.Location is null)
                    {
                        throw new ActivityPubFetchException(FetchFailure.TooManyRedirects, url, $"more than {options.MaxRedirects} redirects or no Location");
                    }
                    var next = response.Headers.Location.IsAbsoluteUri ? response.Headers.Location : new Uri(current, response.Headers.Location);
                    LogRedirect(logger, current, next);
                    current = next;
                    continue;
                }
            }
            if (!response.IsSuccessStatusCode)
            {
                response.Dispose();
                throw new ActivityPubFetchException(FetchFailure.HttpError, current, $"HTTP {(int)response.StatusCode}", status: response.StatusCode);
            }
            return (current, response);
        }
    }

    private async Task<byte[]> ReadLimitedAsync(HttpContent content, Uri url, int max, CancellationToken token, CancellationToken callerToken)
    {
        if (content.Headers.ContentLength is { } length && length > max)
        {
            throw new ActivityPubFetchException(FetchFailure.TooLarge, url, $"Content-Length {length} exceeds {max} bytes");
        }
        try
        {
            await using var stream = await content.ReadAsStreamAsync(token);
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, token)) > 0)
            {
                if (buffer.Length + read > max)
                {
                    throw new ActivityPubFetchException(FetchFailure.TooLarge, url, $"body exceeds {max} bytes");
                }
                buffer.Write(chunk, 0, read);
            }
            return buffer.ToArray();
        }
        catch (OperationCanceledException e) when (!callerToken.IsCancellationRequested)
        {
            throw new ActivityPubFetchException(FetchFailure.Timeout, url, $"body not received within {options.Timeout}", e);
        }
    }

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    /// <summary><c>application/activity+json</c>, or <c>application/ld+json</c> (Mastodon also wants the AS profile; PeerTube sends it).</summary>
    internal static bool IsActivityJson(MediaTypeHeaderValue? contentType) =>
        contentType?.MediaType is { } media
        && (media.Equals("application/activity+json", StringComparison.OrdinalIgnoreCase)
            || media.Equals("application/ld+json", StringComparison.OrdinalIgnoreCase));

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Refused federation fetch of {Url}: {Address} is {Kind}")]
    private static partial void LogBlocked(ILogger logger, Uri url, IPAddress address, AddressKind kind);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Debug, Message = "Federation fetch of {From} redirected to {To}")]
    private static partial void LogRedirect(ILogger logger, Uri from, Uri to);
}

public static class ActivityPubClientRegistration
{
    /// <summary>Registers <see cref="ActivityPubClient"/> as a typed client whose primary handler is SSRF-guarded.</summary>
    public static IServiceCollection AddActivityPubClient(this IServiceCollection services, Action<ActivityPubClientOptions>? configure = null)
    {
        var options = new ActivityPubClientOptions();
        configure?.Invoke(options);
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<HttpSignatureSigner>();
        services.AddHttpClient<ActivityPubClient>(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SsrfGuard(options.AllowPrivateNetworks).CreateHandler());
        return services;
    }
}
