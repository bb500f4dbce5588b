using VideoPlatform.Core.Accounts;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using VideoPlatform.Api.Accounts;
using VideoPlatform.Api.Auth;
using VideoPlatform.Api.Videos;
using VideoPlatform.Api.Federation;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Api.Accounts;

public sealed record CreateChannelRequest(string? Name, string? DisplayName, string? Description, string? Support);

public sealed record IdOnly(long Id);

public sealed record CreatedChannel(IdOnly VideoChannel);

/// <summary>PeerTube's <c>Follow</c> as its channel followers list returns it.</summary>
public sealed record ChannelFollowDto(long Id, FollowActorDto Follower, FollowActorDto Following, string State, int Score, DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>Channels and accounts: <c>/api/v1/video-channels</c> and <c>/api/v1/accounts</c>, by PeerTube handle.</summary>
public static class ChannelEndpoints
{
    public static IEndpointRouteBuilder MapChannelEndpoints(this IEndpointRouteBuilder app)
    {
        var channels = app.MapGroup("/api/v1/video-channels").WithTags("Video Channels");
        channels.MapPost("/", CreateAsync).RequireAuthorization();
        channels.MapGet("/{handle}", async Task<Results<Ok<ChannelDto>, ProblemHttpResult>> (string handle, ActorRepository actors, FollowRepository follows,
            ApiFormatter format, IOptions<InstanceOptions> instance, CancellationToken ct) =>
        {
            var channel = await actors.FindByHandleAsync(ActorTypes.Group, handle, instance.Value.Host, ct);
            if (channel?.AccountId is null)
            {
                return Problems.NotFound("Video channel not found.");
            }
            var owner = await actors.FindByIdAsync(channel.AccountId.Value, ct);
            return TypedResults.Ok(format.Channel(channel, owner!, await follows.CountFollowersAsync(channel.Id, ct)));
        });
        channels.MapGet("/{handle}/followers", ListFollowersAsync).RequireAuthorization();
        channels.MapGet("/{handle}/videos", async (string handle, [AsParameters] VideoListParameters query, ClaimsPrincipal user, ActorRepository actors,
            VideoRepository videos, ApiFormatter format, IOptions<InstanceOptions> instance, CancellationToken ct) =>
        {
            var channel = await actors.FindByHandleAsync(ActorTypes.Group, handle, instance.Value.Host, ct);
            return channel is null
                ? Problems.NotFound("Video channel not found.")
                : await VideoEndpoints.ListAsync(query, user, videos, format, q => q with { ChannelId = channel.Id }, ct);
        }).CacheOutput(AudienceListingPolicy.Name);

        var accounts = app.MapGroup("/api/v1/accounts").WithTags("Accounts");
        accounts.MapGet("/{name}", async Task<Results<Ok<AccountDto>, ProblemHttpResult>> (string name, ActorRepository actors, FollowRepository follows,
            ApiFormatter format, IOptions<InstanceOptions> instance, CancellationToken ct) =>
        {
            var account = await actors.FindByHandleAsync(ActorTypes.Person, name, instance.Value.Host, ct);
            return account is null
                ? Problems.NotFound("Account not found.")
                : TypedResults.Ok(format.Account(account, await follows.CountFollowersAsync(account.Id, ct), await follows.CountFollowingAsync(account.Id, ct)));
        });
        accounts.MapGet("/{name}/video-channels", async Task<Results<Ok<ListResult<ChannelDto>>, ProblemHttpResult>> (string name, ActorRepository actors,
            FollowRepository follows, ApiFormatter format, IOptions<InstanceOptions> instance, CancellationToken ct) =>
        {
            var account = await actors.FindByHandleAsync(ActorTypes.Person, name, instance.Value.Host, ct);
            if (account is null)
            {
                return Problems.NotFound("Account not found.");
            }
            var list = await actors.ChannelsOfAccountAsync(account.Id, ct);
            var channels = new List<ChannelDto>(list.Count);
            foreach (var c in list)
            {
                channels.Add(format.Channel(c, account, await follows.CountFollowersAsync(c.Id, ct)));
            }
            return TypedResults.Ok(new ListResult<ChannelDto>(channels.Count, channels));
        });
        accounts.MapGet("/{name}/videos", async (string name, [AsParameters] VideoListParameters query, ClaimsPrincipal user, ActorRepository actors,
            VideoRepository videos, ApiFormatter format, IOptions<InstanceOptions> instance, CancellationToken ct) =>
        {
            var account = await actors.FindByHandleAsync(ActorTypes.Person, name, instance.Value.Host, ct);
            return account is null
                ? Problems.NotFound("Account not found.")
                : await VideoEndpoints.ListAsync(query, user, videos, format, q => q with { AccountId = account.Id }, ct);
        }).CacheOutput(AudienceListingPolicy.Name);
        return app;
    }

    /// <summary>
    /// PeerTube's <c>GET /api/v1/video-channels/{handle}/followers</c>: the channel's follows, newest first, paged
    /// <c>{total, data}</c>; only its owner or an administrator may list them (403 otherwise, as PeerTube).
    /// </summary>
    private static async Task<Results<Ok<ListResult<ChannelFollowDto>>, ProblemHttpResult>> ListFollowersAsync(string handle, int? start, int? count, string? state, ClaimsPrincipal user, ActorRepository actors,
        FollowRepository follows, ServerRepository servers, IOptions<InstanceOptions> instance, CancellationToken ct)
    {
        if (Paging.Validate(start, count) is { } error)
        {
            return Problems.BadRequest(error);
        }
        if (state is not (null or FollowStates.Accepted or FollowStates.Pending))
        {
            return Problems.BadRequest("state must be 'accepted' or 'pending'.");
        }
        var channel = await actors.FindByHandleAsync(ActorTypes.Group, handle, instance.Value.Host, ct);
        if (channel is null || !channel.IsLocal)
        {
            return Problems.NotFound("Video channel not found.");
        }
        var account = await actors.FindAccountOfUserAsync(user.UserId()!.Value, ct);
        if (user.Role() != UserRole.Administrator && account?.Id != channel.AccountId)
        {
            return Problems.Forbidden("Only the owner of this channel or an administrator can list its followers.");
        }
        var (total, list) = await follows.ListAsync(channel.Id, asFollower: false, state, start ?? 0, count ?? 15, ct);
        var failures = (await servers.FindManyAsync(list.Select(f => f.Follower.Host).OfType<string>().Distinct().ToArray(), ct))
            .ToDictionary(s => s.Host, s => s.FailureCount, StringComparer.OrdinalIgnoreCase);
        return TypedResults.Ok(new ListResult<ChannelFollowDto>(total, list.Select(f => new ChannelFollowDto(
            f.Follow.Id, FollowEndpoints.Actor(f.Follower, channel), FollowEndpoints.Actor(f.Following, channel), f.Follow.State,
            FollowEndpoints.Score(f.Follower.Host is { } host ? failures.GetValueOrDefault(host) : 0),
            ApiFormatter.Time(f.Follow.CreatedAt), ApiFormatter.Time(f.Follow.UpdatedAt))).ToList()));
    }

    private static async Task<Results<Ok<CreatedChannel>, ProblemHttpResult>> CreateAsync(CreateChannelRequest body, ClaimsPrincipal user, AccountService accounts, ActorRepository actors, CancellationToken ct)
    {
        var error = AccountService.ValidateChannelName(body.Name)
            ?? (body.DisplayName is { Length: >= 1 and <= 120 } ? null : "displayName must be 1 to 120 characters long.")
            ?? (body.Description is { Length: > 1000 } ? "description must be at most 1000 characters long." : null);
        if (error is not null)
        {
            return Problems.BadRequest(error);
        }
        if (await actors.LocalNameTakenAsync(ActorTypes.Group, body.Name!, ct) || await actors.LocalNameTakenAsync(ActorTypes.Person, body.Name!, ct))
        {
            return Problems.Conflict("Cannot use this name: an account or channel with this name already exists on this instance.");
        }
        var account = await actors.FindAccountOfUserAsync(user.UserId()!.Value, ct);
        var channel = await accounts.CreateChannelAsync(account!.Id, body.Name!, body.DisplayName!, body.Description, body.Support, ct);
        return TypedResults.Ok(new CreatedChannel(new IdOnly(channel.Id)));
    }
}
