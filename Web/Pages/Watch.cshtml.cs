using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Web.Pages;

[IgnoreAntiforgeryToken] // the password form of a protected video changes nothing
public sealed class WatchModel(VideoRepository videos, CaptionRepository captions, IWebMedia media, IWebLives lives, IOptions<WebOptions> options,
    IOptions<InstanceOptions> instance, VideoPasswordRepository passwords)
    : VideoPageBase(videos, captions, media, options, instance, passwords)
{
    public IReadOnlyList<string> Tags { get; private set; } = [];

    /// <summary>The live's RTMP URL and key, for its owner.</summary>
    public WebLivePublishing? LivePublishing { get; private set; }

    public Task<IActionResult> OnPostAsync(string id, CancellationToken ct) => OnGetAsync(id, ct);

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        var result = await LoadAsync(id, ct);
        if (Refusal is null && Video is not null)
        {
            Tags = JsonSerializer.Deserialize<List<string>>(Video.Video.Tags) ?? [];
            LivePublishing = Video.Video.IsLive ? await lives.PublishingAsync(Video, User, ct) : null;
        }
        return result;
    }
}
