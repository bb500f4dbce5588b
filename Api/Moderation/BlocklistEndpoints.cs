using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using VideoPlatform.Api.Auth;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Api.Videos;
using VideoPlatform.Core.Accounts;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Api.Moderation;

public sealed record BlockAccountRequest(string? AccountName);

public sealed record BlockServerRequest(string? Host);

/// <summary>PeerTube's AccountBlock.</summary>
public sealed record AccountBlockDto(AccountDto ByAccount, AccountDto BlockedAccount, DateTimeOffset CreatedAt);

public sealed record BlockedServerDto(string Host);

/// <summary>PeerTube's ServerBlock.</summary>
public sealed record ServerBlockDto(AccountDto ByAccount, BlockedServerDto BlockedServer, DateTimeOffset CreatedAt);

/// <summary>PeerTube's list parameters of the blocklists.</summary>
public sealed record BlocklistParameters(int? Start, int? Count, string? Sort, string? Search);

/// <summary>
/// PeerTube's blocklists: the instance's (<c>/api/v1/server/blocklist/accounts|servers</c>, administrators and moderators,
/// every change audit-logged) and each user's own (<c>/api/v1/users/me/blocklist/accounts|servers</c>). Blocked accounts'
/// and servers' videos and comments leave the listings, search and threads (everyone's for the instance's, the user's
/// own for theirs); the inbox refuses the instance-blocked ones' activities.
/// </summary>
public static class BlocklistEndpoints
{
    public static IEndpointRouteBuilder MapBlocklistEndpoints(this IEndpointRouteBuilder app)
    {
        var server = app.MapGroup("/api/v1/server/blocklist").WithTags("Account Blocks").RequireAuthorization(Policies.Moderator);
        var mine = app.MapGroup("/api/v1/users/me/blocklist").WithTags("My Blocklist").RequireAuthorization();
        foreach (var (group, instanceWide) in new[] { (server, true), (mine, false) })
        {
            group.MapGet("/accounts", ([AsParameters] BlocklistParameters p, ClaimsPrincipal user, Blocklists blocklists, ActorRepository actors, ApiFormatter format,
                CancellationToken ct) => ListAccountsAsync(instanceWide, p, user, blocklists, actors, format, ct));
            group.MapPost("/accounts", async (BlockAccountRequest? body, ClaimsPrincipal user, Blocklists blocklists, ActorRepository actors, CancellationToken ct) =>
            {
                var (me, by) = await OwnersAsync(instanceWide, user, actors, ct);
                return Answer(await blocklists.BlockAccountAsync(by, me.Id, body?.AccountName, user.Identity!.Name!, ct));
            });
            group.MapDelete("/accounts/{accountName}", async (string accountName, ClaimsPrincipal user, Blocklists blocklists, ActorRepository actors,
                CancellationToken ct) =>
            {
                var (_, by) = await OwnersAsync(instanceWide, user, actors, ct);
                return Answer(await blocklists.UnblockAccountAsync(by, accountName, user.Identity!.Name!, ct));
            });
            group.MapGet("/servers", ([AsParameters] BlocklistParameters p, ClaimsPrincipal user, Blocklists blocklists, ActorRepository actors, ApiFormatter format,
                CancellationToken ct) => ListServersAsync(instanceWide, p, user, blocklists, actors, format, ct));
            group.MapPost("/servers", async (BlockServerRequest? body, ClaimsPrincipal user, Blocklists blocklists, ActorRepository actors, CancellationToken ct) =>
            {
                var (_, by) = await OwnersAsync(instanceWide, user, actors, ct);
                return Answer(await blocklists.BlockServerAsync(by, body?.Host, user.Identity!.Name!, ct));
            });
            group.MapDelete("/servers/{host}", async (string host, ClaimsPrincipal user, Blocklists blocklists, ActorRepository actors, CancellationToken ct) =>
            {
                var (_, by) = await OwnersAsync(instanceWide, user, actors, ct);
                return Answer(await blocklists.UnblockServerAsync(by, host, user.Identity!.Name!, ct));
            });
        }
        return app;
    }

