using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.Extensions.DependencyInjection;

namespace VideoPlatform.Web.Infrastructure;

/// <summary>
/// Antiforgery for a page that takes the password form of a protected video on its default post handler. Razor Pages
/// choose the antiforgery policy per page, not per handler, so such a page says <see cref="IgnoreAntiforgeryTokenAttribute"/>
/// (the password form changes nothing, and it must work without a token, e.g. from a page cached or framed elsewhere)
/// and this filter validates the token of every other post — named handlers (comments, moderation, any added later) —
/// before the handler runs, answering 400 as the framework's own check does.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ValidateAntiforgeryExceptPasswordFormAttribute : Attribute, IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (!IsPasswordForm(context.HandlerMethod?.HttpMethod, context.HandlerMethod?.Name)
            && !await context.HttpContext.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context.HttpContext))
        {
            context.Result = new AntiforgeryValidationFailedResult();
            return;
        }
        await next();
    }

    /// <summary>Whether a handler is one the token is not checked for: gets, and the default post handler (the password form).</summary>
    public static bool IsPasswordForm(string? httpMethod, string? handlerName) =>
        !string.Equals(httpMethod, "Post", StringComparison.OrdinalIgnoreCase) || string.IsNullOrEmpty(handlerName);
}
