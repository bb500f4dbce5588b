using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace VideoPlatform.Core.Storage;

/// <summary>The kinds of media files that go to object storage, each with its own bucket settings (PeerTube's).</summary>
public enum ObjectKind
{
    StreamingPlaylist,
    WebVideo,
    OriginalVideo,
}

/// <summary>
/// The object-storage side of the media store (S3-compatible, AWSSDK.S3): uploads (one request, or multipart above
/// <c>MaxUploadPart</c>) verified against the ETag the server computes, reads with ranges, copies, deletes, and the
/// public URL of an object. A video's objects are keyed <c>{Prefix}[private/]{video uuid}/{file name}</c> in the bucket
/// of their kind: private and internal videos under the private folder, which a public base URL never names.
/// </summary>
public sealed partial class ObjectStore : IDisposable
{
    private readonly ObjectStorageOptions _options;
    private readonly ILogger<ObjectStore> _logger;
    private readonly Lazy<AmazonS3Client> _client;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _corsSet = new(StringComparer.Ordinal);

    public ObjectStore(IOptions<ObjectStorageOptions> options, ILogger<ObjectStore> logger)
    {
        _options = options.Value;
        _logger = logger;
        _client = new Lazy<AmazonS3Client>(() => new AmazonS3Client(
            new BasicAWSCredentials(_options.ResolvedAccessKeyId, _options.ResolvedSecretAccessKey),
            new AmazonS3Config
            {
                ServiceURL = _options.Endpoint,
                ForcePathStyle = _options.ForcePathStyle,
                AuthenticationRegion = _options.Region,
                // Checksums only where S3 requires them: trailing CRC checksums are sent aws-chunked, which some
                // S3-compatible servers store as they are. Uploads are verified by their ETag instead.
                RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
                ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
                Timeout = TimeSpan.FromMinutes(5),
                MaxErrorRetry = 2,
            }));
    }

    public bool Enabled => _options.Enabled;

    /// <summary>The S3 client, for the few callers that need it as is (tests creating buckets).</summary>
    public IAmazonS3 Client => _client.Value;

    /// <summary>Whether files of this kind go to object storage (originals only when their bucket is set).</summary>
    public bool Handles(ObjectKind kind) => _options.Enabled && Bucket(kind).IsSet;

    public BucketOptions Bucket(ObjectKind kind) => kind switch
    {
        ObjectKind.StreamingPlaylist => _options.StreamingPlaylists,
        ObjectKind.WebVideo => _options.WebVideos,
        _ => _options.OriginalVideoFiles,
    };

    /// <summary>The key of a video's file inside its kind's prefix (without the prefix).</summary>
    public static string VideoKey(string videoUuid, string fileName, bool isPrivate) =>
        $"{(isPrivate ? ObjectStorageOptions.PrivateFolder : "")}{MediaStore.SafeName(videoUuid)}/{MediaStore.SafeName(fileName)}";

    /// <summary>The folder of a video's keys (without the prefix), to list, move or delete them all.</summary>
    public static string VideoFolder(string videoUuid, bool isPrivate) =>
        $"{(isPrivate ? ObjectStorageOptions.PrivateFolder : "")}{MediaStore.SafeName(videoUuid)}/";

    private string ObjectKey(ObjectKind kind, string key) => Bucket(kind).Prefix + key;

    /// <summary>
    /// The public URL of a public object: <c>BaseUrl + "/" + Prefix + key</c> when the kind has a base URL (a CDN at
    /// the bucket's root), else the bucket's own URL (path-style with <c>ForcePathStyle</c>, virtual-hosted otherwise).
    /// </summary>
    public string PublicUrl(ObjectKind kind, string key)
    {
        var bucket = Bucket(kind);
        var objectKey = ObjectKey(kind, key);
        if (!string.IsNullOrEmpty(bucket.BaseUrl))
        {
            return bucket.BaseUrl.TrimEnd('/') + "/" + objectKey;
        }
        var endpoint = new Uri(_options.Endpoint!);
        return _options.ForcePathStyle
            ? $"{endpoint.GetLeftPart(UriPartial.Authority)}/{bucket.BucketName}/{objectKey}"
            : $"{endpoint.Scheme}://{bucket.BucketName}.{endpoint.Authority}/{objectKey}";
    }

