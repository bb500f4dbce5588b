using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Storage;
using VideoPlatform.Federation.Safety;

namespace VideoPlatform.Federation.Videos;

/// <summary>
/// Copies of remote images (videos' miniatures and previews, playlists' icons): fetched through the SSRF-guarded federation
/// client (size and time limits, an image media type), checked by their magic bytes, written into the media store under a
/// fresh name. Network errors and 5xx throw (the caller's job is retried); anything the origin will not fix by itself
/// (4xx, not an image, too large) gives null.
/// </summary>
public sealed partial class RemoteImages(ActivityPubClient client, MediaStore store, IOptions<FederationOptions> options, ILogger<RemoteImages> logger)
{
    private static readonly string[] ImageTypes = ["image/jpeg", "image/png", "image/webp"];

    /// <summary>The image, or null when the origin will never serve it; throws (the job is retried) when it may later.</summary>
    public async Task<FetchedMedia?> FetchAsync(string? url, CancellationToken ct)
    {
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return null;
        }
        try
        {
            var media = await client.GetMediaAsync(uri, options.Value.ThumbnailMaxBytes, ImageTypes, ct);
            if (!HasImageSignature(media))
            {
                LogNotCached(logger, url, $"the bytes are not a {media.MediaType} image");
                return null;
            }
            return media;
        }
        catch (ActivityPubFetchException e) when (!e.IsRetryable)
        {
            LogNotCached(logger, url, e.Message);
            return null;
        }
    }

    /// <summary>The magic bytes of the announced type: a server answering HTML as image/jpeg is not stored.</summary>
    internal static bool HasImageSignature(FetchedMedia media)
    {
        var b = media.Bytes.AsSpan();
        return media.MediaType switch
        {
            "image/jpeg" => b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]),
            "image/png" => b.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
            "image/webp" => b.Length >= 12 && b[..4].SequenceEqual("RIFF"u8) && b[8..12].SequenceEqual("WEBP"u8),
            _ => false,
        };
    }

    /// <summary>Writes under a fresh name (URLs of media are immutable), atomically; returns the name.</summary>
    public async Task<string> WriteAsync(FetchedMedia media, Func<string, string> pathOf, CancellationToken ct)
    {
        var extension = media.MediaType switch
        {
            "image/png" => ".png",
            "image/webp" => ".webp",
            _ => ".jpg",
        };
        var name = Guid.NewGuid().ToString("D") + extension;
        await store.WriteAsync(pathOf(name), media.Bytes, ct);
        return name;
    }

    [LoggerMessage(EventId = 4312, Level = LogLevel.Information, Message = "Remote image {Url} not cached, the origin URL stays: {Reason}")]
    private static partial void LogNotCached(ILogger logger, string url, string reason);
}
