using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace VideoPlatform.Core.Domain;

/// <summary>
/// Who a video is for beyond PeerTube's privacies: its class audience (directory groups), its passwords (PeerTube's
/// privacy 5) and the domains it may be embedded on. Pure rules, shared by the REST API, the pages and the media routes.
/// </summary>
public static class VideoAudience
{
    /// <summary>The claim carrying one of the signed-in user's directory groups (one claim per group).</summary>
    public const string GroupClaim = "vp:group";

    public const int MaxGroups = 20;
    public const int MaxGroupLength = 100;
    public const int MaxDomains = 20;

    /// <summary>PeerTube's limits on a video password (VIDEO_PASSWORD.LENGTH) and how many a video may have.</summary>
    public const int MinPasswordLength = 2;
    public const int MaxPasswordLength = 100;
    public const int MaxPasswords = 100;

    /// <summary>A JSON array column (groups, domains) as a list; null or blank is the empty list.</summary>
    public static IReadOnlyList<string> List(string? json) =>
        string.IsNullOrWhiteSpace(json) ? [] : JsonSerializer.Deserialize<List<string>>(json) ?? [];

    /// <summary>The column value of a list: null when empty, so that "no restriction" is one value.</summary>
    public static string? Column(IReadOnlyCollection<string> values) => values.Count == 0 ? null : JsonSerializer.Serialize(values);

    public static IReadOnlyList<string> Groups(VideoRow video) => List(video.AudienceGroups);

    /// <summary>Groups as given by a teacher: trimmed, duplicates removed; an error for blank, too long or too many.</summary>
    public static (IReadOnlyList<string> Groups, string? Error) NormalizeGroups(IEnumerable<string?> groups)
    {
        var result = new List<string>();
        foreach (var raw in groups)
        {
            var group = raw?.Trim();
            if (string.IsNullOrEmpty(group) || group.Length > MaxGroupLength || group.Any(char.IsControl))
            {
                return ([], $"audienceGroups: each group must be 1 to {MaxGroupLength} characters long.");
            }
            if (!result.Contains(group, StringComparer.Ordinal))
            {
                result.Add(group);
            }
        }
        return result.Count > MaxGroups ? ([], $"audienceGroups: at most {MaxGroups} groups.") : (result, null);
    }

    /// <summary>
    /// Embed domains as given: a host name (<c>ent.ac-lyon.fr</c>), optionally with a port (<c>127.0.0.1:8080</c>),
    /// lower-cased; no scheme, path or wildcard.
    /// </summary>
    public static (IReadOnlyList<string> Domains, string? Error) NormalizeDomains(IEnumerable<string?> domains)
    {
        var result = new List<string>();
        foreach (var raw in domains)
        {
            var domain = raw?.Trim().ToLowerInvariant();
            if (string.IsNullOrEmpty(domain) || !HostNames.IsHostAndPort(domain))
            {
                return ([], $"embedAllowedDomains: '{raw}' is not a host name (e.g. ent.ac-lyon.fr or moodle.example.org:8443).");
            }
            if (!result.Contains(domain, StringComparer.Ordinal))
            {
                result.Add(domain);
            }
        }
        return result.Count > MaxDomains ? ([], $"embedAllowedDomains: at most {MaxDomains} domains.") : (result, null);
    }

    /// <summary>The domains a video may be embedded on: its own list, else the instance's; empty means anywhere.</summary>
    public static IReadOnlyList<string> EmbedDomains(VideoRow video, IReadOnlyList<string> instanceDomains) =>
        video.EmbedAllowedDomains is null ? instanceDomains : List(video.EmbedAllowedDomains);

    /// <summary>Whether a parent page at <paramref name="origin"/> (scheme://host[:port]) is one of <paramref name="domains"/>.</summary>
    public static bool AllowsEmbedder(IReadOnlyList<string> domains, Uri origin) =>
        domains.Count == 0 || domains.Any(d => string.Equals(d, origin.Host, StringComparison.OrdinalIgnoreCase)
            || string.Equals(d, origin.Authority, StringComparison.OrdinalIgnoreCase));

    /// <summary>The CSP <c>frame-ancestors</c> sources of an embed page: itself and each allowed domain (both schemes).</summary>
    public static string FrameAncestors(IReadOnlyList<string> domains)
    {
        var sources = new StringBuilder("'self'");
        foreach (var domain in domains)
        {
            sources.Append(" http://").Append(domain).Append(" https://").Append(domain);
        }
        return sources.ToString();
    }

    public static IReadOnlyList<string> GroupsOf(ClaimsPrincipal user) => user.FindAll(GroupClaim).Select(c => c.Value).ToList();

    /// <summary>Whether the user belongs to one of the video's groups (always true for a video without a class audience).</summary>
    public static bool IsInAudience(VideoRow video, ClaimsPrincipal user)
    {
        var groups = Groups(video);
        return groups.Count == 0 || user.FindAll(GroupClaim).Any(c => groups.Contains(c.Value, StringComparer.Ordinal));
    }

    /// <summary>PeerTube's rules on <c>videoPasswords</c>: 2 to 100 characters each, no duplicates.</summary>
    public static string? ValidatePasswords(IReadOnlyList<string?> passwords)
    {
        if (passwords.Count > MaxPasswords)
        {
            return $"videoPasswords: at most {MaxPasswords} passwords.";
        }
        if (passwords.Any(p => p is null || p.Length is < MinPasswordLength or > MaxPasswordLength))
        {
            return $"videoPasswords: each password must be {MinPasswordLength} to {MaxPasswordLength} characters long.";
        }
        return passwords.Distinct(StringComparer.Ordinal).Count() != passwords.Count ? "videoPasswords: passwords must be unique." : null;
    }

    /// <summary>
    /// Whether <paramref name="given"/> is one of <paramref name="passwords"/>, in time that depends neither on where
    /// the strings differ nor on which one matches: fixed-size digests compared with a fixed-time comparison, all of them.
    /// </summary>
    public static bool MatchesAny(IEnumerable<string> passwords, string? given)
    {
        if (given is null)
        {
            return false;
        }
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(given));
        var match = false;
        foreach (var password in passwords)
        {
            match |= CryptographicOperations.FixedTimeEquals(digest, SHA256.HashData(Encoding.UTF8.GetBytes(password)));
        }
        return match;
    }
}
