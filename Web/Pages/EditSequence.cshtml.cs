using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Playlists;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Web.Pages;

/// <summary>
/// A teacher's sequence (PeerTube's <c>/my-library/video-playlists/update/{id}</c>): its fields, its lessons in order (up,
/// down, remove), a lesson added from the teacher's videos, and its deletion. Plain forms: it works without JavaScript.
/// </summary>
[Authorize(Policy = WebPolicies.User)]
public sealed class EditSequenceModel(PlaylistRepository playlists, ActorRepository actors, VideoRepository videos, PlaylistCommands commands) : PageModel
{
    [TempData]
    public string? Notice { get; set; }

    public string? Error { get; private set; }
    public PlaylistWithOwners Playlist { get; private set; } = null!;
    public IReadOnlyList<PlaylistItem> Items { get; private set; } = [];
    public IReadOnlyList<ActorRow> Channels { get; private set; } = [];
    public IReadOnlyList<VideoWithOwners> MyVideos { get; private set; } = [];

    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Description { get; set; }
    [BindProperty] public int Privacy { get; set; }
    [BindProperty] public long? ChannelId { get; set; }

    public async Task<IActionResult> OnGetAsync(string uuid, CancellationToken ct)
    {
        if (await LoadAsync(uuid, ct) is { } refusal)
        {
            return refusal;
        }
        var p = Playlist.Playlist;
        (Name, Description, Privacy, ChannelId) = (p.Name, p.Description, (int)p.Privacy, p.ChannelId);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string uuid, CancellationToken ct)
    {
        if (await LoadAsync(uuid, ct) is { } refusal)
        {
            return refusal;
        }
        var error = await commands.UpdateAsync(Playlist, new PlaylistInput
        {
            DisplayName = Name ?? "", Description = Description ?? "", Privacy = Privacy, VideoChannelId = ChannelId, VideoChannelIdSet = true,
        }, ct);
        return Done(uuid, error, Text.L("Sequences_Saved"));
    }

    public async Task<IActionResult> OnPostAddAsync(string uuid, long videoId, CancellationToken ct)
    {
        if (await LoadAsync(uuid, ct) is { } refusal)
        {
            return refusal;
        }
        var video = await videos.FindAsync(videoId.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
        var (_, error) = await commands.AddVideoAsync(Playlist, video, User, null, null, ct);
        return Done(uuid, error, video is null ? "" : Text.L("Sequences_Added", video.Video.Name));
    }

    /// <summary>One place up (<paramref name="down"/> false) or down: PeerTube's reorder of one element.</summary>
    public async Task<IActionResult> OnPostMoveAsync(string uuid, int position, bool down, CancellationToken ct)
    {
        if (await LoadAsync(uuid, ct) is { } refusal)
        {
            return refusal;
        }
        var error = await commands.ReorderAsync(Playlist, position, down ? position + 1 : position - 2, 1, ct);
        return Done(uuid, error, null);
    }

    public async Task<IActionResult> OnPostRemoveAsync(string uuid, long elementId, CancellationToken ct)
    {
        if (await LoadAsync(uuid, ct) is { } refusal)
        {
            return refusal;
        }
        return Done(uuid, await commands.RemoveElementAsync(Playlist, elementId, ct), null);
    }

    public async Task<IActionResult> OnPostDeleteAsync(string uuid, CancellationToken ct)
    {
        if (await LoadAsync(uuid, ct) is { } refusal)
        {
            return refusal;
        }
        await commands.DeleteAsync(Playlist, ct);
        Notice = Text.L("Sequences_Deleted", Playlist.Playlist.Name);
        return Redirect("/my-library/video-playlists");
    }

    private IActionResult Done(string uuid, PlaylistError? error, string? notice)
    {
        if (error is not null)
        {
            Error = SequenceForm.Error(error);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        Notice = notice;
        return Redirect("/my-library/video-playlists/update/" + uuid);
    }

    private async Task<IActionResult?> LoadAsync(string uuid, CancellationToken ct)
    {
        var account = (await actors.FindAccountOfUserAsync(User.UserId()!.Value, ct))!;
        var found = await playlists.FindAsync(uuid, ct);
        if (found is null)
        {
            return NotFound();
        }
        if (!PlaylistCommands.IsOwner(found, account.Id))
        {
            return Forbid();
        }
        Playlist = found;
        Channels = await actors.ChannelsOfAccountAsync(account.Id, ct);
        Items = await PlaylistItem.ListAsync(playlists, videos, found.Playlist.Id, User, ct);
        MyVideos = await videos.ListOfUserAsync(User.UserId()!.Value, 0, 200, ct);
        return null;
    }
}
