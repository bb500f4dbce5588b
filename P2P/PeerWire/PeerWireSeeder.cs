using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VideoPlatform.P2P.Metainfo;
using VideoPlatform.P2P.Tracker;

namespace VideoPlatform.P2P.PeerWire;

/// <summary>
/// TCP BitTorrent seeder for desktop clients. Accepts peers, rotates upload slots, and announces every seeded
/// torrent straight into the in-process <see cref="SwarmRegistry"/> so HTTP tracker clients find it.
/// </summary>
public sealed partial class PeerWireSeeder : BackgroundService
{
    private readonly ISeedContentSource _source;
    private readonly SwarmRegistry _registry;
    private readonly P2PMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<PeerWireSeeder> _logger;
    private readonly SeederOptions _options;
    private readonly TaskCompletionSource<IPEndPoint?> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly byte[] _peerId = CreatePeerId();
    private int _connections;
    private readonly Dictionary<IPAddress, int> _perIp = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ActivePeer, byte> _active = new();

    /// <summary>A connected peer and what it is fed: cancelling <see cref="Stop"/> drops it.</summary>
    private sealed class ActivePeer(InfoHash infoHash, CancellationTokenSource stop)
    {
        public InfoHash InfoHash { get; } = infoHash;
        public CancellationTokenSource Stop { get; } = stop;
    }

    /// <summary>
    /// Stops seeding these torrents: every connected peer of one of them is disconnected at once. New connections are
    /// refused by the content source, which no longer finds them (called when a video stops being shared).
    /// </summary>
    public int Disconnect(IReadOnlyCollection<InfoHash> infoHashes)
    {
        var dropped = 0;
        foreach (var peer in _active.Keys)
        {
            if (infoHashes.Contains(peer.InfoHash))
            {
                dropped++;
                CancelQuietly(peer.Stop);
            }
        }
        if (dropped > 0)
        {
            LogRevoked(_logger, dropped);
        }
        return dropped;
    }

