using Microsoft.Extensions.Logging;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Core.Accounts;

public sealed class AdminOptions
{
    public const string Section = "Admin";
    public string Username { get; set; } = "root";
    public string? Password { get; set; }
    public string? Email { get; set; }
}

/// <summary>Users with their account (Person) and default channel (Group), created together; the server actor.</summary>
public sealed partial class AccountService(
    Database database,
    UserRepository users,
    ActorRepository actors,
    IOptions<InstanceOptions> instance,
    TimeProvider clock,
    ILogger<AccountService> logger)
{
    private static readonly PasswordHasher<UserRow> Hasher = new();

    [GeneratedRegex("^[a-z0-9._]{1,50}$")]
    private static partial Regex UsernamePattern();

    [GeneratedRegex("^[a-zA-Z0-9\\-_.:]{1,50}$")]
    private static partial Regex ChannelNamePattern();

    public static string? ValidateUsername(string? username) =>
        username is not null && UsernamePattern().IsMatch(username) && username != LocalUrls.ServerActorName
            ? null
            : "Username must be 1 to 50 lowercase letters, digits, '.' or '_'.";

    public static string? ValidateChannelName(string? name) =>
        name is not null && ChannelNamePattern().IsMatch(name) ? null : "Channel name must be 1 to 50 letters, digits, '-', '_', '.' or ':'.";

    /// <summary>The password rule for every new or changed password: 8 to 255 characters, and not the username.</summary>
    public static string? ValidatePassword(string? password, string? username) =>
        password is not { Length: >= 8 and <= 255 } ? "Password must be 8 to 255 characters long."
        : username is not null && string.Equals(password.Trim(), username.Trim(), StringComparison.OrdinalIgnoreCase) ? "Password must not be the username."
        : null;

    public static bool VerifyPassword(UserRow user, string password) =>
        Hasher.VerifyHashedPassword(user, user.PasswordHash, password) != PasswordVerificationResult.Failed;

    public Task<UserRow> CreateUserAsync(string username, string email, string password, UserRole role, long videoQuota,
        long videoQuotaDaily, string? channelName = null, string? channelDisplayName = null, CancellationToken ct = default) =>
        CreateUserAsync(new UserRow
        {
            Username = username,
            Email = email,
            PasswordHash = "",
            Role = role,
            VideoQuota = videoQuota,
            VideoQuotaDaily = videoQuotaDaily,
        }, password, [], channelName, channelDisplayName, ct);

    /// <summary>
    /// A user from the academy's directory (OpenID Connect): its identity, academy role and groups set in the same
    /// transaction as its account and channel; the password is random and never told, so only the provider signs it in.
    /// </summary>
    public Task<UserRow> CreateDirectoryUserAsync(UserRow user, IReadOnlyCollection<string> groups, CancellationToken ct = default) =>
        CreateUserAsync(user, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), groups, null, null, ct);

    private async Task<UserRow> CreateUserAsync(UserRow user, string password, IReadOnlyCollection<string> groups, string? channelName,
        string? channelDisplayName, CancellationToken ct)
    {
        user = user with { CreatedAt = clock.GetUtcNow().ToUnixTimeMilliseconds() };
        user = user with { PasswordHash = Hasher.HashPassword(user, password) };
        var id = await database.WriteAsync((c, t) => InsertUserAsync(c, t, user, groups, channelName, channelDisplayName), ct);
        return user with { Id = id };
    }

    /// <summary>
    /// Inserts a user (its password already hashed), its groups, account and default channel inside the caller's
    /// transaction: what every creation does, and what an import does for many users in one transaction.
    /// </summary>
    public async Task<long> InsertUserAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction t, UserRow user,
        IReadOnlyCollection<string> groups, string? channelName = null, string? channelDisplayName = null)
    {
        var baseUrl = instance.Value.PublicUrl;
        channelName ??= user.Username + "_channel";
        user = user with { CreatedAt = user.CreatedAt == 0 ? clock.GetUtcNow().ToUnixTimeMilliseconds() : user.CreatedAt };
        var userId = await users.CreateAsync(c, t, user);
        if (groups.Count > 0)
        {
            await UserRepository.ReplaceGroupsAsync(c, t, userId, groups);
        }
        var accountId = await actors.CreateLocalAsync(c, t, baseUrl, ActorTypes.Person, user.Username, user.Username, null, userId, null);
        await actors.CreateLocalAsync(c, t, baseUrl, ActorTypes.Group, channelName, channelDisplayName ?? $"Main {user.Username} channel", null, null, accountId);
        return userId;
    }

    /// <summary>A hash of a random password nobody knows: accounts that only the directory (or a later password reset) signs in.</summary>
    public static string UnusablePasswordHash(UserRow user) => Hasher.HashPassword(user, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

    public static string HashPassword(UserRow user, string password) => Hasher.HashPassword(user, password);

    public async Task<ActorRow> CreateChannelAsync(long accountId, string name, string displayName, string? description, string? support, CancellationToken ct)
    {
        var id = await database.WriteAsync((c, t) =>
            actors.CreateLocalAsync(c, t, instance.Value.PublicUrl, ActorTypes.Group, name, displayName, description, null, accountId), ct);
        if (support is not null)
        {
            await actors.UpdateAsync(id, displayName, description, support, ct);
        }
        return (await actors.FindByIdAsync(id, ct))!;
    }

    /// <summary>At start: the server actor and the first administrator (password generated and printed once when not configured).</summary>
    public async Task BootstrapAsync(AdminOptions admin, CancellationToken ct)
    {
        if (await actors.FindLocalAsync(ActorTypes.Application, LocalUrls.ServerActorName, ct) is null)
        {
            await database.WriteAsync((c, t) => actors.CreateLocalAsync(c, t, instance.Value.PublicUrl, ActorTypes.Application,
                LocalUrls.ServerActorName, LocalUrls.ServerActorName, null, null, null), ct);
        }
        if (await users.CountAsync(ct) > 0)
        {
            return;
        }
        var password = admin.Password;
        var generated = string.IsNullOrEmpty(password);
        if (generated)
        {
            password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', 'x').Replace('/', 'y');
        }
        await CreateUserAsync(admin.Username, admin.Email ?? $"admin@{new Uri(instance.Value.PublicUrl).Host}", password!, UserRole.Administrator, -1, -1, ct: ct);
        if (generated)
        {
            // Printed once, as PeerTube does: the operator needs it to log in the first time.
            LogAdminCreated(logger, admin.Username, password!);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Administrator '{Username}' created with generated password: {Password}")]
    private static partial void LogAdminCreated(ILogger logger, string username, string password);
}
