using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Core.Accounts;

/// <summary>Why a block or unblock was not done (PeerTube's validators' answers).</summary>
public enum BlockRefusal
{
    /// <summary>Not an account handle (<c>name</c> or <c>name@host</c>) or not a host: 400.</summary>
    Malformed,

    /// <summary>No such account known here (PeerTube looks in its database only): 404.</summary>
    UnknownAccount,

    /// <summary>"You cannot block yourself.": 409.</summary>
    Self,

    /// <summary>"You cannot block your own server.": 409.</summary>
    OwnServer,

    /// <summary>Already in the blocklist: the block is answered as done (PeerTube's is idempotent).</summary>
    AlreadyBlocked,

    /// <summary>Unblocking what is not in the blocklist: 404 ("… block entry not found.").</summary>
    NotBlocked,
}

/// <summary>Told when an instance-wide or a user's blocklist changes (the listing cache forgets what it served).</summary>
public interface IBlocklistChangeListener
{
    Task OnBlocklistChangedAsync(CancellationToken ct);
}

/// <summary>Pure rules of the blocklists: handles and hosts as PeerTube writes them.</summary>
public static class BlocklistRules
{
    /// <summary>
    /// An account handle, <c>name</c> (local) or <c>name@host</c> (a leading '@' allowed), split into name and host (null
    /// when local: no host, or this instance's); null when malformed.
    /// </summary>
    public static (string Name, string? Host)? ParseHandle(string? handle, string localHost)
    {
        var value = handle?.Trim().TrimStart('@') ?? "";
        var at = value.IndexOf('@', StringComparison.Ordinal);
        var name = at < 0 ? value : value[..at];
        var host = at < 0 ? null : value[(at + 1)..].ToLowerInvariant();
        if (name.Length is 0 or > 100 || !name.All(IsNameChar) || (host is not null && !HostNames.IsHostAndPort(host)))
        {
            return null;
        }
        return (name, host is null || string.Equals(host, localHost, StringComparison.OrdinalIgnoreCase) ? null : host);
    }

    /// <summary>A host to block: lower-cased, or null when it is not a host name (with an optional port).</summary>
    public static string? NormalizeHost(string? host)
    {
        var value = host?.Trim().ToLowerInvariant() ?? "";
        return value.Length > 0 && HostNames.IsHostAndPort(value) ? value : null;
    }

    /// <summary>PeerTube's actor names: letters, digits, '-', '_', '.', ':'.</summary>
    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':';

    /// <summary>The refusal of blocking <paramref name="targetAccountId"/> by <paramref name="selfAccountId"/> (the requesting user's account), if any.</summary>
    public static BlockRefusal? AccountRefusal(long selfAccountId, long targetAccountId) => selfAccountId == targetAccountId ? BlockRefusal.Self : null;

    /// <summary>The refusal of blocking <paramref name="host"/> from the instance at <paramref name="localHost"/>, if any.</summary>
    public static BlockRefusal? ServerRefusal(string? host, string localHost) =>
        host is null ? BlockRefusal.Malformed : string.Equals(host, localHost, StringComparison.OrdinalIgnoreCase) ? BlockRefusal.OwnServer : null;
}

