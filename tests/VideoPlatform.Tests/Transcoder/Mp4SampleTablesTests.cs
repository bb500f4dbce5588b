using System.Buffers.Binary;
using System.Text;
using VideoPlatform.Transcoder.Probing;

namespace VideoPlatform.Tests.Transcoder;

/// <summary>The MP4 box-tree reader on hand-built files: where the sample tables say the data ends, against the file size.</summary>
public class Mp4SampleTablesTests
{
    // Two tracks: video with 5 samples in 2 chunks (3 + 2, per-sample sizes), audio with 4 samples of 10 bytes in 2 chunks.
    private static readonly uint[] VideoSizes = [100, 50, 70, 30, 20];

    [Test]
    public void Intact_faststart_file_is_complete()
    {
        var file = Build(faststart: true);
        var check = Inspect(file);
        Assert.That(check.Verdict, Is.EqualTo(Mp4Verdict.Complete), check.Detail);
        Assert.That(check.DataEnd, Is.EqualTo(file.Length), "the last sample ends exactly at the end of the mdat");
        Assert.That(check.PresentShare, Is.EqualTo(1));
    }

    [Test]
    public void Intact_file_with_the_index_at_the_end_is_complete()
    {
        var file = Build(faststart: false);
        Assert.That(Inspect(file).Verdict, Is.EqualTo(Mp4Verdict.Complete));
    }

    private static IEnumerable<TestCaseData> Cuts()
    {
        yield return new TestCaseData(1).SetName("Cut one byte short");
        yield return new TestCaseData(40).SetName("Cut inside the audio chunk");
        yield return new TestCaseData(200).SetName("Cut inside the video data");
    }

    [TestCaseSource(nameof(Cuts))]
    public void Truncated_mdat_is_truncated_with_where_the_data_should_end(int missing)
    {
        var whole = Build(faststart: true);
        var cut = whole[..^missing];
        var check = Inspect(cut);
        Assert.That(check.Verdict, Is.EqualTo(Mp4Verdict.Truncated));
        Assert.That(check.FileSize, Is.EqualTo(cut.Length));
        Assert.That(check.DataEnd, Is.EqualTo(whole.Length));
        Assert.That(check.PresentShare, Is.LessThan(1));
    }

    [Test]
    public void Truncated_mdat_is_found_from_the_sample_tables_even_when_the_mdat_size_says_to_end_of_file()
    {
        // size 0 = "to the end of the file": only the sample tables can tell that bytes are missing.
        var whole = Build(faststart: true, mdatToEnd: true);
        var check = Inspect(whole[..^10]);
        Assert.That(check.Verdict, Is.EqualTo(Mp4Verdict.Truncated));
        Assert.That(check.Detail, Does.Contain("sample tables"));
        Assert.That(Inspect(whole).Verdict, Is.EqualTo(Mp4Verdict.Complete));
    }

    [Test]
    public void Mdat_announcing_more_room_than_its_samples_use_is_complete_when_every_sample_is_there()
    {
        // A recorder reserved room for the media data and stopped early, but wrote an index of what it recorded.
        var file = Build(faststart: true);
        var start = Find(file, "mdat") - 4;
        var padded = Patch(file, start, (uint)(file.Length - start + 5000));
        var check = Inspect(padded);
        Assert.That(check.Verdict, Is.EqualTo(Mp4Verdict.Complete), check.Detail);
        Assert.That(Inspect(padded[..^1]).Verdict, Is.EqualTo(Mp4Verdict.Truncated), "one listed byte missing is a cut");
    }

    [Test]
    public void Index_cut_at_the_end_of_a_file_is_truncated()
    {
        var whole = Build(faststart: false);
        Assert.That(Inspect(whole[..^5]).Verdict, Is.EqualTo(Mp4Verdict.Truncated));
    }

    [Test]
    public void Co64_offsets_and_a_64_bit_mdat_size_are_read()
    {
        var file = Build(faststart: true, co64: true, largeMdat: true);
        Assert.That(Inspect(file).Verdict, Is.EqualTo(Mp4Verdict.Complete));
        Assert.That(Inspect(file).DataEnd, Is.EqualTo(file.Length));
        Assert.That(Inspect(file[..^3]).Verdict, Is.EqualTo(Mp4Verdict.Truncated));
    }

    [Test]
    public void Compact_sample_sizes_are_read()
    {
        var file = Build(faststart: true, compactSizes: true);
        Assert.That(Inspect(file).Verdict, Is.EqualTo(Mp4Verdict.Complete));
        Assert.That(Inspect(file[..^25]).Verdict, Is.EqualTo(Mp4Verdict.Truncated));
    }

