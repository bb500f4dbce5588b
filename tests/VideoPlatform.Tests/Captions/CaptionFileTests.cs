using System.Text;
using VideoPlatform.Core.Captions;
using VideoPlatform.Core.Data;
using VideoPlatform.Core.Data.Repositories;

namespace VideoPlatform.Tests.Captions;

public class CaptionFileTests
{
    private static ParsedCaption Parse(string text) => CaptionFile.Parse(Encoding.UTF8.GetBytes(text));

    [Test]
    public void Reads_webvtt_with_identifiers_settings_notes_and_styles()
    {
        var parsed = Parse("""
            WEBVTT - Leçon 3

            STYLE
            ::cue { color: yellow }

            NOTE relu par Mme Martin

            intro
            00:01.000 --> 00:04.500 align:start line:10%
            Bonjour à <i>tous</i> !

            01:02:03.250 --> 01:02:05.000
            <v Marie>Les fractions &amp; les décimaux
            sur deux lignes
            """);
        Assert.That(parsed.Cues, Has.Count.EqualTo(2));
        Assert.That(parsed.Cues[0], Is.EqualTo(new CaptionCue(1000, 4500, "Bonjour à <i>tous</i> !")));
        Assert.That(parsed.Cues[0].PlainText, Is.EqualTo("Bonjour à tous !"));
        Assert.That(parsed.Cues[1].StartMs, Is.EqualTo(((3600 + 120 + 3) * 1000) + 250));
        Assert.That(parsed.Cues[1].PlainText, Is.EqualTo("Les fractions & les décimaux sur deux lignes"));
        Assert.That(parsed.WebVtt, Does.StartWith("WEBVTT - Leçon 3\n"));
    }

    [Test]
    public void Converts_srt_to_webvtt_with_bom_crlf_and_font_tags()
    {
        var srt = "\uFEFF1\r\n00:00:01,000 --> 00:00:02,500\r\n<font color=\"red\">Première</font> ligne\r\n\r\n2\r\n00:00:03,000 --> 00:00:05,000\r\n{\\an8}Deuxième\r\n<i>ligne</i>\r\n";
        var parsed = CaptionFile.Parse(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(srt.TrimStart('\uFEFF'))).ToArray());
        Assert.That(parsed.Cues.Select(c => (c.StartMs, c.EndMs, c.Text)), Is.EqualTo(new[]
        {
            (1000L, 2500L, "Première ligne"),
            (3000L, 5000L, "Deuxième\n<i>ligne</i>"),
        }));
        Assert.That(parsed.WebVtt, Is.EqualTo("WEBVTT\n\n00:00:01.000 --> 00:00:02.500\nPremière ligne\n\n00:00:03.000 --> 00:00:05.000\nDeuxième\n<i>ligne</i>\n"));
        // The converted file reads back as the same cues.
        Assert.That(Parse(parsed.WebVtt).Cues, Is.EqualTo(parsed.Cues));
    }

    [TestCase("WEBVTT\n\n00:05.000 --> 00:04.000\nà l'envers", "Line 3: the cue ends (00:00:04.000) before it starts (00:00:05.000).")]
    [TestCase("WEBVTT\n\n00:05.000 --> 00:06.000\nb\n\n00:01.000 --> 00:02.000\na", "Line 6: the cue starts (00:00:01.000) before the previous one (00:00:05.000); cues must be in time order.")]
    [TestCase("WEBVTT\n\n00:61.000 --> 00:62.000\nx", "Line 3: \"00:61.000\" is not a valid time (minutes and seconds go up to 59).")]
    [TestCase("WEBVTT\n\n0:01.000 --> 0:02.000\nx", "Line 3: the timing \"0:01.000 --> 0:02.000\" is not \"[hh:]mm:ss.mmm --> [hh:]mm:ss.mmm\".")]
    [TestCase("WEBVTT\n\nidentifiant\nsans minutage", "Line 3: expected a cue timing such as \"00:01.000 --> 00:04.000\".")]
    [TestCase("WEBVTT\n\nNOTE rien d'autre\n", "The caption file has no cue.")]
    [TestCase("WEBVTT\n00:01.000 --> 00:02.000\nx", "Line 2: a blank line must separate the WEBVTT header from the first cue.")]
    [TestCase("1\n00:00:01.000 --> 00:00:02,000\nx\n\nz\n00:00:03,000 --> 00:00:04,000\ny", "Line 5: expected a cue number, found \"z\".")]
    [TestCase("1\n00:00:01,000 -> 00:00:02,000\nx", "The file is neither WebVTT (it must start with \"WEBVTT\") nor SubRip (numbered cues with \"00:00:01,000 --> 00:00:04,000\" timings).")]
    [TestCase("1\n00:00:01,000 --> 00:00:02\nx", "Line 2: the timing \"00:00:01,000 --> 00:00:02\" is not \"hh:mm:ss,mmm --> hh:mm:ss,mmm\".")]
    [TestCase("Bonjour, ceci est un texte.", "The file is neither WebVTT (it must start with \"WEBVTT\") nor SubRip (numbered cues with \"00:00:01,000 --> 00:00:04,000\" timings).")]
    [TestCase("", "The caption file has no cue.")]
    [TestCase("WEBVTTX\n\n00:01.000 --> 00:02.000\nx", "The file is neither WebVTT (it must start with \"WEBVTT\") nor SubRip (numbered cues with \"00:00:01,000 --> 00:00:04,000\" timings).")]
    public void Refuses_bad_files_saying_where(string text, string message) =>
        Assert.That(() => Parse(text), Throws.TypeOf<CaptionFormatException>().With.Message.EqualTo(message));

    [Test]
    public void Refuses_latin1_binary_and_oversized_files()
    {
        var latin1 = Encoding.Latin1.GetBytes("WEBVTT\n\n00:01.000 --> 00:02.000\nDéjà\n");
        Assert.That(() => CaptionFile.Parse(latin1), Throws.TypeOf<CaptionFormatException>().With.Message.Contains("not UTF-8"));
        Assert.That(() => CaptionFile.Parse([0x57, 0x45, 0x42, 0x00, 0x01]), Throws.TypeOf<CaptionFormatException>().With.Message.EqualTo("The caption file is not text."));
        Assert.That(() => CaptionFile.Parse(new byte[CaptionFile.MaxBytes + 1]), Throws.TypeOf<CaptionFormatException>().With.Message.Contains("larger than 5 MiB"));
    }

    [TestCase(0L, "00:00:00.000")]
    [TestCase(3_723_004L, "01:02:03.004")]
    [TestCase(360_000_000L, "100:00:00.000")]
    public void Formats_times(long ms, string expected) => Assert.That(CaptionFile.FormatTime(ms), Is.EqualTo(expected));

    [TestCase(SqlDialect.Sqlite, "Les Fractions ÉQUIVALENTES", "\"les\" \"fractions\" \"equivalentes\"*")]
    [TestCase(SqlDialect.Postgres, "Les Fractions ÉQUIVALENTES", "les & fractions & equivalentes:*")]
    [TestCase(SqlDialect.Sqlite, "\"x\" OR y* -- ; DROP", "\"x\" \"or\" \"y\" \"drop\"*")]
    [TestCase(SqlDialect.Postgres, "a & b | !c:*", "a & b & c")]
    [TestCase(SqlDialect.Sqlite, "  %%  ", null)]
    [TestCase(SqlDialect.Postgres, "cœur cœur", "coeur")]
    [TestCase(SqlDialect.Postgres, "Dénominat", "denominat:*")]
    [TestCase(SqlDialect.Sqlite, "la fr", "\"la\" \"fr\"")]
    [TestCase(SqlDialect.Sqlite, "fractions la", "\"fractions\" \"la\"")]
    [TestCase(SqlDialect.Postgres, "voyons notion1234 ", "voyons & notion1234:*")]
    public void Full_text_queries_hold_only_folded_words(SqlDialect dialect, string search, string? expected) =>
        Assert.That(CaptionRepository.FullTextQuery(dialect, search), Is.EqualTo(expected));

    // The moment of a lesson found by its caption: how many words of the search a cue's folded text says, with the same
    // words as the full-text indexes (whole words, the last one typed as a prefix from 3 characters).
    [TestCase("Équivalentes", "voici les fractions equivalentes.", 1)]
    [TestCase("fractions équiv", "voici les fractions equivalentes.", 2)]
    [TestCase("fractions équiv", "les fractions, encore", 1)]
    [TestCase("fraction", "les fractions", 1)]
    [TestCase("fraction les", "les fractions", 1)]
    [TestCase("fr", "les fractions", 0)]
    [TestCase("ions", "les fractions", 0)]
    [TestCase("notion10042", "la notion10042 puis la notion100421", 1)]
    [TestCase("cœur", "le coeur du sujet", 1)]
    [TestCase("  %% ", "tout", 0)]
    public void A_cue_says_the_words_of_a_search_as_the_index_does(string search, string cue, int expected) =>
        Assert.That(CaptionRepository.Matched(CaptionRepository.SearchTerms(search), cue), Is.EqualTo(expected));
}

