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

/// <summary>
/// A value read by <c>read</c> in a run that starts after the caller asked: a caller never gets the result of a read
/// already under way when it arrived (it could predate a change the caller already knows of), and every caller that
/// arrives while a read runs shares the next one. Under load this is one read per round trip, whatever the number of requests.
/// </summary>
public sealed class FreshReads<T>(Func<CancellationToken, Task<T>> read)
{
    private readonly Lock _gate = new();
    private TaskCompletionSource<T>? _next;
    private bool _running;

    public Task<T> ReadAsync()
    {
        TaskCompletionSource<T> result;
        lock (_gate)
        {
            if (_next is not null)
            {
                return _next.Task;
            }
            result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_running)
            {
                _next = result;
                return result.Task;
            }
            _running = true;
        }
        _ = RunAsync(result);
        return result.Task;
    }

    private async Task RunAsync(TaskCompletionSource<T> current)
    {
        while (true)
        {
            try
            {
                current.TrySetResult(await read(CancellationToken.None));
            }
#pragma warning disable CA1031 // every failure goes to the callers that share this read
            catch (Exception ex)
#pragma warning restore CA1031
            {
                current.TrySetException(ex);
            }
            lock (_gate)
            {
                if (_next is null)
                {
                    _running = false;
                    return;
                }
                current = _next;
                _next = null;
            }
        }
    }
}
