namespace VideoPlatform.Core.Storage;

/// <summary>
/// S3-compatible object storage for media, named as PeerTube's <c>object_storage</c> section. Disabled by default:
/// media then stays on the local disk under <c>Storage:Root</c>. Credentials also come from the environment
/// (<c>VP_ObjectStorage__AccessKeyId</c>, or AWS's usual <c>AWS_ACCESS_KEY_ID</c>/<c>AWS_SECRET_ACCESS_KEY</c>).
/// </summary>
public sealed class ObjectStorageOptions
{
    public const string Section = "ObjectStorage";

    /// <summary>Private and internal videos' objects live under this prefix (after the kind's own prefix), never under a public URL.</summary>
    public const string PrivateFolder = "private/";

    public bool Enabled { get; set; }

    /// <summary>The S3 endpoint, e.g. <c>https://s3.fr-par.scw.cloud</c>.</summary>
    public string? Endpoint { get; set; }

    public string Region { get; set; } = "us-east-1";

    /// <summary>Path-style URLs (<c>endpoint/bucket/key</c>) instead of virtual-hosted ones (<c>bucket.endpoint/key</c>).</summary>
    public bool ForcePathStyle { get; set; }

    public string? AccessKeyId { get; set; }
    public string? SecretAccessKey { get; set; }

    public UploadAclOptions UploadAcl { get; set; } = new();

    /// <summary>Files bigger than this many bytes are sent in parts of this size (S3 allows 5 MiB to 5 GiB).</summary>
    public long MaxUploadPart { get; set; } = 100L * 1024 * 1024;

    public BucketOptions StreamingPlaylists { get; set; } = new();
    public BucketOptions WebVideos { get; set; } = new();

    /// <summary>Where uploaded originals go; without a bucket name they stay on the local disk (they are the source of later transcodes).</summary>
    public BucketOptions OriginalVideoFiles { get; set; } = new();

    /// <summary>The access key: configuration first, then AWS's usual environment variable.</summary>
    public string? ResolvedAccessKeyId =>
        string.IsNullOrWhiteSpace(AccessKeyId) ? Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") : AccessKeyId;

    public string? ResolvedSecretAccessKey =>
        string.IsNullOrWhiteSpace(SecretAccessKey) ? Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") : SecretAccessKey;

    /// <summary>What is wrong with these options, one clear sentence per problem; empty when they can be used.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!Enabled)
        {
            return problems;
        }
        if (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
        {
            problems.Add($"ObjectStorage:Endpoint must be an absolute http(s) URL (got '{Endpoint}').");
        }
        if (string.IsNullOrWhiteSpace(Region))
        {
            problems.Add("ObjectStorage:Region must be set (e.g. fr-par, or us-east-1 for most S3-compatible servers).");
        }
        if (string.IsNullOrWhiteSpace(ResolvedAccessKeyId) || string.IsNullOrWhiteSpace(ResolvedSecretAccessKey))
        {
            problems.Add("ObjectStorage:AccessKeyId and ObjectStorage:SecretAccessKey must be set (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY).");
        }
        if (MaxUploadPart is < 5L * 1024 * 1024 or > 5L * 1024 * 1024 * 1024)
        {
            problems.Add($"ObjectStorage:MaxUploadPart must be between 5 MiB and 5 GiB in bytes (got {MaxUploadPart}).");
        }
        problems.AddRange(StreamingPlaylists.Problems("StreamingPlaylists", required: true));
        problems.AddRange(WebVideos.Problems("WebVideos", required: true));
        problems.AddRange(OriginalVideoFiles.Problems("OriginalVideoFiles", required: false));
        return problems;
    }
}

public sealed class UploadAclOptions
{
    /// <summary>Canned ACL of public objects; empty for servers that refuse ACLs.</summary>
    public string? Public { get; set; } = "public-read";

    /// <summary>Canned ACL of private objects (privacy never depends on it: they also live under a private prefix).</summary>
    public string? Private { get; set; } = "private";
}

/// <summary>Where one kind of file goes: a bucket, a key prefix, and the public URL of the bucket's root (a CDN) if any.</summary>
public sealed class BucketOptions
{
    public string? BucketName { get; set; }
    public string Prefix { get; set; } = "";
    public string? BaseUrl { get; set; }

    public bool IsSet => !string.IsNullOrWhiteSpace(BucketName);

    internal IEnumerable<string> Problems(string name, bool required)
    {
        if (required && !IsSet)
        {
            yield return $"ObjectStorage:{name}:BucketName must be set when object storage is enabled.";
        }
        if (IsSet && (BucketName!.Length is < 3 or > 63 || BucketName.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.'))))
        {
            yield return $"ObjectStorage:{name}:BucketName '{BucketName}' is not a valid bucket name (3 to 63 lower-case letters, digits, '-' or '.').";
        }
        if (Prefix.StartsWith('/') || Prefix.Contains("..", StringComparison.Ordinal) || (Prefix.Length > 0 && !Prefix.EndsWith('/')))
        {
            yield return $"ObjectStorage:{name}:Prefix must be empty or a relative folder ending with '/' (got '{Prefix}').";
        }
        if (!string.IsNullOrEmpty(BaseUrl) && (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https")))
        {
            yield return $"ObjectStorage:{name}:BaseUrl must be an absolute http(s) URL (got '{BaseUrl}').";
        }
    }
}

/// <summary>Refuses to start with unusable object storage options, naming every problem at once.</summary>
public sealed class ObjectStorageOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<ObjectStorageOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, ObjectStorageOptions options) =>
        options.Problems() is { Count: > 0 } problems
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Fail(problems)
            : Microsoft.Extensions.Options.ValidateOptionsResult.Success;
}
