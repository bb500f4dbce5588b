using System.Globalization;
using Microsoft.AspNetCore.Mvc.Filters;

namespace VideoPlatform.Web.Infrastructure;

/// <summary>Pages are French (dates, numbers, texts) whatever the server's own culture is.</summary>
public sealed class FrenchCultureFilter : IAsyncPageFilter
{
    private static readonly CultureInfo French = CreateFrench();

    private static CultureInfo CreateFrench()
    {
        try
        {
            return CultureInfo.GetCultureInfo("fr-FR");
        }
        catch (CultureNotFoundException)
        {
            // Invariant globalization (no ICU in a slim container): texts stay French, formats become invariant.
            return CultureInfo.InvariantCulture;
        }
    }

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        CultureInfo.CurrentCulture = French;
        CultureInfo.CurrentUICulture = French;
        return next();
    }
}
