using Microsoft.Extensions.Time.Testing;
using VideoPlatform.Core.Accounts;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using VideoPlatform.Api.Accounts;
using VideoPlatform.Api.Hosting;

namespace VideoPlatform.Tests.Api;

public sealed class BoundaryRulesTests
{
    [TestCase("12345678", "alice", ExpectedResult = null)]
    [TestCase("1234567", "alice", ExpectedResult = "Password must be 8 to 255 characters long.")]
    [TestCase("alice-in", "alice", ExpectedResult = null)]
    [TestCase("Alice123", "alice123", ExpectedResult = "Password must not be the username.")]
    [TestCase(null, "alice", ExpectedResult = "Password must be 8 to 255 characters long.")]
    public string? Password_rule(string? password, string username) => AccountService.ValidatePassword(password, username);

    [TestCase("203.0.113.5", ExpectedResult = "203.0.113.5")]
    [TestCase("::ffff:203.0.113.5", ExpectedResult = "203.0.113.5")]
    [TestCase("2001:db8:1:2:3:4:5:6", ExpectedResult = "2001:db8:1:2::")]
    public string Client_key_groups_ipv6_by_its_64(string address) => RateLimits.ClientKey(IPAddress.Parse(address));

    [Test]
    public void Port_zero_becomes_a_free_port_before_anything_reads_the_public_url()
    {
        var resolved = ListenUrls.Resolve("http://127.0.0.1:0");
        Assert.That(resolved, Does.Match(@"^http://127\.0\.0\.1:\d+$").And.Not.EndsWith(":0"));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Assert.DoesNotThrow(() => socket.Bind(new IPEndPoint(IPAddress.Loopback, new Uri(resolved).Port)), "the port is free again");
        Assert.That(ListenUrls.Resolve("http://127.0.0.1:9000;http://localhost:0"), Does.Match(@"^http://127\.0\.0\.1:9000;http://localhost:\d+$").And.Not.EndsWith(":0"));
        Assert.That(ListenUrls.Resolve("https://videos.example:8443"), Is.EqualTo("https://videos.example:8443"));
    }

    [Test]
    public void Login_failures_use_permits_per_ip_and_per_account_and_answer_a_wait()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-30T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var throttle = new LoginThrottle(Options.Create(new RateLimitOptions
        {
            Login = new RateLimitOptions.LoginLimit { FailuresPerIp = 3, FailuresPerAccount = 2, Window = TimeSpan.FromMinutes(1) },
        }), clock);
        var ip = IPAddress.Parse("198.51.100.1");
        Assert.That(throttle.RetryAfter(ip, "alice"), Is.Null);
        throttle.Failed(ip, "alice");
        throttle.Failed(ip, "Alice ");
        Assert.That(throttle.RetryAfter(ip, "alice"), Is.EqualTo(TimeSpan.FromMinutes(1)), "the account's 2 failures are used, whatever the case");
        Assert.That(throttle.RetryAfter(ip, "bob"), Is.Null, "another account from the same IP still may try");
        throttle.Failed(ip, "bob");
        Assert.That(throttle.RetryAfter(ip, "carol"), Is.Not.Null, "the IP's 3 failures are used");
        Assert.That(throttle.RetryAfter(IPAddress.Parse("198.51.100.2"), "carol"), Is.Null);
    }

    [Test]
    public void A_login_window_starts_at_the_first_failure_and_its_wait_is_what_is_left_of_it()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-30T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var throttle = new LoginThrottle(Options.Create(new RateLimitOptions
        {
            Login = new RateLimitOptions.LoginLimit { FailuresPerIp = 3, FailuresPerAccount = 100, Window = TimeSpan.FromSeconds(60) },
        }), clock);
        var ip = IPAddress.Parse("203.0.113.9");
        throttle.Failed(ip, "alice");
        clock.Advance(TimeSpan.FromSeconds(50));
        throttle.Failed(ip, "alice");
        clock.Advance(TimeSpan.FromSeconds(5));
        throttle.Failed(ip, "alice");
        Assert.That(throttle.RetryAfter(ip, "alice"), Is.EqualTo(TimeSpan.FromSeconds(5)), "three failures within 60 s of the first, whatever the clock's ticks");
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.That(throttle.RetryAfter(ip, "alice"), Is.Null, "the window of the first failure has passed");
        throttle.Failed(ip, "alice");
        Assert.That(throttle.RetryAfter(ip, "alice"), Is.Null, "a failure after the window starts a new one with one failure");
        clock.Advance(TimeSpan.FromSeconds(1));
        throttle.Failed(ip, "alice");
        throttle.Failed(ip, "alice");
        Assert.That(throttle.RetryAfter(ip, "alice"), Is.EqualTo(TimeSpan.FromSeconds(59)));
    }
}
