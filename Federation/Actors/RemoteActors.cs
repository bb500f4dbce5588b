using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Federation.ActivityStreams;
using VideoPlatform.Federation.Safety;
using VideoPlatform.Federation.Signatures;

namespace VideoPlatform.Federation.Actors;

/// <summary>Finds remote actors: from the database, or fetched (signed by our server actor) and stored with their server.</summary>
public sealed partial class RemoteActors(
    ActivityPubClient client,
    ServerActor serverActor,
    ActorRepository actors,
    IOptions<InstanceOptions> instance,
    ILogger<RemoteActors> logger)
{
    /// <summary>The actor at <paramref name="url"/>; fetched when unknown or when <paramref name="refresh"/> is set.</summary>
    public async Task<ActorRow> GetAsync(string url, bool refresh, CancellationToken ct, int depth = 0)
    {
        var existing = await actors.FindByUrlAsync(url, ct);
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
        if (actor.Type == ActorTypes.Group)
        {
            // A channel belongs to an account on its own host (PeerTube's findOwner); listings join through it.
            if (actor.OwnerId is null || depth > 0)
            {
                throw new InvalidActivityException($"channel {url} has no owner Person on its host");
            }
            accountId = (await GetAsync(actor.OwnerId, refresh: false, ct, depth + 1)).Id;
        }
        await actors.UpsertRemoteAsync(new ActorRow
        {
            Type = actor.Type,
            Name = actor.PreferredUsername,
            DisplayName = actor.Name,
            Description = actor.Summary,
            Url = actor.Id,
            InboxUrl = actor.Inbox,
            OutboxUrl = actor.Outbox,
            SharedInboxUrl = actor.SharedInbox,
            FollowersUrl = actor.Followers,
            FollowingUrl = actor.Following,
            PublicKeyPem = actor.PublicKeyPem,
            AccountId = accountId,
            AvatarUrl = actor.IconUrl,
        }, ct);
        LogActorStored(logger, actor.Id, actor.Type);
        return await actors.FindByUrlAsync(actor.Id, ct) ?? throw new InvalidOperationException("actor vanished after upsert");
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
