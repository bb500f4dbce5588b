using VideoPlatform.Api.Videos;
using VideoPlatform.Core.Domain;
using VideoPlatform.Federation;

namespace VideoPlatform.Api.Federation;

/// <summary>Federation's media-links port, filled by the same formatter as the REST API's <c>files[]</c>.</summary>
public sealed class VideoMediaLinks(VideoFileFormatter files) : IVideoMediaLinks
{
    public IReadOnlyList<string> TrackerUrls() => files.TrackerUrls();

    public string FileUrl(VideoRow video, VideoFileRow file) => files.Format(video, file).FileUrl!;
}

/// <summary>The host's side of the federation module: its module, its port adapters and its HTTP endpoints.</summary>
public static class FederationHosting
{
    public static void AddFederation(this WebApplicationBuilder builder, InstanceRoles roles)
    {
        builder.Services.AddFederation(builder.Configuration, roles);
        builder.Services.AddSingleton<IVideoMediaLinks, VideoMediaLinks>();
    }

    public static void MapFederation(this IEndpointRouteBuilder app)
    {
        app.MapActivityPubEndpoints();
        app.MapFollowEndpoints();
    }
}
