using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Web.Pages.Admin;

[Authorize(Policy = WebPolicies.Admin)]
public sealed class UsersModel(UserRepository users) : PageModel
{
    private const long GiB = 1024L * 1024 * 1024;

    /// <summary>PeerTube's admin offers a list of sizes, -1 being unlimited.</summary>
    public static readonly IReadOnlyList<long> QuotaChoices = [-1, 0, 100L * 1024 * 1024, 500L * 1024 * 1024, GiB, 5 * GiB, 10 * GiB, 20 * GiB, 50 * GiB, 100 * GiB];

    public sealed record UserLine(UserRow User, long Used);

    [BindProperty(SupportsGet = true, Name = "page")]
    public int PageNumber { get; set; } = 1;

    [TempData]
    public string? Notice { get; set; }

    public long Total { get; private set; }
    public IReadOnlyList<UserLine> Users { get; private set; } = [];
    public Pager Pager { get; private set; } = Pager.None;

    public async Task OnGetAsync(CancellationToken ct)
    {
        var page = Math.Max(1, PageNumber);
        Total = await users.CountAsync(ct);
        var rows = await users.ListAsync((page - 1) * Pager.PageSize, Pager.PageSize, ct);
        var lines = new List<UserLine>(rows.Count);
        foreach (var row in rows)
        {
            lines.Add(new UserLine(row, await users.VideoQuotaUsedAsync(row.Id, 0, ct)));
        }
        Users = lines;
        Pager = new Pager(page, Total, p => $"/admin/users?page={p}");
    }

    public async Task<IActionResult> OnPostAsync(long userId, long quota, long daily, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(userId, ct);
        if (user is null || quota < -1 || daily < -1)
        {
            return BadRequest();
        }
        await users.UpdateQuotaAsync(userId, quota, daily, ct);
        Notice = Text.L("Admin_QuotaSaved", user.Username);
        return RedirectToPage();
    }
}
