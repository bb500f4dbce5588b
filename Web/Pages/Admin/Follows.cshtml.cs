using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoPlatform.Core.Domain;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Web.Pages.Admin;

/// <summary>Academies we follow and that follow us (PeerTube's admin "Follows"), with plain forms that work without JavaScript.</summary>
[Authorize(Policy = WebPolicies.Admin)]
public sealed class FollowsModel(IWebFollows follows) : PageModel
{
    private static readonly char[] HostSeparators = [' ', ',', ';', '\n', '\r', '\t'];

    [BindProperty(SupportsGet = true, Name = "page")]
    public int FollowingPage { get; set; } = 1;

    [BindProperty(SupportsGet = true, Name = "followersPage")]
    public int FollowersPage { get; set; } = 1;

    [TempData]
    public string? Notice { get; set; }

    /// <summary>What the administrator typed, shown again with the errors.</summary>
    public string Hosts { get; private set; } = "";
    public IReadOnlyList<string> Errors { get; private set; } = [];

    public long FollowingTotal { get; private set; }
    public IReadOnlyList<WebFollow> Following { get; private set; } = [];
    public Pager FollowingPager { get; private set; } = Pager.None;
    public long FollowersTotal { get; private set; }
    public IReadOnlyList<WebFollow> Followers { get; private set; } = [];
    public Pager FollowersPager { get; private set; } = Pager.None;

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    /// <summary>Every host is checked first: one bad host and nothing is sent, so the administrator fixes the list and sends it again.</summary>
    public async Task<IActionResult> OnPostFollowAsync(string? hosts, CancellationToken ct)
    {
        Hosts = hosts ?? "";
        var requested = Hosts.Split(HostSeparators, StringSplitOptions.RemoveEmptyEntries);
        var errors = new List<string>();
        var valid = new List<string>();
        if (requested.Length == 0)
        {
            errors.Add(Refusal(FollowRefusal.Empty, ""));
        }
        foreach (var input in requested)
        {
            var (host, refusal) = await follows.CheckAsync(input, ct);
            if (refusal is { } r)
            {
                errors.Add(Refusal(r, r == FollowRefusal.Malformed ? input : host));
            }
            else if (!valid.Contains(host, StringComparer.Ordinal))
            {
                valid.Add(host);
            }
        }
        var sent = new List<string>();
        if (errors.Count == 0)
        {
            foreach (var host in valid)
            {
                if (await follows.FollowAsync(host, ct) is { } refusal)
                {
                    errors.Add(Refusal(refusal, host));
                }
                else
                {
                    sent.Add(host);
                }
            }
        }
        if (sent.Count > 0)
        {
            Notice = Text.L("Follows_Sent", string.Join(", ", sent));
        }
        if (errors.Count == 0)
        {
            return RedirectToPage();
        }
        Errors = errors;
        Hosts = string.Join(" ", requested.Where(h => !sent.Contains(h.Trim().ToLowerInvariant(), StringComparer.Ordinal)));
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostUnfollowAsync(string host, CancellationToken ct)
    {
        Notice = await follows.UnfollowAsync(host, ct) ? Text.L("Follows_Unfollowed", host) : Text.L("Follows_NotFollowed", host);
        return RedirectToPage();
    }

    public Task<IActionResult> OnPostAcceptAsync(string handle, CancellationToken ct) => AnswerAsync(handle, accept: true, ct);

    public Task<IActionResult> OnPostRejectAsync(string handle, CancellationToken ct) => AnswerAsync(handle, accept: false, ct);

    private async Task<IActionResult> AnswerAsync(string handle, bool accept, CancellationToken ct)
    {
        Notice = !await follows.AnswerFollowerAsync(handle, accept, ct) ? Text.L("Follows_NotFollower", handle)
            : Text.L(accept ? "Follows_AcceptedNotice" : "Follows_RejectedNotice", handle);
        return RedirectToPage();
    }

    private static string Refusal(FollowRefusal refusal, string host) => Text.L("FollowRefusal_" + refusal, host);

    private async Task LoadAsync(CancellationToken ct)
    {
        FollowingPage = Math.Max(1, FollowingPage);
        FollowersPage = Math.Max(1, FollowersPage);
        (FollowingTotal, Following) = await follows.ListAsync(following: true, (FollowingPage - 1) * Pager.PageSize, Pager.PageSize, ct);
        (FollowersTotal, Followers) = await follows.ListAsync(following: false, (FollowersPage - 1) * Pager.PageSize, Pager.PageSize, ct);
        FollowingPager = new Pager(FollowingPage, FollowingTotal, p => $"/admin/follows?page={p}&followersPage={FollowersPage}#following");
        FollowersPager = new Pager(FollowersPage, FollowersTotal, p => $"/admin/follows?page={FollowingPage}&followersPage={p}#followers");
    }
}
