using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoPlatform.Core.Accounts;
using VideoPlatform.Core.Settings;

namespace VideoPlatform.Web.Pages.Admin;

/// <summary>Creates a local user (its account and channel) with a role and a quota (empty: the default for the role).</summary>
[Authorize(Policy = WebPolicies.Admin)]
public sealed class UserNewModel(UserAdministration admin, InstanceSettings settings) : PageModel
{
    [BindProperty]
    public string? Username { get; set; }

    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty]
    public string RoleChoice { get; set; } = "teacher";

    [BindProperty]
    public string? Quota { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var role = AdminRoles.Parse(RoleChoice);
        var email = Email?.Trim() ?? "";
        var at = email.IndexOf('@', StringComparison.Ordinal);
        var current = await settings.CurrentAsync(ct);
        var (defaultQuota, defaultDaily) = role is null ? (0, 0) : new DirectoryRoles(role.Value.Role, role.Value.Academy).Quota(current.DefaultVideoQuota, current.DefaultVideoQuotaDaily);
        var quota = string.IsNullOrWhiteSpace(Quota) ? defaultQuota : AdminRoles.Quota(Quota);
        Error = at <= 0 || at == email.Length - 1 ? Text.L("AdminUser_BadEmail")
            : role is null ? Text.L("AdminUser_BadRole")
            : quota is null ? Text.L("AdminUser_BadQuota")
            : await admin.CreateAsync(User.Identity!.Name!, Username?.Trim() ?? "", email, Password ?? "", role.Value.Role, role.Value.Academy, quota.Value, defaultDaily, ct);
        if (Error is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        TempData["Notice"] = Text.L("AdminUser_Created", Username!.Trim());
        return Redirect("/admin/users");
    }
}
