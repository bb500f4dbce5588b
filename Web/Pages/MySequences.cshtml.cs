using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Playlists;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Web.Pages;

/// <summary>"Mes séquences" (PeerTube's <c>/my-library/video-playlists</c>): the teacher's playlists and the form to create one.</summary>
[Authorize(Policy = WebPolicies.User)]
public sealed class MySequencesModel(PlaylistRepository playlists, ActorRepository actors, PlaylistCommands commands) : PageModel
{
    [TempData]
    public string? Notice { get; set; }

    public string? Error { get; private set; }
    public IReadOnlyList<PlaylistWithOwners> Playlists { get; private set; } = [];
    public IReadOnlyList<ActorRow> Channels { get; private set; } = [];

    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Description { get; set; }
    [BindProperty] public int Privacy { get; set; } = (int)PlaylistPrivacy.Public;
    [BindProperty] public long? ChannelId { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        ChannelId = Channels.Count > 0 ? Channels[0].Id : null;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var account = await LoadAsync(ct);
        var (created, error) = await commands.CreateAsync(account.Id, new PlaylistInput
        {
            DisplayName = Name, Description = Description, Privacy = Privacy, VideoChannelId = ChannelId, VideoChannelIdSet = true,
        }, ct);
        if (error is not null)
        {
            Error = SequenceForm.Error(error);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        Notice = Text.L("Sequences_Created", created!.Name);
        return Redirect("/my-library/video-playlists/update/" + created.Uuid);
    }

    private async Task<ActorRow> LoadAsync(CancellationToken ct)
    {
        var account = (await actors.FindAccountOfUserAsync(User.UserId()!.Value, ct))!;
        Channels = await actors.ChannelsOfAccountAsync(account.Id, ct);
        Playlists = (await playlists.ListAsync(new PlaylistQuery
        {
            AccountId = account.Id, Count = 100, Sort = "-updatedAt",
            Privacies = [(int)PlaylistPrivacy.Public, (int)PlaylistPrivacy.Unlisted, (int)PlaylistPrivacy.Private],
        }, ct)).Playlists;
        return account;
    }
}
