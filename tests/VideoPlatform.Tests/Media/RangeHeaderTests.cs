using VideoPlatform.Api.Media;
using VideoPlatform.Api.Uploads;

namespace VideoPlatform.Tests.Media;

public class RangeHeaderTests
{
    [TestCase(null, 1000, RangeOutcome.Full, 0, 1000)]
    [TestCase("", 1000, RangeOutcome.Full, 0, 1000)]
    [TestCase("bytes=0-99", 1000, RangeOutcome.Partial, 0, 100)]
    [TestCase("bytes=100-199", 1000, RangeOutcome.Partial, 100, 100)]
    [TestCase("bytes=900-", 1000, RangeOutcome.Partial, 900, 100)]
    [TestCase("bytes=0-", 1000, RangeOutcome.Partial, 0, 1000)]
    [TestCase("bytes=-100", 1000, RangeOutcome.Partial, 900, 100)]
    [TestCase("bytes=-5000", 1000, RangeOutcome.Partial, 0, 1000)]
    [TestCase("bytes=900-5000", 1000, RangeOutcome.Partial, 900, 100)]
    [TestCase("bytes=999-999", 1000, RangeOutcome.Partial, 999, 1)]
    [TestCase("BYTES=0-0", 1000, RangeOutcome.Partial, 0, 1)]
    [TestCase(" bytes=10-19 ", 1000, RangeOutcome.Partial, 10, 10)]
    [TestCase("bytes=0-9, 20-29", 1000, RangeOutcome.Partial, 0, 10)]
    [TestCase("bytes=2000-3000, 10-19", 1000, RangeOutcome.Partial, 10, 10)]
    [TestCase("bytes=1000-", 1000, RangeOutcome.Unsatisfiable, 0, 0)]
    [TestCase("bytes=1000-2000", 1000, RangeOutcome.Unsatisfiable, 0, 0)]
    [TestCase("bytes=-0", 1000, RangeOutcome.Unsatisfiable, 0, 0)]
    [TestCase("bytes=0-", 0, RangeOutcome.Unsatisfiable, 0, 0)]
    [TestCase("bytes=5-1", 1000, RangeOutcome.Full, 0, 1000)]
    [TestCase("bytes=abc", 1000, RangeOutcome.Full, 0, 1000)]
    [TestCase("bytes=1-2-3", 1000, RangeOutcome.Full, 0, 1000)]
    [TestCase("bytes=+1-2", 1000, RangeOutcome.Full, 0, 1000)]
    [TestCase("items=0-9", 1000, RangeOutcome.Full, 0, 1000)]
    [TestCase("bytes=", 1000, RangeOutcome.Full, 0, 1000)]
    public void Parses(string? header, long size, RangeOutcome outcome, long start, long length)
    {
        var range = RangeHeader.Parse(header, size);
        Assert.That((range.Outcome, range.Start, range.Length), Is.EqualTo((outcome, start, length)));
    }

    [Test]
    public void End_is_inclusive() => Assert.That(RangeHeader.Parse("bytes=100-199", 1000).End, Is.EqualTo(199));
}

public class ContentRangeTests
{
    [TestCase("bytes 0-99/1000", 0L, 99L, 1000L)]
    [TestCase("bytes 900-999/1000", 900L, 999L, 1000L)]
    [TestCase("bytes */1000", null, null, 1000L)]
    [TestCase("Bytes 0-0/1", 0L, 0L, 1L)]
    public void Parses(string header, long? start, long? end, long total)
    {
        Assert.That(ContentRange.TryParse(header, out var range), Is.True);
        Assert.That(range, Is.EqualTo(new ContentRange(start, end, total)));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("bytes 0-99")]
    [TestCase("bytes 0-1000/1000")]
    [TestCase("bytes 10-5/1000")]
    [TestCase("bytes a-b/10")]
    [TestCase("bytes 0-9/*")]
    [TestCase("items 0-9/10")]
    public void Refuses(string? header) => Assert.That(ContentRange.TryParse(header, out _), Is.False);
}

public class UploadOffsetsTests
{
    [TestCase(0, 1000, "bytes 0-99/1000", 100L, ChunkDecision.Write)]
    [TestCase(100, 1000, "bytes 100-999/1000", 900L, ChunkDecision.Write)]
    [TestCase(100, 1000, "bytes 100-999/1000", null, ChunkDecision.Write)]
    [TestCase(100, 1000, "bytes 0-99/1000", 100L, ChunkDecision.WrongOffset)]
    [TestCase(100, 1000, "bytes 200-299/1000", 100L, ChunkDecision.WrongOffset)]
    [TestCase(100, 1000, "bytes */1000", 0L, ChunkDecision.ReportOffset)]
    [TestCase(100, 1000, "bytes 100-199/2000", 100L, ChunkDecision.WrongTotal)]
    [TestCase(100, 1000, "bytes */999", 0L, ChunkDecision.WrongTotal)]
    [TestCase(100, 1000, "bytes 100-199/1000", 50L, ChunkDecision.WrongLength)]
    [TestCase(1000, 1000, "bytes 900-999/1000", 100L, ChunkDecision.ReportOffset)]
    [TestCase(1000, 1000, "bytes 0-999/1000", 1000L, ChunkDecision.ReportOffset)]
    [TestCase(1000, 1000, "bytes 900-998/1000", 99L, ChunkDecision.WrongOffset)]
    [TestCase(999, 1000, "bytes 900-999/1000", 100L, ChunkDecision.WrongOffset)]
    public void Decides(long stored, long size, string header, long? contentLength, ChunkDecision expected)
    {
        Assert.That(ContentRange.TryParse(header, out var range), Is.True);
        Assert.That(UploadOffsets.Decide(stored, size, range, contentLength), Is.EqualTo(expected));
    }

    [TestCase(0, null)]
    [TestCase(1, "bytes=0-0")]
    [TestCase(8_388_608, "bytes=0-8388607")]
    public void Range_header_of_a_308(long stored, string? expected) => Assert.That(UploadOffsets.RangeHeader(stored), Is.EqualTo(expected));
}
