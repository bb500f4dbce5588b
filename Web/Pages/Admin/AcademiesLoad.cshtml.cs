using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace VideoPlatform.Web.Pages.Admin;

/// <summary>The national view: every followed academy's load beside ours, busiest link first.</summary>
[Authorize(Policy = WebPolicies.Admin)]
public sealed class AcademiesLoadModel(IAcademyLoads loads) : PageModel
{
    public IReadOnlyList<AcademyLoad> Academies { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Academies = await loads.ListAsync(ct);
}
