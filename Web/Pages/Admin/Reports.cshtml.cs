using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Web.Pages.Admin;

/// <summary>Reports (PeerTube's abuses) to handle: pending first, each accepted or rejected with a comment for the record.</summary>
[Authorize(Policy = WebPolicies.Admin)]
public sealed class ReportsModel(AbuseRepository abuses, VideoRepository videos, VideoPlatform.Core.Videos.VideoModeration moderation, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public int State { get; set; } = AbuseStates.Pending;

    [BindProperty(SupportsGet = true, Name = "page")]
    public int PageNumber { get; set; } = 1;

    [TempData]
    public string? Notice { get; set; }

    public long Total { get; private set; }
    public IReadOnlyList<AbuseRow> Reports { get; private set; } = [];
    public Pager Pager { get; private set; } = Pager.None;

    public static readonly IReadOnlyList<(int State, string Label)> Filters =
        [(AbuseStates.Pending, "Reports_Pending"), (AbuseStates.Accepted, "Reports_Accepted"), (AbuseStates.Rejected, "Reports_Rejected")];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var page = Math.Max(1, PageNumber);
        var state = Filters.Any(f => f.State == State) ? State : AbuseStates.Pending;
        (Total, Reports) = await abuses.ListAsync(state, (page - 1) * Pager.PageSize, Pager.PageSize, ct);
        Pager = new Pager(page, Total, p => $"/admin/reports?state={state}&page={p}");
    }

    public async Task<IActionResult> OnPostAsync(long reportId, string decision, string? comment, CancellationToken ct)
    {
        var state = decision is "accept" or "block" ? AbuseStates.Accepted : decision == "reject" ? AbuseStates.Rejected : 0;
        if (state == 0 || (comment?.Length ?? 0) > 3000)
        {
            return BadRequest();
        }
        if (!await abuses.ResolveAsync(reportId, state, string.IsNullOrWhiteSpace(comment) ? null : comment.Trim(), User.Identity!.Name!,
            clock.GetUtcNow().ToUnixTimeMilliseconds(), ct))
        {
            return NotFound();
        }
        if (decision == "block" && (await abuses.FindAsync(reportId, ct))?.VideoId is { } videoId
            && await videos.FindAsync(videoId.ToString(System.Globalization.CultureInfo.InvariantCulture), ct) is { } video)
        {
            // Accepted and the video blocked: hidden here and deleted from the followers that had it.
            await moderation.BlockAsync(video, string.IsNullOrWhiteSpace(comment) ? null : comment.Trim(), User.Identity!.Name!, ct);
            Notice = Text.L("Reports_BlockedNotice", reportId, video.Video.Name);
            return RedirectToPage();
        }
        Notice = Text.L(state == AbuseStates.Accepted ? "Reports_AcceptedNotice" : "Reports_RejectedNotice", reportId);
        return RedirectToPage();
    }
}
