using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Web.Pages;

/// <summary>
/// « Diffuser en direct »: PeerTube's « Go live » tab as a form that works without JavaScript. The live is created by the same
/// code as <c>POST /api/v1/videos/live</c>; the watch page then shows its owner the RTMP URL and key.
/// </summary>
[Authorize(Policy = WebPolicies.User)]
public sealed class GoLiveModel(ActorRepository actors, UserRepository users, IWebLives lives) : PageModel
{
    public bool Enabled { get; private set; }
    public bool AllowReplay { get; private set; }
    /// <summary>Same rule as the upload page (<see cref="Publisher"/>).</summary>
    public bool CannotUpload { get; private set; }
    public bool IsStudent { get; private set; }
    public IReadOnlyList<ActorRow> Channels { get; private set; } = [];
    /// <summary>The refusal, in French, announced by a role="alert" paragraph.</summary>
    public string? Error { get; private set; }

    [BindProperty] public string? Name { get; set; }
    [BindProperty] public long? ChannelId { get; set; }
    [BindProperty] public int Privacy { get; set; } = (int)VideoPrivacy.Public;
    [BindProperty] public bool PermanentLive { get; set; }
    [BindProperty] public bool SaveReplay { get; set; }
    [BindProperty] public int ReplayPrivacy { get; set; } = (int)VideoPrivacy.Public;
    [BindProperty] public int LatencyMode { get; set; } = 1;

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (!Enabled || CannotUpload)
        {
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return Page();
        }
        if (!ModelState.IsValid)
        {
            return Refuse(Text.L("GoLive_Invalid", ""));
        }
        if (string.IsNullOrWhiteSpace(Name))
        {
            return Refuse(Text.L("GoLive_NameRequired"));
        }
        var result = await lives.CreateAsync(new WebLiveForm(ChannelId, Name.Trim(), Privacy, PermanentLive, AllowReplay && SaveReplay, ReplayPrivacy, LatencyMode),
            User, ct);
        if (result.ShortUuid is { } shortUuid)
        {
            Response.Headers.Location = "/w/" + shortUuid;
            return new StatusCodeResult(StatusCodes.Status303SeeOther);
        }
        return result.Refusal switch
        {
            LiveCreationRefusal.Disabled => Refuse(Text.L("GoLive_Disabled"), StatusCodes.Status403Forbidden),
            LiveCreationRefusal.ReplayNotAllowed => Refuse(Text.L("GoLive_NoReplay"), StatusCodes.Status403Forbidden),
            LiveCreationRefusal.UnknownChannel => Refuse(Text.L("GoLive_UnknownChannel")),
            LiveCreationRefusal.InstanceLimit => Refuse(Text.L("GoLive_InstanceLimit"), StatusCodes.Status403Forbidden),
            LiveCreationRefusal.UserLimit => Refuse(Text.L("GoLive_UserLimit"), StatusCodes.Status403Forbidden),
            _ => Refuse(Text.L("GoLive_Invalid", result.Detail ?? "")),
        };
    }

    private PageResult Refuse(string message, int status = StatusCodes.Status400BadRequest)
    {
        Error = message;
        Response.StatusCode = status;
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var rules = await lives.RulesAsync(ct);
        Enabled = rules.Enabled;
        AllowReplay = rules.AllowReplay;
        (CannotUpload, IsStudent, Channels) = await Publisher.LoadAsync(User, users, actors, ct);
    }
}
