using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Videos;

namespace VideoPlatform.Web.Pages;

[Authorize(Policy = WebPolicies.User)]
public sealed class EditVideoModel(VideoRepository videos, VideoCommands changes, VideoPasswordRepository passwords, UserRepository users) : PageModel
{
    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Description { get; set; }

    [BindProperty]
    public VideoPrivacy Privacy { get; set; }

    [BindProperty]
    public string? Tags { get; set; }

    /// <summary>Passwords of a protected video (privacy 5), one per line.</summary>
    [BindProperty]
    public string? Passwords { get; set; }

    /// <summary>The class audience: directory groups, separated by commas.</summary>
    [BindProperty]
    public string? AudienceGroups { get; set; }

    /// <summary>Domains the video may be embedded on, separated by commas.</summary>
    [BindProperty]
    public string? EmbedDomains { get; set; }

    [BindProperty]
    public bool? DownloadEnabled { get; set; }

    /// <summary>Groups known from the directory (users' groups), offered as suggestions.</summary>
    public IReadOnlyList<string> KnownGroups { get; private set; } = [];
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
        Passwords = string.Join('\n', (await passwords.ListAsync(video.Video.Id, 0, VideoAudience.MaxPasswords, ct)).Rows.Select(p => p.Password));
        AudienceGroups = string.Join(", ", VideoAudience.Groups(video.Video));
        EmbedDomains = string.Join(", ", VideoAudience.List(video.Video.EmbedAllowedDomains));
        DownloadEnabled = video.Video.DownloadEnabled;
        KnownGroups = await users.KnownGroupsAsync(ct);
        CommentsPolicy = video.Video.CommentsPolicy;
        return Page();
    }

    private static List<string> Split(string? text, params char[] separators) =>
        (text ?? "").Split(separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    public async Task<IActionResult> OnPostAsync(string uuid, CancellationToken ct)
    {
        if (await FindAsync(uuid, ct) is not { } video)
        {
            return NotFound();
        }
        var tags = (Tags ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
        var name = Name?.Trim() ?? "";
        // The API's rules (VideoCommands), said in French; an empty description clears it.
        // Fields absent from the post are left as they are; posted empty, they clear. A class audience makes the video
        // internal (whatever the list says); passwords only matter for privacy 5 (none given: the current ones stay).
        var groups = Request.Form.ContainsKey(nameof(AudienceGroups)) ? Split(AudienceGroups, ',') : null;
        var passwordList = Privacy == VideoPrivacy.PasswordProtected && Split(Passwords, '\n', '\r') is { Count: > 0 } given ? given : null;
        var refused = await changes.UpdateAsync(video, new UpdateVideoRequest
        {
            Name = name,
            Description = Description?.Trim() ?? "",
            Privacy = groups is { Count: > 0 } ? null : (int)Privacy,
            Tags = tags,
            VideoPasswords = passwordList,
            AudienceGroups = groups,
            EmbedAllowedDomains = Request.Form.ContainsKey(nameof(EmbedDomains)) ? Split(EmbedDomains, ',', ' ') : null,
            DownloadEnabled = DownloadEnabled,
            CommentsPolicy = CommentsPolicy,
        }, ct);
        if (refused is not null)
        {
            Error = refused.Field switch
            {
                VideoField.Name => Text.L("Edit_NameLength"),
                VideoField.Description => Text.L("Edit_DescriptionLength"),
                VideoField.Tags => Text.L("Edit_TagsInvalid"),
                VideoField.Privacy when Privacy == VideoPrivacy.PasswordProtected => Text.L("Edit_PasswordsRequired"),
                VideoField.Privacy => Text.L("Edit_PrivacyInvalid"),
                VideoField.Passwords => Text.L("Edit_PasswordsInvalid"),
                VideoField.AudienceGroups => Text.L("Edit_GroupsInvalid"),
                VideoField.EmbedDomains => Text.L("Edit_DomainsInvalid"),
                _ => refused.Message,
            };
            KnownGroups = await users.KnownGroupsAsync(ct);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        TempData["Notice"] = Text.L("Edit_Saved", name);
        return Redirect("/my-library/videos");
    }

    private async Task<VideoWithOwners?> FindAsync(string uuid, CancellationToken ct) =>
        await videos.FindAsync(uuid, ct) is { } video && VideoAccess.CanManage(video, User) && video.Video.IsLocal ? video : null;
}
