using System.Security.Claims;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Videos;

namespace VideoPlatform.Tests.Core;

/// <summary>Audiences: passwords (PeerTube's privacy 5), class audiences by directory group, embed domains.</summary>
public class VideoAudienceTests
{
    private const long OwnerId = 7;

    private static VideoWithOwners Video(VideoPrivacy privacy, params string[] groups)
    {
        var account = new ActorRow { Id = 1, Type = ActorTypes.Person, Name = "prof", DisplayName = "Prof", Url = "http://a/accounts/prof", InboxUrl = "http://a/i", UserId = OwnerId };
        var channel = account with { Id = 2, Type = ActorTypes.Group, Name = "prof_channel", AccountId = 1, UserId = null };
        var video = new VideoRow
        {
            Uuid = Guid.NewGuid().ToString("D"), ShortUuid = "x", Name = "Leçon", Url = "http://a/videos/watch/x", Privacy = privacy, IsLocal = true,
            AudienceGroups = VideoAudience.Column(groups),
        };
        return new VideoWithOwners(video, channel, account);
    }

    private static ClaimsPrincipal User(long? id, UserRole role = UserRole.User, params string[] groups)
    {
        if (id is null)
        {
            return new ClaimsPrincipal(new ClaimsIdentity());
        }
        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, id.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)), ClaimsPrincipalExtensions.RoleClaim(role) };
        claims.AddRange(groups.Select(g => new Claim(VideoAudience.GroupClaim, g)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, "test"));
    }

    [Test]
    public void A_class_video_is_seen_by_members_owner_and_moderators_only()
    {
        var video = Video(VideoPrivacy.Internal, "5e B", "5e C");
        Assert.Multiple(() =>
        {
            Assert.That(VideoAccess.CanView(video, User(20, UserRole.User, "5e C")), Is.True, "a member of one of the groups");
            Assert.That(VideoAccess.CanView(video, User(21, UserRole.User, "5e A")), Is.False, "a student of another class");
            Assert.That(VideoAccess.CanView(video, User(22, UserRole.User, "5e b")), Is.False, "group names are compared exactly");
            Assert.That(VideoAccess.CanView(video, User(null)), Is.False, "anonymous");
            Assert.That(VideoAccess.CanView(video, User(OwnerId)), Is.True, "its teacher");
            Assert.That(VideoAccess.CanView(video, User(30, UserRole.Moderator)), Is.True, "a moderator");
            Assert.That(VideoAccess.IsOutsideAudience(video, User(21, UserRole.User, "5e A")), Is.True);
            Assert.That(VideoAccess.IsOutsideAudience(Video(VideoPrivacy.Internal), User(21)), Is.False, "no class audience");
            Assert.That(VideoAccess.CanView(Video(VideoPrivacy.Internal), User(21)), Is.True, "an internal video without groups: any signed-in user");
        });
    }

    [Test]
    public void A_password_video_needs_its_password_from_everyone_but_its_managers()
    {
        var video = Video(VideoPrivacy.PasswordProtected);
        Assert.Multiple(() =>
        {
            Assert.That(VideoAccess.NeedsPassword(video, User(null)), Is.True);
            Assert.That(VideoAccess.NeedsPassword(video, User(20)), Is.True);
            Assert.That(VideoAccess.NeedsPassword(video, User(OwnerId)), Is.False);
            Assert.That(VideoAccess.NeedsPassword(video, User(30, UserRole.Administrator)), Is.False);
            Assert.That(VideoAccess.CanView(video, User(20)), Is.False, "without the password");
            Assert.That(VideoAccess.IsShared(VideoPrivacy.PasswordProtected), Is.False, "no torrents, no swarm: private media");
        });
    }

    [Test]
    public void Passwords_match_exactly()
    {
        string[] passwords = ["craie-verte", "tableau"];
        Assert.Multiple(() =>
        {
            Assert.That(VideoAudience.MatchesAny(passwords, "tableau"), Is.True);
            Assert.That(VideoAudience.MatchesAny(passwords, "craie-verte"), Is.True);
            Assert.That(VideoAudience.MatchesAny(passwords, "Tableau"), Is.False);
            Assert.That(VideoAudience.MatchesAny(passwords, "tableau "), Is.False);
            Assert.That(VideoAudience.MatchesAny(passwords, ""), Is.False);
            Assert.That(VideoAudience.MatchesAny(passwords, null), Is.False);
            Assert.That(VideoAudience.MatchesAny([], "tableau"), Is.False);
        });
    }

    [TestCase(new[] { "ab", "cd" }, null)]
    [TestCase(new[] { "a" }, "2 to 100")]
    [TestCase(new[] { "ab", "ab" }, "unique")]
    public void Password_rules_are_PeerTubes(string[] passwords, string? says)
    {
        var error = VideoAudience.ValidatePasswords(passwords);
        Assert.That(error, says is null ? Is.Null : Does.Contain(says));
    }

    [Test]
    public void Groups_are_trimmed_deduplicated_and_bounded()
    {
        Assert.That(VideoAudience.NormalizeGroups([" 5e B ", "5e B", "Enseignants SVT"]).Groups, Is.EqualTo(new[] { "5e B", "Enseignants SVT" }));
        Assert.That(VideoAudience.NormalizeGroups(["  "]).Error, Does.Contain("audienceGroups"));
        Assert.That(VideoAudience.NormalizeGroups([new string('g', 101)]).Error, Does.Contain("audienceGroups"));
        Assert.That(VideoAudience.NormalizeGroups(Enumerable.Range(0, 21).Select(i => "g" + i)).Error, Does.Contain("at most 20"));
    }

    [TestCase("ent.ac-lyon.fr", "ent.ac-lyon.fr")]
    [TestCase(" Moodle.Example.ORG ", "moodle.example.org")]
    [TestCase("127.0.0.1:8080", "127.0.0.1:8080")]
    [TestCase("https://ent.ac-lyon.fr", null)]
    [TestCase("ent.ac-lyon.fr/page", null)]
    [TestCase("*.ac-lyon.fr", null)]
    [TestCase("ent.ac-lyon.fr:0", null)]
    [TestCase("ent.ac-lyon.fr:99999", null)]
    [TestCase("", null)]
    public void Embed_domains_are_host_names_with_an_optional_port(string given, string? normalized)
    {
        var (domains, error) = VideoAudience.NormalizeDomains([given]);
        if (normalized is null)
        {
            Assert.That(error, Does.Contain("embedAllowedDomains"));
        }
        else
        {
            Assert.That(error, Is.Null);
            Assert.That(domains, Is.EqualTo(new[] { normalized }));
        }
    }

    [Test]
    public void Embed_domains_of_the_video_override_the_instances_and_give_the_frame_ancestors()
    {
        var video = Video(VideoPrivacy.Public).Video;
        Assert.That(VideoAudience.EmbedDomains(video, ["ent.ac-lyon.fr"]), Is.EqualTo(new[] { "ent.ac-lyon.fr" }));
        var own = video with { EmbedAllowedDomains = VideoAudience.Column(["moodle.example.org:8443"]) };
        Assert.That(VideoAudience.EmbedDomains(own, ["ent.ac-lyon.fr"]), Is.EqualTo(new[] { "moodle.example.org:8443" }));
        Assert.That(VideoAudience.FrameAncestors(["ent.ac-lyon.fr"]), Is.EqualTo("'self' http://ent.ac-lyon.fr https://ent.ac-lyon.fr"));
        Assert.Multiple(() =>
        {
            Assert.That(VideoAudience.AllowsEmbedder(["ent.ac-lyon.fr"], new Uri("https://ent.ac-lyon.fr/cours/1")), Is.True);
            Assert.That(VideoAudience.AllowsEmbedder(["ent.ac-lyon.fr"], new Uri("https://evil.example/ent.ac-lyon.fr")), Is.False);
            Assert.That(VideoAudience.AllowsEmbedder(["127.0.0.1:8080"], new Uri("http://127.0.0.1:8080/")), Is.True);
            Assert.That(VideoAudience.AllowsEmbedder(["127.0.0.1:8080"], new Uri("http://127.0.0.1:9090/")), Is.False, "another port is another site");
            Assert.That(VideoAudience.AllowsEmbedder([], new Uri("https://anywhere.example/")), Is.True, "no list: anywhere");
        });
    }

    private static IEnumerable<TestCaseData> AudienceCases()
    {
        var publicVideo = Video(VideoPrivacy.Public).Video;
        var protectedVideo = Video(VideoPrivacy.PasswordProtected).Video;
        var classVideo = Video(VideoPrivacy.Internal, "5e B").Video;
        TestCaseData Case(string label, VideoRow? current, UpdateVideoRequest body, VideoPrivacy? privacy, string? groups, VideoField? error) =>
            new TestCaseData(current, body, privacy, groups, error).SetName("ResolveAudience: " + label);

        yield return Case("groups on upload make the video internal", null, new() { AudienceGroups = ["5e B"] }, VideoPrivacy.Internal, "[\"5e B\"]", null);
        yield return Case("groups beside privacy 4", null, new() { Privacy = 4, AudienceGroups = ["5e B"] }, VideoPrivacy.Internal, "[\"5e B\"]", null);
        yield return Case("groups beside privacy 1 are refused", null, new() { Privacy = 1, AudienceGroups = ["5e B"] }, null, null, VideoField.AudienceGroups);
        yield return Case("groups added to a public video", publicVideo, new() { AudienceGroups = ["5e B"] }, VideoPrivacy.Internal, "[\"5e B\"]", null);
        yield return Case("a class video made public keeps its groups: refused", classVideo, new() { Privacy = 1 }, null, null, VideoField.AudienceGroups);
        yield return Case("a class video made public without groups", classVideo, new() { Privacy = 1, AudienceGroups = [] }, VideoPrivacy.Public, null, null);
        yield return Case("passwords without privacy 5 are refused", publicVideo, new() { VideoPasswords = ["ab"] }, null, null, VideoField.Passwords);
        yield return Case("a protected video made public", protectedVideo, new() { Privacy = 1 }, VideoPrivacy.Public, null, null);
    }

    [TestCaseSource(nameof(AudienceCases))]
    public void ResolveAudience(VideoRow? current, UpdateVideoRequest body, VideoPrivacy? privacy, string? groups, VideoField? error)
    {
        var (audience, refusal) = VideoCommands.ResolveAudience(current, body);
        Assert.That(refusal?.Field, Is.EqualTo(error));
        if (error is null)
        {
            Assert.That(audience!.Privacy, Is.EqualTo(privacy));
            Assert.That(audience.AudienceGroups, Is.EqualTo(groups));
        }
    }

    [Test]
    public void Leaving_privacy_5_removes_the_passwords_and_privacy_5_needs_them()
    {
        var (audience, _) = VideoCommands.ResolveAudience(Video(VideoPrivacy.PasswordProtected).Video, new() { Privacy = 2 });
        Assert.That(audience!.Passwords, Is.Empty);
        Assert.That(VideoCommands.Validate(new() { Privacy = 5 })?.Field, Is.EqualTo(VideoField.Privacy));
        Assert.That(VideoCommands.Validate(new() { Privacy = 5, VideoPasswords = ["ab"] }), Is.Null);
        Assert.That(VideoCommands.Validate(new() { Privacy = 5, VideoPasswords = ["a"] })?.Field, Is.EqualTo(VideoField.Passwords));
    }

    [Test]
    public void A_listing_includes_the_class_videos_of_the_viewers_groups_only()
    {
        var anonymous = VideoAccess.ForViewer(new VideoQuery(), User(null));
        var member = VideoAccess.ForViewer(new VideoQuery(), User(20, UserRole.User, "5e B", "Club théâtre"));
        var withoutGroups = VideoAccess.ForViewer(new VideoQuery(), User(21));
        var moderator = VideoAccess.ForViewer(new VideoQuery(), User(30, UserRole.Moderator));
        var requested = VideoAccess.ForViewer(new VideoQuery(), User(20, UserRole.User, "5e B"), [1]);
        Assert.Multiple(() =>
        {
            Assert.That(anonymous.AudienceGroups, Is.Empty);
            Assert.That(anonymous.IncludeAudienceRestricted, Is.False);
            Assert.That(anonymous.Privacies, Is.EqualTo(new[] { 1 }));
            Assert.That(member.AudienceGroups, Is.EquivalentTo(new[] { "5e B", "Club théâtre" }));
            Assert.That(member.IncludeAudienceRestricted, Is.False);
            Assert.That(member.Privacies, Is.EquivalentTo(new[] { 1, 4 }));
            Assert.That(withoutGroups.AudienceGroups, Is.Empty);
            Assert.That(moderator.IncludeAudienceRestricted, Is.True, "moderators see every video, class videos included");
            Assert.That(requested.Privacies, Is.EqualTo(new[] { 1 }), "the privacies asked for still apply");
        });
    }

    [Test]
    public void Cached_listings_are_shared_by_viewers_with_the_same_groups_only()
    {
        static string Audience(ClaimsPrincipal user) => VideoPlatform.Api.Videos.AudienceListingPolicy.Audience(user);
        Assert.Multiple(() =>
        {
            Assert.That(Audience(User(null)), Is.EqualTo("anonymous"));
            Assert.That(Audience(User(21)), Is.EqualTo("signed-in"), "users without groups keep one shared entry");
            Assert.That(Audience(User(30, UserRole.Moderator, "5e B")), Is.EqualTo("all"));
            Assert.That(Audience(User(20, UserRole.User, "5e B", "5e C")), Is.EqualTo(Audience(User(22, UserRole.User, "5e C", "5e B"))),
                "two pupils of the same classes share an entry, whatever the order of their groups");
            Assert.That(Audience(User(20, UserRole.User, "5e B")), Is.Not.EqualTo(Audience(User(23, UserRole.User, "5e C"))));
            Assert.That(Audience(User(20, UserRole.User, "5e B")), Is.Not.EqualTo(Audience(User(21))));
            Assert.That(Audience(User(20, UserRole.User, "a\",b")), Is.Not.EqualTo(Audience(User(24, UserRole.User, "a", "b"))),
                "group names cannot run into each other");
        });
    }
}
