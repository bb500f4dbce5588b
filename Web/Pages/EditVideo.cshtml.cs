using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Videos;

namespace VideoPlatform.Web.Pages;

[Authorize(Policy = WebPolicies.User)]
public sealed class EditVideoModel(VideoRepository videos, VideoCommands changes) : PageModel
{
    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Description { get; set; }

    [BindProperty]
    public VideoPrivacy Privacy { get; set; }

    [BindProperty]
    public string? Tags { get; set; }

    /// <summary>PeerTube's commentsPolicy: 1 enabled, 2 disabled, 3 requires approval.</summary>
    [BindProperty]
    public int CommentsPolicy { get; set; } = CommentsPolicies.Enabled;

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(string uuid, CancellationToken ct)
    {
        if (await FindAsync(uuid, ct) is not { } video)
        {
            return NotFound();
        }
        Name = video.Video.Name;
        Description = video.Video.Description;
        Privacy = video.Video.Privacy;
        Tags = string.Join(", ", video.Video.TagList());
        CommentsPolicy = video.Video.CommentsPolicy;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string uuid, CancellationToken ct)
    {
        if (await FindAsync(uuid, ct) is not { } video)
        {
            return NotFound();
        }
        var tags = (Tags ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
        var name = Name?.Trim() ?? "";
        // The API's rules (VideoCommands), said in French; an empty description clears it.
        var refused = await changes.UpdateAsync(video, new UpdateVideoRequest
        {
            Name = name,
            Description = Description?.Trim() ?? "",
            Privacy = (int)Privacy,
            Tags = tags,
            CommentsPolicy = CommentsPolicy,
        }, ct);
        if (refused is not null)
        {
            Error = refused.Field switch
            {
                VideoField.Name => Text.L("Edit_NameLength"),
                VideoField.Description => Text.L("Edit_DescriptionLength"),
                VideoField.Tags => Text.L("Edit_TagsInvalid"),
                VideoField.Privacy => Text.L("Edit_PrivacyInvalid"),
                _ => refused.Message,
            };
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        TempData["Notice"] = Text.L("Edit_Saved", name);
        return Redirect("/my-library/videos");
    }

    private async Task<VideoWithOwners?> FindAsync(string uuid, CancellationToken ct) =>
        await videos.FindAsync(uuid, ct) is { } video && VideoAccess.CanManage(video, User) && video.Video.IsLocal ? video : null;
}
