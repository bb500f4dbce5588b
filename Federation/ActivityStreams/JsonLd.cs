using System.Text.Json;

namespace VideoPlatform.Federation.ActivityStreams;

/// <summary>
/// Tolerant readers for the shapes JSON-LD allows: a value or an array of values, a link as a bare IRI
/// or as an embedded object with <c>id</c> or <c>href</c>. <c>@context</c> is never interpreted.
/// </summary>
public static class JsonLd
{
    public static JsonElement? Property(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : null;

    public static string? String(this JsonElement element, string name) =>
        element.Property(name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    public static long? Integer(this JsonElement element, string name)
    {
        if (element.Property(name) is not { } value)
        {
            return null;
        }
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number))
        {
            return number;
        }
        // Some servers send numbers as strings ("1080").
        return value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out number)
            ? number
            : null;
    }

    public static bool? Boolean(this JsonElement element, string name) =>
        element.Property(name) is { } value && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;

    public static DateTimeOffset? Date(this JsonElement element, string name) =>
        element.String(name) is { } text
        && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var date)
            ? date
            : null;

    /// <summary>The property as a sequence whether it holds one value or an array.</summary>
    public static IEnumerable<JsonElement> Many(this JsonElement element, string name)
    {
        if (element.Property(name) is not { } value)
        {
            return [];
        }
        return value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Where(e => e.ValueKind != JsonValueKind.Null).ToArray() : [value];
    }

    /// <summary>The IRI a value refers to: a string, or an object's <c>id</c>, or a Link's <c>href</c>.</summary>
    public static string? Iri(this JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Object => value.String("id") ?? value.String("href"),
        _ => null,
    };

    /// <summary>First IRI of a property that may be a string, an object or an array of either.</summary>
    public static string? Id(this JsonElement element, string name) => element.Many(name).Select(Iri).FirstOrDefault(i => i is not null);

    public static IReadOnlyList<string> Ids(this JsonElement element, string name) =>
        element.Many(name).Select(Iri).OfType<string>().ToArray();

    /// <summary>The types of an object (<c>type</c> may be a string or an array).</summary>
    public static IReadOnlyList<string> Types(this JsonElement element) =>
        element.Many("type").Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!).ToArray();

    public static bool IsType(this JsonElement element, string type) => element.Types().Contains(type, StringComparer.Ordinal);

    /// <summary>The public collection may be written as the full IRI, <c>as:Public</c> or <c>Public</c>.</summary>
    public static bool IsPublicAddress(string iri) =>
        iri is ActivityJson.PublicAddress or "as:Public" or "Public";
}
