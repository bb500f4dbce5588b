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
    /// <summary>A block (piece message) received at <paramref name="At"/> from the peer listening on <paramref name="FromPort"/>.</summary>
    public sealed record Block(DateTime At, int Length, int FromPort);

    public sealed record Times(DateTime Start, IReadOnlyList<Block> Received)
    {
        public DateTime FirstBlock => Received[0].At;
        public DateTime LastBlock => Received[^1].At;
        public int Blocks => Received.Count;
        public TimeSpan TimeToFirstBlock => FirstBlock - Start;

        /// <summary>Payload rate between the first and the last block (bytes per second).</summary>
        public double Rate(long bytes) => bytes / Math.Max((LastBlock - FirstBlock).TotalSeconds, 1e-3);

        /// <summary>
        /// Payload rate over [<paramref name="from"/>, <paramref name="to"/>): what this client received while others
        /// were also being served, so that a client that ran alone for a while does not look faster.
        /// </summary>
        public double RateBetween(DateTime from, DateTime to, int? fromPort = null) =>
            Received.Where(b => b.At >= from && b.At < to && (fromPort is null || b.FromPort == fromPort)).Sum(b => (long)b.Length)
            / Math.Max((to - from).TotalSeconds, 1e-3);
    }

    public static Times Read(string path) => Parse(File.ReadLines(path));

    public static Times Parse(IEnumerable<string> lines)
    {
        DateTime? start = null;
        var received = new List<Block>();
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
            if (Piece().Match(line) is { Success: true } piece)
            {
                received.Add(new Block(at, int.Parse(piece.Groups[2].Value, CultureInfo.InvariantCulture), int.Parse(piece.Groups[1].Value, CultureInfo.InvariantCulture)));
            }
        }
        return start is null || received.Count == 0
            ? throw new InvalidDataException("no block received over the peer wire in aria2's log")
            : new Times(start.Value, received);
    }

    [GeneratedRegex(@" - From: [^ ]+:(\d+) piece index=\d+, begin=\d+, length=(\d+)")]
    private static partial Regex Piece();

    [GeneratedRegex(@"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}) ")]
    private static partial Regex Stamp();
}
