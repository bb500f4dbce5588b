using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Web.Pages.Admin;

/// <summary>Remote transcoding runners (PeerTube's admin "Runners"): the runners with their state, and registration tokens.</summary>
[Authorize(Policy = WebPolicies.Admin)]
public sealed class RunnersModel(IWebRunners runners) : PageModel
{
    [TempData]
    public string? Notice { get; set; }

    /// <summary>A token just generated: shown once, on the answer to the POST (it is stored hashed).</summary>
    public string? NewToken { get; private set; }

    public bool Enabled => runners.Enabled;
    public IReadOnlyList<WebRunner> Runners { get; private set; } = [];
    public IReadOnlyList<WebRunnerToken> Tokens { get; private set; } = [];

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostGenerateAsync(CancellationToken ct)
    {
        NewToken = await runners.GenerateTokenAsync(ct);
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteTokenAsync(long id, CancellationToken ct)
    {
        Notice = await runners.DeleteTokenAsync(id, ct) ? Text.L("Runners_TokenDeleted") : Text.L("Runners_TokenUnknown");
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostDeleteRunnerAsync(long id, string? name, CancellationToken ct)
    {
        Notice = await runners.DeleteRunnerAsync(id, ct) ? Text.L("Runners_RunnerDeleted", name ?? "") : Text.L("Runners_RunnerUnknown");
        return RedirectToPage();
    }

    /// <summary>"30 novembre 2026 06:12 UTC".</summary>
    public static string Moment(long unixMs) =>
        Text.Date(unixMs) + " " + DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture) + " UTC";

    public string Command(string token) =>
        $"--Roles runner --Runner:InstanceUrl {Request.Scheme}://{Request.Host} --Runner:RegistrationToken {token}";

    private async Task LoadAsync(CancellationToken ct)
    {
        Runners = await runners.RunnersAsync(ct);
        Tokens = await runners.TokensAsync(ct);
    }
}
