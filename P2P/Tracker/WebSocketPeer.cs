using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using VideoPlatform.P2P.Metainfo;

namespace VideoPlatform.P2P.Tracker;

/// <summary>
/// One tracker WebSocket. A receive loop handles requests one at a time; a send loop drains a bounded queue
/// so other peers' relays never write to the socket concurrently. A peer whose queue overflows is closed.
/// </summary>
internal sealed partial class WebSocketPeer : ITrackerSocket
{
    private readonly WebSocket _socket;
    private readonly SwarmRegistry _registry;
    private readonly P2PMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TrackerOptions _options;
    private readonly Channel<byte[]> _outgoing;
    // The peer id this socket uses in each swarm it joined. p2p-media-loader shares one socket between the streams of
    // a page and gives each stream its own peer id, so the id is fixed per swarm, not per socket.
    private readonly Dictionary<InfoHash, PeerId> _joined = [];
    private long _windowStart;
    private int _windowCount;

    public WebSocketPeer(WebSocket socket, SwarmRegistry registry, P2PMetrics metrics, TimeProvider time, ILogger logger)
    {
        _socket = socket;
        _registry = registry;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _options = registry.Options;
        _outgoing = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(_options.WebSocketSendQueue)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public bool TrySend(byte[] utf8Json)
    {
        if (_outgoing.Writer.TryWrite(utf8Json))
        {
            return true;
        }

        _socket.Abort();
        return false;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sending = SendLoopAsync(stop.Token);
        try
        {
            await ReceiveLoopAsync(stop.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            LogSocketEnded(_logger, ex.Message);
        }
        finally
        {
            _registry.RemoveSocket(this, _joined);

            _outgoing.Writer.TryComplete();
            await stop.CancelAsync();
            try
            {
                await sending;
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                LogSocketEnded(_logger, ex.Message);
            }
        }
    }

    private async Task SendLoopAsync(CancellationToken cancellationToken)
    {
        await foreach (var message in _outgoing.Reader.ReadAllAsync(cancellationToken))
        {
            await _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var max = _options.MaxWebSocketMessageBytes;
        var buffer = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == max)
                    {
                        _metrics.WebSocketMessageRejected();
                        await CloseAsync(WebSocketCloseStatus.MessageTooBig, "message too large", cancellationToken);
                        return;
                    }

                    result = await _socket.ReceiveAsync(buffer.AsMemory(length, max - length), cancellationToken);
                    length += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await CloseAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
                    return;
                }

                if (result.MessageType != WebSocketMessageType.Text)
                {
                    _metrics.WebSocketMessageRejected();
                    await CloseAsync(WebSocketCloseStatus.InvalidMessageType, "text frames only", cancellationToken);
                    return;
                }

                if (!WithinRate())
                {
                    _metrics.WebSocketMessageRejected();
                    await CloseAsync(WebSocketCloseStatus.PolicyViolation, "too many messages", cancellationToken);
                    return;
                }

                await HandleAsync(buffer.AsMemory(0, length), cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private bool WithinRate()
    {
        var now = _time.GetUtcNow().UtcTicks;
        if (now - _windowStart >= TimeSpan.TicksPerSecond)
        {
            _windowStart = now;
            _windowCount = 0;
        }

        return ++_windowCount <= _options.MaxWebSocketMessagesPerSecond;
    }

    private async Task CloseAsync(WebSocketCloseStatus status, string? reason, CancellationToken cancellationToken)
    {
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            await _socket.CloseOutputAsync(status, reason, cancellationToken);
        }
    }

    internal async Task HandleAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        WsRequest request;
        try
        {
            request = WebSocketMessages.Parse(message, _options.MaxNumWant);
        }
        catch (WsProtocolException ex)
        {
            _metrics.WebSocketMessageRejected();
            TrySend(WebSocketMessages.Failure(ex.Message));
            return;
        }

        switch (request)
        {
            case WsAnnounce announce:
                await AnnounceAsync(announce, cancellationToken);
                break;
            case WsScrape scrape:
                Scrape(scrape);
                break;
        }
    }

    private async Task AnnounceAsync(WsAnnounce announce, CancellationToken cancellationToken)
    {
        _metrics.WebSocketAnnounce();
        var joined = _joined.TryGetValue(announce.InfoHash, out var existing);
        if (joined && existing != announce.PeerId)
        {
            // One peer per swarm and socket: otherwise a socket could speak for (and receive answers of) other peers.
            Fail(announce, "peer_id changed on this socket");
            return;
        }

        if (!joined && _joined.Count >= _options.MaxSwarmsPerWebSocket)
        {
            Fail(announce, "too many swarms on this socket");
            return;
        }

        var request = new AnnounceRequest(announce.InfoHash, announce.PeerId, announce.Event, announce.Left, announce.Offers.Count);
        var outcome = await _registry.AnnounceAsync(request, this, cancellationToken);
        if (outcome.Failure is not null)
        {
            Fail(announce, outcome.Failure);
            return;
        }

        if (announce.Event == AnnounceEvent.Stopped)
        {
            _joined.Remove(announce.InfoHash);
        }
        else
        {
            _joined[announce.InfoHash] = announce.PeerId;
        }

        if (announce.AnswerJson is null)
        {
            var interval = (int)Math.Ceiling(_options.WebSocketAnnounceInterval.TotalSeconds);
            TrySend(WebSocketMessages.AnnounceResponse(announce.InfoHash, outcome.Complete, outcome.Incomplete, interval));
        }

        for (var i = 0; i < outcome.Peers.Count && i < announce.Offers.Count; i++)
        {
            var offer = announce.Offers[i];
            outcome.Peers[i].Socket?.TrySend(WebSocketMessages.Relay(false, offer.OfferJson, offer.OfferId, announce.PeerId, announce.InfoHash));
        }

        if (announce is { AnswerJson: { } answer, ToPeerId: { } to, OfferId: { } offerId })
        {
            var target = _registry.FindSocket(announce.InfoHash, to);
            if (target is null)
            {
                LogNoAnswerTarget(_logger, to.ToString());
                return;
            }

            target.TrySend(WebSocketMessages.Relay(true, answer, offerId, announce.PeerId, announce.InfoHash));
        }
    }

    private void Fail(WsAnnounce announce, string reason)
    {
        _metrics.AnnounceFailed();
        TrySend(WebSocketMessages.Failure(reason, "announce", announce.InfoHash));
    }

    private void Scrape(WsScrape scrape)
    {
        _metrics.Scrape();
        var interval = (int)Math.Ceiling(_options.AnnounceInterval.TotalSeconds);
        if (scrape.InfoHashes.Count == 0 || scrape.InfoHashes.Count > _options.MaxScrapeHashes)
        {
            // bittorrent-tracker lists every swarm when none is given; we do not disclose what we track.
            TrySend(WebSocketMessages.Failure("scrape needs 1 to " + _options.MaxScrapeHashes + " info_hash values", "scrape"));
            return;
        }

        TrySend(WebSocketMessages.ScrapeResponse(scrape.InfoHashes.Distinct().Select(_registry.Scrape), interval));
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Debug, Message = "Tracker WebSocket ended: {Reason}")]
    private static partial void LogSocketEnded(ILogger logger, string reason);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Debug, Message = "Answer for peer {PeerId}, which is not in the swarm")]
    private static partial void LogNoAnswerTarget(ILogger logger, string peerId);
}
