using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Playlists;

namespace VideoPlatform.Tests.Playlists;

public class PlaylistRulesTests
{
    // Reorders as PeerTube's client sends them: move the block [start, start + length) right after insertAfter.
    [TestCase(5, 2, 4, 1, new[] { 1, 3, 4, 2, 5 })]
    [TestCase(5, 4, 1, 1, new[] { 1, 4, 2, 3, 5 })]
    [TestCase(5, 5, 0, 1, new[] { 5, 1, 2, 3, 4 })]
    [TestCase(5, 1, 5, 1, new[] { 2, 3, 4, 5, 1 })]
    [TestCase(6, 2, 5, 2, new[] { 1, 4, 5, 2, 3, 6 })]
    [TestCase(6, 4, 0, 3, new[] { 4, 5, 6, 1, 2, 3 })]
    [TestCase(3, 2, 1, 1, new[] { 1, 2, 3 })] // right after its predecessor: where it is
    [TestCase(3, 2, 2, 1, new[] { 1, 2, 3 })] // insertAfter == start: PeerTube's no-op
    public void Reorder_moves_a_block_and_keeps_every_position(int count, int start, int insertAfter, int length, int[] expected)
    {
        var order = PlaylistPositions.Reorder(count, start, insertAfter, length);
        Assert.That(order, Is.EqualTo(expected));
        Assert.That(order.Order(), Is.EqualTo(Enumerable.Range(1, count)), "positions stay 1..n, each once");
    }

    [TestCase(3, 0, 1, 1, "startPosition must be at least 1")]
    [TestCase(3, 1, -1, 1, "insertAfterPosition at least 0")]
    [TestCase(3, 1, 2, 0, "reorderLength at least 1")]
    [TestCase(3, 4, 1, 1, "Start position or insert after position exceed the playlist limits (max: 3).")]
    [TestCase(3, 1, 4, 1, "Start position or insert after position exceed the playlist limits (max: 3).")]
    [TestCase(3, 2, 0, 3, "Reorder length with this start position exceeds the playlist limits (max: 2).")]
    [TestCase(5, 2, 3, 3, "insertAfterPosition cannot be inside the block")]
    [TestCase(0, 1, 0, 1, "exceed the playlist limits (max: 0)")]
    public void Reorder_outside_the_playlist_is_refused(int count, int start, int insertAfter, int length, string error)
    {
        Assert.That(PlaylistPositions.ValidateReorder(count, start, insertAfter, length), Does.Contain(error));
        Assert.Throws<ArgumentException>(() => PlaylistPositions.Reorder(count, start, insertAfter, length));
    }

    [Test]
    public void Removal_closes_the_gap()
    {
        var after = new[] { 1, 2, 4, 5 }.Select(p => PlaylistPositions.AfterRemoval(p, 3)).ToArray();
        Assert.That(after, Is.EqualTo(new[] { 1, 2, 3, 4 }));
    }

    [TestCase("Séquence 3 : les fractions", null, 1, true, null)]
    [TestCase("Brouillon", "Pour moi", 3, false, null)]
    [TestCase("Lien seulement", null, 2, false, null)]
    [TestCase("Publique", null, 1, false, "Cannot set \"public\" a playlist that is not assigned to a channel.")]
    [TestCase("", null, 3, false, "displayName must be 1 to 120 characters long.")]
    [TestCase("   ", null, 3, false, "displayName must be 1 to 120 characters long.")]
    [TestCase("ok", "ab", 3, false, "description must be 3 to 1000 characters long.")]
    [TestCase("ok", null, 4, false, "privacy must be 1 (public), 2 (unlisted) or 3 (private).")]
    [TestCase("ok", null, 0, true, "privacy must be 1 (public), 2 (unlisted) or 3 (private).")]
    public void Fields_and_privacy(string name, string? description, int privacy, bool hasChannel, string? error)
    {
        Assert.That(PlaylistRules.Validate(name, description, privacy, hasChannel), Is.EqualTo(error));
    }

    [Test]
    public void Names_and_descriptions_have_peertube_limits()
    {
        Assert.That(PlaylistRules.Validate(new string('a', 120), new string('b', 1000), 3, false), Is.Null);
        Assert.That(PlaylistRules.Validate(new string('a', 121), null, 3, false), Is.Not.Null);
        Assert.That(PlaylistRules.Validate("a", new string('b', 1001), 3, false), Is.Not.Null);
    }

    [Test]
    public void Private_playlists_are_seen_by_their_owner_only()
    {
        Assert.That(PlaylistRules.CanView(PlaylistPrivacy.Public, isOwner: false), Is.True);
        Assert.That(PlaylistRules.CanView(PlaylistPrivacy.Unlisted, isOwner: false), Is.True);
        Assert.That(PlaylistRules.CanView(PlaylistPrivacy.Private, isOwner: false), Is.False);
        Assert.That(PlaylistRules.CanView(PlaylistPrivacy.Private, isOwner: true), Is.True);
    }

    // PeerTube's element types: 0 regular, 1 deleted, 2 private, 3 unavailable.
    [TestCase(false, VideoPrivacy.Public, false, false, false, PlaylistElementType.Deleted)]
    [TestCase(true, VideoPrivacy.Public, false, false, false, PlaylistElementType.Regular)]
    [TestCase(true, VideoPrivacy.Unlisted, false, false, false, PlaylistElementType.Regular)]
    [TestCase(true, VideoPrivacy.Private, false, false, true, PlaylistElementType.Private)]
    [TestCase(true, VideoPrivacy.Private, false, true, true, PlaylistElementType.Regular)]
    [TestCase(true, VideoPrivacy.Internal, false, false, false, PlaylistElementType.Private)]
    [TestCase(true, VideoPrivacy.Internal, false, false, true, PlaylistElementType.Regular)]
    [TestCase(true, VideoPrivacy.PasswordProtected, false, false, true, PlaylistElementType.Private)]
    [TestCase(true, VideoPrivacy.Public, true, false, true, PlaylistElementType.Unavailable)]
    [TestCase(true, VideoPrivacy.Public, true, true, true, PlaylistElementType.Regular)]
    public void Element_types(bool exists, VideoPrivacy privacy, bool blacklisted, bool owns, bool loggedIn, PlaylistElementType expected)
    {
        Assert.That(PlaylistRules.ElementType(exists, privacy, blacklisted, owns, loggedIn), Is.EqualTo(expected));
    }

    [TestCase(null, null, null)]
    [TestCase(0, 30, null)]
    [TestCase(-1, null, "must be positive")]
    [TestCase(null, -5, "must be positive")]
    [TestCase(30, 30, "stopTimestamp must be after startTimestamp.")]
    [TestCase(30, 10, "stopTimestamp must be after startTimestamp.")]
    public void Timestamps(int? start, int? stop, string? error)
    {
        var actual = PlaylistRules.ValidateTimestamps(start, stop);
        if (error is null)
        {
            Assert.That(actual, Is.Null);
        }
        else
        {
            Assert.That(actual, Does.Contain(error));
        }
    }
}
