using System.Security.Claims;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Transcoder.Live;
using VideoPlatform.Web;

namespace VideoPlatform.Api.Live;

/// <summary>The watch page's live panel: the same URL and key as <c>GET /api/v1/videos/live/{id}</c> gives the owner.</summary>
public sealed class WebLives(LiveRepository lives, IOptions<LiveOptions> options, IOptions<InstanceOptions> instance, IServiceProvider services) : IWebLives
{
    public async Task<WebLivePublishing?> PublishingAsync(VideoWithOwners video, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!video.Video.IsLive || !video.Video.IsLocal || !VideoAccess.CanManage(video, user))
        {
            return null;
        }
        var live = await lives.FindAsync(video.Video.Id, ct);
        return live is null
            ? null
            : new WebLivePublishing(LiveModule.RtmpUrl(options.Value, instance.Value, services.GetService<RtmpIngest>()), live.StreamKey,
                options.Value.RtmpsUrl, live.PermanentLive, live.SaveReplay);
    }
}
