using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Web.Pages;

public sealed class SearchModel(VideoRepository videos, CaptionRepository captions, IWebMedia media) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true, Name = "page")]
    public int PageNumber { get; set; } = 1;

    public long Total { get; private set; }
    public IReadOnlyList<VideoCard> Results { get; private set; } = [];
    public Pager Pager { get; private set; } = Pager.None;

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(Q))
        {
            return;
        }
        var page = Math.Max(1, PageNumber);
        var (total, rows) = await videos.ListAsync(VideoAccess.ForViewer(new VideoQuery
        {
            Start = (page - 1) * Pager.PageSize,
            Count = Pager.PageSize,
            Search = Q.Trim(),
        }, User), ct);
        Total = total;
        // A lesson found by what is said in it opens at the moment it is said.
        var moments = await captions.FirstMatchesAsync(rows.Select(v => v.Video.Id).ToList(), Q, ct);
        Results = rows.Select(v => VideoCard.From(v, media) with
        {
            Moment = moments.TryGetValue(v.Video.Id, out var ms) ? (int)(ms / 1000) : null,
        }).ToList();
        Pager = new Pager(page, total, p => $"/search?q={Uri.EscapeDataString(Q)}&page={p}");
    }
}
