using System.Globalization;

namespace VideoPlatform.Bench;

/// <summary>
/// A wall clock burned into a live source so that a viewer can read it back from the picture it shows: glass-to-glass
/// latency is the viewer's wall clock minus the clock in the frame on screen. ffmpeg stamps each frame, as it leaves
/// the lavfi source (paced by <c>-re</c>, i.e. at capture time), with the wall clock in milliseconds since an origin
/// chosen at launch (<c>setpts=floor(RTCTIME/1000)-origin</c> with a millisecond time base), draws those milliseconds as
/// a strip of <see cref="Bits"/> cells (most significant first), then gives the frames back their regular timestamps.
/// Each cell is two halves, white-black for 1 and black-white for 0: a cell is read by comparing its halves, with no
/// threshold to tune against the encoders' changes of brightness, and a cell whose halves are alike (a frame that is
/// not the strip, or a rung too blurred) is unreadable rather than a wrong bit. The strip spans 3/4 of the width and
/// 1/18 of the height (40 px at 720p, 8 px at 144p). A human clock (UTC time of day) is drawn as well.
/// Used by bench/live.sh; the decoding is unit-tested in tests/VideoPlatform.Tests.
/// </summary>
public static class LiveClock
{
    /// <summary>Milliseconds are drawn modulo 2^24 (4.6 h): a run is shorter than that.</summary>
    public const int Bits = 24;

    /// <summary>The strip's left edge, a cell's width, its top and height, as fractions of the frame.</summary>
    public const double Left = 1.0 / 32, CellWidth = 1.0 / 32, Top = 5.0 / 6, Height = 1.0 / 18;

    /// <summary>Luma difference (0-255) under which the two halves of a cell are taken as alike: the cell is unreadable.</summary>
    public const double MinContrast = 48;

    /// <summary>The video filter that burns the clock (milliseconds since <paramref name="originMs"/>, Unix time) into the frames.</summary>
    public static string Filter(long originMs, string? font)
    {
        var top = "ih*5/6";
        var filters = new List<string>
        {
            "settb=1/1000",
            string.Create(CultureInfo.InvariantCulture, $"setpts=floor(RTCTIME/1000)-{originMs}"),
            $"drawbox=x=iw/32:y={top}:w=iw*{Bits}/32:h=ih/18:color=black:t=fill",
        };
        for (var cell = 0; cell < Bits; cell++)
        {
            var bit = string.Create(CultureInfo.InvariantCulture, $"mod(floor(t*1000/{1L << (Bits - 1 - cell)}),2)");
            filters.Add(string.Create(CultureInfo.InvariantCulture, $"drawbox=x=iw*{1 + cell}/32:y={top}:w=iw/64:h=ih/18:color=white:t=fill:enable='{bit}'"));
            filters.Add(string.Create(CultureInfo.InvariantCulture, $"drawbox=x=iw*{1 + cell}/32+iw/64:y={top}:w=iw/64:h=ih/18:color=white:t=fill:enable='1-{bit}'"));
        }
        if (font is not null)
        {
            // The time of day (UTC) of the frame's capture, for a human looking at the picture.
            var offset = (originMs % 86_400_000) / 1000.0;
            filters.Add(string.Create(CultureInfo.InvariantCulture,
                $"drawtext=fontfile={font}:text='%{{pts\\:hms\\:{offset:0.000}}} UTC':fontsize=h/16:x=w/32:y=h*5/6-h/12:fontcolor=white:box=1:boxcolor=black"));
        }
        filters.Add("settb=1/30");
        filters.Add("setpts=N");
        return string.Join(',', filters);
    }

    /// <summary>
    /// The clock in a frame, from the mean luma of each half cell (left then right, cell by cell, most significant
    /// first, as <see cref="SampleFunction"/> reads them): milliseconds since the origin modulo 2^<see cref="Bits"/>,
    /// or null when a cell is unreadable.
    /// </summary>
    public static long? Decode(IReadOnlyList<double> halves)
    {
        if (halves.Count != 2 * Bits)
        {
            return null;
        }
        long value = 0;
        for (var cell = 0; cell < Bits; cell++)
        {
            var (left, right) = (halves[2 * cell], halves[(2 * cell) + 1]);
            if (Math.Abs(left - right) < MinContrast)
            {
                return null;
            }
            value = (value << 1) | (left > right ? 1L : 0L);
        }
        return value;
    }

    /// <summary>
    /// Glass-to-glass latency in milliseconds of a frame read at <paramref name="readAtMs"/> (Unix time) showing
    /// <paramref name="clock"/> (from <see cref="Decode"/>, modulo 2^<see cref="Bits"/>): the frame is the latest one
    /// drawn at or before the read, so the latency is the read's distance since the origin minus the clock, modulo 2^Bits.
    /// </summary>
    public static long Latency(long originMs, long readAtMs, long clock)
    {
        const long modulus = 1L << Bits;
        return ((((readAtMs - originMs) - clock) % modulus) + modulus) % modulus;
    }

    /// <summary>
    /// A JavaScript function <c>(source, width, height) => number[]</c> run in the viewer's page: draws the strip of a
    /// video (or image) into a small canvas, 4×4 pixels per half cell, and returns the mean luma of each half's central
    /// 2×2 pixels, away from the edges the encoders blur.
    /// </summary>
    public static string SampleFunction => string.Create(CultureInfo.InvariantCulture, $$"""
        (source, width, height) => {
          const bits = {{Bits}}, px = 4;
          const canvas = document.createElement("canvas");
          canvas.width = bits * 2 * px;
          canvas.height = px;
          const context = canvas.getContext("2d", { willReadFrequently: true });
          context.drawImage(source, width * {{Left}}, height * {{Top}}, width * bits * {{CellWidth}}, height * {{Height}}, 0, 0, canvas.width, canvas.height);
          const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
          const halves = [];
          for (let h = 0; h < bits * 2; h++) {
            let sum = 0;
            for (let y = 1; y < 3; y++) {
              for (let x = 1; x < 3; x++) {
                const i = (y * canvas.width + h * px + x) * 4;
                sum += 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
              }
            }
            halves.push(sum / 4);
          }
          return halves;
        }
        """);
}
