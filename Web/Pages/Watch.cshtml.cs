using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Comments;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Web.Pages;

[IgnoreAntiforgeryToken] // for the password form of a protected video (the default post handler), which changes nothing
[ValidateAntiforgeryExceptPasswordForm] // every other post (comments, moderation) needs its token
public sealed class WatchModel(VideoRepository videos, CaptionRepository captions, IWebMedia media, IWebLives lives, IOptions<WebOptions> options,
    IOptions<InstanceOptions> instance, VideoPasswordRepository passwords, WatchComments watchComments, CommentRepository commentRows,
    CommentCommands commentCommands, ActorRepository actors, BlocklistRepository blocklists, LiveRepository liveRows)
    : VideoPageBase(videos, captions, media, options, instance, passwords, blocklists, liveRows)
{
    public IReadOnlyList<string> Tags { get; private set; } = [];

    /// <summary>The live's RTMP URL and key, for its owner.</summary>
    public WebLivePublishing? LivePublishing { get; private set; }

    /// <summary>The password form of a protected video posts here: the page is shown again with the password checked.</summary>
    public Task<IActionResult> OnPostAsync(string id, CancellationToken ct) => ShowAsync(id, null, null, ct);

    /// <summary>The comments section (threads, replies, the form).</summary>
    public CommentsView? Comments { get; private set; }

    public Task<IActionResult> OnGetAsync(string id, CancellationToken ct) => ShowAsync(id, null, null, ct);

    /// <summary>A new thread (no <paramref name="inReplyTo"/>) or a reply, through the API's rules; back to the comment on success.</summary>
    public async Task<IActionResult> OnPostCommentAsync(string id, [FromForm] string? text, [FromForm] long? inReplyTo, CancellationToken ct)
    {
        if (User.UserId() is not { } userId)
        {
            return Challenge(WebSessionHandler.SchemeName);
        }
        var result = await LoadAsync(id, ct);
        if (Refusal is not null || await actors.FindAccountOfUserAsync(userId, ct) is not { } author)
        {
            return Refusal is not null ? result : Forbid();
        }
        var (comment, refusal) = await commentCommands.PostAsync(Video, author, User, inReplyTo, text, ct);
        if (refusal is not null)
        {
            Response.StatusCode = refusal.Status;
            var message = refusal.Status switch
            {
                409 when Video.Video.CommentsPolicy == CommentsPolicies.Disabled => Text.L("Comments_Disabled"),
                409 => Text.L("Comments_ParentDeleted"),
                404 => Text.L("Comments_ParentMissing"),
                _ => Text.L("Comments_TextLength", CommentText.MaxLength),
            };
            return await ShowAsync(id, message, text, ct);
        }
        return Redirect(WebUrls.Watch(Video.Video) + "#comment-" + comment!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public Task<IActionResult> OnPostDeleteCommentAsync(string id, [FromForm] long commentId, CancellationToken ct) =>
        ActOnCommentAsync(id, commentId, CommentCommands.CanDelete, (c, v) => commentCommands.DeleteAsync(c, v, ct), ct);

    public Task<IActionResult> OnPostApproveCommentAsync(string id, [FromForm] long commentId, CancellationToken ct) =>
        ActOnCommentAsync(id, commentId, (c, v, u) => c.HeldForReview && VideoAccess.CanManage(v, u), (c, v) => commentCommands.ApproveAsync(c, v, ct), ct);

    private async Task<IActionResult> ActOnCommentAsync(string id, long commentId, Func<CommentRow, VideoWithOwners, System.Security.Claims.ClaimsPrincipal, bool> allowed,
        Func<CommentRow, VideoWithOwners, Task> act, CancellationToken ct)
    {
        if (User.UserId() is null)
        {
            return Challenge(WebSessionHandler.SchemeName);
        }
        var result = await LoadAsync(id, ct);
        if (Refusal is not null)
        {
            return result;
        }
        var comment = await commentRows.FindAsync(Video.Video.Id, commentId, ct);
        if (comment is null || comment.IsDeleted || !allowed(comment, Video, User))
        {
            return Forbid();
        }
        await act(comment, Video);
        return Redirect(WebUrls.Watch(Video.Video) + "#comments");
    }

    private async Task<IActionResult> ShowAsync(string id, string? error, string? draft, CancellationToken ct)
    {
        var result = await LoadAsync(id, ct);
        if (Refusal is null && Video is not null)
        {
            Tags = JsonSerializer.Deserialize<List<string>>(Video.Video.Tags) ?? [];
            LivePublishing = Video.Video.IsLive ? await lives.PublishingAsync(Video, User, ct) : null;
            Comments = await watchComments.LoadAsync(Video, User, error, draft, ct);
        }
        return result;
    }
}
