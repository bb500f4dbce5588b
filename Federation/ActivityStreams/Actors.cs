using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Federation.ActivityStreams;

public sealed record PublicKeyDocument(string Id, string Owner, string PublicKeyPem);

public sealed record ActorEndpoints(string SharedInbox);

public sealed record ImageDocument(string Url, string MediaType, int? Width, int? Height)
{
    public string Type => "Image";
}

/// <summary>An actor as PeerTube emits it (server Application, account Person, channel Group).</summary>
public sealed record ActorDocument
{
    [JsonPropertyName("@context")]
    public JsonNode Context { get; init; } = ActivityJson.ActorContext();

    public required string Type { get; init; }
    public required string Id { get; init; }
    public required string Following { get; init; }
    public required string Followers { get; init; }
    public string? Playlists { get; init; }
    public required string Inbox { get; init; }
    public required string Outbox { get; init; }
    public required string PreferredUsername { get; init; }
    public required string Url { get; init; }
    public required string Name { get; init; }
    public required ActorEndpoints Endpoints { get; init; }
    public required PublicKeyDocument PublicKey { get; init; }
    public DateTimeOffset? Published { get; init; }
    public IReadOnlyList<ImageDocument>? Icon { get; init; }
    public string? Summary { get; init; }
    public string? Support { get; init; }

    /// <summary>For a channel (Group): the owning account(s), <c>[{type: Person, id}]</c>.</summary>
    public IReadOnlyList<ActorReference>? AttributedTo { get; init; }

    /// <summary>
    /// Builds the PeerTube layout for a local actor: <c>{id}/inbox</c>, <c>/outbox</c>, <c>/followers</c>,
    /// <c>/following</c>, <c>/playlists</c>, key <c>{id}#main-key</c>, shared inbox <c>{base}/inbox</c>.
    /// </summary>
    public static ActorDocument Create(string type, Uri publicBaseUrl, string actorPath, string preferredUsername, string name, string publicKeyPem)
    {
        var baseUrl = publicBaseUrl.GetLeftPart(UriPartial.Authority);
        var id = baseUrl + actorPath;
        return new ActorDocument
        {
            Type = type,
            Id = id,
            Following = id + "/following",
            Followers = id + "/followers",
            Playlists = type == ActorTypes.Group ? null : id + "/playlists",
            Inbox = id + "/inbox",
            Outbox = id + "/outbox",
            PreferredUsername = preferredUsername,
            Url = id,
            Name = name,
            Endpoints = new ActorEndpoints(baseUrl + "/inbox"),
            PublicKey = new PublicKeyDocument(id + "#main-key", id, publicKeyPem),
        };
    }
}

/// <summary><c>{type, id}</c> as used in <c>attributedTo</c>.</summary>
public sealed record ActorReference(string Type, string Id);
