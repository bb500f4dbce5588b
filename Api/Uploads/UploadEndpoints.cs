using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using VideoPlatform.Api.Auth;
using VideoPlatform.Api.Videos;
using VideoPlatform.Api.Accounts;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Videos;
using VideoPlatform.Core.Data.Repositories;
using UploadSessionRow = VideoPlatform.Core.Domain.UploadSessionRow;
using VideoPlatform.Core.Storage;
using VideoPlatform.Core.Accounts;

namespace VideoPlatform.Api.Uploads;

/// <summary>
/// PeerTube's upload endpoints: the resumable protocol of @uploadx/core (POST → 201 + Location, PUT chunks → 308 + Range,
/// last chunk → 200 with the video) and the legacy multipart form. Bodies go from the socket to a file, never to memory.
/// </summary>
public static partial class UploadEndpoints
{
    private const string ResumablePath = "/api/v1/videos/upload-resumable";

    // Form fields around the file in a multipart upload are small; this bounds them.
    private const long MultipartFieldsAllowance = 64 * 1024;

    public static IEndpointRouteBuilder MapUploadEndpoints(this IEndpointRouteBuilder app, long maxFileSize)
    {
        var large = new LargeBodyAttribute(maxFileSize + MultipartFieldsAllowance);
        // The upload page's script calls these three with its session cookie (no token in the page).
        app.MapPost(ResumablePath, InitAsync).RequireAuthorization().AllowSameOriginSession().WithTags("Video upload");
        app.MapPut(ResumablePath, ChunkAsync).RequireAuthorization().AllowSameOriginSession().WithMetadata(large).WithTags("Video upload");
        app.MapDelete(ResumablePath, CancelAsync).RequireAuthorization().AllowSameOriginSession().WithTags("Video upload");
        app.MapPost("/api/v1/videos/upload", LegacyAsync).RequireAuthorization().WithMetadata(large).DisableAntiforgery().WithTags("Video upload");
        return app;
    }

    private static async Task<IResult> InitAsync(HttpRequest request, ClaimsPrincipal user, UploadService uploads, UploadSessionRepository sessions,
        UploadStaging staging, TimeProvider clock, Microsoft.Extensions.Options.IOptions<InstanceOptions> instance, CancellationToken ct)
    {
        var userId = user.UserId()!.Value;
        if (!long.TryParse(request.Headers["X-Upload-Content-Length"], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            return Problems.BadRequest("X-Upload-Content-Length is required: the size of the file in bytes.");
        }
        UpdateVideoRequest? metadata;
        string? fileName;
        try
        {
            using var json = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
            metadata = json.RootElement.Deserialize<UpdateVideoRequest>(JsonSerializerOptions.Web);
            fileName = json.RootElement.TryGetProperty("filename", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        }
        catch (JsonException ex)
        {
            return Problems.BadRequest("The request body is not valid JSON metadata: " + ex.Message);
        }
        if (metadata is null || string.IsNullOrWhiteSpace(fileName))
        {
            return Problems.BadRequest("filename is required in the metadata.");
        }
        if (NewVideos.Validate(metadata) is { } error)
        {
            return Problems.BadRequest(error);
        }
        if (await uploads.CheckBeforeBytesAsync(userId, metadata.ChannelId!.Value, fileName, size, null, ct) is { } refused)
        {
            return refused;
        }

        var id = Guid.NewGuid().ToString("N");
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await staging.CreateAsync(id);
        await sessions.CreateAsync(new UploadSessionRow
        {
            Id = id,
            UserId = userId,
            ChannelId = metadata.ChannelId.Value,
            Metadata = JsonSerializer.Serialize(metadata, JsonSerializerOptions.Web),
            FileName = Path.GetFileName(fileName),
            ContentType = request.Headers["X-Upload-Content-Type"].ToString() is { Length: > 0 } type ? type : "application/octet-stream",
            Size = size,
            CreatedAt = now,
            UpdatedAt = now,
        }, ct);
        // Protocol-relative, as uploadx answers and PeerTube's clients follow; its host is Instance:PublicUrl's, never the
        // request's Host or forwarded headers.
        var location = $"//{instance.Value.Host}{ResumablePath}?upload_id={id}";
        return new StatusWithHeaders(StatusCodes.Status201Created, new() { [HeaderNames.Location] = location });
    }

    private static async Task<IResult> ChunkAsync(HttpContext context, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "upload_id")] string? uploadId,
        ClaimsPrincipal user, UploadService uploads, UploadSessionRepository sessions, UploadQuota quota, UploadStaging staging, ILoggerFactory loggers, CancellationToken ct)
    {
        var request = context.Request;
        var session = await FindOwnSessionAsync(uploadId, user, sessions, ct);
        if (session is null)
        {
            return Problems.NotFound("Upload session not found: it expired, was cancelled or is complete.");
        }
        ContentRange range;
        if (request.Headers.ContentRange.Count == 0 && request.ContentLength == session.Size)
        {
            range = new ContentRange(0, session.Size - 1, session.Size);
        }
        else if (!ContentRange.TryParse(request.Headers.ContentRange, out range))
        {
            return Problems.BadRequest("Content-Range must be 'bytes first-last/total' or 'bytes */total'.");
        }

        switch (UploadOffsets.Decide(session.Received, session.Size, range, request.ContentLength))
        {
            case ChunkDecision.WrongTotal:
                return Problems.BadRequest($"Content-Range total {range.Total} differs from the announced size {session.Size}.");
            case ChunkDecision.WrongLength:
                return Problems.BadRequest("Content-Length does not match Content-Range.");
            case ChunkDecision.WrongOffset:
                return WithRange(Problems.Status(StatusCodes.Status409Conflict,
                    $"This chunk starts at byte {range.Start} but {session.Received} bytes are stored: resume from byte {session.Received}.",
                    "upload_offset_mismatch"), session.Received);
            case ChunkDecision.ReportOffset:
                return session.Received == session.Size
                    ? await CompleteAsync(session, uploads, quota, staging, ct)
                    : Resume(session.Received);
        }

        var chunk = await staging.AppendAsync(session.Id, request.Body, session.Received, range.Length, ct);
        switch (chunk.Outcome)
        {
            case ChunkOutcome.Missing:
                return Problems.NotFound("Upload session not found: it expired or was cancelled.");
            case ChunkOutcome.Locked:
                return WithRange(Problems.Status(StatusCodes.Status409Conflict, "Another chunk of this upload is being written.", "upload_locked"), session.Received);
            case ChunkOutcome.TooLong:
                return Problems.BadRequest("The chunk is longer than its Content-Range.");
            case ChunkOutcome.Partial:
                // The client went away mid-chunk: keep what arrived so that it resumes from there.
                await sessions.SetReceivedAsync(session.Id, chunk.Received, CancellationToken.None);
                LogPartialChunk(loggers.CreateLogger("VideoPlatform.Uploads"), session.Id, chunk.Received);
                return Resume(chunk.Received);
        }
        var received = chunk.Received;
        await sessions.SetReceivedAsync(session.Id, received, ct);
        return received == session.Size ? await CompleteAsync(session with { Received = received }, uploads, quota, staging, ct) : Resume(received);
    }

