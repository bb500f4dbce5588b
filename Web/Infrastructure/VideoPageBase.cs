using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Web.Infrastructure;

/// <summary>Shared by the watch and embed pages: finds the video, applies the privacy rules, prepares the player.</summary>
public abstract class VideoPageBase(VideoRepository videos, CaptionRepository captions, IWebMedia media, IOptions<WebOptions> options,
    IOptions<InstanceOptions> instance, VideoPasswordRepository passwords, BlocklistRepository blocklists, LiveRepository lives) : PageModel
{
    /// <summary>The form field of the password form (watch and embed pages post it to themselves).</summary>
    public const string PasswordField = "videoPassword";

    /// <summary>Set when a password-protected video waits for its password: true after a wrong one.</summary>
    public bool? PasswordPrompt { get; private set; }

    public VideoWithOwners Video { get; private set; } = null!;
    public PlayerView? Player { get; protected set; }
    public (string Title, string Message)? Refusal { get; private set; }
    public string PublicUrl => instance.Value.PublicUrl;
    public string InstanceName => instance.Value.Name;
    protected IWebMedia Media => media;
    protected VideoRepository Videos => videos;

    protected async Task<IActionResult> LoadAsync(string id, CancellationToken ct)
    {
        var found = await videos.FindAsync(id, ct);
        if (found is null)
        {
            return Refuse(StatusCodes.Status404NotFound, Text.L("Watch_NotFoundTitle"), Text.L("Watch_NotFound"));
        }
        if (VideoAccess.NeedsPassword(found, User))
        {
            // PeerTube's privacy 5: the page asks for a password and posts it back to itself; a right one is remembered
            // for the browser session (RememberedVideoPasswords), and checked again against the current ones each time.
            string? given = Request.HasFormContentType ? (await Request.ReadFormAsync(ct))[PasswordField].ToString() : null;
            var current = await passwords.PasswordsAsync(found.Video.Id, ct);
            if (!string.IsNullOrEmpty(given) && VideoAudience.MatchesAny(current, given))
            {
                RememberedVideoPasswords.Remember(HttpContext, found.Video, given);
            }
            else if (!string.IsNullOrEmpty(given) || !VideoAudience.MatchesAny(current, RememberedVideoPasswords.Recall(HttpContext, found.Video)))
            {
                PasswordPrompt = !string.IsNullOrEmpty(given);
                Response.StatusCode = StatusCodes.Status403Forbidden;
                Refusal = (Text.L("Password_Title"), Text.L("Password_Message"));
                return Page();
            }
        }
        else if (!VideoAccess.CanView(found, User))
        {
            if (User.Identity?.IsAuthenticated != true)
            {
                return Challenge(WebSessionHandler.SchemeName);
            }
            return !found.Video.Blacklisted && VideoAccess.IsOutsideAudience(found, User)
                ? Refuse(StatusCodes.Status403Forbidden, Text.L("Audience_Title"), Text.L("Audience_Message", string.Join(", ", VideoAudience.Groups(found.Video))))
                : Refuse(StatusCodes.Status403Forbidden, Text.L("Watch_ForbiddenTitle"), Text.L("Watch_Forbidden"));
        }
        // PeerTube's mutes: a video of an account or server blocked by the instance (or by this viewer) is not shown, and the page says why.
        if (!VideoAccess.CanManage(found, User)
            && await blocklists.IsHiddenAsync(found.Channel.Id, User.BlockViewer(), ct))
        {
            return Refuse(StatusCodes.Status403Forbidden, Text.L("Blocklist_HiddenTitle"), Text.L("Blocklist_HiddenMessage", found.Account.Name));
        }
        Video = found;
        if (found.Video.State == VideoState.Published && await media.PlayerSourcesAsync(found, ct) is { } sources)
        {
            Player = new PlayerView(found.Video, sources, options.Value, media.PreviewUrl(found.Video) ?? media.ThumbnailUrl(found.Video))
            {
                Captions = (await captions.ListAsync(found.Video.Id, ct))
                    .Select(c => new PlayerCaption(c.Language, Text.Language(c.Language), CaptionUrl(c, sources.FileToken)))
                    .OrderBy(c => c.Language == "fr" ? 0 : 1).ThenBy(c => c.Label, StringComparer.Ordinal).ToList(),
                Chapters = await captions.ChaptersOfAsync(found.Video, ct),
                Start = StartSeconds(Request.Query["start"]),
                LiveLatencyMode = found.Video.IsLive && found.Video.IsLocal ? (await lives.FindAsync(found.Video.Id, ct))?.LatencyMode : null,
            };
        }
        return Page();
    }

    private static string CaptionUrl(CaptionRow caption, string? fileToken)
    {
        if (caption.FileName is null)
        {
            return caption.RemoteUrl ?? "";
        }
        var url = MediaUrls.Caption(caption.FileName);
        return fileToken is null ? url : url + "?videoFileToken=" + Uri.EscapeDataString(fileToken);
    }

    /// <summary>PeerTube's <c>start</c>: seconds (<c>90</c>) or a timecode (<c>1m30s</c>, <c>1h2m3s</c>).</summary>
    public static int? StartSeconds(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        if (int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var plain))
        {
            return plain;
        }
        var match = System.Text.RegularExpressions.Regex.Match(value, @"^(?:(\d{1,3})h)?(?:(\d{1,4})m)?(?:(\d{1,5})s)?$",
            System.Text.RegularExpressions.RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50));
        if (!match.Success || match.Length == 0)
        {
            return null;
        }
        static int Part(System.Text.RegularExpressions.Group g) =>
            g.Success ? int.Parse(g.Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        return (Part(match.Groups[1]) * 3600) + (Part(match.Groups[2]) * 60) + Part(match.Groups[3]);
    }

    protected PageResult Refuse(int status, string title, string message)
    {
        Response.StatusCode = status;
        Refusal = (title, message);
        return Page();
    }

    public string Absolute(string? url) => url is null ? "" : url.StartsWith('/') ? PublicUrl + url : url;
}