public class ChaptersTests
{
    [Test]
    public void Reads_chapters_from_a_description_as_peertube()
    {
        var chapters = Chapters.FromDescription("""
            Séquence 3 : les fractions.

            00:00 Introduction
            1:30 Les fractions équivalentes
            01:15 plus tôt : ignoré
            1:02:03 Exercices
            2h00m05s Conclusion
            Pas un chapitre 3:00
            """);
        Assert.That(chapters, Is.EqualTo(new[]
        {
            new Chapter(0, "Introduction"),
            new Chapter(90, "Les fractions équivalentes"),
            new Chapter(3723, "Exercices"),
            new Chapter(7205, "Conclusion"),
        }));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("00:00 Une seule ligne")]
    [TestCase("00:10 Ne commence pas\n00:20 à zéro")]
    [TestCase("Rien ici")]
    public void Needs_two_chapters_starting_at_zero(string? description) => Assert.That(Chapters.FromDescription(description), Is.Empty);

    [Test]
    public void Cuts_long_titles_and_validates_lists()
    {
        var chapters = Chapters.FromDescription("0:00 " + new string('a', 150) + "\n0:10 b");
        Assert.That(chapters[0].Title, Has.Length.EqualTo(Chapters.MaxTitleLength));
        Assert.That(Chapters.Validate([new Chapter(0, "a"), new Chapter(5, "b")]), Is.Null);
        Assert.That(Chapters.Validate([new Chapter(-1, "a")]), Does.Contain("≥ 0"));
        Assert.That(Chapters.Validate([new Chapter(0, " ")]), Does.Contain("1 to 100"));
        Assert.That(Chapters.Validate([new Chapter(3, "a"), new Chapter(3, "b")]), Does.Contain("same timecode"));
    }
}
