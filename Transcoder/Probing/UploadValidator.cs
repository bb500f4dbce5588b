using System.Globalization;

namespace VideoPlatform.Transcoder.Probing;

public enum ValidationError
{
    None = 0,
    Unreadable,
    NoStreams,
    StillImage,
    NotAVideo,
    TooLarge,
    TooSmall,
    EmptyDuration,
    TooLong,
    Truncated,
    Damaged,
    Undecodable,
}

public sealed record ValidationResult(ValidationError Error, string? Message)
{
    public static readonly ValidationResult Ok = new(ValidationError.None, null);

    public bool IsValid => Error == ValidationError.None;
}

/// <summary>Decides whether a probed upload can be transcoded, with a message the uploader can act on.</summary>
public static class UploadValidator
{
    public const int MaxDimension = 8192;
    public const int MinDimension = 16;
    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(12);

    // Codecs of pictures, not moving video (as PeerTube's list of image codecs).
    private static readonly HashSet<string> ImageCodecs = new(StringComparer.Ordinal)
    {
        "png", "apng", "mjpeg", "jpeg2000", "jpegls", "bmp", "gif", "webp", "tiff", "psd", "svg", "targa", "pam", "pbm",
        "pgm", "ppm", "pcx", "sgi", "xbm", "xpm", "xwd", "exr", "dpx", "qoi", "jpegxl",
    };

    private static readonly HashSet<string> VideoExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".ogv", ".mpg", ".mpeg", ".ts", ".flv", ".3gp", ".wmv",
    };

    public static ValidationResult Validate(SourceMedia? media, string? fileName = null)
    {
        var extension = fileName is null ? "" : Path.GetExtension(fileName);
        if (media is null)
        {
            return VideoExtensions.Contains(extension)
                ? new(ValidationError.Unreadable, $"The file is named {extension} but could not be read as a video: it is another kind of file, or it is truncated or damaged.")
                : new(ValidationError.Unreadable, "The file could not be read: it is not a media file, or it is truncated or damaged.");
        }

        var isImageContainer = media.FormatName.EndsWith("_pipe", StringComparison.Ordinal)
            || media.FormatName.StartsWith("image2", StringComparison.Ordinal);

        if (media.Video is { } image && ImageCodecs.Contains(image.Codec) && !media.HasAudio
            && (isImageContainer || image.FrameCount == 1 || media.Duration < TimeSpan.FromSeconds(0.5)))
        {
            return VideoExtensions.Contains(extension)
                ? new(ValidationError.NotAVideo, $"The file is named {extension} but contains a still image ({image.Codec}), not a video.")
                : new(ValidationError.StillImage, $"The file is a still image ({image.Codec}), not a video.");
        }

        if (!media.HasVideo && !media.HasAudio)
        {
            return VideoExtensions.Contains(extension)
                ? new(ValidationError.NotAVideo, $"The file is named {extension} but contains no video or audio.")
                : new(ValidationError.NoStreams, "The file contains no video and no audio.");
        }

        if (media.Video is { } v)
        {
            if (v.Width > MaxDimension || v.Height > MaxDimension)
            {
                return new(ValidationError.TooLarge, $"The video is {v.Width}×{v.Height}: at most {MaxDimension} pixels per side are accepted.");
            }

            if (v.Width < MinDimension || v.Height < MinDimension)
            {
                return new(ValidationError.TooSmall, $"The video is {v.Width}×{v.Height}: at least {MinDimension} pixels per side are needed.");
            }
        }

        if (media.Duration <= TimeSpan.Zero)
        {
            return new(ValidationError.EmptyDuration, "The file has no duration: it may be empty or damaged.");
        }

        if (media.Duration > MaxDuration)
        {
            return new(ValidationError.TooLong, $"The video lasts {media.Duration:h\\:mm\\:ss}: at most {MaxDuration.TotalHours:0} hours are accepted.");
        }

        return ValidationResult.Ok;
    }

    /// <summary>An MP4/MOV whose sample tables point past its end was cut short (a transfer or a recording interrupted).</summary>
    public static ValidationResult ValidateContainer(Mp4Check check) => check.Verdict switch
    {
        Mp4Verdict.Truncated => new(ValidationError.Truncated, string.Create(CultureInfo.InvariantCulture,
            $"Le fichier est incomplet : il ne contient que {Percent(check.PresentShare)} % des données annoncées par son index ({check.FileSize} octets sur {check.DataEnd}). L'envoi ou l'enregistrement a sans doute été interrompu ; envoyez de nouveau le fichier complet.")),
        Mp4Verdict.Broken => new(ValidationError.Damaged,
            "Le fichier est endommagé : sa structure MP4 est incohérente (" + check.Detail + "). Exportez-le de nouveau ou envoyez une autre copie."),
        _ => ValidationResult.Ok,
    };

    /// <summary>The first seconds could not be decoded: <paramref name="decoderError"/> is ffmpeg's first error line, null when they decode.</summary>
    public static ValidationResult ValidateDecoding(string? decoderError) => decoderError is null
        ? ValidationResult.Ok
        : new(ValidationError.Undecodable,
            "Le début de la vidéo ne peut pas être décodé : le fichier est endommagé (" + decoderError + "). Exportez-le de nouveau ou envoyez une autre copie.");

    /// <summary>What the teacher reads when the transcode met damaged data further in the file.</summary>
    public static ValidationResult CorruptStream(string decoderError) =>
        new(ValidationError.Undecodable,
            "La vidéo est endommagée : une partie du fichier ne peut pas être décodée (" + decoderError + "). Exportez-la de nouveau ou envoyez une autre copie, puis supprimez celle-ci.");

    // Whole percents, with one decimal (French comma) below 10 so that a file cut early does not read "0 %".
    private static string Percent(double share) => share < 0.1
        ? (Math.Floor(share * 1000) / 10).ToString("0.#", CultureInfo.InvariantCulture).Replace('.', ',')
        : Math.Floor(share * 100).ToString(CultureInfo.InvariantCulture);
}
