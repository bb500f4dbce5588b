using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Web.Pages.Admin;

[Authorize(Policy = WebPolicies.Admin)]
public sealed class JobsModel(JobQueue queue) : PageModel
{
    public static readonly IReadOnlyList<(string State, string Label)> Filters =
        [("failed", "Jobs_Failed"), ("pending", "Jobs_Pending"), ("running", "Jobs_Running"), ("completed", "Jobs_Completed"), ("all", "Jobs_All")];

    /// <summary>Failures first: that is what an administrator comes here for.</summary>
    [BindProperty(SupportsGet = true)]
    public string State { get; set; } = "failed";

    [BindProperty(SupportsGet = true, Name = "page")]
    public int PageNumber { get; set; } = 1;

    [TempData]
    public string? Notice { get; set; }

    public long Total { get; private set; }
    public IReadOnlyList<JobRow> Jobs { get; private set; } = [];
    public Pager Pager { get; private set; } = Pager.None;

    public async Task OnGetAsync(CancellationToken ct)
    {
        JobState? state = State switch
        {
            "pending" => JobState.Pending,
            "running" => JobState.Running,
            "completed" => JobState.Completed,
            "all" => null,
            _ => JobState.Failed,
        };
        var page = Math.Max(1, PageNumber);
        (Total, Jobs) = await queue.ListAsync(state, (page - 1) * Pager.PageSize, Pager.PageSize, ct);
        Pager = new Pager(page, Total, p => $"/admin/jobs?state={State}&page={p}");
    }

    public async Task<IActionResult> OnPostRetryAsync(long id, CancellationToken ct)
    {
        Notice = await queue.RetryAsync(id, ct) ? Text.L("Jobs_Retried", id) : Text.L("Jobs_NotRetried", id);
        return RedirectToPage(new { state = State });
    }
}
