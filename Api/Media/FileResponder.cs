using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Stats;
using VideoPlatform.Core.Storage;

namespace VideoPlatform.Api.Media;

/// <summary>How long a media answer may be cached, and by whom.</summary>
public enum MediaCache
{
    /// <summary>Names carry a fresh random id per write, so the content behind a URL never changes.</summary>
    PublicImmutable,

    /// <summary>Private media: only the browser of an allowed user keeps it, and asks again.</summary>
    Private,
}

/// <summary>
/// Sends one file of the media store: Range (206/416), HEAD, strong ETag and Last-Modified with their conditional
/// requests (If-None-Match, If-Modified-Since, If-Range), cache headers, CORS, and the body through sendfile.
/// With <c>Media:AccelRedirect</c>, nginx sends the file instead (<see cref="AccelRedirect"/>).
/// </summary>
public static class FileResponder
{
    public static string ContentType(string fileName) => Core.Storage.MediaTypes.Of(fileName);

    /// <summary>A strong validator from size and modification time: a rewritten file gets a new one.</summary>
    public static string ETagOf(long size, DateTime lastWriteUtc) =>
        string.Create(CultureInfo.InvariantCulture, $"\"{size:x}-{lastWriteUtc.Ticks:x}\"");

    public static async Task ServeAsync(HttpContext context, string path, MediaCache cache, string? attachmentName = null)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            await Problems.NotFound("File not found.").ExecuteAsync(context);
            return;
        }
        if (context.RequestServices.GetService<IOptions<MediaOptions>>()?.Value.AccelRedirect == true)
        {
            AccelRedirect(context, path, cache, attachmentName);
            return;
        }
        var lastWrite = info.LastWriteTimeUtc;
        await RespondAsync(context, path, info.Length, lastWrite, ETagOf(info.Length, lastWrite), cache, attachmentName,
            (start, length) => CopyToBodyAsync(context, path, start, length));
    }

    /// <summary>
    /// Sends an object of the object store as <see cref="ServeAsync"/> sends a file (its ETag and Last-Modified are the
    /// store's), streaming only the requested range from the bucket: private media kept in object storage, served after
    /// the caller authorised the request.
    /// </summary>
    public static async Task ServeObjectAsync(HttpContext context, ObjectStore objects, ObjectKind kind, string key, MediaCache cache,
        string? attachmentName = null)
    {
        var head = await objects.HeadAsync(kind, key, context.RequestAborted);
        if (head is null)
        {
            await Problems.NotFound("File not found.").ExecuteAsync(context);
            return;
        }
        var etag = head.ETag.StartsWith('"') ? head.ETag : $"\"{head.ETag}\"";
        await RespondAsync(context, key, head.ContentLength, head.LastModified?.ToUniversalTime() ?? DateTime.UnixEpoch, etag, cache, attachmentName,
            async (start, length) =>
            {
                using var response = await objects.OpenAsync(kind, key, start, start + length - 1, context.RequestAborted)
                    ?? throw new FileNotFoundException($"Object {key} disappeared while it was served.");
                await response.ResponseStream.CopyToAsync(context.Response.Body, context.RequestAborted);
            });
    }

    /// <summary><see cref="ServeObjectAsync"/> as an endpoint's result.</summary>
    public static IResult Object(ObjectStore objects, ObjectKind kind, string key, MediaCache cache, string? attachmentName = null) =>
        new ObjectResult(objects, kind, key, cache, attachmentName);

    private sealed class ObjectResult(ObjectStore objects, ObjectKind kind, string key, MediaCache cache, string? attachmentName) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => ServeObjectAsync(httpContext, objects, kind, key, cache, attachmentName);
    }

    private static async Task RespondAsync(HttpContext context, string name, long size, DateTime lastWrite, string etag, MediaCache cache,
        string? attachmentName, Func<long, long, Task> writeBody)
    {
        var request = context.Request;
        var response = context.Response;
        // HTTP dates have whole seconds; comparisons below use the same truncation.
        var lastModified = new DateTimeOffset(lastWrite.Ticks - lastWrite.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        var headers = response.Headers;
        SetSharedHeaders(response, cache, attachmentName);
        headers.ETag = etag;
        headers.LastModified = lastModified.ToString("R", CultureInfo.InvariantCulture);
        // Empty 304/416 answers must not be turned into problem documents.
        context.Features.Get<IStatusCodePagesFeature>()?.Enabled = false;

        if (NotModified(request, etag, lastModified))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        var rangeHeader = request.Headers.Range.ToString();
        if (rangeHeader.Length > 0 && request.Headers.IfRange.Count > 0 && !IfRangeHolds(request.Headers.IfRange.ToString(), etag, lastModified))
        {
            rangeHeader = "";
        }
        var range = RangeHeader.Parse(rangeHeader, size);
        if (range.Outcome == RangeOutcome.Unsatisfiable)
        {
            response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
            headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes */{size}");
            response.ContentLength = 0;
            return;
        }

        response.ContentType = ContentType(name);
        if (range.Outcome == RangeOutcome.Partial)
        {
            response.StatusCode = StatusCodes.Status206PartialContent;
            headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes {range.Start}-{range.End}/{size}");
        }
        // Set explicitly on every answer, 206 included: the byte counters of /metrics read it.
        response.ContentLength = range.Length;
        if (HttpMethods.IsHead(request.Method) || range.Length == 0)
        {
            return;
        }
        context.RequestServices.GetService<StatsRecorder>()?.MediaBytes(range.Length);
        try
        {
            await writeBody(range.Start, range.Length);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The player moved on (seek, quality switch): nothing to report.
        }
    }

    /// <summary>Cache, CORS and attachment headers: the same whoever sends the bytes.</summary>
    private static void SetSharedHeaders(HttpResponse response, MediaCache cache, string? attachmentName)
    {
        var headers = response.Headers;
        headers.AcceptRanges = "bytes";
        headers.CacheControl = cache == MediaCache.PublicImmutable ? "public, max-age=31536000, immutable" : "private, no-cache";
        headers.AccessControlAllowOrigin = "*";
        headers.AccessControlExposeHeaders = "Content-Range, Content-Length, ETag, Accept-Ranges";
        if (attachmentName is not null)
        {
            headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = attachmentName }.ToString();
        }
    }

    /// <summary>
    /// The request is authorised and the file exists: nginx's internal location sends it (validators, Range and conditional
    /// requests from the file itself). Cache-Control and Content-Disposition travel with this empty answer.
    /// </summary>
    private static void AccelRedirect(HttpContext context, string path, MediaCache cache, string? attachmentName)
    {
        SetSharedHeaders(context.Response, cache, attachmentName);
        var root = context.RequestServices.GetRequiredService<MediaStore>().Root;
        var relative = Path.GetRelativePath(root, path);
        if (relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative))
        {
            throw new InvalidOperationException($"{path} is outside the media folder {root}.");
        }
        var segments = relative.Split(Path.DirectorySeparatorChar).Select(Uri.EscapeDataString);
        context.Response.Headers["X-Accel-Redirect"] = MediaOptions.InternalPrefix + string.Join('/', segments);
        context.Response.ContentLength = 0;
    }

    /// <summary>
    /// Reads the file straight into the response pipe's buffers (one copy, no intermediate stream buffer): Kestrel has no
    /// zero-copy sendfile, and its SendFileAsync fallback copies twice through a small buffer.
    /// </summary>
    private static async Task CopyToBodyAsync(HttpContext context, string path, long offset, long length)
    {
        const int ReadSize = 256 * 1024;
        var ct = context.RequestAborted;
        var writer = context.Response.BodyWriter;
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        var end = offset + length;
        while (offset < end)
        {
            var memory = writer.GetMemory(ReadSize);
            var wanted = (int)Math.Min(memory.Length, end - offset);
            var read = await RandomAccess.ReadAsync(handle, memory[..wanted], offset, ct);
            if (read == 0)
            {
                throw new IOException($"{path} is shorter than announced.");
            }
            writer.Advance(read);
            offset += read;
            var flush = await writer.FlushAsync(ct);
            if (flush.IsCanceled || flush.IsCompleted)
            {
                return;
            }
        }
    }

    private static bool NotModified(HttpRequest request, string etag, DateTimeOffset lastModified)
    {
        var ifNoneMatch = request.Headers.IfNoneMatch.ToString();
        if (ifNoneMatch.Length > 0)
        {
            // Weak comparison (RFC 9110 §13.1.2): W/ prefixes do not matter here.
            return ifNoneMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Any(tag => tag == "*" || StripWeak(tag) == etag);
        }
        return DateTimeOffset.TryParse(request.Headers.IfModifiedSince.ToString(), CultureInfo.InvariantCulture,
                   DateTimeStyles.AssumeUniversal, out var since)
               && lastModified <= since;
    }

    /// <summary>If-Range holds when it names our strong ETag, or exactly our Last-Modified date.</summary>
    private static bool IfRangeHolds(string ifRange, string etag, DateTimeOffset lastModified)
    {
        var value = ifRange.Trim();
        if (value.StartsWith('"') || value.StartsWith("W/", StringComparison.Ordinal))
        {
            return value == etag;
        }
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) && date == lastModified;
    }

    private static string StripWeak(string tag) => tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag;
}
