using System.Net;
using System.Net.Sockets;

namespace VideoPlatform.Federation.Safety;

public enum AddressKind
{
    Public,
    Unspecified,
    Loopback,
    Private,
    LinkLocal,
    UniqueLocal,
    Multicast,
    CarrierGradeNat,
    Reserved,
}

/// <summary>Classifies addresses an outgoing federation request may not reach (SSRF): only <see cref="AddressKind.Public"/> is allowed by default.</summary>
public static class AddressPolicy
{
    public static bool IsAllowed(IPAddress address, bool allowPrivateNetworks) =>
        allowPrivateNetworks || Classify(address) == AddressKind.Public;

    public static AddressKind Classify(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return Classify(address.MapToIPv4());
        }
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => ClassifyV4(address.GetAddressBytes()),
            AddressFamily.InterNetworkV6 => ClassifyV6(address),
            _ => AddressKind.Reserved,
        };
    }

    private static AddressKind ClassifyV4(byte[] b) => (b[0], b[1], b[2]) switch
    {
        (0, _, _) => AddressKind.Unspecified,
        (10, _, _) => AddressKind.Private,
        (100, >= 64 and <= 127, _) => AddressKind.CarrierGradeNat,
        (127, _, _) => AddressKind.Loopback,
        (169, 254, _) => AddressKind.LinkLocal,
        (172, >= 16 and <= 31, _) => AddressKind.Private,
        (192, 168, _) => AddressKind.Private,
        (192, 0, 0) => AddressKind.Reserved,   // IETF protocol assignments
        (192, 0, 2) => AddressKind.Reserved,   // documentation
        (198, 18 or 19, _) => AddressKind.Reserved, // benchmarking
        (198, 51, 100) => AddressKind.Reserved,
        (203, 0, 113) => AddressKind.Reserved,
        (>= 224 and <= 239, _, _) => AddressKind.Multicast,
        (>= 240, _, _) => AddressKind.Reserved, // includes 255.255.255.255
        _ => AddressKind.Public,
    };

    private static AddressKind ClassifyV6(IPAddress address)
    {
        if (address.Equals(IPAddress.IPv6Any))
        {
            return AddressKind.Unspecified;
        }
        if (address.Equals(IPAddress.IPv6Loopback))
        {
            return AddressKind.Loopback;
        }
        var b = address.GetAddressBytes();
        if (b[0] == 0xff)
        {
            return AddressKind.Multicast;
        }
        if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
        {
            return AddressKind.LinkLocal;
        }
        if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0)
        {
            return AddressKind.Private; // deprecated site-local
        }
        if ((b[0] & 0xfe) == 0xfc)
        {
            return AddressKind.UniqueLocal;
        }
        // NAT64 (64:ff9b::/96) reaches the embedded IPv4 address: judge that one.
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4..12].All(x => x == 0))
        {
            return ClassifyV4(b[12..]);
        }
        if (b[..12].All(x => x == 0))
        {
            return AddressKind.Reserved; // IPv4-compatible (deprecated)
        }
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)
        {
            return AddressKind.Reserved; // documentation
        }
        return AddressKind.Public;
    }
}
