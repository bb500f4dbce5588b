using System.Security.Cryptography;

namespace VideoPlatform.Federation.Signatures;

public static class Digests
{
    /// <summary>Exactly <c>SHA-256=&lt;base64&gt;</c>: PeerTube compares the whole header string with its own.</summary>
    public static string Sha256Header(ReadOnlySpan<byte> body) => "SHA-256=" + Convert.ToBase64String(SHA256.HashData(body));

    /// <summary>
    /// Tolerant check of an incoming <c>Digest</c> header (several comma-separated algorithms allowed,
    /// names case-insensitive), as Mastodon does. Only SHA-256 counts; it must be present and match.
    /// </summary>
    public static bool Sha256Matches(string digestHeader, ReadOnlySpan<byte> body)
    {
        Span<byte> expected = stackalloc byte[32];
        SHA256.HashData(body, expected);
        foreach (var part in digestHeader.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !part[..eq].Trim().Equals("SHA-256", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            Span<byte> actual = stackalloc byte[33];
            if (!Convert.TryFromBase64String(part[(eq + 1)..].Trim(), actual, out var written) || written != 32)
            {
                return false;
            }
            return CryptographicOperations.FixedTimeEquals(actual[..32], expected);
        }
        return false;
    }
}
