using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VideoPlatform.Transcoder.Live.Rtmp;

namespace VideoPlatform.Transcoder.Live;

/// <summary>
/// The RTMP listener on Live:RtmpPort: bound at start (port 0 resolved then), one task per connection. A connection that
/// breaks the protocol, stays silent past Live:IdleTimeout, or is refused is closed on its own; the others go on.
/// </summary>
public sealed partial class RtmpIngest(LiveSessions sessions, IOptions<LiveOptions> options, TimeProvider clock, ILogger<RtmpIngest> logger) : IHostedService, IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentTasks _connections = new();
    private TcpListener? _listener;
    private Task? _accepting;

    /// <summary>The port actually listened on (Live:RtmpPort, or the free port picked for 0).</summary>
    public int BoundPort { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await sessions.CloseAbandonedAsync(cancellationToken);
        var o = options.Value;
        _listener = new TcpListener(IPAddress.Parse(o.RtmpAddress), o.RtmpPort);
        _listener.Start();
        BoundPort = ((IPEndPoint)_listener.LocalEndpoint).Port;
        LogListening(logger, o.RtmpAddress, BoundPort);
        _accepting = AcceptAsync(_stopping.Token);
    }

    private async Task AcceptAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener!.AcceptTcpClientAsync(ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException e)
            {
                LogAcceptFailed(logger, e);
                continue;
            }
            _connections.Run(() => ServeAsync(client, ct));
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken ct)
    {
        using var _ = client;
        var remote = client.Client.RemoteEndPoint?.ToString() ?? "?";
        client.NoDelay = true;
        var connection = new RtmpIngestConnection(client.GetStream(), sessions, options.Value, clock, logger);
        try
        {
            await connection.RunAsync(ct);
        }
        catch (Exception e) when (e is RtmpProtocolException or IOException or SocketException or OperationCanceledException or InvalidOperationException)
        {
            LogClosed(logger, remote, e.Message);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        _listener?.Stop();
        if (_accepting is not null)
        {
            await _accepting;
        }
        await _connections.WhenAllAsync();
        await sessions.StopWaitingAsync();
    }

    public async ValueTask DisposeAsync()
    {
        // Registered as a singleton and as a hosted service: the container may dispose it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await _stopping.CancelAsync();
        _listener?.Dispose();
        _stopping.Dispose();
    }

    private int _disposed;

    [LoggerMessage(Level = LogLevel.Information, Message = "RTMP ingest listening on {Address}:{Port}")]
    private static partial void LogListening(ILogger logger, string address, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RTMP accept failed")]
    private static partial void LogAcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "RTMP connection from {Remote} closed: {Reason}")]
    private static partial void LogClosed(ILogger logger, string remote, string reason);
}

/// <summary>Tasks started and awaited together at shutdown, forgotten as they finish.</summary>
internal sealed class ConcurrentTasks
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Task, bool> _tasks = new();

    public void Run(Func<Task> work)
    {
        var task = Task.Run(work);
        _tasks[task] = true;
        task.ContinueWith(t => _tasks.TryRemove(t, out _), TaskScheduler.Default);
    }

    public Task WhenAllAsync() => Task.WhenAll(_tasks.Keys);
}

/// <summary>The socket shell of one connection: handshake, then chunks through <see cref="RtmpChunkReader"/> and <see cref="RtmpConnection"/>.</summary>
internal sealed partial class RtmpIngestConnection(Stream stream, LiveSessions sessions, LiveOptions options, TimeProvider clock, ILogger logger)
{
    private int _outChunkSize = RtmpChunkReader.DefaultChunkSize;

    public async Task RunAsync(CancellationToken ct)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
        idle.CancelAfter(options.IdleTimeout);
        var c0c1 = new byte[RtmpHandshake.C0C1Size];
        await stream.ReadExactlyAsync(c0c1, idle.Token);
        var random = new byte[RtmpHandshake.PacketSize - 8];
        System.Security.Cryptography.RandomNumberGenerator.Fill(random);
        await stream.WriteAsync(RtmpHandshake.CreateReply(c0c1, (uint)clock.GetUtcNow().ToUnixTimeMilliseconds(), random), idle.Token);
        await stream.ReadExactlyAsync(new byte[RtmpHandshake.PacketSize], idle.Token); // C2

        var reader = new RtmpChunkReader(options.MaxMessageSize);
        var connection = new RtmpConnection();
        LiveHandle? handle = null;
        CancellationTokenRegistration expiry = default;
        int? error = null;
        var how = LiveDisconnect.Dropped;
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                idle.CancelAfter(options.IdleTimeout);
                int read;
                try
                {
                    read = await stream.ReadAsync(buffer, idle.Token);
                }
                catch (OperationCanceledException) when (handle is not null && handle.Expired.IsCancellationRequested)
                {
                    error = LiveSessions.ErrorDurationExceeded;
                    how = LiveDisconnect.Expired;
                    return;
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    error = LiveSessions.ErrorBadSocketHealth;
                    throw new IOException($"No data for {options.IdleTimeout.TotalSeconds} s.");
                }
                if (read == 0)
                {
                    return; // the connection closed without an unpublish: dropped
                }
                if (connection.CountReceived(read) is { } ack)
                {
                    await SendAsync([ack], ct);
                }
                foreach (var message in reader.Push(buffer.AsSpan(0, read)))
                {
                    var step = connection.Receive(message);
                    await SendAsync(step.Replies, ct);
                    if (step.PublishRequested is { } key)
                    {
                        var (accepted, refusal) = await sessions.BeginAsync(key, ct);
                        if (accepted is null)
                        {
                            await SendAsync(connection.RefusePublish(refusal!.Code, refusal.Description), ct);
                            LogRefused(logger, refusal.Description);
                            return;
                        }
                        handle = accepted;
                        expiry = handle.Expired.Register(idle.Cancel);
                        await SendAsync(connection.AcceptPublish(), ct);
                    }
                    if (step.Media is { } media && handle is not null)
                    {
                        await handle.WriteAsync(media.Type, media.Timestamp, media.Data, ct);
                    }
                    if (step.Unpublished)
                    {
                        how = LiveDisconnect.Unpublished;
                        return;
                    }
                }
                if (handle is { TranscoderFailed: true })
                {
                    error = LiveSessions.ErrorFfmpeg;
                    how = LiveDisconnect.TranscoderFailed;
                    throw new InvalidOperationException("The live transcoder stopped.");
                }
            }
        }
        catch (Exception e) when (handle is not null && error is null && e is RtmpProtocolException or InvalidOperationException)
        {
            error = e is RtmpProtocolException ? LiveSessions.ErrorBadSocketHealth : LiveSessions.ErrorFfmpeg;
            how = e is RtmpProtocolException ? LiveDisconnect.Dropped : LiveDisconnect.TranscoderFailed;
            throw;
        }
        finally
        {
            await expiry.DisposeAsync();
            if (handle is not null)
            {
                await handle.EndAsync(ct.IsCancellationRequested ? LiveDisconnect.Stopping : how, error);
            }
        }
    }

    private async Task SendAsync(IReadOnlyList<RtmpMessage> messages, CancellationToken ct)
    {
        foreach (var message in messages)
        {
            await stream.WriteAsync(RtmpChunkWriter.Write(message, _outChunkSize), ct);
            if (message.TypeId == RtmpMessageType.SetChunkSize)
            {
                _outChunkSize = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(message.Payload);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "RTMP publish refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);
}
