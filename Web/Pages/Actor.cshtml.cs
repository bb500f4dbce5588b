using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Web.Pages;

/// <summary>A channel (<c>/c/{name}</c>) or an account (<c>/a/{name}</c>, route added in WebModule) with its videos.</summary>
public sealed class ActorModel(ActorRepository actors, VideoRepository videos, PlaylistRepository playlists, IWebMedia media, IOptions<InstanceOptions> instance) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "page")]
    public int PageNumber { get; set; } = 1;

    public ActorRow? Actor { get; private set; }
    public IReadOnlyList<ActorRow> Channels { get; private set; } = [];
    public long Total { get; private set; }
    public IReadOnlyList<VideoCard> Videos { get; private set; } = [];
    public Pager Pager { get; private set; } = Pager.None;

    /// <summary>The course sequences of the channel or account: public ones, and all of them for their owner.</summary>
    public IReadOnlyList<PlaylistWithOwners> Playlists { get; private set; } = [];
    public string LocalHost => instance.Value.Host;

    public async Task<IActionResult> OnGetAsync(string name, CancellationToken ct)
    {
        var isAccount = Request.Path.StartsWithSegments("/a", StringComparison.Ordinal);
        Actor = await actors.FindByHandleAsync(isAccount ? ActorTypes.Person : ActorTypes.Group, name, instance.Value.Host, ct);
        if (Actor is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        if (isAccount)
        {
            Channels = await actors.ChannelsOfAccountAsync(Actor.Id, ct);
        }
        var page = Math.Max(1, PageNumber);
        var (total, rows) = await videos.ListAsync(VideoAccess.ForViewer(new VideoQuery
        {
            Start = (page - 1) * Pager.PageSize,
            Count = Pager.PageSize,
            ChannelId = isAccount ? null : Actor.Id,
            AccountId = isAccount ? Actor.Id : null,
        }, User), ct);
        Total = total;
        Videos = rows.Select(v => VideoCard.From(v, media)).ToList();
        var accountId = User.UserId() is { } userId ? (await actors.FindAccountOfUserAsync(userId, ct))?.Id : null;
        var own = Actor.IsLocal && accountId is not null && accountId == (isAccount ? Actor.Id : Actor.AccountId);
        Playlists = (await playlists.ListAsync(new PlaylistQuery
        {
            ChannelId = isAccount ? null : Actor.Id,
            AccountId = isAccount ? Actor.Id : null,
            Count = 50,
            Privacies = own ? [1, 2, 3] : [(int)VideoPlatform.Core.Playlists.PlaylistPrivacy.Public],
        }, ct)).Playlists;
        var basePath = Request.Path.Value;
        Pager = new Pager(page, total, p => $"{basePath}?page={p}");
        return Page();
    }
}
