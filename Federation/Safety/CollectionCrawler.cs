using System.Text.Json;
using VideoPlatform.Federation.ActivityStreams;
using VideoPlatform.Federation.Actors;
using VideoPlatform.Federation.Signatures;

namespace VideoPlatform.Federation.Safety;

/// <summary>
/// Reads a remote collection's item IRIs as PeerTube's crawler does: <c>orderedItems</c> only, the root's items (if inlined)
/// then <c>first</c> → <c>next</c>, every page on the collection's host, stopping at <paramref name="maxItems"/> items or
/// <paramref name="maxPages"/> pages. Items are strings or objects with an <c>id</c>; others are skipped.
/// </summary>
public static class CollectionCrawler
{
    public static async Task<IReadOnlyList<string>> ItemIrisAsync(this ActivityPubClient client, string url, SigningKey? key, int maxItems, int maxPages,
        CancellationToken ct)
    {
        var items = new List<string>();
        string? next;
        using (var root = await client.GetAsync(new Uri(url), key, ct))
        {
            if (!HttpSignatureVerifier.SameHost(root.Root.String("id") ?? url, url))
            {
                throw new InvalidActivityException($"collection fetched at {url} has the id of another host");
            }
            var first = root.Root.Property("first");
            Take(root.Root, items, maxItems);
            if (first is { ValueKind: JsonValueKind.Object } embedded)
            {
                Take(embedded, items, maxItems);
                next = embedded.Id("next");
            }
            else
            {
                next = first?.Iri();
            }
        }
        var seen = new HashSet<string>(StringComparer.Ordinal) { url };
        for (var pages = 0; next is not null && items.Count < maxItems && pages < maxPages && seen.Add(next); pages++)
        {
            if (!HttpSignatureVerifier.SameHost(next, url))
            {
                break;
            }
            using var page = await client.GetAsync(new Uri(next), key, ct);
            Take(page.Root, items, maxItems);
            next = page.Root.Id("next");
        }
        return items;
    }

    private static void Take(JsonElement page, List<string> items, int maxItems)
    {
        if (page.Property("orderedItems") is not { ValueKind: JsonValueKind.Array } ordered)
        {
            return;
        }
        foreach (var item in ordered.EnumerateArray())
        {
            if (items.Count >= maxItems)
            {
                return;
            }
            if (item.Iri() is { } iri && Uri.TryCreate(iri, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http")
            {
                items.Add(iri);
            }
        }
    }
}
