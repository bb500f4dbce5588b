using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Federation.Signatures;

namespace VideoPlatform.Federation.Actors;

/// <summary>The local server actor (Application "peertube"), which signs fetches and instance follows.</summary>
public sealed class ServerActor(ActorRepository actors)
{
    private ActorRow? _cached;

    public async Task<ActorRow> GetAsync(CancellationToken ct)
    {
        _cached ??= await actors.FindLocalAsync(ActorTypes.Application, LocalUrls.ServerActorName, ct)
            ?? throw new InvalidOperationException("The server actor does not exist yet.");
        return _cached;
    }

    public async Task<SigningKey> KeyAsync(CancellationToken ct) => SigningKeyOf(await GetAsync(ct));

    public static SigningKey SigningKeyOf(ActorRow actor) =>
        new(actor.Url + "#main-key", actor.PrivateKeyPem ?? throw new InvalidOperationException($"{actor.Url} has no private key"));
}
