using VideoPlatform.Core.Accounts;
using VideoPlatform.Api.Accounts;
using VideoPlatform.Api.Videos;
using VideoPlatform.Api.Auth;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Videos;

namespace VideoPlatform.Tests.Api;

public class ValidationTests
{
    [TestCase("teacher_01", true)]
    [TestCase("Teacher", false)]
    [TestCase("peertube", false)]
    [TestCase("", false)]
    [TestCase("a b", false)]
    public void Usernames(string name, bool valid) => Assert.That(AccountService.ValidateUsername(name) is null, Is.EqualTo(valid));

    [TestCase(null, null, true)]
    [TestCase(0, 100, true)]
    [TestCase(-1, 10, false)]
    [TestCase(0, 101, false)]
    public void Paging(int? start, int? count, bool valid) => Assert.That(VideoPlatform.Api.Hosting.Paging.Validate(start, count) is null, Is.EqualTo(valid));
}

public class PrometheusWriterTests
{
    [Test]
    public void Writes_help_type_and_escaped_labels_once_per_name()
    {
        var writer = new PrometheusWriter();
        writer.Sample("vp_peers", "gauge", "Peers.", 3, ("swarm", "a\"b"));
        writer.Sample("vp_peers", "gauge", "Peers.", 4, ("swarm", "c"));
        Assert.That(writer.ToString(), Is.EqualTo("# HELP vp_peers Peers.\n# TYPE vp_peers gauge\nvp_peers{swarm=\"a\\\"b\"} 3\nvp_peers{swarm=\"c\"} 4\n"));
    }
}
