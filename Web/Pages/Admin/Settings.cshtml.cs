using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoPlatform.Core.Settings;

namespace VideoPlatform.Web.Pages.Admin;

/// <summary>Instance settings saved in the database and applied at once, over the configuration's defaults.</summary>
[Authorize(Policy = WebPolicies.Admin)]
public sealed class SettingsModel(InstanceSettings settings) : PageModel
{
    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Description { get; set; }

    [BindProperty]
    public string? Terms { get; set; }

    [BindProperty]
    public bool SignupEnabled { get; set; }

    [BindProperty]
    public string? DefaultQuota { get; set; }

    [BindProperty]
    public string? DefaultQuotaDaily { get; set; }

    [TempData]
    public string? Notice { get; set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var current = await settings.CurrentAsync(ct);
        Name = current.Name;
        Description = current.Description;
        Terms = current.Terms;
        SignupEnabled = current.SignupEnabled;
        DefaultQuota = current.DefaultVideoQuota.ToString(System.Globalization.CultureInfo.InvariantCulture);
        DefaultQuotaDaily = current.DefaultVideoQuotaDaily.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var quota = AdminRoles.Quota(DefaultQuota);
        var daily = AdminRoles.Quota(DefaultQuotaDaily);
        var name = Name?.Trim() ?? "";
        Error = name.Length is 0 or > 120 ? Text.L("Settings_BadName")
            : (Description?.Length ?? 0) > 1000 ? Text.L("Settings_BadDescription")
            : (Terms?.Length ?? 0) > 20000 ? Text.L("Settings_BadTerms")
            : quota is null || daily is null ? Text.L("AdminUser_BadQuota")
            : null;
        if (Error is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var current = await settings.CurrentAsync(ct);
        await settings.SaveAsync(current with
        {
            Name = name,
            Description = Description?.Trim() ?? "",
            Terms = Terms?.Trim() ?? "",
            SignupEnabled = SignupEnabled,
            DefaultVideoQuota = quota!.Value,
            DefaultVideoQuotaDaily = daily!.Value,
        }, User.Identity!.Name!, ct);
        Notice = Text.L("Settings_Saved");
        return RedirectToPage();
    }
}
