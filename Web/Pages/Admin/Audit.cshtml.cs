using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Web.Pages.Admin;

/// <summary>The audit log: administrators' actions, newest first.</summary>
[Authorize(Policy = WebPolicies.Admin)]
public sealed class AuditModel(AuditRepository audit) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "page")]
    public int PageNumber { get; set; } = 1;

    public long Total { get; private set; }
    public IReadOnlyList<AuditRow> Entries { get; private set; } = [];
    public Pager Pager { get; private set; } = Pager.None;

    public async Task OnGetAsync(CancellationToken ct)
    {
        var page = Math.Max(1, PageNumber);
        Total = await audit.CountAsync(ct);
        Entries = await audit.ListAsync((page - 1) * Pager.PageSize, Pager.PageSize, ct);
        Pager = new Pager(page, Total, p => $"/admin/audit?page={p}");
    }
}
