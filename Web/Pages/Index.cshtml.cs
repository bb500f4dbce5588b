using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Web.Pages;

public sealed class IndexModel(VideoRepository videos, IWebMedia media) : PageModel
{
    private const int PerSection = 12;

    public IReadOnlyList<VideoCard> Latest { get; private set; } = [];
    public IReadOnlyList<VideoCard> Popular { get; private set; } = [];
    public IReadOnlyList<VideoCard> Followed { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Latest = await ListAsync(new VideoQuery { Count = PerSection, Sort = "-publishedAt", IsLocal = true }, ct);
        Popular = await ListAsync(new VideoQuery { Count = PerSection, Sort = "-views" }, ct);
        Followed = await ListAsync(new VideoQuery { Count = PerSection, Sort = "-publishedAt", IsLocal = false }, ct);
    }

    private async Task<IReadOnlyList<VideoCard>> ListAsync(VideoQuery query, CancellationToken ct) =>
        (await videos.ListAsync(VideoAccess.ForViewer(query, User), ct)).Videos.Select(v => VideoCard.From(v, media)).ToList();
}
