using VideoPlatform.Api.Auth;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Api.Videos;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Federation.Actors;
using VideoPlatform.Federation.Follows;
using VideoPlatform.Federation.Safety;

namespace VideoPlatform.Api.Federation;

public sealed record FollowHostsRequest(IReadOnlyList<string>? Hosts, IReadOnlyList<string>? Handles);

public sealed record FollowActorDto(long Id, string Name, string Host, string Url, string DisplayName, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// PeerTube's <c>ActorFollow</c>; <c>score</c> falls by 10 per consecutive failed delivery to the remote server (PeerTube's
/// penalty, from its base of 1000). Ours in addition: the remote server's delivery health (<see cref="ServerHealthDto"/>).
/// </summary>
public sealed record ActorFollowDto(long Id, FollowActorDto Follower, FollowActorDto Following, string State, int Score, DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt, ServerHealthDto Server);

/// <summary>
/// The remote server's delivery health: consecutive failed deliveries, and once it is marked unreachable since when, and
/// when the next delivery will probe it (deliveries wait until then, none is dropped).
/// </summary>
public sealed record ServerHealthDto(string Host, bool Unreachable, int FailedDeliveries, DateTimeOffset? FailingSince, DateTimeOffset? UnreachableSince,
    DateTimeOffset? NextProbeAt);

/// <summary>Instance follows (PeerTube's admin API): <c>/api/v1/server/following</c> and <c>/followers</c> (the block lists are in Api/Moderation/BlocklistEndpoints).</summary>
public static class FollowEndpoints
{
    public static IEndpointRouteBuilder MapFollowEndpoints(this IEndpointRouteBuilder app)
    {
        var server = app.MapGroup("/api/v1/server").WithTags("Instance Follows");
        server.MapGet("/following", (int? start, int? count, string? state, FollowService follows, ServerRepository servers, CancellationToken ct) =>
            ListAsync(asFollower: true, start, count, state, follows, servers, ct));
        server.MapGet("/followers", (int? start, int? count, string? state, FollowService follows, ServerRepository servers, CancellationToken ct) =>
            ListAsync(asFollower: false, start, count, state, follows, servers, ct));

        server.MapPost("/following", async (FollowHostsRequest request, FollowService follows, CancellationToken ct) =>
        {
            if ((request.Hosts?.Any(h => h is null) ?? false) || (request.Handles?.Any(h => h is null) ?? false))
            {
                return Problems.BadRequest("hosts and handles must be strings, not null.");
            }
            var hosts = (request.Hosts ?? []).Concat((request.Handles ?? []).Select(h => h[(h.LastIndexOf('@') + 1)..])).ToArray();
            if (hosts.Length == 0)
            {
                return Problems.BadRequest("hosts must name at least one instance.");
            }
            foreach (var host in hosts)
            {
                try
                {
                    await follows.FollowHostAsync(host, ct);
                }
                catch (Exception e) when (e is InvalidActivityException or ActivityPubFetchException)
                {
                    return Problems.BadRequest($"Cannot follow {host}: {e.Message}");
                }
            }
            return Results.NoContent();
        }).RequireAuthorization(Policies.Admin);

        server.MapDelete("/following/{hostOrHandle}", async (string hostOrHandle, FollowService follows, CancellationToken ct) =>
            await follows.UnfollowHostAsync(hostOrHandle, ct) ? Results.NoContent() : Problems.NotFound($"{hostOrHandle} is not followed."))
            .RequireAuthorization(Policies.Admin);

        foreach (var accept in new[] { true, false })
        {
            server.MapPost("/followers/{handle}/" + (accept ? "accept" : "reject"), async (string handle, FollowService follows, CancellationToken ct) =>
                await follows.AnswerFollowerAsync(handle, accept, ct) ? Results.NoContent() : Problems.NotFound($"{handle} does not follow this instance."))
                .RequireAuthorization(Policies.Admin);
        }

        return app;
    }

    private static async Task<IResult> ListAsync(bool asFollower, int? start, int? count, string? state, FollowService follows, ServerRepository servers,
        CancellationToken ct)
    {
        if (Paging.Validate(start, count) is { } error)
        {
            return Problems.BadRequest(error);
        }
        var (me, total, list) = await follows.ListServerFollowsAsync(asFollower, state, start ?? 0, count ?? 15, ct);
        var known = (await servers.FindManyAsync(list.Select(f => Remote(f, asFollower).Host).OfType<string>().Distinct().ToArray(), ct))
            .ToDictionary(s => s.Host, StringComparer.OrdinalIgnoreCase);
        return Results.Ok(new ListResult<ActorFollowDto>(total, list.Select(f =>
        {
            var host = Remote(f, asFollower).Host ?? "";
            var server = known.GetValueOrDefault(host);
            return new ActorFollowDto(
                f.Follow.Id, Actor(f.Follower, me), Actor(f.Following, me), f.Follow.State, Score(server?.FailureCount ?? 0),
                ApiFormatter.Time(f.Follow.CreatedAt), ApiFormatter.Time(f.Follow.UpdatedAt), Health(host, server));
        }).ToList()));
    }

    /// <summary>PeerTube's follow score: 1000, less 10 per consecutive failed delivery to the remote server.</summary>
    internal static int Score(int failedDeliveries) => Math.Max(0, 1000 - 10 * failedDeliveries);

    /// <summary>The other side of one of our server actor's follows.</summary>
    private static ActorRow Remote(FollowWithActors follow, bool asFollower) => asFollower ? follow.Following : follow.Follower;

    private static ServerHealthDto Health(string host, ServerRow? server) => new(
        host,
        server?.UnreachableSince is not null,
        server?.FailureCount ?? 0,
        server?.FailingSince is { } failing ? ApiFormatter.Time(failing) : null,
        server?.UnreachableSince is { } since ? ApiFormatter.Time(since) : null,
        server?.ProbeAt is { } probe && server.UnreachableSince is not null ? ApiFormatter.Time(probe) : null);

    /// <summary>One side of a follow; local actors take the host of <paramref name="me"/> (a local actor).</summary>
    internal static FollowActorDto Actor(ActorRow a, ActorRow me) =>
        new(a.Id, a.Name, a.Host ?? new Uri(me.Url).Authority, a.Url, a.DisplayName, ApiFormatter.Time(a.CreatedAt), ApiFormatter.Time(a.UpdatedAt));
}
