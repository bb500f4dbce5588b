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
    public VideoPrivacy? Privacy { get; set; }

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
    public int? CommentsPolicy { get; set; }

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
        // The API's rules (VideoCommands), said in French. A field absent from the post is left as it is (null in the
        // request); posted empty, a text clears; posted but unreadable (a privacy or policy that binds to nothing), it is
        // sent as 0 so that the rules refuse it (an unreadable download box is refused here). A class audience makes the video internal (whatever the list says);
        // passwords only matter for privacy 5 (none given: the current ones stay).
        if (Posted(nameof(DownloadEnabled)) && DownloadEnabled is null)
        {
            return await RefuseAsync(video, Text.L("Edit_DownloadInvalid"), ct);
        }
        var groups = Posted(nameof(AudienceGroups)) ? Split(AudienceGroups, ',') : null;
        var privacy = Posted(nameof(Privacy)) ? Privacy ?? 0 : video.Video.Privacy;
        var passwordList = privacy == VideoPrivacy.PasswordProtected && Split(Passwords, '\n', '\r') is { Count: > 0 } given ? given : null;
        var refused = await changes.UpdateAsync(video, new UpdateVideoRequest
        {
            Name = Posted(nameof(Name)) ? Name?.Trim() ?? "" : null,
            Description = Posted(nameof(Description)) ? Description?.Trim() ?? "" : null,
            Privacy = !Posted(nameof(Privacy)) || groups is { Count: > 0 } ? null : (int)privacy,
            Tags = Posted(nameof(Tags)) ? Split(Tags, ',').Distinct(StringComparer.Ordinal).ToList() : null,
            VideoPasswords = passwordList,
            AudienceGroups = groups,
            EmbedAllowedDomains = Posted(nameof(EmbedDomains)) ? Split(EmbedDomains, ',', ' ') : null,
            DownloadEnabled = DownloadEnabled,
            CommentsPolicy = Posted(nameof(CommentsPolicy)) ? CommentsPolicy ?? 0 : null,
        }, ct);
        if (refused is not null)
        {
            return await RefuseAsync(video, refused.Field switch
            {
                VideoField.Name => Text.L("Edit_NameLength"),
                VideoField.Description => Text.L("Edit_DescriptionLength"),
                VideoField.Tags => Text.L("Edit_TagsInvalid"),
                VideoField.Privacy when privacy == VideoPrivacy.PasswordProtected => Text.L("Edit_PasswordsRequired"),
                VideoField.Privacy => Text.L("Edit_PrivacyInvalid"),
                VideoField.Passwords => Text.L("Edit_PasswordsInvalid"),
                VideoField.AudienceGroups => Text.L("Edit_GroupsInvalid"),
                VideoField.EmbedDomains => Text.L("Edit_DomainsInvalid"),
                VideoField.CommentsPolicy => Text.L("Edit_CommentsPolicyInvalid"),
                _ => refused.Message,
            }, ct);
        }
        TempData["Notice"] = Text.L("Edit_Saved", Name?.Trim() ?? video.Video.Name);
        return Redirect("/my-library/videos");
    }

    /// <summary>Whether the post carries <paramref name="field"/> at all (absent: the video's value stays).</summary>
    private bool Posted(string field) => Request.Form.ContainsKey(field);

    /// <summary>The form again with <paramref name="error"/>: the posted values, and the video's for the fields not posted.</summary>
    private async Task<IActionResult> RefuseAsync(VideoWithOwners video, string error, CancellationToken ct)
    {
        Error = error;
        Privacy ??= video.Video.Privacy;
        CommentsPolicy ??= video.Video.CommentsPolicy;
        DownloadEnabled ??= video.Video.DownloadEnabled;
        KnownGroups = await users.KnownGroupsAsync(ct);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task<VideoWithOwners?> FindAsync(string uuid, CancellationToken ct) =>
        await videos.FindAsync(uuid, ct) is { } video && VideoAccess.CanManage(video, User) && video.Video.IsLocal ? video : null;
}
