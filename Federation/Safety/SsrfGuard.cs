using System.Net;
using System.Net.Sockets;

namespace VideoPlatform.Federation.Safety;

public sealed class SsrfBlockedException(string host, IPAddress address, AddressKind kind)
    : Exception($"{host} resolves to {address} ({kind}); private networks are not allowed")
{
    public string Host { get; } = host;
    public IPAddress Address { get; } = address;
    public AddressKind Kind { get; } = kind;
}

/// <summary>
/// A <see cref="SocketsHttpHandler.ConnectCallback"/> that resolves the host itself, refuses the connection if
/// any resolved address is not public, and connects to the vetted address (no second resolution, so no DNS rebinding).
/// </summary>
public sealed class SsrfGuard(bool allowPrivateNetworks)
{
    public bool AllowPrivateNetworks { get; } = allowPrivateNetworks;

    /// <summary>A handler for federation fetches: guarded connects, no proxy, no automatic redirects (we check each hop).</summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        ConnectCallback = ConnectAsync,
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate | DecompressionMethods.Brotli,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };

    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }
        foreach (var address in addresses)
        {
            if (!AddressPolicy.IsAllowed(address, AllowPrivateNetworks))
            {
                throw new SsrfBlockedException(host, address, AddressPolicy.Classify(address));
            }
        }

        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last!;
    }
}
