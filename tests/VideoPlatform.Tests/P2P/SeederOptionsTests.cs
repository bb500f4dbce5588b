using VideoPlatform.P2P;
using VideoPlatform.P2P.PeerWire;

namespace VideoPlatform.Tests.P2P;

/// <summary>The seeder's per-IP connection limit: a sensible default, checked at start with the key at fault named.</summary>
public class SeederOptionsTests
{
    [TestCase(8, 200, null)]
    [TestCase(1, 1, null)]
    [TestCase(0, 200, "P2P:MaxConnectionsPerIp must be positive.")]
    [TestCase(-3, 200, "P2P:MaxConnectionsPerIp must be positive.")]
    [TestCase(300, 200, "P2P:MaxConnectionsPerIp cannot exceed P2P:MaxConnections (200).")]
    public void The_per_ip_limit_is_validated(int perIp, int total, string? error)
    {
        var result = new P2POptionsValidator().Validate(null, new SeederOptions { MaxConnectionsPerIp = perIp, MaxConnections = total });
        Assert.That(result.Failed ? result.FailureMessage : null, Is.EqualTo(error));
    }

    [Test]
    public void The_default_limits_one_address_to_a_few_connections() =>
        Assert.That(new SeederOptions().MaxConnectionsPerIp, Is.InRange(2, 16));
}
