using VideoPlatform.Core.Storage;

namespace VideoPlatform.Api.Live;

/// <summary>
/// The images a live has before it goes on air (PeerTube gives a new live its default live background the same way):
/// a "EN DIRECT" thumbnail and preview, copied under fresh names so that going on air replaces them like any image. A
/// federated Video needs an icon (PeerTube's validator refuses one without), so a waiting live must have one.
/// </summary>
public static class LiveImages
{
    private static readonly Lazy<byte[]> Thumbnail = new(() => Read("live-thumbnail.jpg"));
    private static readonly Lazy<byte[]> Preview = new(() => Read("live-preview.jpg"));

    /// <summary>Writes the default thumbnail and preview into the media store; returns their names.</summary>
    public static async Task<(string Thumbnail, string Preview)> WriteDefaultsAsync(MediaStore store, CancellationToken ct)
    {
        var id = Guid.NewGuid().ToString("N");
        var thumbnail = $"{id}-thumbnail.jpg";
        var preview = $"{id}-preview.jpg";
        await store.WriteAsync(store.ThumbnailPath(thumbnail), Thumbnail.Value, ct);
        await store.WriteAsync(store.PreviewPath(preview), Preview.Value, ct);
        return (thumbnail, preview);
    }

    private static byte[] Read(string name)
    {
        using var stream = typeof(LiveImages).Assembly.GetManifestResourceStream("live/" + name)
            ?? throw new InvalidOperationException($"The live image {name} is not embedded in the Api assembly.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
