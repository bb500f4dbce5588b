using System.Net;
using System.Net.Sockets;

namespace VideoPlatform.Api.Hosting;

/// <summary>
/// The <c>--urls</c> Kestrel listens on, with every port 0 replaced by a free port picked here, before anything is built:
/// <c>Instance:PublicUrl</c> (which defaults to the first of them) is then known from the start and never changes.
/// </summary>
public static class ListenUrls
{
    public static string Resolve(string urls) =>
        string.Join(';', urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ResolveOne));

    private static string ResolveOne(string url)
    {
        var trimmed = url.TrimEnd('/');
        if (!trimmed.EndsWith(":0", StringComparison.Ordinal))
        {
            return url;
        }
        // Kestrel's wildcards ("*", "+") are not valid URI hosts.
        var host = trimmed[(trimmed.IndexOf("://", StringComparison.Ordinal) + 3)..^2];
        var address = host switch
        {
            "*" or "+" => IPAddress.Any,
            "localhost" => IPAddress.Loopback,
            _ when IPAddress.TryParse(host.Trim('[', ']'), out var ip) => ip,
            _ => null,
        };
        if (address is null)
        {
            return url;
        }
        using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(address, 0));
        return trimmed[..^1] + ((IPEndPoint)probe.LocalEndPoint!).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
