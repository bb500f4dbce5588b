using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Settings;

namespace VideoPlatform.Core.Accounts;

/// <summary>Which claim values of a directory give which role (<c>Auth:Oidc:Providers:{name}:Roles:*</c>).</summary>
public sealed class DirectoryRoleMap
{
    public IList<string> Administrator { get; set; } = [];
    public IList<string> Moderator { get; set; } = [];
    public IList<string> Teacher { get; set; } = [];
    public IList<string> Student { get; set; } = [];
}

/// <summary>Who the directory says signed in: its provider's name, its stable subject and the claims we use.</summary>
public sealed record DirectoryIdentity(string Provider, string Subject, string? Username, string? Email,
    IReadOnlyCollection<string> RoleValues, IReadOnlyCollection<string> Groups);

/// <summary>PeerTube's role and the academy role a directory's claim values map to, and the quota that follows.</summary>
public sealed record DirectoryRoles(UserRole Role, string? AcademyRole)
{
    /// <summary>
    /// Administrator wins over moderator over user; the academy role is teacher when a teacher value is present, else
    /// student when a student value is; values match exactly (ordinal), as directories spell them.
    /// </summary>
    public static DirectoryRoles Map(DirectoryRoleMap map, IEnumerable<string> values)
    {
        var set = values.ToHashSet(StringComparer.Ordinal);
        var role = map.Administrator.Any(set.Contains) ? UserRole.Administrator
            : map.Moderator.Any(set.Contains) ? UserRole.Moderator
            : UserRole.User;
        var academy = map.Teacher.Any(set.Contains) ? AcademyRoles.Teacher
            : map.Student.Any(set.Contains) ? AcademyRoles.Student
            : null;
        return new DirectoryRoles(role, academy);
    }

    /// <summary>
    /// Teachers, moderators and administrators get the instance's default upload quota; students, and users the
    /// directory gives no known role, get none (they watch and comment; the upload API answers 413 as PeerTube does).
    /// </summary>
    public (long Total, long Daily) Quota(long defaultQuota, long defaultDaily) =>
        Role != UserRole.User || AcademyRole == AcademyRoles.Teacher ? (defaultQuota, defaultDaily) : (0, 0);
}

/// <summary>Why a directory sign-in was refused.</summary>
public enum DirectoryRefusal
{
    /// <summary>A local account has this e-mail: only an administrator may link it (admin users page).</summary>
    EmailOfLocalAccount,
    Blocked,
}

public sealed record DirectorySignIn(UserRow? User, DirectoryRefusal? Refusal);

