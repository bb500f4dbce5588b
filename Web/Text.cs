using System.Globalization;
using System.Resources;

namespace VideoPlatform.Web;

/// <summary>UI text from Resources/Strings.resx (French is the neutral culture; other languages are satellite files).</summary>
public static class Text
{
    private static readonly ResourceManager Resources = new("VideoPlatform.Web.Resources.Strings", typeof(Text).Assembly);

    /// <summary>A missing key throws: every page is rendered by the tests, so a typo cannot reach users.</summary>
    public static string L(string key) =>
        Resources.GetString(key, CultureInfo.CurrentUICulture) ?? throw new KeyNotFoundException("Missing UI text: " + key);

    public static string L(string key, params object[] args) => string.Format(CultureInfo.CurrentCulture, L(key), args);

    public static string Category(int? id) => id is { } c ? Resources.GetString($"Category_{c}", CultureInfo.CurrentUICulture) ?? "" : "";

    public static string Privacy(VideoPlatform.Core.Domain.VideoPrivacy p) => L($"Privacy_{(int)p}");

    public static string State(VideoPlatform.Core.Domain.VideoState s) =>
        Resources.GetString($"State_{(int)s}", CultureInfo.CurrentUICulture) ?? s.ToString();

    public static string Language(string? code) =>
        code is null ? "" : Resources.GetString($"Language_{code}", CultureInfo.CurrentUICulture) ?? code;

    /// <summary>Every key starting with the prefix, for the scripts (rendered as data-t* attributes).</summary>
    public static IEnumerable<KeyValuePair<string, string>> WithPrefix(string prefix)
    {
        var set = Resources.GetResourceSet(CultureInfo.InvariantCulture, createIfNotExists: true, tryParents: true);
        if (set is null)
        {
            yield break;
        }
        foreach (System.Collections.DictionaryEntry entry in set)
        {
            var key = (string)entry.Key;
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                yield return new(key[prefix.Length..], L(key));
            }
        }
    }

    public static string Duration(int seconds) =>
        seconds >= 3600
            ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600}:{seconds / 60 % 60:00}:{seconds % 60:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{seconds / 60}:{seconds % 60:00}");

    public static string Bytes(long bytes) => bytes switch
    {
        < 0 => L("Quota_Unlimited"),
        < 1024 * 1024 => string.Create(CultureInfo.CurrentCulture, $"{bytes / 1024.0:0.#} Kio"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.CurrentCulture, $"{bytes / 1024.0 / 1024:0.#} Mio"),
        _ => string.Create(CultureInfo.CurrentCulture, $"{bytes / 1024.0 / 1024 / 1024:0.##} Gio"),
    };

    /// <summary>"29 novembre 2026" from the resource's month names: containers often run without ICU culture data.</summary>
    public static string Date(long unixMs)
    {
        var date = DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime;
        var month = L("Months").Split(',')[date.Month - 1];
        return string.Create(CultureInfo.InvariantCulture, $"{date.Day} {month} {date.Year}");
    }
}