    private static async Task<IResult> CancelAsync([Microsoft.AspNetCore.Mvc.FromQuery(Name = "upload_id")] string? uploadId, ClaimsPrincipal user,
        UploadSessionRepository sessions, UploadStaging staging, CancellationToken ct)
    {
        var session = await FindOwnSessionAsync(uploadId, user, sessions, ct);
        if (session is null)
        {
            return Problems.NotFound("Upload session not found.");
        }
        await sessions.DeleteAsync(session.Id, ct);
        staging.Delete(session.Id);
        return Results.NoContent();
    }

    private static async Task<IResult> CompleteAsync(UploadSessionRow session, UploadService uploads, UploadQuota quota, UploadStaging staging, CancellationToken ct)
    {
        var metadata = JsonSerializer.Deserialize<UpdateVideoRequest>(session.Metadata, JsonSerializerOptions.Web)!;
        // The quota may have been used by other uploads finished meanwhile.
        if (!await quota.AllowsAsync(session.UserId, session.Size, session.Id, ct))
        {
            staging.Delete(session.Id);
            return QuotaReached();
        }
        return await uploads.CompleteAsync(session.UserId, metadata, session.FileName, staging.PathOf(session.Id), session.Id, ct);
    }

    private static async Task<UploadSessionRow?> FindOwnSessionAsync(string? uploadId, ClaimsPrincipal user, UploadSessionRepository sessions, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(uploadId) || uploadId.Length > 64 || !uploadId.All(char.IsAsciiLetterOrDigit))
        {
            return null;
        }
        var session = await sessions.FindAsync(uploadId, ct);
        return session is not null && session.UserId == user.UserId() ? session : null;
    }

    private static StatusWithHeaders Resume(long received) => new StatusWithHeaders(StatusCodes.Status308PermanentRedirect,
        UploadOffsets.RangeHeader(received) is { } range ? new() { [HeaderNames.Range] = range } : []);

    private static WithHeaders WithRange(IResult inner, long received) => new WithHeaders(inner,
        UploadOffsets.RangeHeader(received) is { } range ? new() { [HeaderNames.Range] = range } : []);

    /// <summary>
    /// The legacy multipart upload: fields and the <c>videofile</c> part read section by section, the file streamed to disk.
    /// Size and quota are checked from Content-Length before reading, and again while the file streams in.
    /// </summary>
    private static async Task<IResult> LegacyAsync(HttpRequest request, ClaimsPrincipal user, UploadService uploads, UploadQuota quota, UploadStaging staging, CancellationToken ct)
    {
        IResult result;
        try
        {
            result = await LegacyCoreAsync(request, user, uploads, quota, staging, ct);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Kestrel's body limit (the maximum file size plus the fields' allowance) tripped while the reader looked ahead.
            result = TooLarge();
        }
        if (result is IStatusCodeHttpResult { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            // Refused mid-body: close the connection rather than let the server read (and discard) the rest of a large body.
            request.HttpContext.Response.Headers.Connection = "close";
        }
        return result;
    }

    private static async Task<IResult> LegacyCoreAsync(HttpRequest request, ClaimsPrincipal user, UploadService uploads, UploadQuota quota, UploadStaging staging, CancellationToken ct)
    {
        var userId = user.UserId()!.Value;
        var boundary = MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            && contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            ? HeaderUtilities.RemoveQuotes(contentType.Boundary).Value
            : null;
        if (string.IsNullOrEmpty(boundary))
        {
            return Problems.BadRequest("A multipart/form-data body with a videofile part is required.");
        }
        var limit = uploads.Options.MaxFileSize;
        // What this user may still store, read once: the file is stopped as soon as it passes it, not after it is all on disk.
        var quotaLeft = await quota.RemainingAsync(userId, null, ct);
        if (request.ContentLength is { } total)
        {
            if (total > limit + MultipartFieldsAllowance)
            {
                return TooLarge();
            }
            if (Math.Max(1, total - MultipartFieldsAllowance) > quotaLeft)
            {
                return QuotaReached();
            }
        }

        var fields = new Dictionary<string, StringValues>(StringComparer.Ordinal);
        string? fileName = null;
        long stored = 0;
        var temp = UploadStaging.NewFileName();
        var reader = new MultipartReader(boundary, request.Body);
        IDisposable? held = null;
        try
        {
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                var disposition = section.GetContentDispositionHeader();
                if (disposition is null)
                {
                    continue;
                }
                var name = disposition.Name.Value ?? "";
                if (disposition.IsFileDisposition())
                {
                    if (name != "videofile" || fileName is not null)
                    {
                        return Problems.BadRequest($"Unexpected file field '{name}': send the video as 'videofile'.");
                    }
                    fileName = Path.GetFileName(disposition.FileName.Value ?? disposition.FileNameStar.Value ?? "video");
                    var staged = await staging.WriteNewAsync(temp, section.Body, limit, quotaLeft, ct);
                    switch (staged.Outcome)
                    {
                        case StageOutcome.TooLarge:
                            return TooLarge();
                        case StageOutcome.QuotaReached:
                            return QuotaReached();
                    }
                    stored = staged.Length;
                    // Held from now on: the file has no session row, and the sweep of abandoned uploads removes such files
                    // once older than Uploads:SessionLifetime unless in use (checks and inspection can outlast a short one).
                    held = UploadStaging.Hold(staging.PathOf(temp));
                }
                else
                {
                    using var text = new StreamReader(section.Body);
                    var value = await text.ReadToEndAsync(ct);
                    fields[name] = fields.TryGetValue(name, out var existing) ? StringValues.Concat(existing, value) : new StringValues(value);
                }
            }
            if (fileName is null)
            {
                return Problems.BadRequest("videofile is required.");
            }

            UpdateVideoRequest metadata;
            try
            {
                metadata = VideoForm.ReadUpdate(new FormCollection(fields));
            }
            catch (Exception ex) when (ex is FormatException or BadHttpRequestException)
            {
                return Problems.BadRequest("A form field is not valid: " + ex.Message);
            }
            if (NewVideos.Validate(metadata) is { } error)
            {
                return Problems.BadRequest(error);
            }
            if (await uploads.CheckBeforeBytesAsync(userId, metadata.ChannelId!.Value, fileName, stored, null, ct) is { } refused)
            {
                return refused;
            }
            return await uploads.CompleteAsync(userId, metadata, fileName, staging.PathOf(temp), null, ct);
        }
        finally
        {
            held?.Dispose();
            // Completed uploads were moved away; anything left here belongs to a refused or failed request.
            if (staging.Exists(temp))
            {
                staging.Delete(temp);
            }
        }
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult TooLarge() => Problems.Status(StatusCodes.Status413PayloadTooLarge,
        "This file is too large. It exceeds the maximum file size authorized.", "max_file_size_reached");

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult QuotaReached() =>
        Problems.Status(StatusCodes.Status413PayloadTooLarge, "The user video quota is exceeded with this video.", "quota_reached");

    [LoggerMessage(Level = LogLevel.Information, Message = "Upload {Id}: chunk cut short, {Received} bytes stored")]
    private static partial void LogPartialChunk(ILogger logger, string id, long received);
}

/// <summary>A bodiless answer with headers (201 + Location, 308 + Range).</summary>
internal sealed class StatusWithHeaders(int status, Dictionary<string, string> headers) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = status;
        foreach (var (key, value) in headers)
        {
            httpContext.Response.Headers[key] = value;
        }
        // 308 with an empty body: keep the status-code pages from writing a problem document.
        httpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>()?.Enabled = false;
        httpContext.Response.ContentLength = 0;
        return Task.CompletedTask;
    }
}

/// <summary>Adds headers to another result.</summary>
internal sealed class WithHeaders(IResult inner, Dictionary<string, string> headers) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        foreach (var (key, value) in headers)
        {
            httpContext.Response.Headers[key] = value;
        }
        return inner.ExecuteAsync(httpContext);
    }
}
