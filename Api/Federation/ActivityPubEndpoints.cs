using System.Globalization;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Federation;
using VideoPlatform.Federation.ActivityStreams;
using VideoPlatform.Federation.Inbox;
using VideoPlatform.Federation.NodeInfo;
using VideoPlatform.Federation.Videos;
using VideoPlatform.Federation.WebFinger;

namespace VideoPlatform.Api.Federation;

/// <summary>
/// PeerTube's ActivityPub layout: actors, their outbox/followers/following collections and inboxes, Video objects,
/// and discovery (WebFinger, NodeInfo, host-meta). A browser asking for <c>/videos/watch/{uuid}</c> gets the Web project's
/// watch page (its route only matches requests that accept HTML); the actor URLs answer a browser 406, their pages being
/// <c>/a/{name}</c> and <c>/c/{name}</c>.
/// </summary>
public static class ActivityPubEndpoints
{
    public const string ResponseContentType = "application/activity+json; charset=utf-8";
    private const int MaxPageSize = 50;

    public static IEndpointRouteBuilder MapActivityPubEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/accounts/{name}", (string name, HttpContext http, ActorRepository actors, IOptions<InstanceOptions> instance, CancellationToken ct) =>
            ActorAsync(http, () => FindAccountAsync(actors, name, ct), actors, instance.Value, ct));
        app.MapGet("/video-channels/{name}", (string name, HttpContext http, ActorRepository actors, IOptions<InstanceOptions> instance, CancellationToken ct) =>
            ActorAsync(http, () => actors.FindLocalAsync(ActorTypes.Group, name, ct), actors, instance.Value, ct));

        foreach (var prefix in new[] { "/accounts", "/video-channels" })
        {
            var isChannel = prefix == "/video-channels";
            Func<ActorRepository, string, CancellationToken, Task<ActorRow?>> find = isChannel
                ? (actors, name, ct) => actors.FindLocalAsync(ActorTypes.Group, name, ct)
                : (actors, name, ct) => FindAccountAsync(actors, name, ct);
            app.MapGet(prefix + "/{name}/outbox", async (string name, int? page, int? size, HttpContext http, ActorRepository actors, VideoRepository videos,
                IOptions<FederationOptions> options, CancellationToken ct) =>
            {
                var actor = await find(actors, name, ct);
                return actor is null ? NotFound() : await OutboxAsync(actor, page, size, videos, options.Value, ct);
            });
            foreach (var followers in new[] { true, false })
            {
                app.MapGet(prefix + "/{name}/" + (followers ? "followers" : "following"), async (string name, int? page, ActorRepository actors, FollowRepository follows,
                    IOptions<FederationOptions> options, CancellationToken ct) =>
                {
                    var actor = await find(actors, name, ct);
                    if (actor is null)
                    {
                        return NotFound();
                    }
                    var id = actor.Url + (followers ? "/followers" : "/following");
                    var pageSize = options.Value.CollectionPageSize;
                    var (total, urls) = await follows.CollectionAsync(actor.Id, followers, ((page ?? 1) - 1) * pageSize, page is null ? 0 : pageSize, ct);
                    return page is null or < 1
                        ? Json(OrderedCollection.Paged(id, total))
                        : Json(OrderedCollectionPage.Create(id, page.Value, pageSize, total, urls.Cast<object>().ToArray()));
                });
            }
            app.MapPost(prefix + "/{name}/inbox", async (string name, HttpRequest request, ActorRepository actors, InboxReceiver inbox, CancellationToken ct) =>
            {
                var actor = await find(actors, name, ct);
                return actor is null ? NotFound() : Answer(await inbox.ReceiveAsync(request, actor, ct), request);
            }).DisableAntiforgery();
        }
        app.MapPost("/inbox", async (HttpRequest request, InboxReceiver inbox, CancellationToken ct) => Answer(await inbox.ReceiveAsync(request, null, ct), request))
            .DisableAntiforgery();

        app.MapGet("/videos/watch/{uuid}", VideoAsync);
        foreach (var counter in new[] { "likes", "dislikes", "announces" })
        {
            app.MapGet("/videos/watch/{uuid}/" + counter, async (string uuid, VideoRepository videos, CancellationToken ct) =>
            {
                var item = await videos.FindAsync(uuid, ct);
                if (item is null || !item.Video.IsLocal || item.Video.Privacy is not (VideoPrivacy.Public or VideoPrivacy.Unlisted))
                {
                    return NotFound();
                }
                var total = counter switch { "likes" => item.Video.Likes, "dislikes" => item.Video.Dislikes, _ => 0 };
                return Json(new OrderedCollection { Id = item.Video.Url + "/" + counter, TotalItems = total, OrderedItems = [] });
            });
        }

        // The comments collection (PeerTube crawls its items, the comments' URLs) and each local comment as a Note or Tombstone.
        app.MapGet("/videos/watch/{uuid}/comments", async (string uuid, int? page, VideoRepository videos, CommentRepository comments,
            IOptions<FederationOptions> options, CancellationToken ct) =>
        {
            var item = await videos.FindAsync(uuid, ct);
            if (item is null || !item.Video.IsLocal || item.Video.Privacy is not (VideoPrivacy.Public or VideoPrivacy.Unlisted))
            {
                return NotFound();
            }
            var id = item.Video.Url + "/comments";
            var total = await comments.CountPublicAsync(item.Video.Id, ct);
            if (page is null or < 1)
            {
                return Json(OrderedCollection.Paged(id, total));
            }
            var pageSize = options.Value.CollectionPageSize;
            var urls = await comments.PublicUrlsAsync(item.Video.Id, (page.Value - 1) * pageSize, pageSize, ct);
            return Json(OrderedCollectionPage.Create(id, page.Value, pageSize, total, urls.Cast<object>().ToArray()));
        });
        app.MapGet("/videos/watch/{uuid}/comments/{commentId:long}", async (string uuid, long commentId, HttpContext http, VideoRepository videos,
            CommentRepository comments, CancellationToken ct) =>
        {
            if (!WantsActivityJson(http.Request))
            {
                return NotActivityJson();
            }
            var item = await videos.FindAsync(uuid, ct);
            var comment = item is null ? null : await comments.FindAsync(item.Video.Id, commentId, ct);
            if (item is null || comment is null || comment.HeldForReview || !comment.IsLocal && !comment.IsDeleted
                || item.Video.Privacy is not (VideoPrivacy.Public or VideoPrivacy.Unlisted) || item.Video.Blacklisted)
            {
                return NotFound();
            }
            return Json(VideoPlatform.Federation.Comments.CommentFederation.ToObject(comment, item.Video.Url));
        });

        // PeerTube's chapters object, which a Video's hasParts names and PeerTube fetches on create and update.
        app.MapGet("/videos/watch/{uuid}/chapters", async (string uuid, VideoRepository videos, CaptionRepository captions, CancellationToken ct) =>
        {
            var item = await videos.FindAsync(uuid, ct);
            if (item is null || !item.Video.IsLocal || item.Video.Privacy is not (VideoPrivacy.Public or VideoPrivacy.Unlisted))
            {
                return NotFound();
            }
            var chapters = await captions.ChaptersOfAsync(item.Video, ct);
            return Json(ChaptersObject.Build(item.Video.Url, chapters.Select(c => (c.Timecode, c.Title)).ToList(), item.Video.Duration));
        });

        app.MapPlaylistActivityPub();
        MapDiscovery(app);
        return app;
    }

    private static void MapDiscovery(IEndpointRouteBuilder app)
    {
        app.MapGet("/.well-known/webfinger", async (string? resource, HttpContext http, ActorRepository actors, IOptions<InstanceOptions> instance, CancellationToken ct) =>
        {
            http.Response.Headers.AccessControlAllowOrigin = "*";
            if (string.IsNullOrWhiteSpace(resource))
            {
                return Problems.BadRequest("The resource parameter is required.");
            }
            var baseUri = new Uri(instance.Value.PublicUrl);
            if (!WebFingerResource.TryParse(resource, out var parsed) || !parsed!.IsLocal(baseUri))
            {
                return NotFound();
            }
            var actor = await FindAccountAsync(actors, parsed.Name, ct) ?? await actors.FindLocalAsync(ActorTypes.Group, parsed.Name, ct);
            if (actor is null)
            {
                return NotFound();
            }
            var document = WebFingerBuilder.Build(resource, actor.Url, baseUri);
            return Results.Bytes(ActivityJson.SerializeToUtf8Bytes(document), WebFingerDocument.ContentType + "; charset=utf-8");
        });
        app.MapGet("/.well-known/nodeinfo", (HttpContext http, IOptions<InstanceOptions> instance) =>
        {
            http.Response.Headers.AccessControlAllowOrigin = "*";
            return Results.Bytes(ActivityJson.SerializeToUtf8Bytes(NodeInfoBuilder.Discovery(new Uri(instance.Value.PublicUrl))), "application/json; charset=utf-8");
        });
        app.MapGet("/nodeinfo/{version}", async (string version, HttpContext http, UserRepository userRows, VideoRepository videos, IOptions<InstanceOptions> instance,
            CancellationToken ct) =>
        {
            http.Response.Headers.AccessControlAllowOrigin = "*";
            version = version.EndsWith(".json", StringComparison.Ordinal) ? version[..^5] : version;
            var users = await userRows.CountAsync(ct);
            var localVideos = await videos.CountLocalPublishedAsync(ct);
            var softwareVersion = typeof(ActivityPubEndpoints).Assembly.GetName().Version?.ToString(3) ?? "0.1.0";
            var document = NodeInfoBuilder.Build(version, softwareVersion, instance.Value.Name, instance.Value.Description, instance.Value.SignupEnabled,
                new NodeStatistics(users, users, users, localVideos, 0));
            return document is null
                ? NotFound()
                : Results.Bytes(ActivityJson.SerializeToUtf8Bytes(document), NodeInfoBuilder.ContentType(version));
        });
        app.MapGet("/.well-known/host-meta", (IOptions<InstanceOptions> instance) =>
            Results.Text(WebFingerBuilder.HostMeta(new Uri(instance.Value.PublicUrl)), "application/xrd+xml; charset=utf-8"));
    }

    /// <summary>ActivityPub clients ask for activity+json or ld+json (Mastodon adds a profile); PeerTube also answers application/json.</summary>
    public static bool WantsActivityJson(HttpRequest request)
    {
        foreach (var value in request.Headers.Accept)
        {
            if (value is not null && (value.Contains("application/activity+json", StringComparison.OrdinalIgnoreCase)
                || value.Contains("application/ld+json", StringComparison.OrdinalIgnoreCase)
                || value.Contains("application/json", StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }
        return false;
    }

    private static Task<ActorRow?> FindAccountAsync(ActorRepository actors, string name, CancellationToken ct) =>
        name == LocalUrls.ServerActorName
            ? actors.FindLocalAsync(ActorTypes.Application, name, ct)
            : actors.FindLocalAsync(ActorTypes.Person, name, ct);

    private static async Task<IResult> ActorAsync(HttpContext http, Func<Task<ActorRow?>> find, ActorRepository actors, InstanceOptions instance, CancellationToken ct)
    {
        if (!WantsActivityJson(http.Request))
        {
            return NotActivityJson();
        }
        var actor = await find();
        if (actor is null)
        {
            return NotFound();
        }
        var baseUri = new Uri(instance.PublicUrl);
        var path = new Uri(actor.Url).AbsolutePath;
        var document = ActorDocument.Create(actor.Type, baseUri, path, actor.Name, actor.DisplayName, actor.PublicKeyPem!) with
        {
            Published = DateTimeOffset.FromUnixTimeMilliseconds(actor.CreatedAt),
            Summary = actor.Description,
            Support = actor.Support,
        };
        if (actor.Type == ActorTypes.Group && actor.AccountId is { } accountId && await actors.FindByIdAsync(accountId, ct) is { } owner)
        {
            document = document with { AttributedTo = [new ActorReference(ActorTypes.Person, owner.Url)] };
        }
        return Json(document);
    }

    /// <summary>
    /// The server actor announces every public local video, an account creates its own, a channel announces its own
    /// (PeerTube's outbox); newest first, paged as <c>?page=N</c> (and <c>size</c> up to 50).
    /// </summary>
    private static async Task<IResult> OutboxAsync(ActorRow actor, int? page, int? size, VideoRepository videos, FederationOptions options, CancellationToken ct)
    {
        var id = actor.Url + "/outbox";
        var pageSize = Math.Clamp(size ?? options.CollectionPageSize, 1, MaxPageSize);
        var query = new VideoQuery { IsLocal = true, Start = ((page ?? 1) - 1) * pageSize, Count = page is null ? 0 : pageSize, Sort = "-publishedAt" };
        query = actor.Type switch
        {
            ActorTypes.Group => query with { ChannelId = actor.Id },
            ActorTypes.Person => query with { AccountId = actor.Id },
            _ => query,
        };
        var (total, list) = await videos.ListAsync(query, ct);
        if (page is null or < 1)
        {
            return Json(total == 0 ? new OrderedCollection { Id = id, TotalItems = 0 } : OrderedCollection.Paged(id, total));
        }
        string[] to = [ActivityJson.PublicAddress];
        var items = list.Select(v => (object)(actor.Type == ActorTypes.Person
            ? Activity.Create(LocalVideoObjects.CreateId(v.Video.Url), actor.Url, v.Video.Url, to, [actor.Url + "/followers"]) with { Context = null }
            : Activity.Announce(LocalVideoObjects.AnnounceId(v.Video.Url, actor.Id), actor.Url, v.Video.Url, to, [actor.Url + "/followers"]) with { Context = null }))
            .ToArray();
        var collectionId = size is null ? id : id + "?size=" + pageSize.ToString(CultureInfo.InvariantCulture);
        return Json(OrderedCollectionPage.Create(collectionId, page.Value, pageSize, total, items));
    }

    private static async Task<IResult> VideoAsync(string uuid, HttpContext http, VideoRepository videos, LocalVideoObjects objects, CancellationToken ct)
    {
        if (!WantsActivityJson(http.Request))
        {
            return NotActivityJson();
        }
        var item = await videos.FindAsync(uuid, ct);
        // A live is there while it waits for its publisher and once it has ended too: followers fetch it on each Update
        // (on and off air), and a 404 would leave them with the previous state.
        var served = item is not null && (item.Video.State == VideoState.Published
            || item.Video.IsLive && item.Video.State is VideoState.WaitingForLive or VideoState.LiveEnded);
        if (item is null || item.Video.Privacy is not (VideoPrivacy.Public or VideoPrivacy.Unlisted) || !served)
        {
            return NotFound();
        }
        if (!item.Video.IsLocal)
        {
            return Results.Redirect(item.Video.Url);
        }
        // Never a partial object: until every listed file has its torrent, the video is not there for federation yet.
        return await objects.BuildAsync(item, ct) is { } video ? Json(video) : NotFound();
    }

    /// <summary>The inbox's outcome as HTTP: 202, or a problem detail with the refusal's status and reason.</summary>
    private static IResult Answer(InboxOutcome outcome, HttpRequest request)
    {
        if (outcome.Status == StatusCodes.Status429TooManyRequests)
        {
            // The inbox limits count per minute.
            request.HttpContext.Response.Headers.RetryAfter = "60";
        }
        return outcome.Problem is null ? Results.Accepted() : Problems.Status(outcome.Status, outcome.Problem);
    }

    public static IResult Json<T>(T document) => Results.Bytes(ActivityJson.SerializeToUtf8Bytes(document), ResponseContentType);

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFound() => Problems.NotFound("Not found.");

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotActivityJson() =>
        Problems.Status(StatusCodes.Status406NotAcceptable, $"This URL serves ActivityPub JSON: ask for {HeaderNames.Accept}: application/activity+json.");
}
