using System.Buffers;
using System.Buffers.Binary;
using System.Threading.Channels;
using VideoPlatform.P2P.Bencode;

namespace VideoPlatform.P2P.PeerWire;

internal sealed class PeerProtocolException(string message) : Exception(message);

/// <summary>
/// One remote peer. The read loop parses messages; a single writer loop owns the stream for writing and the
/// payload stream for reading, so no lock is held across I/O. Any protocol violation ends only this peer.
/// </summary>
internal sealed class PeerConnection : IUploadPeer, IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly SeedTorrent _torrent;
    private readonly bool _fast;
    private readonly bool _extensions;
    private readonly ISeedContentSource _source;
    private readonly SeederOptions _options;
    private readonly TokenBucket _bucket;
    private readonly P2PMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly Channel<Outgoing> _outgoing = Channel.CreateUnbounded<Outgoing>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _lock = new();
    private readonly HashSet<BlockRequest> _pending = [];
    private byte _peerUtMetadata;
    private Stream? _content;
    private long _lastWrite;
    private volatile bool _interested;
    private volatile bool _unchoked;
    private long _lastUnchoked;

    public PeerConnection(Stream stream, SeedTorrent torrent, Handshake handshake, ISeedContentSource source, SeederOptions options, TokenBucket bucket, P2PMetrics metrics, TimeProvider time)
    {
        _stream = stream;
        _torrent = torrent;
        _fast = handshake.SupportsFast;
        _extensions = handshake.SupportsExtensions;
        _source = source;
        _options = options;
        _bucket = bucket;
        _metrics = metrics;
        _time = time;
    }

    public bool IsInterested => _interested;

    public bool IsUnchoked => _unchoked;

    public long LastUnchoked => Interlocked.Read(ref _lastUnchoked);

    public void SetChoked(bool choked, long now)
    {
        List<BlockRequest> dropped;
        lock (_lock)
        {
            _unchoked = !choked;
            if (!choked)
            {
                Interlocked.Exchange(ref _lastUnchoked, now);
                dropped = [];
            }
            else
            {
                dropped = [.. _pending];
                _pending.Clear();
            }
        }

        Send(PeerWireProtocol.Simple(choked ? MessageId.Choke : MessageId.Unchoke));
        if (_fast)
        {
            // BEP 6: a choke no longer implicitly discards requests; each must be rejected.
            foreach (var request in dropped)
            {
                Send(PeerWireProtocol.Block(MessageId.RejectRequest, request));
            }
        }
    }

    /// <summary>Runs after both handshakes; returns when the peer leaves, times out or misbehaves.</summary>
    public async Task RunAsync(UploadScheduler scheduler, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (_extensions)
        {
            Send(PeerWireProtocol.ExtendedHandshake(_torrent.Metainfo.RawInfo.Length, _options.MaxPendingRequests));
        }

        Send(_fast ? PeerWireProtocol.Simple(MessageId.HaveAll) : PeerWireProtocol.FullBitfield(_torrent.Metainfo.PieceCount));
        var writer = WriteLoopAsync(stop.Token);
        var keepAlive = KeepAliveLoopAsync(stop.Token);
        scheduler.Add(this);
        try
        {
            await ReadLoopAsync(scheduler, stop.Token);
        }
        finally
        {
            scheduler.Remove(this);
            _outgoing.Writer.TryComplete();
            await stop.CancelAsync();
            await Task.WhenAll(Quiet(writer), Quiet(keepAlive));
        }
    }

    private static async Task Quiet(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The connection is ending; its reader already reported why.
        }
    }

    private void Send(byte[] message) => _outgoing.Writer.TryWrite(new Outgoing(message, default));

    private async Task ReadLoopAsync(UploadScheduler scheduler, CancellationToken cancellationToken)
    {
        var header = new byte[4];
        var maxMessage = Math.Max(64 * 1024, ((_torrent.Metainfo.PieceCount + 7) / 8) + 1);
        using var idle = new CancellationTokenSource(_options.IdleTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
        while (true)
        {
            await _stream.ReadExactlyAsync(header, linked.Token);
            idle.CancelAfter(_options.IdleTimeout);
            var length = BinaryPrimitives.ReadInt32BigEndian(header);
            if (length == 0)
            {
                continue; // keep-alive
            }

            if (length < 0 || length > maxMessage)
            {
                throw new PeerProtocolException($"message of {length} bytes");
            }

            var payload = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                await _stream.ReadExactlyAsync(payload.AsMemory(0, length), linked.Token);
                Handle((MessageId)payload[0], payload.AsMemory(1, length - 1), scheduler);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(payload);
            }
        }
    }

    private void Handle(MessageId id, ReadOnlyMemory<byte> payload, UploadScheduler scheduler)
    {
        switch (id)
        {
            case MessageId.Interested:
                Expect(payload, 0);
                _interested = true;
                scheduler.Fill();
                break;
            case MessageId.NotInterested:
                Expect(payload, 0);
                _interested = false;
                break;
            case MessageId.Choke or MessageId.Unchoke or MessageId.HaveAll or MessageId.HaveNone:
                Expect(payload, 0);
                break;
            case MessageId.Have or MessageId.Suggest or MessageId.AllowedFast:
                Expect(payload, 4);
                break;
            case MessageId.Port:
                Expect(payload, 2);
                break;
            case MessageId.Bitfield:
                Expect(payload, (_torrent.Metainfo.PieceCount + 7) / 8);
                break;
            case MessageId.Request:
                Expect(payload, 12);
                OnRequest(PeerWireProtocol.ParseBlock(payload.Span));
                break;
            case MessageId.Cancel:
                Expect(payload, 12);
                lock (_lock)
                {
                    _pending.Remove(PeerWireProtocol.ParseBlock(payload.Span));
                }

                break;
            case MessageId.RejectRequest:
                Expect(payload, 12);
                break;
            case MessageId.Extended:
                OnExtended(payload);
                break;
            default:
                // We never request, so a piece (or an unknown id) from this peer is a violation.
                throw new PeerProtocolException($"unexpected message id {(byte)id}");
        }
    }

    private static void Expect(ReadOnlyMemory<byte> payload, int length)
    {
        if (payload.Length != length)
        {
            throw new PeerProtocolException($"payload of {payload.Length} bytes where {length} were expected");
        }
    }

    private void OnRequest(BlockRequest request)
    {
        switch (PeerWireProtocol.CheckRequest(request, _torrent.Metainfo))
        {
            case RequestCheck.OutOfRange:
                throw new PeerProtocolException("request outside the torrent");
            case RequestCheck.TooLarge when !_fast:
                throw new PeerProtocolException("request larger than 16 KiB");
            case RequestCheck.TooLarge:
                Send(PeerWireProtocol.Block(MessageId.RejectRequest, request));
                return;
        }

        bool accepted;
        lock (_lock)
        {
            accepted = _unchoked && _pending.Count < _options.MaxPendingRequests && _pending.Add(request);
        }

        if (accepted)
        {
            _outgoing.Writer.TryWrite(new Outgoing(null, request));
        }
        else if (_fast)
        {
            Send(PeerWireProtocol.Block(MessageId.RejectRequest, request));
        }
    }

    private void OnExtended(ReadOnlyMemory<byte> payload)
    {
        if (payload.Length < 1)
        {
            throw new PeerProtocolException("empty extended message");
        }

        try
        {
            if (payload.Span[0] == 0)
            {
                _peerUtMetadata = PeerWireProtocol.ParsePeerUtMetadataId(payload[1..]);
            }
            else if (payload.Span[0] == PeerWireProtocol.UtMetadataId && _peerUtMetadata != 0)
            {
                // Copy: the reply outlives the pooled read buffer.
                var reply = PeerWireProtocol.MetadataReply(_peerUtMetadata, payload[1..].ToArray(), _torrent.Metainfo.RawInfo.Span);
                if (reply is not null)
                {
                    Send(reply);
                }
            }
        }
        catch (BencodeException ex)
        {
            throw new PeerProtocolException("bad extended message: " + ex.Message);
        }
    }

    private async Task KeepAliveLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.KeepAliveInterval, _time);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            if (_time.GetElapsedTime(Interlocked.Read(ref _lastWrite)) >= _options.KeepAliveInterval)
            {
                Send(PeerWireProtocol.KeepAlive());
            }
        }
    }

    /// <summary>
    /// Writes queued messages and blocks, coalesced into one socket write per batch: a 16 KiB write per block costs a
    /// system call each, which caps throughput long before the disk or the network does.
    /// </summary>
    private async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        const int BatchSize = 256 * 1024;
        var batch = ArrayPool<byte>.Shared.Rent(BatchSize);
        var used = 0;
        try
        {
            await foreach (var item in _outgoing.Reader.ReadAllAsync(cancellationToken))
            {
                var needed = item.Message?.Length ?? 13 + item.Block.Length;
                if (used + needed > BatchSize)
                {
                    await _stream.WriteAsync(batch.AsMemory(0, used), cancellationToken);
                    used = 0;
                }
                if (item.Message is { } message)
                {
                    if (message.Length > BatchSize)
                    {
                        await _stream.WriteAsync(message, cancellationToken);
                    }
                    else
                    {
                        message.CopyTo(batch.AsSpan(used));
                        used += message.Length;
                    }
                }
                else
                {
                    used += await ServeAsync(item.Block, batch.AsMemory(used), cancellationToken);
                }

                if (used > 0 && !_outgoing.Reader.TryPeek(out _))
                {
                    await _stream.WriteAsync(batch.AsMemory(0, used), cancellationToken);
                    used = 0;
                }
                Interlocked.Exchange(ref _lastWrite, _time.GetTimestamp());
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(batch);
        }
    }

    /// <summary>Writes the piece message for <paramref name="request"/> into <paramref name="target"/>; returns its length (0 if dropped).</summary>
    private async Task<int> ServeAsync(BlockRequest request, Memory<byte> target, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            // Cancelled, or dropped by a choke, since it was queued.
            if (!_pending.Remove(request))
            {
                return 0;
            }
        }

        await _bucket.WaitAsync(request.Length, cancellationToken);
        _content ??= await _source.OpenAsync(_torrent, cancellationToken);
        var position = ((long)request.Index * _torrent.Metainfo.PieceLength) + request.Begin;
        if (_content.Position != position)
        {
            _content.Position = position;
        }
        await _content.ReadExactlyAsync(target.Slice(13, request.Length), cancellationToken);
        PeerWireProtocol.WritePieceHeader(target.Span, request.Index, request.Begin, request.Length);
        _metrics.PeerWireBytesServed(request.Length);
        return 13 + request.Length;
    }

    public async ValueTask DisposeAsync()
    {
        if (_content is not null)
        {
            await _content.DisposeAsync();
        }
    }

    private readonly record struct Outgoing(byte[]? Message, BlockRequest Block);
}
