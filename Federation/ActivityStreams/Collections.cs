using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace VideoPlatform.Federation.ActivityStreams;

/// <summary>
/// The collection root: PeerTube reads <c>totalItems</c> and follows <c>first</c> → <c>next</c>;
/// it never reads <c>items</c>, only <c>orderedItems</c>.
/// </summary>
public sealed record OrderedCollection
{
    [JsonPropertyName("@context")]
    public JsonNode? Context { get; init; } = new JsonArray("https://www.w3.org/ns/activitystreams");

    public string Type => "OrderedCollection";
    public required string Id { get; init; }
    public required long TotalItems { get; init; }
    public string? First { get; init; }

    /// <summary>A small collection (likes, dislikes) may inline its items instead of paging.</summary>
    public IReadOnlyList<object>? OrderedItems { get; init; }

    /// <summary>Root document for a collection paged as <c>{id}?page=N</c> (1-based), as PeerTube lays it out.</summary>
    public static OrderedCollection Paged(string id, long totalItems) =>
        new() { Id = id, TotalItems = totalItems, First = PageUrl(id, 1) };

    public static string PageUrl(string collectionId, int page) =>
        collectionId + (collectionId.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "page=" + page.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public sealed record OrderedCollectionPage
{
    [JsonPropertyName("@context")]
    public JsonNode? Context { get; init; } = new JsonArray("https://www.w3.org/ns/activitystreams");

    public string Type => "OrderedCollectionPage";
    public required string Id { get; init; }
    public required string PartOf { get; init; }
    public required long TotalItems { get; init; }
    public string? Prev { get; init; }
    public string? Next { get; init; }
    public required IReadOnlyList<object> OrderedItems { get; init; }

    /// <summary>Page <paramref name="page"/> (1-based) of <paramref name="pageSize"/> items; <c>next</c> only when more remain.</summary>
    public static OrderedCollectionPage Create(string collectionId, int page, int pageSize, long totalItems, IReadOnlyList<object> items)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        return new OrderedCollectionPage
        {
            Id = OrderedCollection.PageUrl(collectionId, page),
            PartOf = collectionId,
            TotalItems = totalItems,
            Prev = page > 1 ? OrderedCollection.PageUrl(collectionId, page - 1) : null,
            Next = (long)page * pageSize < totalItems ? OrderedCollection.PageUrl(collectionId, page + 1) : null,
            OrderedItems = items,
        };
    }
}
