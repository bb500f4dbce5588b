using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace VideoPlatform.Api.Hosting;

/// <summary>Marks an endpoint whose body may be large (uploads); every other endpoint is held to <see cref="ErrorHandling.DefaultBodyLimit"/>.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class LargeBodyAttribute(long maxBytes) : Attribute
{
    public long MaxBytes { get; } = maxBytes;
}

/// <summary>The one place where exceptions and empty error responses become problem details.</summary>
public static partial class ErrorHandling
{
    public const long DefaultBodyLimit = 1024 * 1024;

    public static IApplicationBuilder UseProblemResponses(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
            // A client's mistake is not our error: no error-level log with a stack trace (anyone could flood the log); one information line instead.
            SuppressDiagnosticsCallback = c => c.Exception is BadHttpRequestException { StatusCode: < 500 },
            ExceptionHandler = async context =>
            {
                var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
                var (status, detail) = error switch
                {
                    BadHttpRequestException { StatusCode: 413 } => (413, "The request body is too large."),
                    BadHttpRequestException bad when bad.InnerException is System.Text.Json.JsonException =>
                        (400, "The request body is not valid JSON: " + bad.InnerException.Message),
                    BadHttpRequestException bad => (bad.StatusCode, bad.Message),
                    _ => (500, "An unexpected error occurred. It has been logged."),
                };
                var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("VideoPlatform.Errors");
                if (status >= 500 && error is not null)
                {
                    LogUnhandled(logger, error, context.Request.Method, context.Request.Path);
                }
                else
                {
                    LogClientError(logger, status, context.Request.Method, context.Request.Path, detail);
                }
                await Problems.Status(status, detail).ExecuteAsync(context);
            },
        });
        app.UseStatusCodePages(async statusContext =>
        {
            var response = statusContext.HttpContext.Response;
            var detail = response.StatusCode switch
            {
                404 => "Not found.",
                405 => "Method not allowed.",
                415 => "Unsupported media type.",
                _ => Problems.Title(response.StatusCode),
            };
            await Problems.Status(response.StatusCode, detail).ExecuteAsync(statusContext.HttpContext);
        });
        return app;
    }

    /// <summary>Applies the body limit chosen by the endpoint: large for uploads, small for everything else.</summary>
    public static IApplicationBuilder UseBodyLimits(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            var large = context.GetEndpoint()?.Metadata.GetMetadata<LargeBodyAttribute>();
            feature.MaxRequestBodySize = large?.MaxBytes ?? DefaultBodyLimit;
        }
        if (context.Request.ContentLength is { } length && length > (feature?.MaxRequestBodySize ?? DefaultBodyLimit))
        {
            return Problems.Status(StatusCodes.Status413PayloadTooLarge, "The request body is too large.").ExecuteAsync(context);
        }
        return next(context);
    });

    [LoggerMessage(Level = LogLevel.Information, Message = "Client error {Status} on {Method} {Path}: {Detail}")]
    private static partial void LogClientError(ILogger logger, int status, string method, string path, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception ex, string method, string path);
}
