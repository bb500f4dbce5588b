using VideoPlatform.Bench;

namespace VideoPlatform.Tests.Transcoder.Live;

/// <summary>The burned-in clock bench/live.sh reads in the viewers' video (bench/LiveClock.cs): its decoding arithmetic.</summary>
public class LiveClockTests
{
    /// <summary>The luma of each half cell for a bit string (most significant first): 1 = bright then dark, 0 = dark then bright.</summary>
    private static double[] Halves(string bits, double dark = 16, double bright = 235) =>
        [.. bits.SelectMany(b => b == '1' ? new[] { bright, dark } : new[] { dark, bright })];

    [TestCase("000000000000000000000000", 0L, TestName = "all cells 0")]
    [TestCase("100000000000000000000000", 8_388_608L, TestName = "the left cell is the most significant (2^23)")]
    [TestCase("000000000000000000000001", 1L, TestName = "the right cell is 1 ms")]
    [TestCase("000000000000000000000101", 5L, TestName = "5 ms")]
    [TestCase("101001011100001111110000", 0xA5C3F0L, TestName = "mixed cells (10863600 ms)")]
    [TestCase("111111111111111111111111", 16_777_215L, TestName = "all cells 1 (2^24 - 1)")]
    public void Reads_the_milliseconds_cell_by_cell(string bits, long expected)
    {
        Assert.That(LiveClock.Decode(Halves(bits)), Is.EqualTo(expected));
    }

    [Test]
    public void Reads_cells_whose_contrast_an_encoder_reduced()
    {
        // A low rung: black and white come out as greys, the halves still differ.
        Assert.That(LiveClock.Decode(Halves("000000000001001110001000", dark: 90, bright: 150)), Is.EqualTo(5000L));
    }

    [Test]
    public void A_cell_whose_halves_are_alike_makes_the_frame_unreadable()
    {
        var halves = Halves("000000000001001110001000");
        halves[10] = 120;
        halves[11] = 130;
        Assert.That(LiveClock.Decode(halves), Is.Null);
        Assert.That(LiveClock.Decode(new double[48]), Is.Null, "a uniform frame (no strip)");
        Assert.That(LiveClock.Decode(Halves("0101")), Is.Null, "too few cells");
    }

    [TestCase(1_796_050_000_000L, 1_796_050_010_000L, 4_500L, 5_500L, TestName = "read 10 s after the origin, frame stamped 4.5 s: 5.5 s")]
    [TestCase(1_796_050_000_000L, 1_796_050_000_000L + (1L << 24) + 1_000L, 16_777_000L, 1_216L, TestName = "across the 2^24 ms wrap")]
    [TestCase(1_796_050_000_000L, 1_796_050_003_000L, 3_000L, 0L, TestName = "a frame read in the millisecond it was stamped")]
    public void Latency_is_the_read_time_minus_the_frame_clock(long origin, long readAt, long clock, long expected)
    {
        Assert.That(LiveClock.Latency(origin, readAt, clock), Is.EqualTo(expected));
    }

    [Test]
    public void The_filter_stamps_the_wall_clock_since_the_origin_and_draws_every_cell_both_ways()
    {
        var filter = LiveClock.Filter(1_796_050_317_567, font: null);
        Assert.That(filter, Does.StartWith("settb=1/1000,setpts=floor(RTCTIME/1000)-1796050317567,"));
        Assert.That(filter, Does.EndWith(",settb=1/30,setpts=N"), "the frames get regular timestamps back for the encoder");
        // Cell 0 carries 2^23 ms, cell 23 carries 1 ms: its left half white when the bit is set, its right half otherwise.
        Assert.That(filter, Does.Contain("drawbox=x=iw*1/32:y=ih*5/6:w=iw/64:h=ih/18:color=white:t=fill:enable='mod(floor(t*1000/8388608),2)'"));
        Assert.That(filter, Does.Contain("drawbox=x=iw*24/32+iw/64:y=ih*5/6:w=iw/64:h=ih/18:color=white:t=fill:enable='1-mod(floor(t*1000/1),2)'"));
        Assert.That(filter.Split(",drawbox=").Length - 1, Is.EqualTo(1 + (2 * LiveClock.Bits)), "the black strip and two halves per cell");
    }
}
