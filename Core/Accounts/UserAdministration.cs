using System.Globalization;
using VideoPlatform.Core.Data;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Settings;
using VideoPlatform.Core.Videos;

namespace VideoPlatform.Core.Accounts;

/// <summary>What an import would do (dry run) or did: one line per user, and the lines refused.</summary>
public sealed record StaffImportReport(IReadOnlyList<StaffImportChange> Changes, IReadOnlyList<StaffRowError> Errors, bool Applied);

/// <summary>One user of an import: created, updated (with the changes in words) or unchanged.</summary>
public sealed record StaffImportChange(int Line, string Username, string Kind, string Details);

/// <summary>
/// The administrators' user management (the admin pages): create, edit, block, delete, link to the directory, import
/// staff; each change and its audit log line are written in one transaction.
/// </summary>
public sealed class UserAdministration(Database database, UserRepository users, ActorRepository actors, AccountService accounts,
    InstanceSettings settings, VideoRepository videos, VideoCommands videoCommands, TimeProvider clock)
{
    public const string Created = "create";
    public const string Updated = "update";
    public const string Unchanged = "unchanged";

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Creates a local user; returns why not (French) or null.</summary>
    public async Task<string?> CreateAsync(string admin, string username, string email, string password, UserRole role, string? academyRole,
        long quota, long quotaDaily, CancellationToken ct)
    {
        if (AccountService.ValidateUsername(username) is not null)
        {
            return "Identifiant invalide : lettres minuscules, chiffres, « . » ou « _ », 50 caractères au plus.";
        }
        if (AccountService.ValidatePassword(password, username) is not null)
        {
            return "Le mot de passe doit compter de 8 à 255 caractères et différer de l'identifiant.";
        }
        if (await users.ExistsAsync(username, email, ct) || await actors.LocalNameTakenAsync(ActorTypes.Person, username, ct)
            || await actors.LocalNameTakenAsync(ActorTypes.Group, username + "_channel", ct))
        {
            return "Un compte utilise déjà cet identifiant ou cette adresse électronique.";
        }
        var row = new UserRow { Username = username, Email = email, PasswordHash = "", Role = role, AcademyRole = academyRole, VideoQuota = quota, VideoQuotaDaily = quotaDaily };
        row = row with { PasswordHash = AccountService.HashPassword(row, password) };
        await database.WriteAsync(async (c, t) =>
        {
            await accounts.InsertUserAsync(c, t, row, []);
            await AuditRepository.AddAsync(c, t, admin, "user.create", username, Describe(row), Now);
        }, ct);
        return null;
    }

    public async Task<string?> UpdateAsync(string admin, long id, string email, UserRole role, string? academyRole, long quota, long quotaDaily, CancellationToken ct)
    {
        if (await users.FindByIdAsync(id, ct) is not { } user)
        {
            return "Ce compte n'existe plus.";
        }
        if (!string.Equals(user.Email, email, StringComparison.OrdinalIgnoreCase) && await users.FindByEmailAsync(email, ct) is not null)
        {
            return "Un autre compte utilise déjà cette adresse électronique.";
        }
        var updated = user with { Email = email, Role = role, AcademyRole = academyRole, VideoQuota = quota, VideoQuotaDaily = quotaDaily };
        await database.WriteAsync(async (c, t) =>
        {
            await UserRepository.UpdateByAdminAsync(c, t, id, email, role, academyRole, quota, quotaDaily);
            await AuditRepository.AddAsync(c, t, admin, "user.update", user.Username, Difference(user, updated), Now);
        }, ct);
        return null;
    }

    public async Task<bool> SetBlockedAsync(string admin, long id, bool blocked, CancellationToken ct)
    {
        if (await users.FindByIdAsync(id, ct) is not { } user || user.Username == admin)
        {
            return false;
        }
        await database.WriteAsync(async (c, t) =>
        {
            await UserRepository.SetBlockedAsync(c, t, id, blocked);
            await AuditRepository.AddAsync(c, t, admin, blocked ? "user.block" : "user.unblock", user.Username, null, Now);
        }, ct);
        return true;
    }

    /// <summary>
    /// Deletes a user with its account, channels and videos; an administrator cannot delete himself. Each video goes
    /// the way of a video deleted by its owner (media files and objects removed, swarms closed, Delete sent to the
    /// academies that follow it) before the rows go: a cascade in the database alone would leave files and followers'
    /// copies behind. A failure part way leaves the user with the videos not yet deleted, and the same call finishes.
    /// </summary>
    public async Task<bool> DeleteAsync(string admin, long id, CancellationToken ct)
    {
        if (await users.FindByIdAsync(id, ct) is not { } user || user.Username == admin)
        {
            return false;
        }
        var deleted = new HashSet<long>();
        while (await videos.ListOfUserAsync(id, 0, 50, ct) is { Count: > 0 } owned)
        {
            foreach (var video in owned)
            {
                if (!deleted.Add(video.Video.Id))
                {
                    throw new InvalidOperationException($"Video {video.Video.Uuid} of user {user.Username} is still there after its deletion.");
                }
                await videoCommands.DeleteAsync(video, ct);
            }
        }
        await database.WriteAsync(async (c, t) =>
        {
            await UserRepository.DeleteAsync(c, t, id);
            await AuditRepository.AddAsync(c, t, admin, "user.delete", user.Username, user.Email, Now);
        }, ct);
        return true;
    }

    /// <summary>Lets the next sign-in through <paramref name="provider"/> with this user's e-mail take the account over (null: undo).</summary>
    public async Task<bool> AllowDirectoryLinkAsync(string admin, long id, string? provider, CancellationToken ct)
    {
        if (await users.FindByIdAsync(id, ct) is not { } user)
        {
            return false;
        }
        await users.SetExternalLinkAsync(id, provider, ct);
        await database.WriteAsync((c, t) => AuditRepository.AddAsync(c, t, admin, provider is null ? "user.unlink" : "user.link", user.Username, provider, Now), ct);
        return true;
    }

    /// <summary>
    /// Imports staff from CSV: every line checked first (format, and e-mails used by other accounts); with any error, or
    /// with <paramref name="dryRun"/>, nothing is written; otherwise all users are created or updated in one transaction.
    /// </summary>
    public async Task<StaffImportReport> ImportAsync(string admin, string csv, bool dryRun, string? linkProvider, CancellationToken ct)
    {
        var (rows, parseErrors) = StaffCsv.Parse(csv);
        var errors = parseErrors.ToList();
        var current = await settings.CurrentAsync(ct);
        var plan = new List<(StaffRow Row, UserRow? Existing, UserRow Target)>();
        foreach (var row in rows)
        {
            var existing = await users.FindByLoginAsync(row.Username, ct);
            if (existing is not null && !string.Equals(existing.Username, row.Username, StringComparison.Ordinal))
            {
                existing = null;
            }
            if (await users.FindByEmailAsync(row.Email, ct) is { } owner && owner.Id != existing?.Id)
            {
                errors.Add(new StaffRowError(row.Line, $"L'adresse « {row.Email} » appartient déjà au compte « {owner.Username} »."));
                continue;
            }
            if (existing is null && (await actors.LocalNameTakenAsync(ActorTypes.Person, row.Username, ct) || await actors.LocalNameTakenAsync(ActorTypes.Group, row.Username + "_channel", ct)))
            {
                errors.Add(new StaffRowError(row.Line, $"Le nom « {row.Username} » est déjà pris par un compte ou une chaîne."));
                continue;
            }
            var (defaultQuota, defaultDaily) = new DirectoryRoles(row.Role, row.AcademyRole).Quota(current.DefaultVideoQuota, current.DefaultVideoQuotaDaily);
            var quota = row.Quota ?? existing?.VideoQuota ?? defaultQuota;
            var daily = existing?.VideoQuotaDaily ?? defaultDaily;
            var target = (existing ?? new UserRow { Username = row.Username, Email = row.Email, PasswordHash = "" }) with
            {
                Email = row.Email,
                Role = row.Role,
                AcademyRole = row.AcademyRole,
                VideoQuota = quota,
                VideoQuotaDaily = daily,
            };
            plan.Add((row, existing, target));
        }
        var changes = plan.Select(p => p.Existing is null
                ? new StaffImportChange(p.Row.Line, p.Row.Username, Created, Describe(p.Target))
                : Difference(p.Existing, p.Target) is { Length: > 0 } diff
                    ? new StaffImportChange(p.Row.Line, p.Row.Username, Updated, diff)
                    : new StaffImportChange(p.Row.Line, p.Row.Username, Unchanged, ""))
            .ToList();
        errors.Sort((a, b) => a.Line.CompareTo(b.Line));
        if (dryRun || errors.Count > 0 || plan.Count == 0)
        {
            return new StaffImportReport(changes, errors, Applied: false);
        }
        var now = Now;
        await database.WriteAsync(async (c, t) =>
        {
            foreach (var (row, existing, target) in plan)
            {
                if (existing is null)
                {
                    var fresh = target with { ExternalProvider = linkProvider, CreatedAt = now };
                    await accounts.InsertUserAsync(c, t, fresh with { PasswordHash = AccountService.UnusablePasswordHash(fresh) }, []);
                }
                else if (Difference(existing, target).Length > 0)
                {
                    await UserRepository.UpdateByAdminAsync(c, t, existing.Id, target.Email, target.Role, target.AcademyRole, target.VideoQuota, target.VideoQuotaDaily);
                }
            }
            var created = changes.Count(x => x.Kind == Created);
            var updated = changes.Count(x => x.Kind == Updated);
            await AuditRepository.AddAsync(c, t, admin, "user.import", $"{created} créés, {updated} modifiés",
                string.Join(", ", changes.Where(x => x.Kind != Unchanged).Select(x => x.Username)), now);
        }, ct);
        return new StaffImportReport(changes, errors, Applied: true);
    }

    private static string Describe(UserRow u) =>
        $"{u.Email}, {RoleName(u.Role, u.AcademyRole)}, quota {Size(u.VideoQuota)}";

    /// <summary>The changes between two states of a user, in French (empty when none).</summary>
    public static string Difference(UserRow before, UserRow after)
    {
        var parts = new List<string>();
        if (!string.Equals(before.Email, after.Email, StringComparison.Ordinal))
        {
            parts.Add($"adresse {before.Email} → {after.Email}");
        }
        if (before.Role != after.Role || before.AcademyRole != after.AcademyRole)
        {
            parts.Add($"rôle {RoleName(before.Role, before.AcademyRole)} → {RoleName(after.Role, after.AcademyRole)}");
        }
        if (before.VideoQuota != after.VideoQuota)
        {
            parts.Add($"quota {Size(before.VideoQuota)} → {Size(after.VideoQuota)}");
        }
        if (before.VideoQuotaDaily != after.VideoQuotaDaily)
        {
            parts.Add($"quota quotidien {Size(before.VideoQuotaDaily)} → {Size(after.VideoQuotaDaily)}");
        }
        return string.Join(", ", parts);
    }

    public static string RoleName(UserRole role, string? academyRole) => role switch
    {
        UserRole.Administrator => "administrateur",
        UserRole.Moderator => "modérateur",
        _ => academyRole switch { AcademyRoles.Teacher => "enseignant", AcademyRoles.Student => "élève", _ => "utilisateur" },
    };

    public static string Size(long bytes) => bytes switch
    {
        < 0 => "illimité",
        0 => "0",
        _ when bytes % (1L << 30) == 0 => (bytes >> 30).ToString(CultureInfo.InvariantCulture) + " Gio",
        _ when bytes % (1L << 20) == 0 => (bytes >> 20).ToString(CultureInfo.InvariantCulture) + " Mio",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " octets",
    };
}
