using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace VideoPlatform.Core.Captions;

/// <summary>One cue: start and end in milliseconds and its payload (WebVTT text, tags included).</summary>
public sealed record CaptionCue(long StartMs, long EndMs, string Text)
{
    /// <summary>The words a viewer reads: tags (<c>&lt;i&gt;</c>, <c>&lt;v Marie&gt;</c>, timestamps) removed, entities decoded, lines joined.</summary>
    public string PlainText => CaptionFile.PlainText(Text);
}

/// <summary>A caption file read and checked: its cues and the WebVTT we store and serve.</summary>
public sealed record ParsedCaption(string WebVtt, IReadOnlyList<CaptionCue> Cues);

public sealed class CaptionFormatException(string message) : Exception(message);

/// <summary>
/// Reads caption files as teachers upload them, WebVTT (W3C WebVTT: header, optional cue identifiers, <c>[hh:]mm:ss.ttt</c>
/// timings with settings, NOTE/STYLE/REGION blocks) or SubRip (numbered cues, <c>hh:mm:ss,ttt</c>), and turns them into
/// one WebVTT. UTF-8 only (a BOM is fine); every timing is checked: well formed, end after start, cues in start order.
/// </summary>
public static partial class CaptionFile
{
    /// <summary>Largest caption file accepted: a two-hour lesson fully captioned is well under 1 MiB.</summary>
    public const int MaxBytes = 5 * 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static ParsedCaption Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxBytes)
        {
            throw new CaptionFormatException($"The caption file is larger than {MaxBytes / 1024 / 1024} MiB.");
        }
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new CaptionFormatException("The caption file is not UTF-8 text (save it as UTF-8).");
        }
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new CaptionFormatException("The caption file is not text.");
        }
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        return IsWebVtt(text) ? ParseWebVtt(text) : ParseSrt(text);
    }

    private static bool IsWebVtt(string text) =>
        text.StartsWith("WEBVTT", StringComparison.Ordinal) && (text.Length == 6 || text[6] is ' ' or '\t' or '\n');

    private static ParsedCaption ParseWebVtt(string text)
    {
        var lines = text.Split('\n');
        var cues = new List<CaptionCue>();
        var i = 1;
        // The rest of the header block (free text after WEBVTT, legacy metadata headers) ends at the first blank line.
        while (i < lines.Length && lines[i].Length > 0)
        {
            if (lines[i].Contains("-->", StringComparison.Ordinal))
            {
                throw new CaptionFormatException($"Line {i + 1}: a blank line must separate the WEBVTT header from the first cue.");
            }
            i++;
        }
        while (i < lines.Length)
        {
            if (lines[i].Trim().Length == 0)
            {
                i++;
                continue;
            }
            var start = i;
            while (i < lines.Length && lines[i].Trim().Length > 0)
            {
                i++;
            }
            var block = lines[start..i];
            var first = block[0];
            if (first.StartsWith("NOTE", StringComparison.Ordinal) && (first.Length == 4 || first[4] is ' ' or '\t'))
            {
                continue;
            }
            if ((first == "STYLE" || first == "REGION") && !block.Any(l => l.Contains("-->", StringComparison.Ordinal)))
            {
                if (cues.Count > 0)
                {
                    throw new CaptionFormatException($"Line {start + 1}: {first} blocks must come before the first cue.");
                }
                continue;
            }
            var timingIndex = first.Contains("-->", StringComparison.Ordinal) ? 0 : 1;
            if (timingIndex >= block.Length || !block[timingIndex].Contains("-->", StringComparison.Ordinal))
            {
                throw new CaptionFormatException($"Line {start + 1}: expected a cue timing such as \"00:01.000 --> 00:04.000\".");
            }
            var (from, to) = ReadTiming(block[timingIndex], start + timingIndex + 1, srt: false);
            cues.Add(Checked(cues, from, to, string.Join('\n', block[(timingIndex + 1)..]), start + timingIndex + 1));
        }
        if (cues.Count == 0)
        {
            throw new CaptionFormatException("The caption file has no cue.");
        }
        var vtt = text.EndsWith('\n') ? text : text + "\n";
        return new ParsedCaption(vtt, cues);
    }

    private static ParsedCaption ParseSrt(string text)
    {
        var lines = text.Split('\n');
        var cues = new List<CaptionCue>();
        var i = 0;
        while (i < lines.Length)
        {
            if (lines[i].Trim().Length == 0)
            {
                i++;
                continue;
            }
            var start = i;
            // SubRip: a counter line, then the timing line; a missing counter is tolerated as players do.
            var timingLine = lines[i].Contains("-->", StringComparison.Ordinal) ? i : i + 1;
            if (timingLine >= lines.Length || !lines[timingLine].Contains("-->", StringComparison.Ordinal))
            {
                throw new CaptionFormatException(cues.Count == 0
                    ? "The file is neither WebVTT (it must start with \"WEBVTT\") nor SubRip (numbered cues with \"00:00:01,000 --> 00:00:04,000\" timings)."
                    : $"Line {start + 1}: expected a cue number then a timing such as \"00:00:01,000 --> 00:00:04,000\".");
            }
            if (timingLine != i && !long.TryParse(lines[i].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                throw new CaptionFormatException($"Line {i + 1}: expected a cue number, found \"{Shorten(lines[i])}\".");
            }
            var (from, to) = ReadTiming(lines[timingLine], timingLine + 1, srt: true);
            i = timingLine + 1;
            var payload = new List<string>();
            while (i < lines.Length && lines[i].Trim().Length > 0)
            {
                payload.Add(SrtToVttText(lines[i]));
                i++;
            }
            cues.Add(Checked(cues, from, to, string.Join('\n', payload), timingLine + 1));
        }
        if (cues.Count == 0)
        {
            throw new CaptionFormatException("The caption file has no cue.");
        }
        var vtt = new StringBuilder("WEBVTT\n");
        foreach (var cue in cues)
        {
            vtt.Append('\n').Append(FormatTime(cue.StartMs)).Append(" --> ").Append(FormatTime(cue.EndMs)).Append('\n');
            if (cue.Text.Length > 0)
            {
                vtt.Append(cue.Text).Append('\n');
            }
        }
        return new ParsedCaption(vtt.ToString(), cues);
    }

    private static CaptionCue Checked(List<CaptionCue> cues, long from, long to, string text, int line)
    {
        if (to <= from)
        {
            throw new CaptionFormatException($"Line {line}: the cue ends ({FormatTime(to)}) before it starts ({FormatTime(from)}).");
        }
        if (cues.Count > 0 && from < cues[^1].StartMs)
        {
            throw new CaptionFormatException($"Line {line}: the cue starts ({FormatTime(from)}) before the previous one ({FormatTime(cues[^1].StartMs)}); cues must be in time order.");
        }
        if (text.Contains("-->", StringComparison.Ordinal))
        {
            throw new CaptionFormatException($"Line {line}: a cue's text cannot contain \"-->\" (is a blank line missing?).");
        }
        return new CaptionCue(from, to, text);
    }

    private static (long From, long To) ReadTiming(string line, int lineNumber, bool srt)
    {
        var match = (srt ? SrtTiming() : VttTiming()).Match(line);
        if (!match.Success)
        {
            throw new CaptionFormatException(srt
                ? $"Line {lineNumber}: the timing \"{Shorten(line)}\" is not \"hh:mm:ss,mmm --> hh:mm:ss,mmm\"."
                : $"Line {lineNumber}: the timing \"{Shorten(line)}\" is not \"[hh:]mm:ss.mmm --> [hh:]mm:ss.mmm\".");
        }
        return (Milliseconds(match.Groups["from"].Value, lineNumber), Milliseconds(match.Groups["to"].Value, lineNumber));
    }

    private static long Milliseconds(string time, int lineNumber)
    {
        var parts = time.Split(':');
        var hours = parts.Length == 3 ? long.Parse(parts[0], CultureInfo.InvariantCulture) : 0;
        var minutes = int.Parse(parts[^2], CultureInfo.InvariantCulture);
        var seconds = int.Parse(parts[^1][..2], CultureInfo.InvariantCulture);
        var millis = int.Parse(parts[^1][3..], CultureInfo.InvariantCulture);
        if (minutes > 59 || seconds > 59 || hours > 99_999)
        {
            throw new CaptionFormatException($"Line {lineNumber}: \"{time}\" is not a valid time (minutes and seconds go up to 59).");
        }
        return (((hours * 60) + minutes) * 60 + seconds) * 1000 + millis;
    }

    /// <summary><c>hh:mm:ss.ttt</c>, as WebVTT writes times.</summary>
    public static string FormatTime(long ms)
    {
        var t = TimeSpan.FromMilliseconds(ms);
        return string.Create(CultureInfo.InvariantCulture, $"{(long)t.TotalHours:00}:{t.Minutes:00}:{t.Seconds:00}.{t.Milliseconds:000}");
    }

    /// <summary>SubRip's formatting that WebVTT lacks: <c>&lt;font&gt;</c> and ASS position tags (<c>{\an8}</c>) are dropped.</summary>
    private static string SrtToVttText(string line) => SrtExtras().Replace(line, "");

    public static string PlainText(string payload)
    {
        var noTags = Tags().Replace(payload, "");
        var decoded = noTags.Replace("&lt;", "<", StringComparison.Ordinal).Replace("&gt;", ">", StringComparison.Ordinal)
            .Replace("&nbsp;", " ", StringComparison.Ordinal).Replace("&lrm;", "", StringComparison.Ordinal)
            .Replace("&rlm;", "", StringComparison.Ordinal).Replace("&amp;", "&", StringComparison.Ordinal);
        return Spaces().Replace(decoded, " ").Trim();
    }

    private static string Shorten(string line) => line.Length > 60 ? line[..60] + "…" : line;

    [GeneratedRegex(@"^\s*(?<from>(\d{2,}:)?\d{2}:\d{2}\.\d{3})[ \t]+-->[ \t]+(?<to>(\d{2,}:)?\d{2}:\d{2}\.\d{3})([ \t].*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex VttTiming();

    [GeneratedRegex(@"^\s*(?<from>\d{1,}:\d{2}:\d{2}[,.]\d{3})[ \t]*-->[ \t]*(?<to>\d{1,}:\d{2}:\d{2}[,.]\d{3})(\s+X1:.*)?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex SrtTiming();

    [GeneratedRegex(@"</?font[^>]*>|\{\\[^}]*\}", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex SrtExtras();

    [GeneratedRegex(@"<[^>]*>", RegexOptions.CultureInvariant)]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Spaces();
}
