using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoPlatform.Core.Accounts;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Web.Infrastructure;

/// <summary>One blocked account or server as the pages show it.</summary>
public sealed record BlockedEntry(string Name, string? DisplayName, DateTimeOffset Since);

/// <summary>
/// The pages of a blocklist (PeerTube's mutes): the instance's (« Comptes bloqués », moderators) and a user's own
/// (« Comptes et serveurs masqués »). Plain forms: block an account by <c>nom@hôte</c> or a server by its host, unblock.
/// </summary>
public abstract class BlocklistPageBase(Blocklists blocklists, ActorRepository actors) : PageModel
{
    /// <summary>Entries shown per list (the API pages through more).</summary>
    public const int Shown = 100;

    [TempData]
    public string? Notice { get; set; }

    /// <summary>The refusal of the last form, shown beside it.</summary>
    public string? AccountError { get; private set; }
    public string? ServerError { get; private set; }

    public long AccountsTotal { get; private set; }
    public IReadOnlyList<BlockedEntry> Accounts { get; private set; } = [];
    public long ServersTotal { get; private set; }
    public IReadOnlyList<BlockedEntry> Servers { get; private set; } = [];

    /// <summary>True on the instance's page: blocks apply to everyone and are audit-logged.</summary>
    public abstract bool InstanceWide { get; }

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostBlockAccountAsync(string? account, CancellationToken ct)
    {
        var me = await MeAsync(ct);
        var refusal = await blocklists.BlockAccountAsync(InstanceWide ? null : me.Id, me.Id, account, User.Identity!.Name!, ct);
        return await AnswerAsync(refusal, account, isAccount: true, "Blocklist_AccountBlocked", ct);
    }

    public async Task<IActionResult> OnPostUnblockAccountAsync(string? account, CancellationToken ct)
    {
        var me = await MeAsync(ct);
        var refusal = await blocklists.UnblockAccountAsync(InstanceWide ? null : me.Id, account, User.Identity!.Name!, ct);
        return await AnswerAsync(refusal, account, isAccount: true, "Blocklist_AccountUnblocked", ct);
    }

    public async Task<IActionResult> OnPostBlockServerAsync(string? host, CancellationToken ct)
    {
        var me = await MeAsync(ct);
        var refusal = await blocklists.BlockServerAsync(InstanceWide ? null : me.Id, host, User.Identity!.Name!, ct);
        return await AnswerAsync(refusal, host, isAccount: false, "Blocklist_ServerBlocked", ct);
    }

    public async Task<IActionResult> OnPostUnblockServerAsync(string? host, CancellationToken ct)
    {
        var me = await MeAsync(ct);
        var refusal = await blocklists.UnblockServerAsync(InstanceWide ? null : me.Id, host, User.Identity!.Name!, ct);
        return await AnswerAsync(refusal, host, isAccount: false, "Blocklist_ServerUnblocked", ct);
    }

    /// <summary>Done (or already so): back to the list with a notice. Refused: the page again with the reason in French.</summary>
    private async Task<IActionResult> AnswerAsync(BlockRefusal? refusal, string? input, bool isAccount, string doneKey, CancellationToken ct)
    {
        var name = input?.Trim() ?? "";
        if (refusal is null or BlockRefusal.AlreadyBlocked)
        {
            Notice = Text.L(doneKey, name);
            return RedirectToPage();
        }
        var message = Text.L("Blocklist_Refusal_" + refusal, name);
        if (isAccount)
        {
            AccountError = message;
        }
        else
        {
            ServerError = message;
        }
        Response.StatusCode = StatusCodes.Status400BadRequest;
        await LoadAsync(ct);
        return Page();
    }

    private async Task<ActorRow> MeAsync(CancellationToken ct) =>
        await actors.FindAccountOfUserAsync(User.UserId()!.Value, ct) ?? throw new InvalidOperationException("The signed-in user has no account.");

    private async Task LoadAsync(CancellationToken ct)
    {
        long? by = InstanceWide ? null : (await MeAsync(ct)).Id;
        var (accountsTotal, accounts) = await blocklists.ListAccountsAsync(by, null, newestFirst: true, 0, Shown, ct);
        (AccountsTotal, Accounts) = (accountsTotal, accounts.Select(a =>
            new BlockedEntry(Blocklists.Handle(a.Account), a.Account.DisplayName, DateTimeOffset.FromUnixTimeMilliseconds(a.Block.CreatedAt))).ToList());
        var (serversTotal, servers) = await blocklists.ListServersAsync(by, null, newestFirst: true, 0, Shown, ct);
        (ServersTotal, Servers) = (serversTotal, servers.Select(s => new BlockedEntry(s.Host, null, DateTimeOffset.FromUnixTimeMilliseconds(s.CreatedAt))).ToList());
    }
}
