using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Storage;

namespace VideoPlatform.Tests.Core;

public sealed class ObjectStorageOptionsTests
{
    private static ObjectStorageOptions Valid() => new()
    {
        Enabled = true,
        Endpoint = "https://s3.fr-par.scw.cloud",
        Region = "fr-par",
        AccessKeyId = "key",
        SecretAccessKey = "secret",
        StreamingPlaylists = new BucketOptions { BucketName = "lyon-hls", Prefix = "academy/" },
        WebVideos = new BucketOptions { BucketName = "lyon-videos" },
    };

    [Test]
    public void Disabled_options_need_nothing_and_valid_ones_pass()
    {
        Assert.That(new ObjectStorageOptions().Problems(), Is.Empty);
        Assert.That(Valid().Problems(), Is.Empty);
    }

    [TestCase("Endpoint", "ftp://host", "ObjectStorage:Endpoint must be an absolute http(s) URL")]
    [TestCase("Endpoint", "", "ObjectStorage:Endpoint must be an absolute http(s) URL")]
    [TestCase("Region", " ", "ObjectStorage:Region must be set")]
    [TestCase("SecretAccessKey", "", "ObjectStorage:AccessKeyId and ObjectStorage:SecretAccessKey must be set")]
    [TestCase("MaxUploadPart", "1024", "ObjectStorage:MaxUploadPart must be between 5 MiB and 5 GiB")]
    [TestCase("WebVideos:BucketName", "", "ObjectStorage:WebVideos:BucketName must be set")]
    [TestCase("StreamingPlaylists:BucketName", "Lyon_HLS", "ObjectStorage:StreamingPlaylists:BucketName 'Lyon_HLS' is not a valid bucket name")]
    [TestCase("StreamingPlaylists:Prefix", "/abs/", "ObjectStorage:StreamingPlaylists:Prefix must be empty or a relative folder ending with '/'")]
    [TestCase("StreamingPlaylists:Prefix", "no-slash", "ObjectStorage:StreamingPlaylists:Prefix must be empty or a relative folder ending with '/'")]
    [TestCase("OriginalVideoFiles:BaseUrl", "cdn.example.org", "ObjectStorage:OriginalVideoFiles:BaseUrl must be an absolute http(s) URL")]
    public void Each_problem_is_named(string key, string value, string message)
    {
        var o = Valid();
        switch (key)
        {
            case "Endpoint": o.Endpoint = value; break;
            case "Region": o.Region = value; break;
            case "SecretAccessKey": o.SecretAccessKey = value; break;
            case "MaxUploadPart": o.MaxUploadPart = long.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "WebVideos:BucketName": o.WebVideos.BucketName = value; break;
            case "StreamingPlaylists:BucketName": o.StreamingPlaylists.BucketName = value; break;
            case "StreamingPlaylists:Prefix": o.StreamingPlaylists.Prefix = value; break;
            case "OriginalVideoFiles:BaseUrl": o.OriginalVideoFiles.BaseUrl = value; break;
        }
        var problems = o.Problems();
        Assert.That(problems, Has.Count.EqualTo(1));
        Assert.That(problems[0], Does.StartWith(message));
        Assert.That(new ObjectStorageOptionsValidator().Validate(null, o).Failed, Is.True);
    }

    [Test]
    public void Public_urls_use_the_base_url_then_the_bucket_path_or_host_style()
    {
        var o = Valid();
        o.StreamingPlaylists.BaseUrl = "https://cdn.ac-lyon.fr/";
        using (var store = new ObjectStore(Options.Create(o), NullLogger<ObjectStore>.Instance))
        {
            Assert.That(store.PublicUrl(ObjectKind.StreamingPlaylist, "u/f.m3u8"), Is.EqualTo("https://cdn.ac-lyon.fr/academy/u/f.m3u8"));
            Assert.That(store.PublicUrl(ObjectKind.WebVideo, "u/f.mp4"), Is.EqualTo("https://lyon-videos.s3.fr-par.scw.cloud/u/f.mp4"));
        }
        o.ForcePathStyle = true;
        using (var store = new ObjectStore(Options.Create(o), NullLogger<ObjectStore>.Instance))
        {
            Assert.That(store.PublicUrl(ObjectKind.WebVideo, "u/f.mp4"), Is.EqualTo("https://s3.fr-par.scw.cloud/lyon-videos/u/f.mp4"));
            Assert.That(store.Handles(ObjectKind.OriginalVideo), Is.False, "originals stay local without their bucket");
            Assert.That(store.Handles(ObjectKind.WebVideo), Is.True);
        }
    }

    [Test]
    public void Private_media_keys_live_under_the_private_folder_and_names_cannot_escape()
    {
        var uuid = Guid.NewGuid().ToString("D");
        Assert.That(ObjectStore.VideoKey(uuid, "a-master.m3u8", isPrivate: false), Is.EqualTo($"{uuid}/a-master.m3u8"));
        Assert.That(ObjectStore.VideoKey(uuid, "a-master.m3u8", isPrivate: true), Is.EqualTo($"private/{uuid}/a-master.m3u8"));
        Assert.That(ObjectStore.VideoFolder(uuid, isPrivate: true), Is.EqualTo($"private/{uuid}/"));
        Assert.That(() => ObjectStore.VideoKey(uuid, "../x", isPrivate: false), Throws.ArgumentException);
    }
}
