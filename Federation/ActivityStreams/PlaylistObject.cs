using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace VideoPlatform.Federation.ActivityStreams;

/// <summary>
/// PeerTube's Playlist object: an ordered collection of <see cref="PlaylistElementObject"/> URLs, paged like its other
/// collections (the root has <c>first</c>; a page has <c>orderedItems</c>, <c>partOf</c> and <c>next</c>), attributed to
/// its channel and addressed to Public when public.
/// </summary>
public sealed record PlaylistObject
{
    [JsonPropertyName("@context")]
    public JsonNode? Context { get; init; }

    public string Type => "Playlist";
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? Content { get; init; }
    public string MediaType => "text/markdown";
    public required string Uuid { get; init; }
    public required long TotalItems { get; init; }
    public required IReadOnlyList<string> AttributedTo { get; init; }
    public ImageDocument? Icon { get; init; }
    public required DateTimeOffset Published { get; init; }
    public required DateTimeOffset Updated { get; init; }
    public IReadOnlyList<string> To { get; init; } = [];

    /// <summary>On the collection's root: its first page.</summary>
    public string? First { get; init; }

    /// <summary>On a page: the collection it is part of, the next page, and the element URLs.</summary>
    public string? PartOf { get; init; }
    public string? Next { get; init; }
    public IReadOnlyList<string>? OrderedItems { get; init; }

    /// <summary>The terms PeerTube puts on playlists and their elements.</summary>
    public static JsonArray PlaylistContext() =>
    [
        "https://www.w3.org/ns/activitystreams",
        new JsonObject
        {
            ["pt"] = "https://joinpeertube.org/ns#",
            ["sc"] = "http://schema.org/",
            ["Playlist"] = "pt:Playlist",
            ["PlaylistElement"] = "pt:PlaylistElement",
            ["uuid"] = "sc:identifier",
            ["position"] = new JsonObject { ["@type"] = "sc:Number", ["@id"] = "pt:position" },
            ["startTimestamp"] = new JsonObject { ["@type"] = "sc:Number", ["@id"] = "pt:startTimestamp" },
            ["stopTimestamp"] = new JsonObject { ["@type"] = "sc:Number", ["@id"] = "pt:stopTimestamp" },
        },
    ];
}

/// <summary>PeerTube's PlaylistElement: the video's URL at a position, with optional start and stop times (seconds).</summary>
public sealed record PlaylistElementObject
{
    [JsonPropertyName("@context")]
    public JsonNode? Context { get; init; }

    public string Type => "PlaylistElement";
    public required string Id { get; init; }
    public required string? Url { get; init; }
    public required int Position { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? StartTimestamp { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? StopTimestamp { get; init; }
}
