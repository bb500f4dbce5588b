using VideoPlatform.Core.Videos;

namespace VideoPlatform.Tests.Core;

/// <summary>The one set of video field rules, used by the REST API (update and upload), the edit page and its French messages.</summary>
public class VideoCommandsTests
{
    private static IEnumerable<TestCaseData> Cases()
    {
        TestCaseData Case(string label, UpdateVideoRequest body, VideoField? field, string? says) => new TestCaseData(body, field, says).SetName("Validate: " + label);

        yield return Case("nothing to change", new UpdateVideoRequest(), null, null);
        yield return Case("a plain name", new UpdateVideoRequest { Name = "Cours" }, null, null);
        yield return Case("name of 2", new UpdateVideoRequest { Name = "ab" }, VideoField.Name, "name");
        yield return Case("name of 3 once trimmed", new UpdateVideoRequest { Name = "  ab  " }, VideoField.Name, "name");
        yield return Case("name of 120", new UpdateVideoRequest { Name = new string('n', 120) }, null, null);
        yield return Case("name of 121", new UpdateVideoRequest { Name = new string('n', 121) }, VideoField.Name, "3 to 120");
        yield return Case("empty name", new UpdateVideoRequest { Name = "" }, VideoField.Name, "name");
        yield return Case("description of 10000", new UpdateVideoRequest { Description = new string('d', 10000) }, null, null);
        yield return Case("description of 10001", new UpdateVideoRequest { Description = new string('d', 10001) }, VideoField.Description, "description");
        yield return Case("empty description", new UpdateVideoRequest { Description = "" }, null, null);
        yield return Case("support of 1001", new UpdateVideoRequest { Support = new string('s', 1001) }, VideoField.Support, "support");
        yield return Case("privacy public", new UpdateVideoRequest { Privacy = 1 }, null, null);
        yield return Case("privacy internal", new UpdateVideoRequest { Privacy = 4 }, null, null);
        yield return Case("privacy password protected", new UpdateVideoRequest { Privacy = 5 }, VideoField.Privacy, "privacy");
        yield return Case("privacy 9", new UpdateVideoRequest { Privacy = 9 }, VideoField.Privacy, "privacy");
        yield return Case("privacy 0", new UpdateVideoRequest { Privacy = 0 }, VideoField.Privacy, "privacy");
        yield return Case("category 99", new UpdateVideoRequest { Category = 99 }, VideoField.Category, "category");
        yield return Case("category 13", new UpdateVideoRequest { Category = 13 }, null, null);
        yield return Case("licence 99", new UpdateVideoRequest { Licence = 99 }, VideoField.Licence, "licence");
        yield return Case("language xx", new UpdateVideoRequest { Language = "xx" }, VideoField.Language, "language");
        yield return Case("language fr", new UpdateVideoRequest { Language = "fr" }, null, null);
        yield return Case("a tag of 1", new UpdateVideoRequest { Tags = ["a"] }, VideoField.Tags, "tags");
        yield return Case("a tag of 31", new UpdateVideoRequest { Tags = [new string('t', 31)] }, VideoField.Tags, "tags");
        yield return Case("six tags", new UpdateVideoRequest { Tags = ["un", "deux", "trois", "quatre", "cinq", "six"] }, VideoField.Tags, "tags");
        yield return Case("five tags", new UpdateVideoRequest { Tags = ["un", "deux", "trois", "quatre", "cinq"] }, null, null);
        yield return Case("no tags", new UpdateVideoRequest { Tags = [] }, null, null);
        yield return Case("the first bad field is named", new UpdateVideoRequest { Name = "ab", Tags = ["a"] }, VideoField.Name, "name");
    }

    [TestCaseSource(nameof(Cases))]
    public void Validate(UpdateVideoRequest body, VideoField? field, string? says)
    {
        var error = VideoCommands.Validate(body);
        Assert.That(error?.Field, Is.EqualTo(field));
        if (says is not null)
        {
            Assert.That(error!.Message, Does.Contain(says));
        }
    }
}
