using System.Net;
using VideoPlatform.Federation.Safety;

namespace VideoPlatform.Tests.Federation;

public class AddressPolicyTests
{
    [TestCase("8.8.8.8", AddressKind.Public)]
    [TestCase("193.51.24.1", AddressKind.Public)]
    [TestCase("0.0.0.0", AddressKind.Unspecified)]
    [TestCase("127.0.0.1", AddressKind.Loopback)]
    [TestCase("127.255.0.9", AddressKind.Loopback)]
    [TestCase("10.1.2.3", AddressKind.Private)]
    [TestCase("172.16.0.1", AddressKind.Private)]
    [TestCase("172.31.255.255", AddressKind.Private)]
    [TestCase("172.32.0.1", AddressKind.Public)]
    [TestCase("192.168.1.1", AddressKind.Private)]
    [TestCase("169.254.169.254", AddressKind.LinkLocal)]
    [TestCase("100.64.0.1", AddressKind.CarrierGradeNat)]
    [TestCase("100.127.255.255", AddressKind.CarrierGradeNat)]
    [TestCase("100.128.0.1", AddressKind.Public)]
    [TestCase("224.0.0.1", AddressKind.Multicast)]
    [TestCase("239.255.255.250", AddressKind.Multicast)]
    [TestCase("255.255.255.255", AddressKind.Reserved)]
    [TestCase("192.0.2.10", AddressKind.Reserved)]
    [TestCase("::", AddressKind.Unspecified)]
    [TestCase("::1", AddressKind.Loopback)]
    [TestCase("fe80::1", AddressKind.LinkLocal)]
    [TestCase("fc00::1", AddressKind.UniqueLocal)]
    [TestCase("fd12:3456::1", AddressKind.UniqueLocal)]
    [TestCase("ff02::1", AddressKind.Multicast)]
    [TestCase("::ffff:127.0.0.1", AddressKind.Loopback)]
    [TestCase("::ffff:10.0.0.1", AddressKind.Private)]
    [TestCase("::ffff:8.8.8.8", AddressKind.Public)]
    [TestCase("64:ff9b::a9fe:a9fe", AddressKind.LinkLocal)]
    [TestCase("2001:db8::1", AddressKind.Reserved)]
    [TestCase("2001:4860:4860::8888", AddressKind.Public)]
    [TestCase("2a01:e0a::1", AddressKind.Public)]
    public void Classifies(string address, AddressKind kind) =>
        Assert.That(AddressPolicy.Classify(IPAddress.Parse(address)), Is.EqualTo(kind));

    [TestCase("127.0.0.1", false, false)]
    [TestCase("127.0.0.1", true, true)]
    [TestCase("8.8.8.8", false, true)]
    public void Private_networks_need_the_switch(string address, bool allowPrivate, bool allowed) =>
        Assert.That(AddressPolicy.IsAllowed(IPAddress.Parse(address), allowPrivate), Is.EqualTo(allowed));
}
