using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VideoPlatform.P2P;
using VideoPlatform.P2P.PeerWire;

namespace VideoPlatform.Tests.P2P;

/// <summary>The seeder's connection limits are checked when it starts, with the key at fault named.</summary>
public class SeederOptionsTests
{
    [TestCase(8, 200, null)]
    [TestCase(1, 1, null)]
    [TestCase(0, 200, "P2P:MaxConnectionsPerIp must be at least 1.")]
    [TestCase(-3, 200, "P2P:MaxConnectionsPerIp must be at least 1.")]
    [TestCase(8, 0, "P2P:MaxConnections must be at least 1.")]
    [TestCase(300, 200, "P2P:MaxConnectionsPerIp cannot exceed P2P:MaxConnections.")]
    public void Limits_are_validated(int perIp, int total, string? error) =>
        Assert.That(new SeederOptions { MaxConnectionsPerIp = perIp, MaxConnections = total }.Validate(), Is.EqualTo(error));

    [Test]
    public void The_default_limits_one_address_to_a_few_connections() =>
        Assert.That(new SeederOptions().MaxConnectionsPerIp, Is.InRange(2, 16));

    [Test]
    public void The_seeder_registration_refuses_invalid_limits()
    {
        using var provider = new ServiceCollection().AddLogging().AddP2PSeeder(o => o.MaxConnectionsPerIp = 0).BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<SeederOptions>>().Value);
        Assert.That(ex!.Message, Does.Contain("P2P:MaxConnectionsPerIp"));
    }
}