    /// <summary>The signed-in user's account, and whose blocklist this is: null for the instance's, else theirs.</summary>
    private static async Task<(ActorRow Me, long? By)> OwnersAsync(bool instanceWide, ClaimsPrincipal user, ActorRepository actors, CancellationToken ct)
    {
        var me = await actors.FindAccountOfUserAsync(user.UserId()!.Value, ct)
            ?? throw new InvalidOperationException($"The user {user.Identity?.Name} has no account.");
        return (me, instanceWide ? null : me.Id);
    }

    /// <summary>PeerTube's answers: 204 when done (a block already there included), its validators' statuses otherwise.</summary>
    private static Results<NoContent, ProblemHttpResult> Answer(BlockRefusal? refusal) => refusal switch
    {
        null or BlockRefusal.AlreadyBlocked => TypedResults.NoContent(),
        BlockRefusal.Malformed => Problems.BadRequest("accountName must be an account handle (name or name@host), host a host name."),
        BlockRefusal.UnknownAccount => Problems.NotFound("Account not found."),
        BlockRefusal.Self => Problems.Conflict("You cannot block yourself."),
        BlockRefusal.OwnServer => Problems.Conflict("You cannot block your own server."),
        _ => Problems.NotFound("Block entry not found."),
    };

    /// <summary>start/count as every list; sort <c>createdAt</c> or <c>-createdAt</c> (PeerTube's only blocklist sort, newest first by default).</summary>
    private static (bool NewestFirst, ProblemHttpResult? Error) Validate(BlocklistParameters p)
    {
        if (Paging.Validate(p.Start, p.Count) is { } error)
        {
            return (false, Problems.BadRequest(error));
        }
        return p.Sort switch
        {
            null or "-createdAt" => (true, null),
            "createdAt" => (false, null),
            _ => (false, Problems.BadRequest($"sort '{p.Sort}' is not supported: createdAt or -createdAt.")),
        };
    }

    private static async Task<Results<Ok<ListResult<AccountBlockDto>>, ProblemHttpResult>> ListAccountsAsync(bool instanceWide, BlocklistParameters p,
        ClaimsPrincipal user, Blocklists blocklists, ActorRepository actors, ApiFormatter format, CancellationToken ct)
    {
        var (newestFirst, error) = Validate(p);
        if (error is not null)
        {
            return error;
        }
        var (me, by) = await OwnersAsync(instanceWide, user, actors, ct);
        var owner = instanceWide ? await ServerActorAsync(actors, ct) : me;
        var (total, items) = await blocklists.ListAccountsAsync(by, p.Search, newestFirst, p.Start ?? 0, p.Count ?? 15, ct);
        return TypedResults.Ok(new ListResult<AccountBlockDto>(total, items.Select(i =>
            new AccountBlockDto(format.Account(owner), format.Account(i.Account), ApiFormatter.Time(i.Block.CreatedAt))).ToList()));
    }

    private static async Task<Results<Ok<ListResult<ServerBlockDto>>, ProblemHttpResult>> ListServersAsync(bool instanceWide, BlocklistParameters p,
        ClaimsPrincipal user, Blocklists blocklists, ActorRepository actors, ApiFormatter format, CancellationToken ct)
    {
        var (newestFirst, error) = Validate(p);
        if (error is not null)
        {
            return error;
        }
        var (me, by) = await OwnersAsync(instanceWide, user, actors, ct);
        var owner = format.Account(instanceWide ? await ServerActorAsync(actors, ct) : me);
        var (total, items) = await blocklists.ListServersAsync(by, p.Search, newestFirst, p.Start ?? 0, p.Count ?? 15, ct);
        return TypedResults.Ok(new ListResult<ServerBlockDto>(total, items.Select(i =>
            new ServerBlockDto(owner, new BlockedServerDto(i.Host), ApiFormatter.Time(i.CreatedAt))).ToList()));
    }

    /// <summary>The instance's own account in PeerTube's answers (its server actor, <c>peertube</c>).</summary>
    private static async Task<ActorRow> ServerActorAsync(ActorRepository actors, CancellationToken ct) =>
        await actors.FindLocalAsync(ActorTypes.Application, LocalUrls.ServerActorName, ct)
        ?? throw new InvalidOperationException("The server actor does not exist.");
}