/// <summary>
/// Users who sign in through the academy's directory (OpenID Connect): provisioned at the first sign-in (unique
/// username from the claim, account and default channel, quota by role), their roles and groups updated at each later one.
/// </summary>
public sealed partial class DirectoryAccounts(UserRepository users, ActorRepository actors, AccountService accounts,
    InstanceSettings settings, ILogger<DirectoryAccounts> logger)
{
    private const int MaxUsername = 50;

    public async Task<DirectorySignIn> SignInAsync(DirectoryIdentity identity, DirectoryRoleMap map, CancellationToken ct)
    {
        var roles = DirectoryRoles.Map(map, identity.RoleValues);
        var groups = identity.Groups.Where(g => !string.IsNullOrWhiteSpace(g)).Select(g => g.Trim()).Distinct(StringComparer.Ordinal).ToList();
        var current = await settings.CurrentAsync(ct);
        var existing = await users.FindByExternalAsync(identity.Provider, identity.Subject, ct);
        var email = string.IsNullOrWhiteSpace(identity.Email) ? null : identity.Email.Trim();
        if (existing is null && email is not null && await users.FindByEmailAsync(email, ct) is { } sameEmail)
        {
            // A local account with this address is taken over only when an admin allowed it for this provider.
            if (sameEmail.ExternalProvider != identity.Provider || sameEmail.ExternalSubject is not null)
            {
                LogEmailTaken(logger, identity.Provider, sameEmail.Username);
                return new DirectorySignIn(null, DirectoryRefusal.EmailOfLocalAccount);
            }
            existing = sameEmail;
        }
        if (existing is not null)
        {
            if (existing.Blocked)
            {
                return new DirectorySignIn(null, DirectoryRefusal.Blocked);
            }
            // The quota follows the role only when the role changes: an admin's own quota for the user is kept otherwise.
            var roleChanged = existing.Role != roles.Role || existing.AcademyRole != roles.AcademyRole || existing.ExternalSubject is null;
            var (total, daily) = roleChanged ? roles.Quota(current.DefaultVideoQuota, current.DefaultVideoQuotaDaily) : (existing.VideoQuota, existing.VideoQuotaDaily);
            await users.UpdateFromDirectoryAsync(existing.Id, identity.Provider, identity.Subject, roles.Role, roles.AcademyRole, total, daily, groups, ct);
            return new DirectorySignIn(await users.FindByIdAsync(existing.Id, ct), null);
        }
        var username = await UniqueUsernameAsync(identity.Username ?? identity.Subject, ct);
        var (quota, quotaDaily) = roles.Quota(current.DefaultVideoQuota, current.DefaultVideoQuotaDaily);
        var created = await accounts.CreateDirectoryUserAsync(new UserRow
        {
            Username = username,
            // The e-mail is unique and required: an identity without one gets an address that can never receive mail.
            Email = email ?? $"{username}@{SafePart(identity.Provider)}.invalid",
            PasswordHash = "",
            Role = roles.Role,
            AcademyRole = roles.AcademyRole,
            VideoQuota = quota,
            VideoQuotaDaily = quotaDaily,
            ExternalProvider = identity.Provider,
            ExternalSubject = identity.Subject,
        }, groups, ct);
        LogProvisioned(logger, created.Username, identity.Provider, roles.Role, roles.AcademyRole);
        return new DirectorySignIn(created, null);
    }

    /// <summary>The claim made a valid username (lowercase, accents removed, other characters as '_'), then made unique with a number.</summary>
    public static string UsernameBase(string claim)
    {
        var decomposed = claim.Trim().ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var ch in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(ch) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            builder.Append(ch is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' ? ch : '_');
        }
        var name = builder.ToString().Trim('_', '.');
        if (name.Length == 0 || name == LocalUrls.ServerActorName)
        {
            name = "user" + (name.Length == 0 ? "" : "_" + name);
        }
        return name.Length > MaxUsername ? name[..MaxUsername] : name;
    }

    private async Task<string> UniqueUsernameAsync(string claim, CancellationToken ct)
    {
        var stem = UsernameBase(claim);
        for (var n = 1; ; n++)
        {
            var suffix = n == 1 ? "" : n.ToString(CultureInfo.InvariantCulture);
            var candidate = (stem.Length + suffix.Length > MaxUsername ? stem[..(MaxUsername - suffix.Length)] : stem) + suffix;
            if (!await users.UsernameExistsAsync(candidate, ct)
                && await actors.FindLocalAsync(ActorTypes.Person, candidate, ct) is null
                && await actors.FindLocalAsync(ActorTypes.Group, candidate + "_channel", ct) is null)
            {
                return candidate;
            }
        }
    }

    private static string SafePart(string value) => UsernameBase(value).Replace('_', '-').Replace('.', '-');

    [LoggerMessage(Level = LogLevel.Information, Message = "User '{Username}' provisioned from directory '{Provider}' as {Role} ({AcademyRole})")]
    private static partial void LogProvisioned(ILogger logger, string username, string provider, UserRole role, string? academyRole);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in through '{Provider}' refused: local account '{Username}' has the same e-mail and no admin linked it")]
    private static partial void LogEmailTaken(ILogger logger, string provider, string username);
}
