using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace VideoPlatform.Federation.ActivityStreams;

public sealed class ActivityJsonException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Reading and writing ActivityStreams JSON: limits on input, PeerTube-shaped output.</summary>
public static class ActivityJson
{
    public const string ContentType = "application/activity+json";
    public const string PublicAddress = "https://www.w3.org/ns/activitystreams#Public";

    /// <summary>PeerTube's inbox body limit is 500 kB; we allow 1 MB for remote documents (Mastodon's cap).</summary>
    public const int DefaultMaxBytes = 1024 * 1024;

    /// <summary>Real activities nest a few levels (Undo → Follow, Create → Video → url → tag); 32 is generous.</summary>
    public const int DefaultMaxDepth = 32;

    public static JsonSerializerOptions SerializerOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize<T>(T document) => JsonSerializer.Serialize(document, SerializerOptions);

    public static byte[] SerializeToUtf8Bytes<T>(T document) => JsonSerializer.SerializeToUtf8Bytes(document, SerializerOptions);

    /// <summary>Parses untrusted JSON with a size and depth limit; the caller disposes the document.</summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8, int maxBytes = DefaultMaxBytes, int maxDepth = DefaultMaxDepth)
    {
        if (utf8.Length > maxBytes)
        {
            throw new ActivityJsonException($"document of {utf8.Length} bytes exceeds the {maxBytes}-byte limit");
        }
        try
        {
            var document = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = maxDepth, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw new ActivityJsonException("an ActivityStreams document must be a JSON object");
            }
            return document;
        }
        catch (JsonException e)
        {
            throw new ActivityJsonException("invalid JSON: " + e.Message, e);
        }
    }

    /// <summary>The <c>@context</c> PeerTube puts on actors: AS, security v1 (for publicKey), LD signature and PeerTube terms.</summary>
    public static JsonArray ActorContext() =>
    [
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/v1",
        new JsonObject { ["RsaSignature2017"] = "https://w3id.org/security#RsaSignature2017" },
        new JsonObject
        {
            ["pt"] = "https://joinpeertube.org/ns#",
            ["sc"] = "http://schema.org/",
            ["playlists"] = new JsonObject { ["@id"] = "pt:playlists", ["@type"] = "@id" },
            ["support"] = new JsonObject { ["@type"] = "sc:Text", ["@id"] = "pt:support" },
        },
    ];

    /// <summary>The <c>@context</c> PeerTube puts on Video objects and activities carrying them.</summary>
    public static JsonArray VideoContext()
    {
        var terms = new JsonObject
        {
            ["pt"] = "https://joinpeertube.org/ns#",
            ["sc"] = "http://schema.org/",
            ["Hashtag"] = "as:Hashtag",
            ["category"] = "sc:category",
            ["licence"] = "sc:license",
            ["subtitleLanguage"] = "sc:subtitleLanguage",
            ["hasParts"] = "sc:hasParts",
            ["sensitive"] = "as:sensitive",
            ["language"] = "sc:inLanguage",
            ["identifier"] = "sc:identifier",
            ["isLiveBroadcast"] = "sc:isLiveBroadcast",
            ["Infohash"] = "pt:Infohash",
            ["uuid"] = Typed("sc:identifier", "pt:uuid"),
            ["originallyPublishedAt"] = "sc:datePublished",
            ["views"] = Typed("sc:Number", "pt:views"),
            ["state"] = Typed("sc:Number", "pt:state"),
            ["size"] = Typed("sc:Number", "pt:size"),
            ["fps"] = Typed("sc:Number", "pt:fps"),
            ["commentsEnabled"] = Typed("sc:Boolean", "pt:commentsEnabled"),
            ["downloadEnabled"] = Typed("sc:Boolean", "pt:downloadEnabled"),
            ["waitTranscoding"] = Typed("sc:Boolean", "pt:waitTranscoding"),
            ["likes"] = new JsonObject { ["@id"] = "as:likes", ["@type"] = "@id" },
            ["dislikes"] = new JsonObject { ["@id"] = "as:dislikes", ["@type"] = "@id" },
            ["shares"] = new JsonObject { ["@id"] = "as:shares", ["@type"] = "@id" },
            ["comments"] = new JsonObject { ["@id"] = "as:comments", ["@type"] = "@id" },
        };
        return
        [
            "https://www.w3.org/ns/activitystreams",
            "https://w3id.org/security/v1",
            new JsonObject { ["RsaSignature2017"] = "https://w3id.org/security#RsaSignature2017" },
            terms,
        ];

        static JsonObject Typed(string type, string id) => new() { ["@type"] = type, ["@id"] = id };
    }
}
