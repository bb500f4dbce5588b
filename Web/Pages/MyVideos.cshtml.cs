using VideoPlatform.Core.Videos;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Web.Pages;

[Authorize(Policy = WebPolicies.User)]
public sealed class MyVideosModel(VideoRepository videos, VideoCommands changes) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "page")]
    public int PageNumber { get; set; } = 1;

    [TempData]
    public string? Notice { get; set; }

    public IReadOnlyList<VideoWithOwners> Videos { get; private set; } = [];
    public Pager Pager { get; private set; } = Pager.None;
    public bool HasPending => Videos.Any(v => v.Video.State == VideoState.ToTranscode);

    public async Task OnGetAsync(CancellationToken ct)
    {
        var userId = User.UserId()!.Value;
        var page = Math.Max(1, PageNumber);
        Videos = await videos.ListOfUserAsync(userId, (page - 1) * Pager.PageSize, Pager.PageSize, ct);
        Pager = new Pager(page, await videos.CountOfUserAsync(userId, ct), p => $"/my-library/videos?page={p}");
    }

    public async Task<IActionResult> OnPostDeleteAsync(string uuid, CancellationToken ct)
    {
        var video = await videos.FindAsync(uuid, ct);
        if (video is null || !VideoAccess.CanManage(video, User))
        {
            return Forbid();
        }
        await changes.DeleteAsync(video, ct);
        Notice = Text.L("Mine_Deleted", video.Video.Name);
        return RedirectToPage();
    }
}
