using System.Security.Claims;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Transcoder.Live;
using VideoPlatform.Web;

namespace VideoPlatform.Api.Live;

/// <summary>
/// The watch page's live panel (the same URL and key as <c>GET /api/v1/videos/live/{id}</c> gives the owner) and the
/// « Diffuser en direct » page, which creates lives through <see cref="LiveCreation"/> as the REST API does.
/// </summary>
public sealed class WebLives(LiveRepository lives, LiveCreation creation, IOptions<LiveOptions> options, IOptions<InstanceOptions> instance,
    IServiceProvider services) : IWebLives
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

    public async Task<WebLiveRules> RulesAsync(CancellationToken ct)
    {
        var o = await creation.CurrentAsync(ct);
        return new WebLiveRules(o.Enabled, o.AllowReplay);
    }

    public async Task<WebLiveCreation> CreateAsync(WebLiveForm form, ClaimsPrincipal user, CancellationToken ct)
    {
        var result = await creation.CreateAsync(new LiveRequest
        {
            ChannelId = form.ChannelId,
            Name = form.Name,
            Privacy = form.Privacy,
            PermanentLive = form.PermanentLive,
            SaveReplay = form.SaveReplay,
            ReplaySettings = form.SaveReplay && form.ReplayPrivacy is { } p ? new LiveReplaySettings(p) : null,
            LatencyMode = form.LatencyMode,
        }, user.UserId()!.Value, ct);
        return new WebLiveCreation(result.ShortUuid, result.Refusal, result.Message);
    }
}
