using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Web.Infrastructure;

/// <summary>oEmbed (https://oembed.com) for watch URLs, so an ENT or a chat turns a pasted link into a player card.</summary>
public static class OEmbedEndpoint
{
    public static IEndpointRouteBuilder MapOEmbed(this IEndpointRouteBuilder app)
    {
        app.MapGet("/services/oembed", HandleAsync).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> HandleAsync(string? url, string? format, int? maxwidth, int? maxheight,
        VideoRepository videos, IWebMedia media, IOptions<InstanceOptions> instance, CancellationToken ct)
    {
        if (format is not null && !string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
        {
            return Results.StatusCode(StatusCodes.Status501NotImplemented);
        }
        var id = VideoIdFromUrl(url, instance.Value.PublicUrl);
        if (id is null)
        {
            return Results.BadRequest(new { error = "url must be a watch URL of this instance." });
        }
        var video = await videos.FindAsync(id, ct);
        // Only what anyone may see gets a card: private and internal videos stay unknown.
        if (video is null || video.Video.Privacy is not (VideoPrivacy.Public or VideoPrivacy.Unlisted))
        {
            return Results.NotFound();
        }
        var width = Math.Min(maxwidth ?? 560, 1920);
        var height = Math.Min(maxheight ?? width * 9 / 16, 1080);
        width = Math.Min(width, height * 16 / 9);
        var baseUrl = instance.Value.PublicUrl;
        var src = baseUrl + WebUrls.Embed(video.Video);
        var html = string.Create(CultureInfo.InvariantCulture,
            $"<iframe width=\"{width}\" height=\"{height}\" sandbox=\"allow-same-origin allow-scripts allow-popups\" title=\"{WebUtility.HtmlEncode(video.Video.Name)}\" src=\"{src}\" frameborder=\"0\" allowfullscreen></iframe>");
        var thumbnail = media.PreviewUrl(video.Video) ?? media.ThumbnailUrl(video.Video);
        return Results.Json(new Dictionary<string, object?>
        {
            ["type"] = "video",
            ["version"] = "1.0",
            ["html"] = html,
            ["width"] = width,
            ["height"] = height,
            ["title"] = video.Video.Name,
            ["author_name"] = video.Channel.DisplayName,
            ["author_url"] = baseUrl + WebUrls.Channel(video.Channel),
            ["provider_name"] = instance.Value.Name,
            ["provider_url"] = baseUrl,
            ["thumbnail_url"] = thumbnail is null ? null : Absolute(baseUrl, thumbnail),
            ["thumbnail_width"] = thumbnail is null ? null : 850,
            ["thumbnail_height"] = thumbnail is null ? null : 480,
        });
    }

    private static string Absolute(string baseUrl, string url) => url.StartsWith('/') ? baseUrl + url : url;

    /// <summary>The id in <c>{publicUrl}/w/{shortUUID}</c> or <c>{publicUrl}/videos/watch/{uuid}</c>; null for anything else.</summary>
    public static string? VideoIdFromUrl(string? url, string publicUrl)
    {
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || !Uri.TryCreate(publicUrl, UriKind.Absolute, out var own)
            || !string.Equals(uri.Authority, own.Authority, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var path = uri.AbsolutePath.TrimEnd('/');
        foreach (var prefix in (string[])["/w/", "/videos/watch/", "/videos/embed/"])
        {
            if (path.StartsWith(prefix, StringComparison.Ordinal) && path.Length > prefix.Length && path.IndexOf('/', prefix.Length) < 0)
            {
                return path[prefix.Length..];
            }
        }
        return null;
    }
}
