using VideoPlatform.Core.Videos;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Web.Pages;

[Authorize(Policy = WebPolicies.User)]
public sealed class MyVideosModel(VideoRepository videos, VideoCommands changes, CommentRepository comments, ActorRepository actors,
    VideoPlatform.Core.Comments.CommentCommands commentCommands) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "page")]
    public int PageNumber { get; set; } = 1;

    [TempData]
    public string? Notice { get; set; }

    public IReadOnlyList<VideoWithOwners> Videos { get; private set; } = [];
    public Pager Pager { get; private set; } = Pager.None;
    public bool HasPending => Videos.Any(v => v.Video.State == VideoState.ToTranscode);

    /// <summary>Comments under this teacher's videos that wait for approval (PeerTube's "requires approval" policy).</summary>
    public IReadOnlyList<CommentRow> HeldComments { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var userId = User.UserId()!.Value;
        var page = Math.Max(1, PageNumber);
        Videos = await videos.ListOfUserAsync(userId, (page - 1) * Pager.PageSize, Pager.PageSize, ct);
        Pager = new Pager(page, await videos.CountOfUserAsync(userId, ct), p => $"/my-library/videos?page={p}");
        if (await actors.FindAccountOfUserAsync(userId, ct) is { } account)
        {
            HeldComments = (await comments.ListOnVideosOfAccountAsync(account.Id, heldOnly: true, 0, 50, ct)).Items;
        }
    }

    public Task<IActionResult> OnPostApproveCommentAsync(long commentId, CancellationToken ct) =>
        ActOnCommentAsync(commentId, async (c, v) =>
        {
            await commentCommands.ApproveAsync(c, v, ct);
            Notice = Text.L("Mine_CommentApproved");
        }, ct);

    public Task<IActionResult> OnPostDeleteCommentAsync(long commentId, CancellationToken ct) =>
        ActOnCommentAsync(commentId, async (c, v) =>
        {
            await commentCommands.DeleteAsync(c, v, ct);
            Notice = Text.L("Mine_CommentDeleted");
        }, ct);

    private async Task<IActionResult> ActOnCommentAsync(long commentId, Func<CommentRow, VideoWithOwners, Task> act, CancellationToken ct)
    {
        var comment = await comments.FindByIdAsync(commentId, ct);
        var video = comment is null ? null : await videos.FindAsync(comment.VideoId.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
        if (comment is null || video is null || comment.IsDeleted || !VideoAccess.CanManage(video, User))
        {
            return Forbid();
        }
        await act(comment, video);
        return RedirectToPage();
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
