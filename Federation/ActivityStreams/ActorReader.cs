using System.Text.Json;

namespace VideoPlatform.Federation.ActivityStreams;

/// <summary>A remote actor flattened to what we store and need to deliver to it.</summary>
public sealed record RemoteActor
{
    public required string Id { get; init; }
    public required string Type { get; init; }
    public required string PreferredUsername { get; init; }
    public required string Name { get; init; }
    public string? Summary { get; init; }
    public required string Inbox { get; init; }
    public string? SharedInbox { get; init; }
    public string? Outbox { get; init; }
    public string? Followers { get; init; }
    public string? Following { get; init; }
    public required string KeyId { get; init; }
    public required string PublicKeyPem { get; init; }

    /// <summary>For a Group (channel): the owning Person, which PeerTube requires on the same host.</summary>
    public string? OwnerId { get; init; }
    public string? IconUrl { get; init; }
}

/// <summary>Reads actor documents (PeerTube, Mastodon, ours) with the checks PeerTube's actor validator makes.</summary>
public static class ActorReader
{
    private static readonly HashSet<string> ActorTypeNames = new(StringComparer.Ordinal) { "Person", "Application", "Group", "Service", "Organization" };

    public static RemoteActor? Read(JsonElement actor, out string? error)
    {
        error = null;
        var type = actor.Types().FirstOrDefault(ActorTypeNames.Contains);
        var id = actor.String("id");
        var inbox = actor.Id("inbox");
        var username = actor.String("preferredUsername");
        var key = actor.Many("publicKey").FirstOrDefault(k => k.ValueKind == JsonValueKind.Object);
        var keyId = key.ValueKind == JsonValueKind.Object ? key.String("id") : null;
        var owner = key.ValueKind == JsonValueKind.Object ? key.String("owner") : null;
        var pem = key.ValueKind == JsonValueKind.Object ? key.String("publicKeyPem") : null;
        if (type is null)
        {
            error = "type must be Person, Application, Group, Service or Organization";
            return null;
        }
        if (!IsHttpUrl(id) || !IsHttpUrl(inbox))
        {
            error = "id and inbox must be http(s) URLs";
            return null;
        }
        if (username is null || !WebFinger.WebFingerResource.IsName(username))
        {
            error = "preferredUsername must match [A-Za-z0-9-_.:]+";
            return null;
        }
        if (keyId is null || pem is null || !string.Equals(owner, id, StringComparison.Ordinal) || !Signatures.HttpSignatureVerifier.SameHost(keyId, id!))
        {
            error = "publicKey needs an id on the actor's host, owner = actor id, and publicKeyPem";
            return null;
        }
        var sharedInbox = actor.Property("endpoints") is { } endpoints ? endpoints.Id("sharedInbox") : null;
        return new RemoteActor
        {
            Id = id!,
            Type = type,
            PreferredUsername = username,
            Name = actor.String("name") is { Length: > 0 } name ? name : username,
            Summary = actor.String("summary"),
            Inbox = inbox!,
            SharedInbox = IsHttpUrl(sharedInbox) ? sharedInbox : null,
            Outbox = OptionalUrl(actor.Id("outbox")),
            Followers = OptionalUrl(actor.Id("followers")),
            Following = OptionalUrl(actor.Id("following")),
            KeyId = keyId,
            PublicKeyPem = pem,
            OwnerId = type == "Group"
                ? actor.Many("attributedTo").Where(a => a.ValueKind == JsonValueKind.String || a.String("type") == "Person").Select(JsonLd.Iri)
                    .FirstOrDefault(o => o is not null && Signatures.HttpSignatureVerifier.SameHost(o, id!))
                : null,
            IconUrl = actor.Many("icon").Select(i => i.ValueKind == JsonValueKind.Object ? i.Id("url") : i.Iri()).FirstOrDefault(IsHttpUrl),
        };
    }

    private static string? OptionalUrl(string? url) => IsHttpUrl(url) ? url : null;

    private static bool IsHttpUrl(string? value) =>
        value is { Length: <= 2000 } && Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}
