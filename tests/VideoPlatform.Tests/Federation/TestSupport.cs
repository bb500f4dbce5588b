using System.Runtime.CompilerServices;
using VideoPlatform.Federation.Signatures;

namespace VideoPlatform.Tests.Federation;

internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>An in-memory key store that counts lookups, and can hand out a newer key on refresh.</summary>
internal sealed class DictionaryKeyResolver : IActorKeyResolver
{
    private readonly Dictionary<string, ActorKey> _cached = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ActorKey> _fresh = new(StringComparer.Ordinal);

    public int Lookups { get; private set; }
    public int Refreshes { get; private set; }

    public DictionaryKeyResolver With(ActorKey key, ActorKey? afterRefresh = null)
    {
        _cached[key.KeyId] = key;
        _fresh[key.KeyId] = afterRefresh ?? key;
        return this;
    }

    public Task<ActorKey?> ResolveAsync(string keyId, bool forceRefresh, CancellationToken cancellationToken)
    {
        Lookups++;
        if (forceRefresh)
        {
            Refreshes++;
            return Task.FromResult(_fresh.GetValueOrDefault(keyId));
        }
        return Task.FromResult(_cached.GetValueOrDefault(keyId));
    }
}

internal static class Fixtures
{
    public static string Path(string name, [CallerFilePath] string caller = "") =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(caller)!, "Fixtures", name);

    public static byte[] Bytes(string name, [CallerFilePath] string caller = "") => File.ReadAllBytes(Path(name, caller));
}
