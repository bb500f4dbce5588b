using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Storage;

namespace VideoPlatform.Tests.Core;

/// <summary>The media store's one way to write a file and to publish a folder, on a real temp folder.</summary>
public class MediaStoreTests
{
    private string _root = null!;
    private MediaStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), "vp-store-" + Guid.NewGuid().ToString("N"));
        _store = new MediaStore(Options.Create(new StorageOptions { Root = _root }), NullLogger<MediaStore>.Instance);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    [Test]
    public async Task Write_replaces_the_file_and_leaves_no_temporary_file()
    {
        var path = _store.TorrentPath("a.torrent");
        await _store.WriteAsync(path, "first"u8.ToArray(), CancellationToken.None);
        await _store.WriteAsync(path, "second"u8.ToArray(), CancellationToken.None);
        Assert.That(await _store.ReadAllTextAsync(path, CancellationToken.None), Is.EqualTo("second"));
        Assert.That(_store.ListFiles(_store.TorrentsRoot), Is.EqualTo(new[] { "a.torrent" }));
    }

    [Test]
    public void Read_or_create_creates_once_and_then_reads_the_first()
    {
        var path = _store.KeyPath("k.key");
        Assert.That(_store.ReadOrCreate(path, () => [1, 2, 3]), Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(_store.ReadOrCreate(path, () => [9]), Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(_store.ListFiles(_store.KeysRoot), Is.EqualTo(new[] { "k.key" }));
    }

    [Test]
    public void Publishing_a_folder_moves_it_whole_then_file_by_file_keeping_older_files()
    {
        var target = _store.HlsFolder("video", isPrivate: false);
        var first = _store.CreateWorkFolder("first");
        File.WriteAllText(Path.Combine(first, "old.m3u8"), "old");
        File.WriteAllText(Path.Combine(first, "same.json"), "1");
        Assert.That(_store.PublishFolder(first, target), Is.EquivalentTo(new[] { "old.m3u8", "same.json" }));
        Assert.That(Directory.Exists(first), Is.False);

        var second = _store.CreateWorkFolder("second");
        File.WriteAllText(Path.Combine(second, "new.m3u8"), "new");
        File.WriteAllText(Path.Combine(second, "same.json"), "2");
        Assert.That(_store.PublishFolder(second, target), Is.EquivalentTo(new[] { "new.m3u8", "same.json" }));
        Assert.That(_store.ListFiles(target), Is.EquivalentTo(new[] { "old.m3u8", "new.m3u8", "same.json" }));
        Assert.That(File.ReadAllText(Path.Combine(target, "same.json")), Is.EqualTo("2"));
    }

    [Test]
    public void A_work_folder_starts_empty()
    {
        var work = _store.CreateWorkFolder("job");
        File.WriteAllText(Path.Combine(work, "leftover"), "x");
        Assert.That(_store.ListFiles(_store.CreateWorkFolder("job")), Is.Empty);
    }

    [Test]
    public void A_folder_moves_only_onto_a_free_place()
    {
        var from = _store.HlsFolder("video", isPrivate: false);
        var to = _store.HlsFolder("video", isPrivate: true);
        Assert.That(_store.MoveFolder(from, to), Is.False, "nothing to move");
        Directory.CreateDirectory(from);
        File.WriteAllText(Path.Combine(from, "f"), "x");
        Assert.That(_store.MoveFolder(from, to), Is.True);
        Assert.That(_store.ListFiles(to), Is.EqualTo(new[] { "f" }));
        Directory.CreateDirectory(from);
        Assert.That(_store.MoveFolder(from, to), Is.False, "the target exists");
    }

    [Test]
    public void A_videos_hls_files_move_between_the_trees_even_onto_an_existing_folder()
    {
        var publicFolder = _store.HlsFolder("video", isPrivate: false);
        var privateFolder = _store.HlsFolder("video", isPrivate: true);
        Assert.That(_store.MoveHls("video", toPrivate: true), Is.False, "nothing to move");
        Directory.CreateDirectory(publicFolder);
        File.WriteAllText(Path.Combine(publicFolder, "a-master.m3u8"), "x");
        Assert.That(_store.MoveHls("video", toPrivate: true), Is.True);
        Assert.That(_store.ListFiles(privateFolder), Is.EqualTo(new[] { "a-master.m3u8" }));
        Assert.That(Directory.Exists(publicFolder), Is.False);

        // A leftover target folder (a crash, a race) does not keep the files in the tree they must leave.
        Directory.CreateDirectory(publicFolder);
        File.WriteAllText(Path.Combine(publicFolder, "b-master.m3u8"), "y");
        Assert.That(_store.MoveHls("video", toPrivate: true), Is.True);
        Assert.That(_store.ListFiles(privateFolder), Is.EquivalentTo(new[] { "a-master.m3u8", "b-master.m3u8" }));
        Assert.That(Directory.Exists(publicFolder), Is.False);
    }

    [Test]
    public async Task A_copy_is_whole_and_leaves_no_temporary_file()
    {
        var folder = _store.HlsFolder("video", isPrivate: false);
        Directory.CreateDirectory(folder);
        var content = System.Security.Cryptography.RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 7);
        File.WriteAllBytes(Path.Combine(folder, "old-720-fragmented.mp4"), content);
        await _store.CopyAsync(Path.Combine(folder, "old-720-fragmented.mp4"), Path.Combine(folder, "new-720-fragmented.mp4"), CancellationToken.None);
        Assert.That(File.ReadAllBytes(Path.Combine(folder, "new-720-fragmented.mp4")), Is.EqualTo(content));
        Assert.That(_store.ListFiles(folder), Is.EquivalentTo(new[] { "old-720-fragmented.mp4", "new-720-fragmented.mp4" }));
    }

    [TestCase("../escape")]
    [TestCase("a/b")]
    [TestCase("")]
    public void Names_cannot_leave_their_folder(string name) =>
        Assert.Throws<ArgumentException>(() => _store.KeyPath(name));
}