    /// <summary>
    /// Uploads a local file under <paramref name="key"/>, replacing any object there, and checks that the server stored
    /// exactly these bytes: a single request carries Content-MD5 and its ETag must be that MD5; each part of a multipart
    /// upload likewise, and the whole object's ETag must be S3's (the MD5 of the parts' MD5s, "-", the part count) or the
    /// whole file's MD5 (what some S3-compatible servers give); any other ETag makes it read the object back and compare
    /// SHA-256. Throws when the bytes differ. Returns the number of parts sent (1 for a single request).
    /// </summary>
    public async Task<int> UploadAsync(ObjectKind kind, string key, string localPath, bool isPrivate, CancellationToken ct)
    {
        var bucket = Bucket(kind).BucketName!;
        if (kind != ObjectKind.OriginalVideo)
        {
            await AllowBrowserReadsAsync(bucket, ct);
        }
        var objectKey = ObjectKey(kind, key);
        var acl = isPrivate ? _options.UploadAcl.Private : _options.UploadAcl.Public;
        var length = new FileInfo(localPath).Length;
        string[] expected;
        string etag;
        var parts = 1;
        if (length <= _options.MaxUploadPart)
        {
            var md5 = await Md5Async(localPath, 0, length, ct);
            var request = new PutObjectRequest
            {
                BucketName = bucket,
                Key = objectKey,
                FilePath = localPath,
                UseChunkEncoding = false,
                MD5Digest = Convert.ToBase64String(md5),
                ContentType = MediaTypes.Of(localPath),
            };
            if (!string.IsNullOrEmpty(acl))
            {
                request.CannedACL = new S3CannedACL(acl);
            }
            etag = (await Client.PutObjectAsync(request, ct)).ETag;
            expected = [Convert.ToHexStringLower(md5)];
        }
        else
        {
            (etag, expected, parts) = await UploadMultipartAsync(bucket, objectKey, localPath, length, acl, ct);
        }
        if (!expected.Contains(etag.Trim('"'), StringComparer.OrdinalIgnoreCase) && !await SameBytesAsync(kind, key, localPath, ct))
        {
            throw new IOException($"Object {bucket}/{objectKey} does not hold the bytes sent: ETag {etag}, expected {string.Join(" or ", expected)}.");
        }
        LogUploaded(_logger, bucket, objectKey, length, parts);
        return parts;
    }

