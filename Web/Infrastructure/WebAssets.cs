using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace VideoPlatform.Web.Infrastructure;

/// <summary>
/// Scripts, styles and icons embedded in this assembly and served by the instance itself (no CDN). URLs carry a content
/// hash, so browsers may keep them forever and a new build is fetched at once.
/// </summary>
public sealed class WebAssets
{
    private const string Prefix = "wwwroot/";
    private readonly FrozenDictionary<string, Asset> _assets;

    public sealed record Asset(byte[] Content, string ContentType, string Hash);

    public WebAssets()
    {
        var assembly = typeof(WebAssets).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            var bytes = memory.ToArray();
            var path = name[Prefix.Length..];
            assets[path] = new Asset(bytes, ContentTypeOf(path), Convert.ToHexStringLower(SHA256.HashData(bytes))[..12]);
        }
        _assets = assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public Asset? Find(string path) => _assets.GetValueOrDefault(path);

    /// <summary>The versioned URL of an asset; a missing asset (a bundle not built) fails loudly.</summary>
    public string Url(string path) =>
        _assets.TryGetValue(path, out var asset)
            ? $"/assets/{path}?v={asset.Hash}"
            : throw new InvalidOperationException($"Web asset '{path}' is not embedded: was the npm build skipped?");

    private static string ContentTypeOf(string path) => Path.GetExtension(path) switch
    {
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".ico" => "image/x-icon",
        ".png" => "image/png",
        _ => "application/octet-stream",
    };

    public IResult Serve(HttpContext context, string path)
    {
        if (Find(path) is not { } asset)
        {
            return Results.NotFound();
        }
        var etag = new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{asset.Hash}\"");
        context.Response.Headers.CacheControl = context.Request.Query.ContainsKey("v")
            ? "public, max-age=31536000, immutable"
            : "public, max-age=3600";
        return Results.Bytes(asset.Content, asset.ContentType, entityTag: etag);
    }
}
