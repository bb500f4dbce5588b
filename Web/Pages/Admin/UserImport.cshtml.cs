using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VideoPlatform.Core.Accounts;

namespace VideoPlatform.Web.Pages.Admin;

/// <summary>
/// Staff import from a CSV file (username, e-mail, role, quota): "Vérifier" shows what would change and the refused
/// lines without writing; "Importer" writes everything in one transaction, or nothing when a line is refused.
/// </summary>
[Authorize(Policy = WebPolicies.Admin)]
public sealed class UserImportModel(UserAdministration admin, IWebSessions sessions) : PageModel
{
    public const int MaxBytes = 2 * 1024 * 1024;

    [BindProperty]
    public IFormFile? CsvFile { get; set; }

    [BindProperty]
    public string? Csv { get; set; }

    [BindProperty]
    public string? Provider { get; set; }

    public StaffImportReport? Report { get; private set; }
    public string? Error { get; private set; }
    public IReadOnlyList<WebSignInProvider> Providers => sessions.Providers;

    public void OnGet()
    {
    }

    public Task<IActionResult> OnPostCheckAsync(CancellationToken ct) => RunAsync(dryRun: true, ct);

    public Task<IActionResult> OnPostImportAsync(CancellationToken ct) => RunAsync(dryRun: false, ct);

    private async Task<IActionResult> RunAsync(bool dryRun, CancellationToken ct)
    {
        if (CsvFile is { Length: > 0 } file)
        {
            if (file.Length > MaxBytes)
            {
                Error = Text.L("Import_TooLarge");
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return Page();
            }
            using var reader = new StreamReader(file.OpenReadStream());
            Csv = await reader.ReadToEndAsync(ct);
        }
        if (string.IsNullOrWhiteSpace(Csv))
        {
            Error = Text.L("Import_Empty");
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var provider = Providers.Any(p => p.Name == Provider) ? Provider : null;
        Report = await admin.ImportAsync(User.Identity!.Name!, Csv, dryRun, provider, ct);
        if (Report.Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        return Page();
    }
}