    /// <summary>The buckets of public media (HLS, web videos), which players on other origins read.</summary>
    public IReadOnlyList<string> PublicMediaBuckets() =>
        new[] { _options.StreamingPlaylists, _options.WebVideos }.Where(b => b.IsSet).Select(b => b.BucketName!).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Sets a CORS rule on a public media bucket, once per bucket and process (at start, and again before an upload when
    /// the bucket did not exist then), so that players on the academies' pages
    /// (hls.js fetches playlists and segments cross-origin) may read its objects: GET and HEAD from any origin, with the
    /// Range header. Idempotent (the same rule replaces itself); a server that refuses it is logged, not fatal (the
    /// bucket may be configured by its administrator, or behind a CDN that answers CORS itself).
    /// </summary>
    public async Task AllowBrowserReadsAsync(string bucket, CancellationToken ct)
    {
        if (_corsSet.ContainsKey(bucket))
        {
            return;
        }
        try
        {
            await Client.PutCORSConfigurationAsync(new PutCORSConfigurationRequest
            {
                BucketName = bucket,
                Configuration = new CORSConfiguration
                {
                    Rules =
                    [
                        new CORSRule
                        {
                            AllowedOrigins = ["*"],
                            AllowedMethods = ["GET", "HEAD"],
                            AllowedHeaders = ["*"],
                            ExposeHeaders = ["Content-Length", "Content-Range", "ETag"],
                            MaxAgeSeconds = 3600,
                        },
                    ],
                },
            }, ct);
            LogCorsSet(_logger, bucket);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            // No such bucket (yet): asked again before the first upload to it.
            LogCorsBucketMissing(_logger, bucket);
            return;
        }
        catch (AmazonS3Exception ex)
        {
            LogCorsRefused(_logger, bucket, ex.StatusCode, ex.Message);
        }
        _corsSet[bucket] = true;
    }

    /// <summary>Reads the object back and compares its SHA-256 with the local file's.</summary>
    private async Task<bool> SameBytesAsync(ObjectKind kind, string key, string localPath, CancellationToken ct)
    {
        using var response = await OpenAsync(kind, key, null, null, ct);
        if (response is null)
        {
            return false;
        }
        var remote = await SHA256.HashDataAsync(response.ResponseStream, ct);
        await using var local = new FileStream(localPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
        var mine = await SHA256.HashDataAsync(local, ct);
        return remote.AsSpan().SequenceEqual(mine);
    }

    private async Task<(string ETag, string[] Expected, int Parts)> UploadMultipartAsync(string bucket, string objectKey, string localPath, long length, string? acl,
        CancellationToken ct)
    {
        var init = new InitiateMultipartUploadRequest { BucketName = bucket, Key = objectKey, ContentType = MediaTypes.Of(localPath) };
        if (!string.IsNullOrEmpty(acl))
        {
            init.CannedACL = new S3CannedACL(acl);
        }
        var uploadId = (await Client.InitiateMultipartUploadAsync(init, ct)).UploadId;
        try
        {
            var parts = new List<PartETag>();
            var md5s = new List<byte[]>();
            var partSize = _options.MaxUploadPart;
            for (long offset = 0, number = 1; offset < length; offset += partSize, number++)
            {
                var size = Math.Min(partSize, length - offset);
                var md5 = await Md5Async(localPath, offset, size, ct);
                var response = await Client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = bucket,
                    Key = objectKey,
                    UploadId = uploadId,
                    PartNumber = (int)number,
                    FilePath = localPath,
                    FilePosition = offset,
                    PartSize = size,
                    UseChunkEncoding = false,
                    MD5Digest = Convert.ToBase64String(md5),
                }, ct);
                if (!string.Equals(response.ETag.Trim('"'), Convert.ToHexStringLower(md5), StringComparison.OrdinalIgnoreCase))
                {
                    throw new IOException($"Part {number} of {bucket}/{objectKey} was not stored as sent (ETag {response.ETag}).");
                }
                parts.Add(new PartETag((int)number, response.ETag));
                md5s.Add(md5);
            }
            var done = await Client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = bucket,
                Key = objectKey,
                UploadId = uploadId,
                PartETags = parts,
            }, ct);
            var composite = Convert.ToHexStringLower(MD5.HashData(md5s.SelectMany(m => m).ToArray())) + "-" + md5s.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return (done.ETag, [composite, Convert.ToHexStringLower(await Md5Async(localPath, 0, length, ct))], md5s.Count);
        }
        catch
        {
            await Client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = objectKey, UploadId = uploadId }, CancellationToken.None);
            throw;
        }
    }

    private static async Task<byte[]> Md5Async(string path, long offset, long length, CancellationToken ct)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
        stream.Position = offset;
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var buffer = new byte[1 << 20];
        var left = length;
        while (left > 0)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), ct);
            if (read == 0)
            {
                throw new EndOfStreamException($"{path} is shorter than expected.");
            }
            md5.AppendData(buffer, 0, read);
            left -= read;
        }
        return md5.GetHashAndReset();
    }

    /// <summary>Reads an object, or a byte range of it (inclusive <paramref name="end"/>); null when it does not exist.</summary>
    public async Task<GetObjectResponse?> OpenAsync(ObjectKind kind, string key, long? start, long? end, CancellationToken ct)
    {
        var request = new GetObjectRequest { BucketName = Bucket(kind).BucketName, Key = ObjectKey(kind, key) };
        if (start is not null)
        {
            request.ByteRange = new ByteRange(start.Value, end ?? long.MaxValue);
        }
        try
        {
            return await Client.GetObjectAsync(request, ct);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// A short-lived URL that reads one object without credentials (S3 query-string signature, valid until
    /// <paramref name="expires"/>): for programs of the instance that read an object by URL (ffprobe), whatever its privacy.
    /// </summary>
    public string PresignedGetUrl(ObjectKind kind, string key, DateTimeOffset expires) =>
        Client.GetPreSignedURL(new GetPreSignedUrlRequest
        {
            BucketName = Bucket(kind).BucketName,
            Key = ObjectKey(kind, key),
            Verb = HttpVerb.GET,
            Expires = expires.UtcDateTime,
            Protocol = new Uri(_options.Endpoint!).Scheme == Uri.UriSchemeHttp ? Protocol.HTTP : Protocol.HTTPS,
        });

    /// <summary>Size, ETag and last change of an object; null when it does not exist.</summary>
    public async Task<GetObjectMetadataResponse?> HeadAsync(ObjectKind kind, string key, CancellationToken ct)
    {
        try
        {
            return await Client.GetObjectMetadataAsync(Bucket(kind).BucketName, ObjectKey(kind, key), ct);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Downloads an object to a local file (its folder created), atomically (a temporary file renamed).</summary>
    public async Task DownloadAsync(ObjectKind kind, string key, string localPath, CancellationToken ct)
    {
        using var response = await OpenAsync(kind, key, null, null, ct)
            ?? throw new FileNotFoundException($"Object {Bucket(kind).BucketName}/{ObjectKey(kind, key)} does not exist.");
        Directory.CreateDirectory(Path.GetDirectoryName(localPath)!);
        var temp = $"{localPath}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var target = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true))
            {
                await response.ResponseStream.CopyToAsync(target, ct);
            }
            File.Move(temp, localPath, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>The keys (without the prefix) under a folder of a kind's prefix.</summary>
    public async Task<IReadOnlyList<string>> ListAsync(ObjectKind kind, string folder, CancellationToken ct)
    {
        var bucket = Bucket(kind);
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = bucket.BucketName, Prefix = bucket.Prefix + folder };
        while (true)
        {
            var response = await Client.ListObjectsV2Async(request, ct);
            keys.AddRange((response.S3Objects ?? []).Select(o => o.Key[bucket.Prefix.Length..]));
            if (response.IsTruncated != true)
            {
                return keys;
            }
            request.ContinuationToken = response.NextContinuationToken;
        }
    }

    /// <summary>Copies an object inside its bucket (server side) with the ACL of its new place.</summary>
    public Task CopyAsync(ObjectKind kind, string fromKey, string toKey, bool toPrivate, CancellationToken ct)
    {
        var bucket = Bucket(kind).BucketName;
        var acl = toPrivate ? _options.UploadAcl.Private : _options.UploadAcl.Public;
        var request = new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = ObjectKey(kind, fromKey),
            DestinationBucket = bucket,
            DestinationKey = ObjectKey(kind, toKey),
        };
        if (!string.IsNullOrEmpty(acl))
        {
            request.CannedACL = new S3CannedACL(acl);
        }
        return Client.CopyObjectAsync(request, ct);
    }

    /// <summary>Deletes an object; a missing one is fine.</summary>
    public Task DeleteAsync(ObjectKind kind, string key, CancellationToken ct) =>
        Client.DeleteObjectAsync(Bucket(kind).BucketName, ObjectKey(kind, key), ct);

    /// <summary>Deletes every object under a folder; returns how many.</summary>
    public async Task<int> DeleteFolderAsync(ObjectKind kind, string folder, CancellationToken ct)
    {
        var keys = await ListAsync(kind, folder, ct);
        foreach (var key in keys)
        {
            await DeleteAsync(kind, key, ct);
        }
        return keys.Count;
    }

    /// <summary>
    /// Moves a video's objects between the public and the private folder (a privacy change): each copied server-side,
    /// then the old one deleted, so one of the two always exists. Returns how many moved.
    /// </summary>
    public async Task<int> MoveVideoAsync(ObjectKind kind, string videoUuid, bool toPrivate, CancellationToken ct)
    {
        if (!Handles(kind))
        {
            return 0;
        }
        var from = VideoFolder(videoUuid, !toPrivate);
        var to = VideoFolder(videoUuid, toPrivate);
        var keys = await ListAsync(kind, from, ct);
        foreach (var key in keys)
        {
            await CopyAsync(kind, key, to + key[from.Length..], toPrivate, ct);
            await DeleteAsync(kind, key, ct);
        }
        return keys.Count;
    }

    public void Dispose()
    {
        if (_client.IsValueCreated)
        {
            _client.Value.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Bucket {Bucket} lets browsers read its objects (CORS GET/HEAD from any origin)")]
    private static partial void LogCorsSet(ILogger logger, string bucket);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bucket {Bucket} does not exist yet: its CORS rule is set before the first upload to it")]
    private static partial void LogCorsBucketMissing(ILogger logger, string bucket);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bucket {Bucket} refused the CORS rule ({Status}: {Reason}); browsers on other origins cannot play from it unless it is configured otherwise")]
    private static partial void LogCorsRefused(ILogger logger, string bucket, HttpStatusCode status, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Uploaded {Bucket}/{Key} ({Length} bytes, {Parts} part(s))")]
    private static partial void LogUploaded(ILogger logger, string bucket, string key, long length, int parts);
}