    private static void CancelQuietly(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The peer left meanwhile.
        }
    }

    public PeerWireSeeder(ISeedContentSource source, SwarmRegistry registry, P2PMetrics metrics, TimeProvider time, IOptions<SeederOptions> options, ILogger<PeerWireSeeder> logger)
    {
        _source = source;
        _registry = registry;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _options = options.Value;
    }

    /// <summary>Completes with the bound endpoint once listening, or null when the seeder is off (PeerPort = -1) or failed to start.</summary>
    public Task<IPEndPoint?> Listening => _listening.Task;

    private readonly SemaphoreSlim _announceNow = new(0, 1);

    /// <summary>Announces every torrent now rather than at the next period, e.g. right after new torrents were made.</summary>
    public void AnnounceNow()
    {
        if (_announceNow.CurrentCount == 0)
        {
            try
            {
                _announceNow.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    private static byte[] CreatePeerId()
    {
        var id = new byte[20];
        "-VP0100-"u8.CopyTo(id);
        const string alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
        for (var i = 8; i < id.Length; i++)
        {
            id[i] = (byte)alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        }

        return id;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.PeerPort < 0)
        {
            _listening.TrySetResult(null);
            return;
        }

        TcpListener listener;
        try
        {
            listener = new TcpListener(IPAddress.Parse(_options.ListenAddress), _options.PeerPort);
            listener.Start();
        }
        catch (Exception ex) when (ex is SocketException or FormatException)
        {
            LogStartFailed(_logger, _options.ListenAddress, _options.PeerPort, ex);
            _listening.TrySetResult(null);
            return;
        }

        try
        {
            var endpoint = (IPEndPoint)listener.LocalEndpoint;
            LogListening(_logger, endpoint.ToString());
            _listening.TrySetResult(endpoint);
            var scheduler = new UploadScheduler(_options.UploadSlots, _time);
            var bucket = new TokenBucket(_options.UploadBytesPerSecond, _time);
            await Task.WhenAll(
                AcceptLoopAsync(listener, scheduler, bucket, stoppingToken),
                RotateLoopAsync(scheduler, stoppingToken),
                AnnounceLoopAsync(endpoint, stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            listener.Stop();
        }
    }

    private async Task AcceptLoopAsync(TcpListener listener, UploadScheduler scheduler, TokenBucket bucket, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(stoppingToken);
            }
            catch (SocketException ex)
            {
                LogAcceptFailed(_logger, ex);
                continue;
            }

            var ip = (socket.RemoteEndPoint as IPEndPoint)?.Address.MapToIPv6() ?? IPAddress.IPv6None;
            if (!TryAcquire(ip))
            {
                _metrics.PeerWireConnectionRejected();
                socket.Dispose();
                continue;
            }

            _ = ServePeerAsync(socket, ip, scheduler, bucket, stoppingToken);
        }
    }

    /// <summary>A connection slot, within both the total and the per-IP limit (idle sockets from one address cannot lock others out).</summary>
    private bool TryAcquire(IPAddress ip)
    {
        lock (_perIp)
        {
            var fromIp = _perIp.GetValueOrDefault(ip);
            if (_connections >= _options.MaxConnections || fromIp >= _options.MaxConnectionsPerIp)
            {
                return false;
            }
            _perIp[ip] = fromIp + 1;
            _connections++;
            return true;
        }
    }

    private void Release(IPAddress ip)
    {
        lock (_perIp)
        {
            _connections--;
            if (_perIp.TryGetValue(ip, out var fromIp) && fromIp > 1)
            {
                _perIp[ip] = fromIp - 1;
            }
            else
            {
                _perIp.Remove(ip);
            }
        }
    }

    private async Task ServePeerAsync(Socket socket, IPAddress ip, UploadScheduler scheduler, TokenBucket bucket, CancellationToken stoppingToken)
    {
        _metrics.PeerWireConnectionOpened();
        var remote = socket.RemoteEndPoint?.ToString() ?? "?";
        PeerConnection? connection = null;
        ActivePeer? active = null;
        try
        {
            socket.NoDelay = true;
            var (stream, handshake) = await ReadHandshakeAsync(new NetworkStream(socket, ownsSocket: true), stoppingToken);
            await using var disposeStream = stream;
            // Registered before the lookup: a Disconnect either sees this peer or ran before the lookup, which then fails.
            active = new ActivePeer(handshake.InfoHash, CancellationTokenSource.CreateLinkedTokenSource(stoppingToken));
            _active.TryAdd(active, 0);
            var torrent = await _source.FindAsync(handshake.InfoHash, active.Stop.Token);
            if (torrent is null)
            {
                LogUnknownTorrent(_logger, remote, handshake.InfoHash.ToHex());
                return;
            }

            await stream.WriteAsync(PeerWireProtocol.BuildHandshake(handshake.InfoHash, _peerId), active.Stop.Token);
            connection = new PeerConnection(stream, torrent, handshake, _source, _options, bucket, _metrics, _time);
            await connection.RunAsync(scheduler, active.Stop.Token);
        }
        catch (PeerProtocolException ex)
        {
            _metrics.PeerWireProtocolViolation();
            LogViolation(_logger, remote, ex.Message);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or EndOfStreamException)
        {
            LogPeerGone(_logger, remote, ex.Message);
        }
        catch (Exception ex)
        {
            // A bug or a failing content source must not take the seeder down: drop this peer only.
            LogPeerFailed(_logger, remote, ex);
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            if (active is not null)
            {
                _active.TryRemove(active, out _);
                active.Stop.Dispose();
            }

            Release(ip);
            _metrics.PeerWireConnectionClosed();
        }
    }

    /// <summary>
    /// The peer's handshake: plain, or inside Message Stream Encryption (which aria2 and libtorrent clients try first);
    /// returns the stream to speak on from then on.
    /// </summary>
    private async Task<(Stream Stream, Handshake Handshake)> ReadHandshakeAsync(NetworkStream network, CancellationToken stoppingToken)
    {
        Stream stream = network;
        try
        {
            using var timeout = new CancellationTokenSource(_options.HandshakeTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
            var buffer = new byte[PeerWireProtocol.HandshakeLength];
            await network.ReadExactlyAsync(buffer.AsMemory(0, 20), linked.Token);
            if (MessageStreamEncryption.IsPlainHandshake(buffer))
            {
                await network.ReadExactlyAsync(buffer.AsMemory(20), linked.Token);
            }
            else
            {
                (stream, var named) = await MessageStreamEncryption.AcceptAsync(network, buffer[..20], FindByReq2Async, linked.Token);
                _metrics.PeerWireEncryptedHandshake();
                await stream.ReadExactlyAsync(buffer, linked.Token);
                if (PeerWireProtocol.ParseHandshake(buffer) is { } inner && !inner.InfoHash.Equals(named))
                {
                    throw new PeerProtocolException("handshake names another torrent than its encryption key");
                }
            }
            return (stream, PeerWireProtocol.ParseHandshake(buffer) ?? throw new PeerProtocolException("bad handshake"));
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    /// <summary>HASH('req2', info hash) of every torrent seeded, filled when the torrents are listed (announces, misses).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, InfoHash> _byReq2 = new(StringComparer.Ordinal);

    private void Remember(InfoHash infoHash) => _byReq2.TryAdd(Convert.ToHexString(MessageStreamEncryption.Req2(infoHash)), infoHash);

    private async ValueTask<InfoHash?> FindByReq2Async(byte[] req2)
    {
        var key = Convert.ToHexString(req2);
        if (_byReq2.TryGetValue(key, out var known))
        {
            return known;
        }
        // A torrent published since the last listing (or a seeder that does not announce): list once more.
        await foreach (var torrent in _source.ListAsync(CancellationToken.None))
        {
            Remember(torrent.InfoHash);
        }
        return _byReq2.TryGetValue(key, out known) ? known : null;
    }

    private async Task RotateLoopAsync(UploadScheduler scheduler, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.UnchokeInterval, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            scheduler.Rotate();
        }
    }

    private async Task AnnounceLoopAsync(IPEndPoint listening, CancellationToken stoppingToken)
    {
        var address = _options.AnnounceAddress is { } configured ? IPAddress.Parse(configured) : listening.Address;
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            LogNoAnnounceAddress(_logger);
            return;
        }

        var endpoint = new IPEndPoint(address, listening.Port);
        do
        {
            await DropUnseededAsync(stoppingToken);
            try
            {
                await foreach (var torrent in _source.ListAsync(stoppingToken))
                {
                    Remember(torrent.InfoHash);
                    var request = new AnnounceRequest(torrent.InfoHash, new PeerId(_peerId), AnnounceEvent.Started, 0, 0) { Endpoint = endpoint };
                    var outcome = await _registry.AnnounceAsync(request, stoppingToken);
                    if (outcome.Failure is not null)
                    {
                        LogAnnounceRefused(_logger, torrent.InfoHash.ToHex(), outcome.Failure);
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogAnnounceFailed(_logger, ex);
            }
        }
        while (await WaitForNextAnnounceAsync(stoppingToken));
    }

    /// <summary>
    /// Disconnects the peers of torrents the content source no longer finds (a video made private in another process of
    /// the instance); in one process <see cref="Disconnect"/> is called at once.
    /// </summary>
    private async Task DropUnseededAsync(CancellationToken stoppingToken)
    {
        try
        {
            var gone = new HashSet<InfoHash>();
            foreach (var infoHash in _active.Keys.Select(p => p.InfoHash).Distinct().ToList())
            {
                if (await _source.FindAsync(infoHash, stoppingToken) is null)
                {
                    gone.Add(infoHash);
                }
            }
            if (gone.Count > 0)
            {
                Disconnect(gone);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogAnnounceFailed(_logger, ex);
        }
    }

    /// <summary>Waits for the re-announce period, or less when <see cref="AnnounceNow"/> is called.</summary>
    private async Task<bool> WaitForNextAnnounceAsync(CancellationToken stoppingToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var period = Task.Delay(_options.ReannounceInterval, _time, wait.Token);
        var signal = _announceNow.WaitAsync(wait.Token);
        await Task.WhenAny(period, signal);
        await wait.CancelAsync();
        stoppingToken.ThrowIfCancellationRequested();
        return true;
    }

    [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "BitTorrent seeder listening on {Endpoint}")]
    private static partial void LogListening(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Error, Message = "BitTorrent seeder cannot listen on {Address}:{Port}")]
    private static partial void LogStartFailed(ILogger logger, string address, int port, Exception exception);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Warning, Message = "Accepting a peer failed")]
    private static partial void LogAcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4204, Level = LogLevel.Debug, Message = "Peer {Remote} asked for unknown torrent {InfoHash}")]
    private static partial void LogUnknownTorrent(ILogger logger, string remote, string infoHash);

    [LoggerMessage(EventId = 4205, Level = LogLevel.Information, Message = "Dropped peer {Remote}: {Reason}")]
    private static partial void LogViolation(ILogger logger, string remote, string reason);

    [LoggerMessage(EventId = 4206, Level = LogLevel.Debug, Message = "Peer {Remote} left: {Reason}")]
    private static partial void LogPeerGone(ILogger logger, string remote, string reason);

    [LoggerMessage(EventId = 4207, Level = LogLevel.Error, Message = "Serving peer {Remote} failed")]
    private static partial void LogPeerFailed(ILogger logger, string remote, Exception exception);

    [LoggerMessage(EventId = 4208, Level = LogLevel.Warning, Message = "Seeder listens on a wildcard address and P2P:AnnounceAddress is not set: it will not announce itself")]
    private static partial void LogNoAnnounceAddress(ILogger logger);

    [LoggerMessage(EventId = 4209, Level = LogLevel.Warning, Message = "Tracker refused the seeder's announce of {InfoHash}: {Reason}")]
    private static partial void LogAnnounceRefused(ILogger logger, string infoHash, string reason);

    [LoggerMessage(EventId = 4211, Level = LogLevel.Information, Message = "Disconnected {Count} peers of torrents no longer seeded")]
    private static partial void LogRevoked(ILogger logger, int count);

    [LoggerMessage(EventId = 4210, Level = LogLevel.Error, Message = "Announcing seeded torrents failed")]
    private static partial void LogAnnounceFailed(ILogger logger, Exception exception);
}
