using System.Globalization;
using System.Text.RegularExpressions;

namespace VideoPlatform.Bench;

/// <summary>
/// Times read from an aria2c debug log (<c>--log=FILE --log-level=debug</c>): when aria2 started, when the first and
/// the last block (piece message) arrived over the peer wire. Used by bench/seeder.sh and the desktop-client tests, so
/// that aria2's own start and exit are not counted as transfer time.
/// </summary>
public static partial class Aria2Log
{
    public sealed record Times(DateTime Start, DateTime FirstBlock, DateTime LastBlock, int Blocks)
    {
        public TimeSpan TimeToFirstBlock => FirstBlock - Start;

        /// <summary>Payload rate between the first and the last block (bytes per second).</summary>
        public double Rate(long bytes) => bytes / Math.Max((LastBlock - FirstBlock).TotalSeconds, 1e-3);
    }

    public static Times Read(string path) => Parse(File.ReadLines(path));

    public static Times Parse(IEnumerable<string> lines)
    {
        DateTime? start = null, first = null, last = null;
        var blocks = 0;
        foreach (var line in lines)
        {
            var match = Stamp().Match(line);
            if (!match.Success)
            {
                continue;
            }
            var at = DateTime.ParseExact(match.Groups[1].Value, "yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
            start ??= at;
            // "[INFO] [DefaultBtInteractive.cc:315] CUID#14 - From: 127.0.0.1:42119 piece index=462, begin=0, length=16384"
            if (line.Contains(" - From: ", StringComparison.Ordinal) && line.Contains(" piece index=", StringComparison.Ordinal))
            {
                first ??= at;
                last = at;
                blocks++;
            }
        }
        return start is null || first is null
            ? throw new InvalidDataException("no block received over the peer wire in aria2's log")
            : new Times(start.Value, first.Value, last!.Value, blocks);
    }

    [GeneratedRegex(@"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}) ")]
    private static partial Regex Stamp();
}
