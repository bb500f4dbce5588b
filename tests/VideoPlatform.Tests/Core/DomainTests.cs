using VideoPlatform.Core.Data;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Jobs;

namespace VideoPlatform.Tests.Core;

public class ShortUuidTests
{
    [TestCase("00000000-0000-0000-0000-000000000000", "1111111111111111111111")]
    [TestCase("a44521d0-0fb8-4ade-8002-3385545c3318", "mhvXdrZT4jP5T8vBxuvm75")] // short-uuid's documented example
    public void Known_values(string uuid, string expected) => Assert.That(ShortUuid.FromUuid(Guid.Parse(uuid)), Is.EqualTo(expected));

    [Test]
    public void Round_trips_random_uuids()
    {
        for (var i = 0; i < 500; i++)
        {
            var uuid = Guid.NewGuid();
            var shortUuid = ShortUuid.FromUuid(uuid);
            Assert.That(shortUuid, Has.Length.EqualTo(22));
            Assert.That(ShortUuid.TryToUuid(shortUuid, out var back), Is.True);
            Assert.That(back, Is.EqualTo(uuid));
        }
    }

    [TestCase("")]
    [TestCase("0OIl")]
    [TestCase("zzzzzzzzzzzzzzzzzzzzzzzzz")]
    public void Rejects_invalid(string text) => Assert.That(ShortUuid.TryToUuid(text, out _), Is.False);
}

public class SearchTextTests
{
    [TestCase("Élasticité", "elasticite")]
    [TestCase("CŒUR et Sœur", "coeur et soeur")]
    [TestCase("Leçon à l'école", "lecon a l'ecole")]
    public void Folds_case_and_accents(string text, string expected) => Assert.That(SearchText.Fold(text), Is.EqualTo(expected));

    [Test]
    public void Like_pattern_escapes_wildcards() => Assert.That(SearchText.LikePattern(" 100%_ "), Is.EqualTo("%100\\%\\_%"));

    [TestCase(" Leçon \"3\" ", "\"lecon \"\"3\"\"\"")]
    [TestCase("Été", "\"ete\"")]
    [TestCase("é1", null)]
    [TestCase("  ab  ", null)]
    public void Trigram_phrase_is_the_folded_query_quoted_or_null_under_three_characters(string search, string? expected) =>
        Assert.That(VideoPlatform.Core.Data.Repositories.VideoRepository.TrigramPhrase(search), Is.EqualTo(expected));
}

public class JobBackoffTests
{
    [TestCase(1, 5)]
    [TestCase(2, 10)]
    [TestCase(3, 20)]
    [TestCase(10, 2560)]
    [TestCase(40, 21600)]
    public void Doubles_per_attempt_up_to_the_cap(int attempts, int expectedSeconds) =>
        Assert.That(JobQueue.Backoff(attempts, TimeSpan.FromSeconds(5)), Is.EqualTo(TimeSpan.FromSeconds(expectedSeconds)));
}

public class MigrationTests
{
    [Test]
    public void Both_dialects_have_the_same_numbered_migrations()
    {
        var sqlite = Migrator.Load(SqlDialect.Sqlite).Select(m => (m.Version, m.Name)).ToList();
        var postgres = Migrator.Load(SqlDialect.Postgres).Select(m => (m.Version, m.Name)).ToList();
        Assert.That(sqlite, Is.Not.Empty);
        Assert.That(postgres, Is.EqualTo(sqlite));
        Assert.That(sqlite.Select(m => m.Version), Is.Ordered.And.Unique);
    }
}
