using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Web.Pages;

public sealed class WatchModel(VideoRepository videos, CaptionRepository captions, IWebMedia media, IOptions<WebOptions> options, IOptions<InstanceOptions> instance)
    : VideoPageBase(videos, captions, media, options, instance)
{
    public IReadOnlyList<string> Tags { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        var result = await LoadAsync(id, ct);
        if (Refusal is null && Video is not null)
        {
            Tags = JsonSerializer.Deserialize<List<string>>(Video.Video.Tags) ?? [];
        }
        return result;
    }
}
