using System.Globalization;
using System.Text;

namespace VideoPlatform.Core.Domain;

/// <summary>
/// Accent- and case-insensitive matching for French: text is folded once when written (stored in
/// <c>videos.search_text</c>) and queries are folded the same way, so both databases search with a plain LIKE.
/// </summary>
public static class SearchText
{
    public static string Fold(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            builder.Append(c switch
            {
                'œ' or 'Œ' => "oe",
                'æ' or 'Æ' => "ae",
                'ß' => "ss",
                _ => char.ToLowerInvariant(c).ToString(),
            });
        }
        return builder.ToString();
    }

    public static string ForVideo(string name, string? description, IEnumerable<string> tags) =>
        Fold(string.Join('\n', [name, description ?? "", .. tags]));

    /// <summary>A LIKE pattern matching the folded query anywhere, with LIKE's wildcards escaped (ESCAPE '\').</summary>
    public static string LikePattern(string query)
    {
        var folded = Fold(query.Trim()).Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
        return "%" + folded + "%";
    }
}
