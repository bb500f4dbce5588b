using System.Text.Json;
using VideoPlatform.Federation.ActivityStreams;

namespace VideoPlatform.Tests.Federation;

public sealed class ActorReaderTests
{
    [Test]
    public void Reads_PeerTubes_application_actor()
    {
        using var doc = ActivityJson.Parse(Fixtures.Bytes("peertube-application-actor.json"));
        var actor = ActorReader.Read(doc.RootElement, out var error);
        Assert.That(actor, Is.Not.Null, error);
        Assert.Multiple(() =>
        {
            Assert.That(actor!.Type, Is.EqualTo("Application"));
            Assert.That(actor.PreferredUsername, Is.EqualTo("peertube"));
            Assert.That(actor.Inbox, Is.EqualTo("http://peertube.test/accounts/peertube/inbox"));
            Assert.That(actor.SharedInbox, Is.EqualTo("http://peertube.test/inbox"));
            Assert.That(actor.Outbox, Is.EqualTo("http://peertube.test/accounts/peertube/outbox"));
            Assert.That(actor.KeyId, Is.EqualTo("http://peertube.test/accounts/peertube#main-key"));
            Assert.That(actor.PublicKeyPem, Does.StartWith("-----BEGIN PUBLIC KEY-----"));
        });
    }

    [Test]
    public void Reads_our_channel_with_its_owner_and_tolerates_Mastodon_shapes()
    {
        var channel = ActorDocument.Create("Group", new Uri("https://videos.ac-lyon.fr"), "/video-channels/maths", "maths", "Maths", "-----BEGIN PUBLIC KEY-----\nAA\n-----END PUBLIC KEY-----")
            with { AttributedTo = [new ActorReference("Person", "https://videos.ac-lyon.fr/accounts/prof")] };
        using var doc = JsonDocument.Parse(ActivityJson.Serialize(channel));
        var read = ActorReader.Read(doc.RootElement, out var error);
        Assert.That(read, Is.Not.Null, error);
        Assert.That(read!.OwnerId, Is.EqualTo("https://videos.ac-lyon.fr/accounts/prof"));

        // Mastodon: type as an array, no sharedInbox endpoints object, icon as an object.
        using var mastodon = JsonDocument.Parse("""
            {"type":["Person"],"id":"https://mastodon.example/users/anne","preferredUsername":"anne","inbox":"https://mastodon.example/users/anne/inbox",
             "icon":{"type":"Image","url":"https://mastodon.example/a.png"},
             "publicKey":{"id":"https://mastodon.example/users/anne#main-key","owner":"https://mastodon.example/users/anne","publicKeyPem":"PEM"}}
            """);
        var anne = ActorReader.Read(mastodon.RootElement, out error);
        Assert.That(anne, Is.Not.Null, error);
        Assert.That(anne!.Name, Is.EqualTo("anne"));
        Assert.That(anne.SharedInbox, Is.Null);
        Assert.That(anne.IconUrl, Is.EqualTo("https://mastodon.example/a.png"));
    }

    [TestCase("""{"type":"Note","id":"https://a.example/x","preferredUsername":"x","inbox":"https://a.example/i","publicKey":{"id":"https://a.example/x#k","owner":"https://a.example/x","publicKeyPem":"P"}}""", TestName = "not an actor type")]
    [TestCase("""{"type":"Person","id":"https://a.example/x","preferredUsername":"x y","inbox":"https://a.example/i","publicKey":{"id":"https://a.example/x#k","owner":"https://a.example/x","publicKeyPem":"P"}}""", TestName = "bad preferredUsername")]
    [TestCase("""{"type":"Person","id":"https://a.example/x","preferredUsername":"x","inbox":"https://a.example/i","publicKey":{"id":"https://evil.example/x#k","owner":"https://a.example/x","publicKeyPem":"P"}}""", TestName = "key on another host")]
    [TestCase("""{"type":"Person","id":"https://a.example/x","preferredUsername":"x","inbox":"https://a.example/i","publicKey":{"id":"https://a.example/x#k","owner":"https://a.example/y","publicKeyPem":"P"}}""", TestName = "key owned by another actor")]
    [TestCase("""{"type":"Person","id":"https://a.example/x","preferredUsername":"x","inbox":"ftp://a.example/i","publicKey":{"id":"https://a.example/x#k","owner":"https://a.example/x","publicKeyPem":"P"}}""", TestName = "inbox not http")]
    public void Refuses_actors_PeerTube_would_refuse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.That(ActorReader.Read(doc.RootElement, out var error), Is.Null);
        Assert.That(error, Is.Not.Null);
    }
}
