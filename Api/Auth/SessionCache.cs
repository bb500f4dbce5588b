using System.Collections.Concurrent;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Api.Auth;

/// <summary>
/// Access token -> (token row, user) kept in memory, so that a signed-in request costs no token or user query. The
/// cache is trusted only while the database's auth generation (moved by triggers on every token deletion, user block,
/// rename, role change or deletion: migration 0017) is the one it was filled at; every request reads that one row
/// first, through <see cref="FreshReads{T}"/>, so a change committed by any process is seen by the very next request in
/// every process, and concurrent requests share one read.
/// </summary>
public sealed class SessionCache
{
    /// <summary>Beyond this many cached tokens the cache starts again empty (a flood of distinct tokens stays bounded).</summary>
    public const int MaxEntries = 50_000;

    /// <summary>
    /// A token, its user, the user's directory groups (which decide class audiences) and, when the user keeps their own
    /// blocklist, their account id (their listings are filtered for them; migration 0030 moves the generation on a change).
    /// </summary>
    public sealed record Entry(OAuthTokenRow Token, UserRow User, IReadOnlyList<string> Groups, long? BlocklistAccount = null);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly FreshReads<long> _generation;
    private readonly Lock _gate = new();
    private long _filledAt = long.MinValue; // only grows

    public SessionCache(OAuthRepository oauth) => _generation = new FreshReads<long>(oauth.AuthGenerationAsync);

    /// <summary>
    /// The token's row and user, from the cache when nothing changed since it was filled, else from <paramref name="load"/>
    /// (null: unknown token or user; not cached).
    /// </summary>
    public async Task<Entry?> GetAsync(string accessToken, Func<string, CancellationToken, Task<Entry?>> load, CancellationToken ct)
    {
        var generation = await _generation.ReadAsync().WaitAsync(ct);
        var key = OAuthRepository.Hash(accessToken);
        bool current;
        lock (_gate)
        {
            if (generation > _filledAt)
            {
                // Something changed (or this is the first read): everything cached before may be stale.
                _entries.Clear();
                _filledAt = generation;
            }
            // A read that finished after a newer one (continuations run in any order) neither uses nor fills the cache.
            current = generation == _filledAt;
        }
        if (current && _entries.TryGetValue(key, out var cached))
        {
            return cached;
        }
        var entry = await load(accessToken, ct);
        if (entry is null)
        {
            return null;
        }
        lock (_gate)
        {
            // Only cache what was loaded under the generation still current: a change that landed meanwhile cleared the cache.
            if (_filledAt == generation)
            {
                if (_entries.Count >= MaxEntries)
                {
                    _entries.Clear();
                }
                _entries[key] = entry;
            }
        }
        return entry;
    }
}
