using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Web.Pages;

/// <summary>The player alone, for iframes in ENTs and other sites (oEmbed points here).</summary>
public sealed class EmbedModel(VideoRepository videos, CaptionRepository captions, IWebMedia media, IOptions<WebOptions> options, IOptions<InstanceOptions> instance)
    : VideoPageBase(videos, captions, media, options, instance)
{
    public Task<IActionResult> OnGetAsync(string id, CancellationToken ct) => LoadAsync(id, ct);
}
