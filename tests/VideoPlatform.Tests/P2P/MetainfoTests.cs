using System.Diagnostics;
using System.Security.Cryptography;
using VideoPlatform.P2P.Bencode;
using VideoPlatform.P2P.Metainfo;

namespace VideoPlatform.Tests.P2P;

[System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "BitTorrent v1 is SHA-1")]
public class MetainfoTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "vp-p2p-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [TestCase(0L, 16 * 1024)]
    [TestCase(1000L, 16 * 1024)]
    [TestCase(10L * 1024 * 1024, 16 * 1024)]
    [TestCase(100L * 1024 * 1024, 128 * 1024)]
    [TestCase(1024L * 1024 * 1024, 1024 * 1024)]
    [TestCase(3L * 1024 * 1024 * 1024, 4 * 1024 * 1024)]
    [TestCase(1L << 40, 16 * 1024 * 1024)]
    public void Piece_length_follows_the_about_1024_pieces_rule(long size, int expected) =>
        Assert.That(PieceLength.Choose(size), Is.EqualTo(expected));

    private static byte[] Content(int size)
    {
        var data = new byte[size];
        new Random(size).NextBytes(data);
        return data;
    }

    [Test]
    public async Task Creates_a_torrent_that_parses_back_with_every_field()
    {
        var data = Content(100_000);
        var created = await TorrentCreator.CreateAsync(new MemoryStream(data), data.Length, new TorrentCreateOptions
        {
            Name = "Cours 720p.mp4",
            HttpTrackerUrl = "http://127.0.0.1:9000/tracker/announce",
            WebSocketTrackerUrl = "ws://127.0.0.1:9000/tracker/socket",
            WebSeeds = ["http://127.0.0.1:9000/static/x-720-fragmented.mp4"],
            Comment = "VideoPlatform",
            CreationDate = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000),
            PieceLength = 32 * 1024,
        }, CancellationToken.None);

        var parsed = TorrentMetainfo.Parse(created.TorrentFile);
        Assert.Multiple(() =>
        {
            Assert.That(parsed.Name, Is.EqualTo("Cours 720p.mp4"));
            Assert.That(parsed.Length, Is.EqualTo(100_000));
            Assert.That(parsed.PieceCount, Is.EqualTo(4));
            Assert.That(parsed.GetPieceSize(3), Is.EqualTo(100_000 - (3 * 32 * 1024)));
            Assert.That(parsed.GetPieceHash(1).ToArray(), Is.EqualTo(SHA1.HashData(data.AsSpan(32 * 1024, 32 * 1024))));
            // The HTTP tracker first, for desktop clients (issue 17); the WebSocket one stays for browsers.
            Assert.That(parsed.Announce, Is.EqualTo("http://127.0.0.1:9000/tracker/announce"));
            Assert.That(parsed.AnnounceList.Select(t => t[0]), Is.EqualTo(new[] { "http://127.0.0.1:9000/tracker/announce", "ws://127.0.0.1:9000/tracker/socket" }));
            Assert.That(parsed.UrlList, Is.EqualTo(new[] { "http://127.0.0.1:9000/static/x-720-fragmented.mp4" }));
            Assert.That(parsed.CreationDate, Is.EqualTo(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000)));
            Assert.That(parsed.CreatedBy, Is.EqualTo("VideoPlatform"));
            Assert.That(parsed.Comment, Is.EqualTo("VideoPlatform"));
            Assert.That(parsed.InfoHash, Is.EqualTo(InfoHash.Sha1Of(parsed.RawInfo.Span)));
            Assert.That(created.InfoHash, Is.EqualTo(parsed.InfoHash));
            Assert.That(BencodeDecoder.Decode(created.TorrentFile), Is.Not.Null, "our own output is canonical");
        });
    }

    [Test]
    public void Info_hash_round_trips_through_hex()
    {
        var hash = InfoHash.Sha1Of("abc"u8);
        Assert.That(hash.ToHex(), Is.EqualTo("a9993e364706816aba3e25717850c26c9cd0d89d"));
        Assert.That(InfoHash.FromHex(hash.ToHex()), Is.EqualTo(hash));
        Assert.That(InfoHash.TryFromHex("zz", out _), Is.False);
    }

    [Test]
    public void Magnet_link_percent_encodes_every_value_and_lists_the_http_tracker_first()
    {
        var hash = InfoHash.Sha1Of("abc"u8);
        var magnet = MagnetLink.Build(hash, "Été & co 720p.mp4", ["ws://h:9/tracker/socket", "http://h:9/tracker/announce"], ["http://h:9/a b.mp4"], "http://h:9/t.torrent");
        Assert.That(magnet, Is.EqualTo(
            "magnet:?xt=urn:btih:a9993e364706816aba3e25717850c26c9cd0d89d&dn=%C3%89t%C3%A9%20%26%20co%20720p.mp4"
            + "&tr=http%3A%2F%2Fh%3A9%2Ftracker%2Fannounce&tr=ws%3A%2F%2Fh%3A9%2Ftracker%2Fsocket"
            + "&ws=http%3A%2F%2Fh%3A9%2Fa%20b.mp4&xs=http%3A%2F%2Fh%3A9%2Ft.torrent"));
    }

    [Test]
    [Category("External")]
    public async Task Info_hash_matches_mktorrent()
    {
        const string mktorrent = "/usr/bin/mktorrent";
        if (!File.Exists(mktorrent))
        {
            if (Environment.GetEnvironmentVariable("CI") is not null)
            {
                Assert.Fail("mktorrent is required on CI (apt-get install -y mktorrent)");
            }

            Assert.Ignore("mktorrent is not installed");
        }

        var file = Path.Combine(_dir, "clip.mp4");
        await File.WriteAllBytesAsync(file, Content(300_001));
        var output = Path.Combine(_dir, "out.torrent");
        var start = new ProcessStartInfo(mktorrent) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir };
        foreach (var arg in new[] { "-l", "15", "-o", output, file })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.Zero, await process.StandardError.ReadToEndAsync());

        var theirs = TorrentMetainfo.Parse(await File.ReadAllBytesAsync(output));
        var ours = await TorrentCreator.CreateFromFileAsync(file, new TorrentCreateOptions { Name = "clip.mp4", PieceLength = 1 << 15 }, CancellationToken.None);
        Assert.That(ours.InfoHash, Is.EqualTo(theirs.InfoHash));
        Assert.That(ours.Metainfo.RawInfo.ToArray(), Is.EqualTo(theirs.RawInfo.ToArray()));
    }
}
