using Microsoft.AspNetCore.Http.HttpResults;

namespace VideoPlatform.Api.Hosting;

/// <summary>
/// RFC 9457 problem details in PeerTube's shape: <c>type</c>, <c>title</c>, <c>status</c>, <c>detail</c>, plus PeerTube's
/// <c>code</c> and its deprecated <c>error</c> (= detail) that older clients still read.
/// </summary>
public static class Problems
{
    public static ProblemHttpResult Status(int status, string detail, string? code = null)
    {
        var extensions = new Dictionary<string, object?> { ["error"] = detail };
        if (code is not null)
        {
            extensions["code"] = code;
        }
        return TypedResults.Problem(detail, statusCode: status, title: Title(status),
            type: code is null ? null : "https://docs.joinpeertube.org/api-rest-reference.html#section/Errors/" + code, extensions: extensions);
    }

    public static ProblemHttpResult BadRequest(string detail, string? code = null) => Status(StatusCodes.Status400BadRequest, detail, code);
    public static ProblemHttpResult Unauthorized(string detail = "Authentication is required.", string? code = null) =>
        Status(StatusCodes.Status401Unauthorized, detail, code);
    public static ProblemHttpResult Forbidden(string detail = "You are not allowed to do this.") => Status(StatusCodes.Status403Forbidden, detail);
    public static ProblemHttpResult NotFound(string detail) => Status(StatusCodes.Status404NotFound, detail);
    public static ProblemHttpResult Conflict(string detail) => Status(StatusCodes.Status409Conflict, detail);

    public static string Title(int status) => status switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => status >= 500 ? "Internal Server Error" : "Error",
    };
}
