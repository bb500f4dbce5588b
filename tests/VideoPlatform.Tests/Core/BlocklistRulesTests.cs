using VideoPlatform.Core.Accounts;

namespace VideoPlatform.Tests.Core;

/// <summary>The pure rules of the blocklists: PeerTube's account handles and hosts, and its validators' refusals.</summary>
public sealed class BlocklistRulesTests
{
    private const string Local = "videos.ac-rennes.fr";

    [TestCase("prof.martin", "prof.martin", null)]
    [TestCase("  lea@videos.ac-lyon.fr ", "lea", "videos.ac-lyon.fr")]
    [TestCase("@lea@Videos.AC-Lyon.fr", "lea", "videos.ac-lyon.fr")]
    [TestCase("lea@127.0.0.1:9000", "lea", "127.0.0.1:9000")]
    [TestCase("prof_martin@videos.ac-rennes.fr", "prof_martin", null)]
    [TestCase("chaine-1:x@videos.ac-lyon.fr", "chaine-1:x", "videos.ac-lyon.fr")]
    public void A_handle_is_a_name_with_an_optional_host_and_this_instance_means_local(string handle, string name, string? host) =>
        Assert.That(BlocklistRules.ParseHandle(handle, Local), Is.EqualTo(((string, string?)?)(name, host)));

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    [TestCase("@")]
    [TestCase("lea@")]
    [TestCase("léa@videos.ac-lyon.fr")]
    [TestCase("lea martin")]
    [TestCase("lea@videos ac-lyon.fr")]
    [TestCase("lea@https://videos.ac-lyon.fr")]
    [TestCase("lea@videos.ac-lyon.fr/accounts")]
    [TestCase("lea@videos.ac-lyon.fr:99999")]
    [TestCase("lea@bob@videos.ac-lyon.fr")]
    public void Malformed_handles_are_refused(string? handle) => Assert.That(BlocklistRules.ParseHandle(handle, Local), Is.Null);

    [Test]
    public void A_name_of_more_than_100_characters_is_refused() =>
        Assert.That(BlocklistRules.ParseHandle(new string('a', 101), Local), Is.Null);

    [TestCase(" Videos.AC-Lyon.fr ", "videos.ac-lyon.fr")]
    [TestCase("127.0.0.1:9000", "127.0.0.1:9000")]
    [TestCase("", null)]
    [TestCase(null, null)]
    [TestCase("https://videos.ac-lyon.fr", null)]
    [TestCase("videos.ac-lyon.fr/", null)]
    [TestCase("lea@videos.ac-lyon.fr", null)]
    [TestCase("videos.ac-lyon.fr:0", null)]
    public void Hosts_are_lower_cased_or_refused(string? host, string? expected) => Assert.That(BlocklistRules.NormalizeHost(host), Is.EqualTo(expected));

    [Test]
    public void Nobody_blocks_themself_as_PeerTube_answers_409()
    {
        Assert.That(BlocklistRules.AccountRefusal(7, 7), Is.EqualTo(BlockRefusal.Self));
        Assert.That(BlocklistRules.AccountRefusal(7, 8), Is.Null);
    }

    [Test]
    public void Nobody_blocks_their_own_server_and_a_bad_host_is_malformed()
    {
        Assert.That(BlocklistRules.ServerRefusal(Local, Local), Is.EqualTo(BlockRefusal.OwnServer));
        Assert.That(BlocklistRules.ServerRefusal("VIDEOS.ac-rennes.fr", Local), Is.EqualTo(BlockRefusal.OwnServer));
        Assert.That(BlocklistRules.ServerRefusal(null, Local), Is.EqualTo(BlockRefusal.Malformed));
        Assert.That(BlocklistRules.ServerRefusal("videos.ac-lyon.fr", Local), Is.Null);
    }
}
