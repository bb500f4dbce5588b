using VideoPlatform.Core.Domain;

namespace VideoPlatform.Tests.Federation;

public class FollowServiceTests
{
    [TestCase("videos.ac-lyon.fr", true)]
    [TestCase("127.0.0.1:9101", true)]
    [TestCase("localhost", true)]
    [TestCase("https://videos.ac-lyon.fr", false)]
    [TestCase("videos.ac-lyon.fr/videos", false)]
    [TestCase("ac_lyon!", false)]
    [TestCase("videos.ac-lyon.fr:", false)]
    [TestCase("videos.ac-lyon.fr:0", false)]
    [TestCase("videos.ac-lyon.fr:70000", false)]
    [TestCase("videos.ac-lyon.fr:+80", false)]
    public void Hosts_to_follow(string host, bool valid) => Assert.That(HostNames.IsHostAndPort(host), Is.EqualTo(valid));
}
