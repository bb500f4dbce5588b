using Microsoft.Extensions.Options;
using VideoPlatform.Api;
using VideoPlatform.IntegrationTests.Infrastructure;

namespace VideoPlatform.IntegrationTests.P2P;

/// <summary>The P2P sections are validated at start like every other one: a bad value stops the instance, naming its key.</summary>
[Category("P2P")]
public sealed class P2POptionsTests
{
    [TestCase("P2P:Tracker:AnnounceInterval", "00:00:00", "P2P:Tracker:AnnounceInterval must be positive")]
    [TestCase("P2P:Tracker:MaxPeersPerSwarm", "0", "P2P:Tracker:MaxPeersPerSwarm must be positive")]
    [TestCase("P2P:Tracker:DefaultNumWant", "80", "P2P:Tracker:DefaultNumWant must be between 0 and P2P:Tracker:MaxNumWant")]
    [TestCase("P2P:PeerPort", "70000", "P2P:PeerPort must be -1 (off), 0 (a free port) or a TCP port")]
    [TestCase("P2P:ListenAddress", "everywhere", "P2P:ListenAddress must be an IP address")]
    [TestCase("P2P:ReannounceInterval", "-00:01:00", "P2P:ReannounceInterval must be positive")]
    [TestCase("P2P:MaxConnectionsPerIp", "0", "P2P:MaxConnectionsPerIp must be positive")]
    [TestCase("P2P:MaxConnectionsPerIp", "500", "P2P:MaxConnectionsPerIp cannot exceed P2P:MaxConnections (200)")]
    public async Task A_bad_value_stops_the_instance_with_a_message_naming_the_key(string key, string value, string message)
    {
        await using var database = await TestDatabase.CreateAsync(DbKind.Sqlite);
        await using var app = VideoPlatformApp.Build(
        [
            "--urls", "http://127.0.0.1:0",
            "--Storage:Root", Path.Combine(database.Folder, "storage"),
            "--Database:Provider", database.Provider,
            "--Database:ConnectionString", database.ConnectionString,
            "--" + key, value,
        ]);
        var error = Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.That(error!.Message, Does.Contain(message));
    }
}