/// <summary>
/// PeerTube's blocklists as one use case for the REST API and the pages: the instance's (moderators; <c>byAccount</c> null
/// here, each change audit-logged in its transaction) and each user's own (<c>byAccount</c> their account).
/// </summary>
public sealed class Blocklists(BlocklistRepository blocklists, ServerRepository servers, ActorRepository actors, IOptions<InstanceOptions> instance,
    IEnumerable<IBlocklistChangeListener> listeners, TimeProvider clock)
{
    private string LocalHost => instance.Value.Host;

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The account a handle names, among those known here.</summary>
    public async Task<(ActorRow? Account, BlockRefusal? Refusal)> FindAccountAsync(string? handle, CancellationToken ct)
    {
        if (BlocklistRules.ParseHandle(handle, LocalHost) is not { } parsed)
        {
            return (null, BlockRefusal.Malformed);
        }
        var account = await actors.FindByHandleAsync(ActorTypes.Person, parsed.Host is null ? parsed.Name : parsed.Name + "@" + parsed.Host, LocalHost, ct);
        return account is null ? (null, BlockRefusal.UnknownAccount) : (account, null);
    }

    /// <summary>
    /// Blocks the account <paramref name="handle"/> for <paramref name="byAccountId"/> (null: the instance). <paramref name="self"/>
    /// is the requesting user's account (who cannot block themself); <paramref name="auditActor"/> their username.
    /// </summary>
    public async Task<BlockRefusal?> BlockAccountAsync(long? byAccountId, long self, string? handle, string auditActor, CancellationToken ct)
    {
        var (account, refusal) = await FindAccountAsync(handle, ct);
        if (account is null)
        {
            return refusal;
        }
        if (BlocklistRules.AccountRefusal(self, account.Id) is { } selfRefusal)
        {
            return selfRefusal;
        }
        if (!await blocklists.BlockAccountAsync(byAccountId, account.Id, auditActor, Handle(account), Now, ct))
        {
            return BlockRefusal.AlreadyBlocked;
        }
        await ChangedAsync(ct);
        return null;
    }

    public async Task<BlockRefusal?> UnblockAccountAsync(long? byAccountId, string? handle, string auditActor, CancellationToken ct)
    {
        var (account, refusal) = await FindAccountAsync(handle, ct);
        if (account is null)
        {
            return refusal;
        }
        if (!await blocklists.UnblockAccountAsync(byAccountId, account.Id, auditActor, Handle(account), Now, ct))
        {
            return BlockRefusal.NotBlocked;
        }
        await ChangedAsync(ct);
        return null;
    }

    /// <summary>Blocks <paramref name="host"/> for <paramref name="byAccountId"/>, or for the whole instance when null (audit-logged as <paramref name="auditActor"/>).</summary>
    public async Task<BlockRefusal?> BlockServerAsync(long? byAccountId, string? host, string auditActor, CancellationToken ct)
    {
        var normalized = BlocklistRules.NormalizeHost(host);
        if (BlocklistRules.ServerRefusal(normalized, LocalHost) is { } refusal)
        {
            return refusal;
        }
        var done = byAccountId is { } by
            ? await blocklists.BlockServerAsync(by, normalized!, Now, ct)
            : await servers.SetBlockedAsync(normalized!, true, auditActor, ct);
        if (!done)
        {
            return BlockRefusal.AlreadyBlocked;
        }
        await ChangedAsync(ct);
        return null;
    }

    public async Task<BlockRefusal?> UnblockServerAsync(long? byAccountId, string? host, string auditActor, CancellationToken ct)
    {
        if (BlocklistRules.NormalizeHost(host) is not { } normalized)
        {
            return BlockRefusal.Malformed;
        }
        var done = byAccountId is { } by
            ? await blocklists.UnblockServerAsync(by, normalized, ct)
            : await servers.FindAsync(normalized, ct) is { Blocked: true } && await servers.SetBlockedAsync(normalized, false, auditActor, ct);
        if (!done)
        {
            return BlockRefusal.NotBlocked;
        }
        await ChangedAsync(ct);
        return null;
    }

    /// <summary>The blocked accounts of a page with their actors (the rows of accounts since deleted are gone with them).</summary>
    public async Task<(long Total, IReadOnlyList<(AccountBlockRow Block, ActorRow Account)> Items)> ListAccountsAsync(long? byAccountId, string? search,
        bool newestFirst, int start, int count, CancellationToken ct)
    {
        var (total, rows) = await blocklists.ListAccountsAsync(byAccountId, search, newestFirst, start, count, ct);
        var accounts = (await actors.FindByIdsAsync(rows.Select(r => r.TargetAccountId).ToArray(), ct)).ToDictionary(a => a.Id);
        return (total, rows.Where(r => accounts.ContainsKey(r.TargetAccountId)).Select(r => (r, accounts[r.TargetAccountId])).ToList());
    }

    /// <summary>The blocked servers of a page: the instance's (<paramref name="byAccountId"/> null) or a user's own, with when each was blocked.</summary>
    public async Task<(long Total, IReadOnlyList<(string Host, long CreatedAt)> Items)> ListServersAsync(long? byAccountId, string? search, bool newestFirst,
        int start, int count, CancellationToken ct)
    {
        if (byAccountId is { } by)
        {
            var (total, rows) = await blocklists.ListServersAsync(by, search, newestFirst, start, count, ct);
            return (total, rows.Select(r => (r.Host, r.CreatedAt)).ToList());
        }
        var (instanceTotal, blocked) = await servers.ListBlockedAsync(search, newestFirst, start, count, ct);
        return (instanceTotal, blocked.Select(s => (s.Host, s.BlockedAt ?? 0)).ToList());
    }

    /// <summary>PeerTube's handle of an account: <c>name</c> when local, else <c>name@host</c>.</summary>
    public static string Handle(ActorRow account) => account.Host is null ? account.Name : account.Name + "@" + account.Host;

    private async Task ChangedAsync(CancellationToken ct)
    {
        foreach (var listener in listeners)
        {
            await listener.OnBlocklistChangedAsync(ct);
        }
    }
}