    [Test]
    public void Offsets_pointing_past_the_end_are_truncated_even_with_every_box_whole()
    {
        // A recorder that wrote the index before the data it describes, then stopped: the boxes close, the samples are missing.
        var file = Build(faststart: true, videoChunkShift: 10_000);
        var check = Inspect(file);
        Assert.That(check.Verdict, Is.EqualTo(Mp4Verdict.Truncated));
        Assert.That(check.DataEnd, Is.GreaterThan(10_000));
    }

    private static IEnumerable<TestCaseData> Broken()
    {
        yield return new TestCaseData((Func<byte[], byte[]>)(f => Patch(f, Find(f, "trak") - 4, 0xFFFF_FF00u))).SetName("Child box larger than its parent");
        yield return new TestCaseData((Func<byte[], byte[]>)(f => Patch(f, Find(f, "stbl") - 4, 5u))).SetName("Box size below its header");
        yield return new TestCaseData((Func<byte[], byte[]>)(f => Patch(f, Find(f, "stco") + 8, 1_000_000u))).SetName("Chunk count beyond the table");
        yield return new TestCaseData((Func<byte[], byte[]>)(f => Patch(f, Find(f, "stsz") + 12, 1_000_000u))).SetName("Sample count beyond the table");
        yield return new TestCaseData((Func<byte[], byte[]>)(f => Patch(f, Find(f, "stsc") + 12, 0u))).SetName("Samples-per-chunk run starting at chunk 0");
        yield return new TestCaseData((Func<byte[], byte[]>)(f => Patch(f, Find(f, "moov") - 4, 3u))).SetName("Top-level box size below its header");
    }

    [TestCaseSource(nameof(Broken))]
    public void Broken_box_sizes_and_tables_are_broken(Func<byte[], byte[]> damage)
    {
        var check = Inspect(damage(Build(faststart: true)));
        Assert.That(check.Verdict, Is.EqualTo(Mp4Verdict.Broken), check.Detail);
        Assert.That(check.Detail, Is.Not.Empty);
    }

