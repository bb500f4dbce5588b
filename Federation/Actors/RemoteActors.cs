using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using VideoPlatform.Api.Accounts;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Federation.ActivityStreams;
using VideoPlatform.Federation.Safety;
using VideoPlatform.Federation.Signatures;
using CoreActorTypes = VideoPlatform.Core.Domain.ActorTypes;

namespace VideoPlatform.Api.Federation;

/// <summary>The local server actor (Application "peertube"), which signs fetches and instance follows.</summary>
public sealed class ServerActor(ActorRepository actors)
{
    private ActorRow? _cached;

    public async Task<ActorRow> GetAsync(CancellationToken ct)
    {
        _cached ??= await actors.FindLocalAsync(CoreActorTypes.Application, AccountService.ServerActorName, ct)
            ?? throw new InvalidOperationException("The server actor does not exist yet.");
        return _cached;
    }

    public async Task<SigningKey> KeyAsync(CancellationToken ct) => SigningKeyOf(await GetAsync(ct));

    public static SigningKey SigningKeyOf(ActorRow actor) =>
        new(actor.Url + "#main-key", actor.PrivateKeyPem ?? throw new InvalidOperationException($"{actor.Url} has no private key"));
}

/// <summary>Finds remote actors: from the database, or fetched (signed by our server actor) and stored with their server.</summary>
public sealed partial class RemoteActors(
    ActivityPubClient client,
    ServerActor serverActor,
    FederationStore store,
    IOptions<InstanceOptions> instance,
    ILogger<RemoteActors> logger)
{
    /// <summary>The actor at <paramref name="url"/>; fetched when unknown or when <paramref name="refresh"/> is set.</summary>
    public async Task<ActorRow> GetAsync(string url, bool refresh, CancellationToken ct, int depth = 0)
    {
        var existing = await store.FindActorByUrlAsync(url, ct);
        if (existing is not null && (existing.IsLocal || !refresh))
        {
            return existing;
        }
        if (IsLocalUrl(url))
        {
            throw new InvalidActivityException($"{url} is on this instance but names no local actor");
        }
        RemoteActor actor;
        using (var document = await client.GetAsync(new Uri(url), await serverActor.KeyAsync(ct), ct))
        {
            actor = ActorReader.Read(document.Root, out var error) ?? throw new InvalidActivityException($"actor {url}: {error}");
        }
        if (!string.Equals(StripFragment(actor.Id), StripFragment(url), StringComparison.Ordinal))
        {
            throw new InvalidActivityException($"actor fetched at {url} says it is {actor.Id}");
        }
        long? accountId = null;
        if (actor.Type == CoreActorTypes.Group)
        {
            // A channel belongs to an account on its own host (PeerTube's findOwner); listings join through it.
            if (actor.OwnerId is null || depth > 0)
            {
                throw new InvalidActivityException($"channel {url} has no owner Person on its host");
            }
            accountId = (await GetAsync(actor.OwnerId, refresh: false, ct, depth + 1)).Id;
        }
        await store.UpsertRemoteActorAsync(actor, accountId, ct);
        LogActorStored(logger, actor.Id, actor.Type);
        return await store.FindActorByUrlAsync(actor.Id, ct) ?? throw new InvalidOperationException("actor vanished after upsert");
    }

    public bool IsLocalUrl(string url) => HttpSignatureVerifier.SameHost(url, instance.Value.PublicUrl);

    public static string StripFragment(string url)
    {
        var hash = url.IndexOf('#', StringComparison.Ordinal);
        return hash < 0 ? url : url[..hash];
    }

    [LoggerMessage(EventId = 4201, Level = LogLevel.Debug, Message = "Stored remote actor {Url} ({Type})")]
    private static partial void LogActorStored(ILogger logger, string url, string type);
}

/// <summary>
/// The verifier's key port: keys come from memory, then the database, then the actor document (fetched and stored).
/// A forced refresh (key rotation) refetches at most once a minute per key, so forged signatures cannot make us fetch in a loop.
/// </summary>
public sealed partial class ActorKeyResolver(RemoteActors remoteActors, FederationStore store, TimeProvider clock, ILogger<ActorKeyResolver> logger) : IActorKeyResolver
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, ActorKey> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _refreshed = new(StringComparer.Ordinal);

    public async Task<ActorKey?> ResolveAsync(string keyId, bool forceRefresh, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(keyId, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return null;
        }
        if (!forceRefresh && _keys.TryGetValue(keyId, out var cached))
        {
            return cached;
        }
        var actorUrl = RemoteActors.StripFragment(keyId);
        var now = clock.GetUtcNow();
        if (forceRefresh)
        {
            if (_refreshed.TryGetValue(keyId, out var last) && now - last < RefreshInterval)
            {
                return _keys.GetValueOrDefault(keyId);
            }
            _refreshed[keyId] = now;
        }
        try
        {
            var actor = forceRefresh || await store.FindActorByUrlAsync(actorUrl, cancellationToken) is not { PublicKeyPem: not null }
                ? await remoteActors.GetAsync(actorUrl, refresh: true, cancellationToken)
                : (await store.FindActorByUrlAsync(actorUrl, cancellationToken))!;
            if (actor.PublicKeyPem is null)
            {
                return null;
            }
            var key = new ActorKey(keyId, actor.Url, actor.PublicKeyPem);
            _keys[keyId] = key;
            return key;
        }
        catch (Exception e) when (e is ActivityPubFetchException or InvalidActivityException)
        {
            LogKeyFetchFailed(logger, keyId, e.Message);
            return null;
        }
    }

    /// <summary>Forgets a cached key (an actor deleted or blocked).</summary>
    public void Forget(string keyId) => _keys.TryRemove(keyId, out _);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Warning, Message = "Cannot get the key {KeyId}: {Reason}")]
    private static partial void LogKeyFetchFailed(ILogger logger, string keyId, string reason);
}

/// <summary>An activity or object we refuse: the inbox answers 400 and nothing is stored.</summary>
public sealed class InvalidActivityException(string message) : Exception(message);
