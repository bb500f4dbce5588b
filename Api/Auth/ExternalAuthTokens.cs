using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace VideoPlatform.Api.Auth;

/// <summary>
/// PeerTube's external-auth bypass tokens: issued once a directory sign-in succeeded, redeemed once with the username on
/// <c>POST /api/v1/users/token</c> (password grant with <c>externalAuthToken</c>) within <see cref="Lifetime"/>.
/// Kept in memory as PeerTube does: the browser redeems it on the same instance a moment later.
/// </summary>
public sealed class ExternalAuthTokens(TimeProvider clock)
{
    /// <summary>PeerTube's PLUGIN_EXTERNAL_AUTH_TOKEN_LIFETIME.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, (long UserId, string Username, DateTimeOffset Expires)> _tokens = new(StringComparer.Ordinal);

    public string Issue(long userId, string username)
    {
        var now = clock.GetUtcNow();
        foreach (var (key, value) in _tokens)
        {
            if (value.Expires <= now)
            {
                _tokens.TryRemove(key, out _);
            }
        }
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _tokens[token] = (userId, username, now + Lifetime);
        return token;
    }

    /// <summary>The user the token was issued to; the token is gone afterwards whatever the answer (no replay, no guessing the username).</summary>
    public long? Redeem(string token, string username)
    {
        if (!_tokens.TryRemove(token, out var entry) || entry.Expires <= clock.GetUtcNow())
        {
            return null;
        }
        return string.Equals(entry.Username, username, StringComparison.Ordinal) ? entry.UserId : null;
    }
}
