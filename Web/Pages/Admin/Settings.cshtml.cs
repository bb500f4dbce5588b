using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoPlatform.Core.Settings;

namespace VideoPlatform.Web.Pages.Admin;

/// <summary>Instance settings saved in the database and applied at once, over the configuration's defaults.</summary>
[Authorize(Policy = WebPolicies.Admin)]
public sealed class SettingsModel(InstanceSettings settings, SettingsDefaults? configuredLive = null) : PageModel
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

    [BindProperty]
    public List<int> Resolutions { get; set; } = [];

    [BindProperty]
    public bool LiveEnabled { get; set; }

    [BindProperty]
    public string? LiveMaxDuration { get; set; }

    [BindProperty]
    public string? LiveMaxInstanceLives { get; set; }

    [BindProperty]
    public string? LiveMaxUserLives { get; set; }

    [BindProperty]
    public bool LiveAllowReplay { get; set; }

    [BindProperty]
    public List<int> LiveResolutions { get; set; } = [];

    /// <summary>False when the configuration does not run the live ingest: the page cannot open lives then.</summary>
    public bool LiveConfigured { get; private set; }

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
        Resolutions = [.. current.TranscodingResolutions];
        LiveEnabled = current.Live.Enabled;
        LiveMaxDuration = (current.Live.MaxDurationSeconds > 0 ? Math.Max(1, current.Live.MaxDurationSeconds / 60) : -1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        LiveMaxInstanceLives = current.Live.MaxInstanceLives.ToString(System.Globalization.CultureInfo.InvariantCulture);
        LiveMaxUserLives = current.Live.MaxUserLives.ToString(System.Globalization.CultureInfo.InvariantCulture);
        LiveAllowReplay = current.Live.AllowReplay;
        LiveResolutions = [.. current.Live.Resolutions];
        LiveConfigured = configuredLive?.Live.Enabled ?? false;
    }

    /// <summary>An integer setting of -1 (no limit) or at least <paramref name="min"/>; null when it is not one.</summary>
    private static long? Limit(string? text, long min) =>
        long.TryParse(text?.Trim(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var v)
            && (v == -1 || v >= min) && v <= int.MaxValue ? v : null;

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var quota = AdminRoles.Quota(DefaultQuota);
        var daily = AdminRoles.Quota(DefaultQuotaDaily);
        var name = Name?.Trim() ?? "";
        var ladder = Resolutions.Where(SettingsDefaults.Choices.Contains).Distinct().Order().ToList();
        var liveLadder = LiveResolutions.Where(SettingsDefaults.Choices.Contains).Distinct().Order().ToList();
        var maxDuration = Limit(LiveMaxDuration, 1);
        var maxInstance = Limit(LiveMaxInstanceLives, 0);
        var maxUser = Limit(LiveMaxUserLives, 0);
        LiveConfigured = configuredLive?.Live.Enabled ?? false;
        Error = name.Length is 0 or > 120 ? Text.L("Settings_BadName")
            : (Description?.Length ?? 0) > 1000 ? Text.L("Settings_BadDescription")
            : (Terms?.Length ?? 0) > 20000 ? Text.L("Settings_BadTerms")
            : quota is null || daily is null ? Text.L("AdminUser_BadQuota")
            : ladder.Count == 0 ? Text.L("Settings_BadResolutions")
            : maxDuration is null || maxInstance is null || maxUser is null ? Text.L("Settings_BadLiveLimits")
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
            TranscodingResolutions = ladder,
            Live = new LiveLimits
            {
                Enabled = LiveEnabled,
                MaxDurationSeconds = maxDuration!.Value == -1 ? -1 : maxDuration.Value * 60,
                MaxInstanceLives = (int)maxInstance!.Value,
                MaxUserLives = (int)maxUser!.Value,
                AllowReplay = LiveAllowReplay,
                Resolutions = liveLadder,
            },
        }, User.Identity!.Name!, ct);
        Notice = Text.L("Settings_Saved");
        return RedirectToPage();
    }
}
