using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Federation.Safety;
using VideoPlatform.Federation.Signatures;

namespace VideoPlatform.Federation.Actors;

/// <summary>
/// The verifier's key port: keys come from memory, then the database, then the actor document (fetched and stored).
/// A forced refresh (key rotation) refetches at most once a minute per key, so forged signatures cannot make us fetch in a loop.
/// </summary>
public sealed partial class ActorKeyResolver(RemoteActors remoteActors, ActorRepository actors, TimeProvider clock, ILogger<ActorKeyResolver> logger) : IActorKeyResolver
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
            var actor = forceRefresh || await actors.FindByUrlAsync(actorUrl, cancellationToken) is not { PublicKeyPem: not null }
                ? await remoteActors.GetAsync(actorUrl, refresh: true, cancellationToken)
                : (await actors.FindByUrlAsync(actorUrl, cancellationToken))!;
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
