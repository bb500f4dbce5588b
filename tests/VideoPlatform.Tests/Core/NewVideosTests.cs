using System.Text.Json;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Videos;

namespace VideoPlatform.Tests.Core;

/// <summary>The one factory of new local videos (uploads and lives): its rules and the row's common fields.</summary>
public class NewVideosTests
{
    [Test]
    public void Name_and_channel_are_required_before_the_edit_rules()
    {
        Assert.That(NewVideos.Validate(new UpdateVideoRequest { ChannelId = 1 }), Is.EqualTo("name is required."));
        Assert.That(NewVideos.Validate(new UpdateVideoRequest { Name = "Leçon" }), Is.EqualTo("channelId is required."));
        Assert.That(NewVideos.Validate(new UpdateVideoRequest { Name = "ab", ChannelId = 1 }), Is.EqualTo("name must be 3 to 120 characters long."));
        Assert.That(NewVideos.Validate(new UpdateVideoRequest { Name = "Leçon", ChannelId = 1, Privacy = 1, AudienceGroups = ["6e B"] }),
            Does.StartWith("audienceGroups restrict internal videos"));
        Assert.That(NewVideos.Validate(new UpdateVideoRequest { Name = "Leçon", ChannelId = 1 }), Is.Null);
    }

    [Test]
    public void A_new_row_has_the_metadata_the_defaults_and_fresh_ids()
    {
        var metadata = new UpdateVideoRequest
        {
            Name = "  Les fractions  ", ChannelId = 7, Description = "Cours de 6e", Tags = ["maths", "6e"], Category = 13, Language = "fr",
            CommentsEnabled = false, OriginallyPublishedAt = DateTimeOffset.FromUnixTimeMilliseconds(1_000),
        };
        var audience = VideoCommands.ResolveAudience(null, metadata).Audience!;

        var row = NewVideos.Row(metadata, audience, "https://videos.ac-lyon.fr", 5_000);
        var other = NewVideos.Row(metadata, audience, "https://videos.ac-lyon.fr", 5_000);

        Assert.That(row.Name, Is.EqualTo("Les fractions"));
        Assert.That(row.ChannelId, Is.EqualTo(7));
        Assert.That(row.Privacy, Is.EqualTo(VideoPrivacy.Public));
        Assert.That(row.Url, Is.EqualTo(LocalUrls.Video("https://videos.ac-lyon.fr", row.Uuid)));
        Assert.That(row.ShortUuid, Is.EqualTo(ShortUuid.FromUuid(Guid.Parse(row.Uuid))));
        Assert.That(other.Uuid, Is.Not.EqualTo(row.Uuid));
        Assert.That(JsonSerializer.Deserialize<string[]>(row.Tags), Is.EqualTo(new[] { "maths", "6e" }));
        Assert.That(row.SearchText, Is.EqualTo(SearchText.ForVideo("Les fractions", "Cours de 6e", ["maths", "6e"])));
        Assert.That(row.CommentsPolicy, Is.EqualTo(CommentsPolicies.Resolve(null, false, CommentsPolicies.Enabled)));
        Assert.That((row.IsLocal, row.Nsfw, row.DownloadEnabled), Is.EqualTo((true, false, true)));
        Assert.That((row.PublishedAt, row.CreatedAt, row.UpdatedAt, row.OriginallyPublishedAt), Is.EqualTo((5_000L, 5_000L, 5_000L, (long?)1_000)));
    }
}
