namespace VideoPlatform.Api.Media;

/// <summary>How the instance sends media files (<c>Media:*</c>).</summary>
public sealed class MediaOptions
{
    public const string Section = "Media";

    /// <summary>
    /// Behind the repository's nginx (deploy/nginx/videoplatform.conf): after the instance has found and authorised a file, it
    /// answers with an empty body and <c>X-Accel-Redirect</c> naming the file under <see cref="InternalPrefix"/>, and nginx sends
    /// the bytes (sendfile, Range, conditional requests). Never set it without that nginx in front: clients would get empty bodies.
    /// </summary>
    public bool AccelRedirect { get; set; }

    /// <summary>nginx's <c>internal</c> location that maps to <c>Storage:Root</c>; the path after it is the file's path under the root.</summary>
    public const string InternalPrefix = "/internal-media/";
}
