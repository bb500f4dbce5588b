using VideoPlatform.Core.Accounts;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using VideoPlatform.Api.Accounts;
using VideoPlatform.Api.Auth;
using VideoPlatform.Api.Videos;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Api.Accounts;

public sealed record CreateChannelRequest(string? Name, string? DisplayName, string? Description, string? Support);

public sealed record IdOnly(long Id);

public sealed record CreatedChannel(IdOnly VideoChannel);

/// <summary>Channels and accounts: <c>/api/v1/video-channels</c> and <c>/api/v1/accounts</c>, by PeerTube handle.</summary>
public static class ChannelEndpoints
{
    public static IEndpointRouteBuilder MapChannelEndpoints(this IEndpointRouteBuilder app)
    {
        var channels = app.MapGroup("/api/v1/video-channels").WithTags("Video Channels");
        channels.MapPost("/", CreateAsync).RequireAuthorization();
        channels.MapGet("/{handle}", async Task<Results<Ok<ChannelDto>, ProblemHttpResult>> (string handle, ActorRepository actors, ApiFormatter format, IOptions<InstanceOptions> instance, CancellationToken ct) =>
        {
            var channel = await actors.FindByHandleAsync(ActorTypes.Group, handle, instance.Value.Host, ct);
            if (channel?.AccountId is null)
            {
                return Problems.NotFound("Video channel not found.");
            }
            var owner = await actors.FindByIdAsync(channel.AccountId.Value, ct);
            return TypedResults.Ok(format.Channel(channel, owner!));
        });
        channels.MapGet("/{handle}/videos", async (string handle, [AsParameters] VideoListParameters query, ClaimsPrincipal user, ActorRepository actors,
            VideoRepository videos, ApiFormatter format, IOptions<InstanceOptions> instance, CancellationToken ct) =>
        {
            var channel = await actors.FindByHandleAsync(ActorTypes.Group, handle, instance.Value.Host, ct);
            return channel is null
                ? Problems.NotFound("Video channel not found.")
                : await VideoEndpoints.ListAsync(query, user, videos, format, q => q with { ChannelId = channel.Id }, ct);
        }).CacheOutput(PublicListingCache.Policy);

        var accounts = app.MapGroup("/api/v1/accounts").WithTags("Accounts");
        accounts.MapGet("/{name}", async Task<Results<Ok<AccountDto>, ProblemHttpResult>> (string name, ActorRepository actors, ApiFormatter format, IOptions<InstanceOptions> instance, CancellationToken ct) =>
        {
            var account = await actors.FindByHandleAsync(ActorTypes.Person, name, instance.Value.Host, ct);
            return account is null ? Problems.NotFound("Account not found.") : TypedResults.Ok(format.Account(account));
        });
        accounts.MapGet("/{name}/video-channels", async Task<Results<Ok<ListResult<ChannelDto>>, ProblemHttpResult>> (string name, ActorRepository actors, ApiFormatter format, IOptions<InstanceOptions> instance, CancellationToken ct) =>
        {
            var account = await actors.FindByHandleAsync(ActorTypes.Person, name, instance.Value.Host, ct);
            if (account is null)
            {
                return Problems.NotFound("Account not found.");
            }
            var list = await actors.ChannelsOfAccountAsync(account.Id, ct);
            return TypedResults.Ok(new ListResult<ChannelDto>(list.Count, list.Select(c => format.Channel(c, account)).ToList()));
        });
        accounts.MapGet("/{name}/videos", async (string name, [AsParameters] VideoListParameters query, ClaimsPrincipal user, ActorRepository actors,
            VideoRepository videos, ApiFormatter format, IOptions<InstanceOptions> instance, CancellationToken ct) =>
        {
            var account = await actors.FindByHandleAsync(ActorTypes.Person, name, instance.Value.Host, ct);
            return account is null
                ? Problems.NotFound("Account not found.")
                : await VideoEndpoints.ListAsync(query, user, videos, format, q => q with { AccountId = account.Id }, ct);
        }).CacheOutput(PublicListingCache.Policy);
        return app;
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
