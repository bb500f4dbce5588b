using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Web.Infrastructure;

/// <summary>Shared by the watch and embed pages: finds the video, applies the privacy rules, prepares the player.</summary>
public abstract class VideoPageBase(VideoRepository videos, IWebMedia media, IOptions<WebOptions> options, IOptions<InstanceOptions> instance) : PageModel
{
    public VideoWithOwners Video { get; private set; } = null!;
    public PlayerView? Player { get; private set; }
    public (string Title, string Message)? Refusal { get; private set; }
    public string PublicUrl => instance.Value.PublicUrl;
    public string InstanceName => instance.Value.Name;
    protected IWebMedia Media => media;

    protected async Task<IActionResult> LoadAsync(string id, CancellationToken ct)
    {
        var found = await videos.FindAsync(id, ct);
        if (found is null)
        {
            return Refuse(StatusCodes.Status404NotFound, Text.L("Watch_NotFoundTitle"), Text.L("Watch_NotFound"));
        }
        if (!VideoAccess.CanView(found, User))
        {
            if (User.Identity?.IsAuthenticated != true)
            {
                return Challenge(WebSessionHandler.SchemeName);
            }
            return Refuse(StatusCodes.Status403Forbidden, Text.L("Watch_ForbiddenTitle"), Text.L("Watch_Forbidden"));
        }
        Video = found;
        if (found.Video.State == VideoState.Published && await media.PlayerSourcesAsync(found, ct) is { } sources)
        {
            Player = new PlayerView(found.Video, sources, options.Value, media.PreviewUrl(found.Video) ?? media.ThumbnailUrl(found.Video));
        }
        return Page();
    }

    private PageResult Refuse(int status, string title, string message)
    {
        Response.StatusCode = status;
        Refusal = (title, message);
        return Page();
    }

    public string Absolute(string? url) => url is null ? "" : url.StartsWith('/') ? PublicUrl + url : url;
}