    private static IEnumerable<TestCaseData> NotMp4()
    {
        var random = new Random(42);
        var garbage = new byte[4096];
        random.NextBytes(garbage);
        yield return new TestCaseData(garbage).SetName("Random bytes");
        yield return new TestCaseData(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("Ceci n'est pas une vidéo. ", 40)))).SetName("Text");
        yield return new TestCaseData(new byte[] { 0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01 }).SetName("Matroska header");
        yield return new TestCaseData(new byte[] { 0, 0, 0 }).SetName("Three bytes");
        yield return new TestCaseData(Array.Empty<byte>()).SetName("Empty");
    }

    [TestCaseSource(nameof(NotMp4))]
    public void Other_files_are_not_judged(byte[] bytes) =>
        Assert.That(Inspect(bytes).Verdict, Is.EqualTo(Mp4Verdict.NotMp4));

    [Test]
    public void Fragmented_file_is_left_to_its_fragments()
    {
        var moov = Box("moov", Box("mvhd", new byte[100]), Box("trak", Box("mdia", Box("minf", Box("stbl",
            FullBox("stsz", U32(0), U32(0)), FullBox("stco", U32(0)), FullBox("stsc", U32(0)))))), Box("mvex", Box("trex", new byte[24])));
        var file = Concat(Box("ftyp", Encoding.ASCII.GetBytes("iso5"), U32(0)), moov, Box("moof", new byte[16]), Box("mdat", new byte[64]));
        Assert.That(Inspect(file).Verdict, Is.EqualTo(Mp4Verdict.Fragmented));
        Assert.That(Inspect(file[..^10]).Verdict, Is.EqualTo(Mp4Verdict.Truncated), "a fragment cut short is still a cut file");
    }

    [Test]
    public void Validator_refuses_a_broken_tree_as_damaged()
    {
        var broken = Patch(Build(faststart: true), Find(Build(faststart: true), "stbl") - 4, 5u);
        var result = UploadValidator.ValidateContainer(Inspect(broken));
        Assert.That(result.Error, Is.EqualTo(ValidationError.Damaged));
        Assert.That(result.Message, Does.StartWith("Le fichier est endommagé : sa structure MP4 est incohérente ("));
    }

    [Test]
    public void Validator_turns_a_truncated_file_into_a_French_message_with_the_share_present()
    {
        var whole = Build(faststart: true);
        var cut = whole[..^100];
        var result = UploadValidator.ValidateContainer(Inspect(cut));
        Assert.That(result.Error, Is.EqualTo(ValidationError.Truncated));
        var percent = (int)Math.Floor(100.0 * cut.Length / whole.Length);
        Assert.That(percent, Is.InRange(90, 91));
        Assert.That(result.Message, Does.StartWith("Le fichier est incomplet").And.Contain($"{percent} %").And.Contain($"{cut.Length} octets sur {whole.Length}"));
        Assert.That(UploadValidator.ValidateContainer(Inspect(whole)).IsValid, Is.True);
        Assert.That(UploadValidator.ValidateContainer(Inspect(Encoding.UTF8.GetBytes("hello, world"))).IsValid, Is.True, "not an MP4: other checks decide");
    }

    private static Mp4Check Inspect(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return Mp4SampleTables.Inspect(stream);
    }

    /// <summary>
    /// ftyp, then moov and mdat in either order. The mdat holds the video chunks (3 samples, then 2) with an audio chunk
    /// (2 × 10 bytes) after each; the tables point at them exactly.
    /// </summary>
    private static byte[] Build(bool faststart, bool co64 = false, bool largeMdat = false, bool mdatToEnd = false, bool compactSizes = false,
        long videoChunkShift = 0)
    {
        var ftyp = Box("ftyp", Encoding.ASCII.GetBytes("isom"), U32(512), Encoding.ASCII.GetBytes("isomiso2avc1mp41"));
        var payload = new List<byte>();
        var chunks = new List<(string Track, int Offset)>();
        var sample = 0;
        foreach (var count in new[] { 3, 2 })
        {
            chunks.Add(("v", payload.Count));
            for (var i = 0; i < count; i++)
            {
                payload.AddRange(Enumerable.Repeat((byte)(sample + 1), (int)VideoSizes[sample]));
                sample++;
            }
            chunks.Add(("a", payload.Count));
            payload.AddRange(Enumerable.Repeat((byte)0xAA, 20));
        }
        var mdatHeader = largeMdat ? 16 : 8;

        // The moov's size does not depend on the offsets' values: build it once to learn it, then with the real offsets.
        var moovSize = Moov(0).Length;
        var mdatStart = faststart ? ftyp.Length + moovSize + mdatHeader : ftyp.Length + mdatHeader;
        var moov = Moov(mdatStart);
        byte[] mdat;
        if (largeMdat)
        {
            mdat = Concat(U32(1), Encoding.ASCII.GetBytes("mdat"), U64((ulong)(payload.Count + 16)), payload.ToArray());
        }
        else
        {
            mdat = Concat(U32(mdatToEnd ? 0u : (uint)(payload.Count + 8)), Encoding.ASCII.GetBytes("mdat"), payload.ToArray());
        }
        return faststart ? Concat(ftyp, moov, mdat) : Concat(ftyp, mdat, moov);

        byte[] Moov(int dataStart)
        {
            byte[] Offsets(string track)
            {
                var offsets = chunks.Where(c => c.Track == track).Select(c => (long)dataStart + c.Offset + (track == "v" ? videoChunkShift : 0)).ToList();
                return co64
                    ? FullBox("co64", U32((uint)offsets.Count), Concat(offsets.Select(o => U64((ulong)o)).ToArray()))
                    : FullBox("stco", U32((uint)offsets.Count), Concat(offsets.Select(o => U32((uint)o)).ToArray()));
            }
            var videoSizes = compactSizes
                ? FullBox("stz2", new byte[] { 0, 0, 0, 8 }, U32((uint)VideoSizes.Length), VideoSizes.Select(s => (byte)s).ToArray())
                : FullBox("stsz", U32(0), U32((uint)VideoSizes.Length), Concat(VideoSizes.Select(U32).ToArray()));
            var video = Track(videoSizes, FullBox("stsc", U32(2), U32(1), U32(3), U32(1), U32(2), U32(2), U32(1)), Offsets("v"));
            var audio = Track(FullBox("stsz", U32(10), U32(4)), FullBox("stsc", U32(1), U32(1), U32(2), U32(1)), Offsets("a"));
            return Box("moov", Box("mvhd", new byte[100]), video, audio);
        }
    }

    private static byte[] Track(byte[] sizes, byte[] stsc, byte[] offsets) =>
        Box("trak", Box("tkhd", new byte[84]), Box("mdia", Box("mdhd", new byte[24]), Box("hdlr", new byte[25]),
            Box("minf", Box("stbl", Box("stsd", new byte[16]), FullBox("stts", U32(0)), stsc, sizes, offsets))));

    private static byte[] Box(string type, params byte[][] children)
    {
        var body = Concat(children);
        return Concat(U32((uint)(body.Length + 8)), Encoding.ASCII.GetBytes(type), body);
    }

    private static byte[] FullBox(string type, params byte[][] fields) => Box(type, [new byte[4], .. fields]);

    private static byte[] U32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] U64(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private static int Find(byte[] file, string type) => file.AsSpan().IndexOf(Encoding.ASCII.GetBytes(type));

    private static byte[] Patch(byte[] file, int offset, uint value)
    {
        var copy = (byte[])file.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(offset), value);
        return copy;
    }
}
