using System.Globalization;
using System.Text.RegularExpressions;

namespace VideoPlatform.Core.Captions;

/// <summary>A chapter as PeerTube names it: start in whole seconds and a title.</summary>
public sealed record Chapter(int Timecode, string Title);

/// <summary>PeerTube's chapter rules: what a list may hold, and chapters read from timestamps in a description.</summary>
public static partial class Chapters
{
    /// <summary>PeerTube's limit on a chapter title.</summary>
    public const int MaxTitleLength = 100;

    public const int MaxCount = 500;

    /// <summary>Null when the list is acceptable (PeerTube's checks: a title of 1–100 characters, a timecode ≥ 0, no timecode twice).</summary>
    public static string? Validate(IReadOnlyList<Chapter> chapters)
    {
        if (chapters.Count > MaxCount)
        {
            return $"A video has at most {MaxCount} chapters.";
        }
        var seen = new HashSet<int>();
        foreach (var chapter in chapters)
        {
            if (chapter.Timecode < 0)
            {
                return "A chapter's timecode is a number of seconds ≥ 0.";
            }
            if (string.IsNullOrWhiteSpace(chapter.Title) || chapter.Title.Length > MaxTitleLength)
            {
                return $"A chapter's title has 1 to {MaxTitleLength} characters.";
            }
            if (!seen.Add(chapter.Timecode))
            {
                return "Two chapters cannot start at the same timecode.";
            }
        }
        return null;
    }

    /// <summary>
    /// Chapters written in a description as PeerTube reads them (<c>core-utils/string/chapters.ts</c>): a line starting with
    /// a timestamp (<c>1:02:03</c>, <c>02:03</c>, <c>1h02m03s</c>) and a space is a chapter, a timestamp not after the
    /// previous one is skipped, titles are cut at 100 characters; as YouTube and our teachers expect, the list counts
    /// only when it has at least two chapters and starts at 0:00. Otherwise none.
    /// </summary>
    public static IReadOnlyList<Chapter> FromDescription(string? description)
    {
        if (string.IsNullOrEmpty(description))
        {
            return [];
        }
        var chapters = new List<Chapter>();
        foreach (var line in description.Split('\n'))
        {
            var match = Timestamp().Match(line.TrimEnd('\r'));
            if (!match.Success || Seconds(match) is not { } timecode)
            {
                continue;
            }
            if (chapters.Count > 0 && timecode <= chapters[^1].Timecode)
            {
                continue;
            }
            var title = match.Groups["title"].Value.Trim();
            if (title.Length == 0)
            {
                continue;
            }
            chapters.Add(new Chapter(timecode, title.Length > MaxTitleLength ? title[..MaxTitleLength] : title));
        }
        return chapters.Count > 1 && chapters[0].Timecode == 0 ? chapters : [];
    }

    private static int? Seconds(Match m)
    {
        static int Part(Group g) => g.Success ? int.Parse(g.Value, CultureInfo.InvariantCulture) : 0;
        if (m.Groups["cs"].Success)
        {
            return m.Groups["cm"].Value.Length > 2 || Part(m.Groups["cm"]) > 59 && m.Groups["ch"].Success || Part(m.Groups["cs"]) > 59
                ? null
                : (Part(m.Groups["ch"]) * 3600) + (Part(m.Groups["cm"]) * 60) + Part(m.Groups["cs"]);
        }
        return Part(m.Groups["s"]) > 59 || Part(m.Groups["m"]) > 59 && m.Groups["h"].Success
            ? null
            : (Part(m.Groups["h"]) * 3600) + (Part(m.Groups["m"]) * 60) + Part(m.Groups["s"]);
    }

    [GeneratedRegex(@"^\s*(?:(?:(?<ch>\d{1,3}):)?(?<cm>\d{1,3}):(?<cs>\d{2})|(?:(?<h>\d{1,3})h)?(?:(?<m>\d{1,3})m)?(?<s>\d{1,2})s)\s+(?<title>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex Timestamp();
}
