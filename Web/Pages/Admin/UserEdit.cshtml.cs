using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoPlatform.Core.Accounts;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Web.Pages.Admin;

/// <summary>The roles an administrator picks on the user forms: PeerTube's role and the academy role in one choice.</summary>
public static class AdminRoles
{
    public static readonly IReadOnlyList<(string Value, string Label)> Choices =
    [
        ("teacher", "Role_Teacher"), ("student", "Role_Student"), ("user", "Role_2"), ("moderator", "Role_1"), ("administrator", "Role_0"),
    ];

    public static string Of(UserRow user) => user.Role switch
    {
        UserRole.Administrator => "administrator",
        UserRole.Moderator => "moderator",
        _ => user.AcademyRole ?? "user",
    };

    public static (UserRole Role, string? Academy)? Parse(string? value) => StaffCsv.ParseRole(value ?? "");

    /// <summary>A quota typed by the administrator: bytes, with a unit (500M, 10G), or -1.</summary>
    public static long? Quota(string? value) => string.IsNullOrWhiteSpace(value) ? null : StaffCsv.ParseSize(value);
}

/// <summary>One user: e-mail, role, quotas; block, unblock, delete; allow the academy directory to take a local account over.</summary>
[Authorize(Policy = WebPolicies.Admin)]
public sealed class UserEditModel(UserRepository users, UserAdministration admin, IWebSessions sessions) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public long Id { get; set; }

    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? RoleChoice { get; set; }

    [BindProperty]
    public string? Quota { get; set; }

    [BindProperty]
    public string? QuotaDaily { get; set; }

    [TempData]
    public string? Notice { get; set; }

    public string? Error { get; private set; }
    public UserRow? Target { get; private set; }
    public IReadOnlyList<string> Groups { get; private set; } = [];
    public IReadOnlyList<WebSignInProvider> Providers => sessions.Providers;

    private string Admin => User.Identity!.Name!;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return NotFound();
        }
        Email = Target!.Email;
        RoleChoice = AdminRoles.Of(Target);
        Quota = Target.VideoQuota.ToString(System.Globalization.CultureInfo.InvariantCulture);
        QuotaDaily = Target.VideoQuotaDaily.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Page();
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        Target = await users.FindByIdAsync(Id, ct);
        if (Target is not null)
        {
            Groups = await users.GroupsAsync(Id, ct);
        }
        return Target is not null;
    }

    public async Task<IActionResult> OnPostSaveAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return NotFound();
        }
        var role = AdminRoles.Parse(RoleChoice);
        var quota = AdminRoles.Quota(Quota);
        var daily = AdminRoles.Quota(QuotaDaily);
        var email = Email?.Trim() ?? "";
        var at = email.IndexOf('@', StringComparison.Ordinal);
        Error = at <= 0 || at == email.Length - 1 ? Text.L("AdminUser_BadEmail")
            : role is null ? Text.L("AdminUser_BadRole")
            : quota is null || daily is null ? Text.L("AdminUser_BadQuota")
            : await admin.UpdateAsync(Admin, Id, email, role.Value.Role, role.Value.Academy, quota.Value, daily.Value, ct);
        if (Error is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        Notice = Text.L("AdminUser_Saved", Target!.Username);
        return RedirectToPage(new { Id });
    }

    public Task<IActionResult> OnPostBlockAsync(CancellationToken ct) => BlockAsync(true, ct);

    public Task<IActionResult> OnPostUnblockAsync(CancellationToken ct) => BlockAsync(false, ct);

    private async Task<IActionResult> BlockAsync(bool blocked, CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return NotFound();
        }
        if (!await admin.SetBlockedAsync(Admin, Id, blocked, ct))
        {
            Error = Text.L("AdminUser_NotYourself");
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        Notice = Text.L(blocked ? "AdminUser_BlockedNotice" : "AdminUser_UnblockedNotice", Target!.Username);
        return RedirectToPage(new { Id });
    }

    public async Task<IActionResult> OnPostDeleteAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return NotFound();
        }
        if (!await admin.DeleteAsync(Admin, Id, ct))
        {
            Error = Text.L("AdminUser_NotYourself");
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        TempData["Notice"] = Text.L("AdminUser_Deleted", Target!.Username);
        return Redirect("/admin/users");
    }

    public async Task<IActionResult> OnPostLinkAsync(string? provider, CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return NotFound();
        }
        var known = provider is not null && Providers.Any(p => p.Name == provider);
        await admin.AllowDirectoryLinkAsync(Admin, Id, known ? provider : null, ct);
        Notice = Text.L(known ? "AdminUser_LinkAllowed" : "AdminUser_LinkRemoved", Target!.Username);
        return RedirectToPage(new { Id });
    }
}
