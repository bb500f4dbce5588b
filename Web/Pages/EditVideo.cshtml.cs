using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Web.Pages;

[Authorize(Policy = WebPolicies.User)]
public sealed class EditVideoModel(VideoRepository videos, IWebVideoChanges changes) : PageModel
{
    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Description { get; set; }

    [BindProperty]
    public VideoPrivacy Privacy { get; set; }

    [BindProperty]
    public string? Tags { get; set; }

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
        Tags = string.Join(", ", JsonSerializer.Deserialize<List<string>>(video.Video.Tags) ?? []);
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
        // PeerTube's limits, so that an edit here is valid for the API and for other instances.
        if (name.Length is < 3 or > 120)
        {
            Error = Text.L("Edit_NameLength");
        }
        else if (tags.Count > 5 || tags.Any(t => t.Length is < 2 or > 30))
        {
            Error = Text.L("Edit_TagsInvalid");
        }
        else if (!Enum.IsDefined(Privacy) || Privacy == VideoPrivacy.PasswordProtected)
        {
            Error = Text.L("Edit_PrivacyInvalid");
        }
        if (Error is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var v = video.Video;
        var description = string.IsNullOrWhiteSpace(Description) ? null : Description.Trim();
        var updated = v with
        {
            Name = name,
            Description = description,
            Privacy = Privacy,
            Tags = JsonSerializer.Serialize(tags),
            SearchText = SearchText.ForVideo(name, description, tags),
        };
        await videos.UpdateMetadataAsync(updated, ct);
        await changes.UpdatedAsync(updated, v.Privacy, ct);
        TempData["Notice"] = Text.L("Edit_Saved", name);
        return Redirect("/my-library/videos");
    }

    private async Task<VideoWithOwners?> FindAsync(string uuid, CancellationToken ct) =>
        await videos.FindAsync(uuid, ct) is { } video && VideoAccess.CanManage(video, User) && video.Video.IsLocal ? video : null;
}
