using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Primitives;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Api.Videos;

/// <summary>
/// The output cache of video listings for every audience, signed in or not. A listing depends on the viewer only
/// through the privacies they may list (<see cref="VideoAccess.ListablePrivacies"/>): public for anonymous visitors,
/// public + internal for every signed-in user, everything for administrators and moderators. So entries vary by that
/// audience, never by user or token: a class of signed-in students shares one entry. A signed-in user with directory
/// groups also lists the class videos of those groups (<see cref="VideoAccess.ForViewer"/>), so their audience is
/// "signed-in" plus their set of groups: the pupils of « 5e B » share one entry, never seen by « 5e C » nor by users
/// without groups; anonymous visitors and users without groups keep their single entries. Authentication runs before the
/// cache (a revoked token is refused, or served as anonymous where the endpoint allows it, before any lookup). Same
/// lifetime and eviction tag as <see cref="PublicListingCache"/>; only 200 answers without cookies are stored.
/// </summary>
public sealed class AudienceListingPolicy : IOutputCachePolicy
{
    public const string Name = "listing-by-audience";
    public static readonly AudienceListingPolicy Instance = new();

    /// <summary>The cache key part that stands for the viewer: the only thing of theirs a listing depends on.</summary>
    public static string Audience(System.Security.Claims.ClaimsPrincipal user)
    {
        if (user.CanSeeAllVideos())
        {
            return "all";
        }
        if (user.UserId() is null)
        {
            return "anonymous";
        }
        var groups = VideoAudience.GroupsOf(user);
        return groups.Count == 0
            ? "signed-in"
            : "signed-in:" + System.Text.Json.JsonSerializer.Serialize(groups.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
    }

    ValueTask IOutputCachePolicy.CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var request = context.HttpContext.Request;
        // A user with their own blocklist gets a listing filtered for them alone: never served from nor stored in the shared cache.
        var cacheable = (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && context.HttpContext.User.BlockViewer() is null;
        context.EnableOutputCaching = true;
        context.AllowCacheLookup = cacheable;
        context.AllowCacheStorage = cacheable;
        context.AllowLocking = true;
        context.CacheVaryByRules.QueryKeys = "*";
        context.CacheVaryByRules.VaryByValues["audience"] = Audience(context.HttpContext.User);
        context.ResponseExpirationTimeSpan = PublicListingCache.Lifetime;
        context.Tags.Add(PublicListingCache.Tag);
        return ValueTask.CompletedTask;
    }

    ValueTask IOutputCachePolicy.ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

    ValueTask IOutputCachePolicy.ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var response = context.HttpContext.Response;
        if (!StringValues.IsNullOrEmpty(response.Headers.SetCookie) || response.StatusCode != StatusCodes.Status200OK)
        {
            context.AllowCacheStorage = false;
        }
        return ValueTask.CompletedTask;
    }
}
