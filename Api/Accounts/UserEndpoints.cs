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

public sealed record CreateUserRequest(string? Username, string? Password, string? Email, int? Role, long? VideoQuota, long? VideoQuotaDaily, string? ChannelName);

public sealed record RegisterChannel(string? Name, string? DisplayName);

public sealed record RegisterRequest(string? Username, string? Password, string? Email, string? DisplayName, RegisterChannel? Channel);

public sealed record UpdateUserRequest(int? Role, long? VideoQuota, long? VideoQuotaDaily);

public sealed record QuotaUsed(long VideoQuotaUsed, long VideoQuotaUsedDaily);

public sealed record CreatedUserIds(long Id, IdOnly Account);

public sealed record CreatedUser(CreatedUserIds User);

public static class UserEndpoints
{
    public static IEndpointRouteBuilder MapUserEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/users").WithTags("Users");
        api.MapGet("/me", MeAsync).RequireAuthorization();
        api.MapGet("/me/video-quota-used", async (ClaimsPrincipal principal, UserRepository users, TimeProvider clock, CancellationToken ct) =>
        {
            var userId = principal.UserId()!.Value;
            var dayAgo = (clock.GetUtcNow() - TimeSpan.FromDays(1)).ToUnixTimeMilliseconds();
            return TypedResults.Ok(new QuotaUsed(await users.VideoQuotaUsedAsync(userId, 0, ct), await users.VideoQuotaUsedAsync(userId, dayAgo, ct)));
        }).RequireAuthorization();
        api.MapGet("/me/videos", async Task<Results<Ok<ListResult<VideoDto>>, ProblemHttpResult>> (ClaimsPrincipal principal, int? start, int? count, VideoRepository videos, ApiFormatter format, CancellationToken ct) =>
        {
            if (Paging.Validate(start, count) is { } error)
            {
                return Problems.BadRequest(error);
            }
            var userId = principal.UserId()!.Value;
            var rows = await videos.ListOfUserAsync(userId, start ?? 0, count ?? 15, ct);
            return TypedResults.Ok(new ListResult<VideoDto>(await videos.CountOfUserAsync(userId, ct), rows.Select(format.Video).ToList()));
        }).RequireAuthorization();
        api.MapPost("/", CreateAsync).RequireAuthorization(Policies.Admin);
        api.MapGet("/", async Task<Results<Ok<ListResult<UserDto>>, ProblemHttpResult>> (int? start, int? count, UserRepository users, ActorRepository actors, ApiFormatter format, CancellationToken ct) =>
        {
            if (Paging.Validate(start, count) is { } error)
            {
                return Problems.BadRequest(error);
            }
            var list = await users.ListAsync(start ?? 0, count ?? 15, ct);
            var data = new List<UserDto>();
            foreach (var user in list)
            {
                var account = await actors.FindAccountOfUserAsync(user.Id, ct);
                data.Add(format.User(user, account!, await actors.ChannelsOfAccountAsync(account!.Id, ct), await users.VideoQuotaUsedAsync(user.Id, 0, ct)));
            }
            return TypedResults.Ok(new ListResult<UserDto>(await users.CountAsync(ct), data));
        }).RequireAuthorization(Policies.Admin);
        api.MapPut("/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (long id, UpdateUserRequest body, UserRepository users, CancellationToken ct) =>
        {
            var user = await users.FindByIdAsync(id, ct);
            if (user is null)
            {
                return Problems.NotFound("User not found.");
            }
            if (body.Role is { } role && !Enum.IsDefined((UserRole)role))
            {
                return Problems.BadRequest("role must be 0 (administrator), 1 (moderator) or 2 (user).");
            }
            if (body.VideoQuota is < -1 || body.VideoQuotaDaily is < -1)
            {
                return Problems.BadRequest("videoQuota and videoQuotaDaily must be -1 (unlimited) or a number of bytes.");
            }
            await users.UpdateQuotaAsync(id, body.VideoQuota ?? user.VideoQuota, body.VideoQuotaDaily ?? user.VideoQuotaDaily, ct);
            if (body.Role is { } newRole)
            {
                await users.UpdateRoleAsync(id, (UserRole)newRole, ct);
            }
            return TypedResults.NoContent();
        }).RequireAuthorization(Policies.Admin);
        // PeerTube's user removal and blocking, through the same administration as the admin pages (audit log, cascade).
        api.MapDelete("/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (long id, ClaimsPrincipal principal, UserRepository users,
            VideoPlatform.Core.Accounts.UserAdministration admin, CancellationToken ct) =>
        {
            if (await users.FindByIdAsync(id, ct) is null)
            {
                return Problems.NotFound("User not found.");
            }
            return await admin.DeleteAsync(principal.Identity!.Name!, id, ct) ? TypedResults.NoContent() : Problems.Forbidden("An administrator cannot remove himself.");
        }).RequireAuthorization(Policies.Admin);
        api.MapPost("/{id:long}/block", (long id, ClaimsPrincipal principal, VideoPlatform.Core.Accounts.UserAdministration admin, CancellationToken ct) =>
            SetBlockedAsync(id, true, principal, admin, ct)).RequireAuthorization(Policies.Admin);
        api.MapPost("/{id:long}/unblock", (long id, ClaimsPrincipal principal, VideoPlatform.Core.Accounts.UserAdministration admin, CancellationToken ct) =>
            SetBlockedAsync(id, false, principal, admin, ct)).RequireAuthorization(Policies.Admin);
        api.MapPost("/register", RegisterAsync).RequireRateLimiting(RateLimits.Signup);
        return app;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> SetBlockedAsync(long id, bool blocked, ClaimsPrincipal principal,
        VideoPlatform.Core.Accounts.UserAdministration admin, CancellationToken ct)
    {
        if (principal.UserId() == id)
        {
            return Problems.Forbidden("An administrator cannot block himself.");
        }
        return await admin.SetBlockedAsync(principal.Identity!.Name!, id, blocked, ct) ? TypedResults.NoContent() : Problems.NotFound("User not found.");
    }

    private static async Task<Ok<UserDto>> MeAsync(ClaimsPrincipal principal, UserRepository users, ActorRepository actors, ApiFormatter format, TimeProvider clock, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(principal.UserId()!.Value, ct);
        var account = await actors.FindAccountOfUserAsync(user!.Id, ct);
        var dayAgo = (clock.GetUtcNow() - TimeSpan.FromDays(1)).ToUnixTimeMilliseconds();
        return TypedResults.Ok(format.User(user, account!, await actors.ChannelsOfAccountAsync(account!.Id, ct),
            await users.VideoQuotaUsedAsync(user.Id, 0, ct), await users.VideoQuotaUsedAsync(user.Id, dayAgo, ct)));
    }

    private static async Task<Results<Ok<CreatedUser>, ProblemHttpResult>> CreateAsync(CreateUserRequest body, AccountService accounts, UserRepository users, ActorRepository actors,
        VideoPlatform.Core.Settings.InstanceSettings settings, CancellationToken ct)
    {
        var current = await settings.CurrentAsync(ct);
        var role = (UserRole)(body.Role ?? (int)UserRole.User);
        var error = AccountService.ValidateUsername(body.Username) ?? AccountService.ValidatePassword(body.Password, body.Username) ?? ValidateEmail(body.Email)
            ?? (Enum.IsDefined(role) ? null : "role must be 0 (administrator), 1 (moderator) or 2 (user).")
            ?? (body.ChannelName is null ? null : AccountService.ValidateChannelName(body.ChannelName));
        if (error is not null)
        {
            return Problems.BadRequest(error);
        }
        var channelName = body.ChannelName ?? body.Username + "_channel";
        if (await users.ExistsAsync(body.Username!, body.Email!, ct) || await actors.LocalNameTakenAsync(ActorTypes.Person, body.Username!, ct))
        {
            return Problems.Conflict("User with this username or email already exists.");
        }
        if (await actors.LocalNameTakenAsync(ActorTypes.Group, channelName, ct))
        {
            return Problems.Conflict("Another actor (account/channel) with this name on this instance already exists or has already existed.");
        }
        var user = await accounts.CreateUserAsync(body.Username!, body.Email!, body.Password!, role,
            body.VideoQuota ?? current.DefaultVideoQuota, body.VideoQuotaDaily ?? current.DefaultVideoQuotaDaily, channelName, ct: ct);
        var account = await actors.FindAccountOfUserAsync(user.Id, ct);
        return TypedResults.Ok(new CreatedUser(new CreatedUserIds(user.Id, new IdOnly(account!.Id))));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RegisterAsync(RegisterRequest body, AccountService accounts, UserRepository users, ActorRepository actors,
        VideoPlatform.Core.Settings.InstanceSettings settings, CancellationToken ct)
    {
        var current = await settings.CurrentAsync(ct);
        if (!current.SignupEnabled)
        {
            return Problems.Forbidden("User registration is not enabled.");
        }
        var channelName = body.Channel?.Name ?? body.Username + "_channel";
        var error = AccountService.ValidateUsername(body.Username) ?? AccountService.ValidatePassword(body.Password, body.Username) ?? ValidateEmail(body.Email)
            ?? AccountService.ValidateChannelName(channelName);
        if (error is not null)
        {
            return Problems.BadRequest(error);
        }
        if (body.Channel?.Name == body.Username)
        {
            return Problems.BadRequest("Channel name cannot be the same as user username.");
        }
        if (await users.ExistsAsync(body.Username!, body.Email!, ct) || await actors.LocalNameTakenAsync(ActorTypes.Person, body.Username!, ct)
            || await actors.LocalNameTakenAsync(ActorTypes.Group, channelName, ct))
        {
            return Problems.Conflict("User with this username, channel name or email already exists.");
        }
        await accounts.CreateUserAsync(body.Username!, body.Email!, body.Password!, UserRole.User, current.DefaultVideoQuota,
            current.DefaultVideoQuotaDaily, channelName, body.Channel?.DisplayName, ct);
        return TypedResults.NoContent();
    }

    private static string? ValidateEmail(string? email) =>
        email is { Length: > 2 and <= 400 } && email.IndexOf('@', StringComparison.Ordinal) is > 0 and var at && at < email.Length - 1
            ? null
            : "A valid email is required.";
}
