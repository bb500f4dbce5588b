using System.Buffers.Binary;

namespace VideoPlatform.Transcoder.Live.Rtmp;

/// <summary>What a received message asks of the host: replies to send, a publish to decide, media to forward, an end.</summary>
public sealed record RtmpStep
{
    public static readonly RtmpStep None = new();

    public IReadOnlyList<RtmpMessage> Replies { get; init; } = [];

    /// <summary>The stream key of a <c>publish</c> command: the host answers with <see cref="RtmpConnection.AcceptPublish"/> or <see cref="RtmpConnection.RefusePublish"/>.</summary>
    public string? PublishRequested { get; init; }

    /// <summary>An FLV tag (type, timestamp, data) for audio, video and onMetaData, once publishing.</summary>
    public (byte Type, uint Timestamp, byte[] Data)? Media { get; init; }

    /// <summary>The publisher said it stops (<c>FCUnpublish</c>, <c>deleteStream</c>, <c>closeStream</c>).</summary>
    public bool Unpublished { get; init; }
}

/// <summary>
/// The server side of one publishing RTMP connection after the handshake, as ffmpeg (and so Jibri), OBS and hardware
/// encoders drive it: <c>connect</c> → Window Acknowledgement Size, Set Peer Bandwidth, Set Chunk Size and
/// <c>_result</c> NetConnection.Connect.Success; <c>releaseStream</c>, <c>FCPublish</c> → <c>_result</c>;
/// <c>createStream</c> → <c>_result</c> with stream id 1; <c>publish</c> key → the host decides, then
/// <c>onStatus</c> NetStream.Publish.Start (or an error status); then audio, video and <c>@setDataFrame onMetaData</c>
/// become FLV tags. Pure: messages in, replies and decisions out.
/// </summary>
public sealed class RtmpConnection
{
    public const int ServerChunkSize = 4096;
    public const uint WindowSize = 2_500_000;
    public const uint PublishStreamId = 1;

    private const int ControlChunkStream = 2;
    private const int CommandChunkStream = 3;
    private const int StatusChunkStream = 5;

    private uint _ackWindow;
    private long _received;
    private long _acknowledged;

    public string? App { get; private set; }
    public bool Connected { get; private set; }
    public string? StreamKey { get; private set; }
    public bool Publishing { get; private set; }

    public RtmpStep Receive(RtmpMessage message)
    {
        switch (message.TypeId)
        {
            case RtmpMessageType.CommandAmf0:
                return Command(Amf0.DecodeAll(message.Payload), message.StreamId);
            case RtmpMessageType.CommandAmf3:
                // An AMF3 command starts with a format byte of 0 then AMF0 values.
                return message.Payload.Length > 0 ? Command(Amf0.DecodeAll(message.Payload.AsSpan(1)), message.StreamId) : RtmpStep.None;
            case RtmpMessageType.WindowAckSize:
                if (message.Payload.Length >= 4)
                {
                    _ackWindow = BinaryPrimitives.ReadUInt32BigEndian(message.Payload);
                }
                return RtmpStep.None;
            case RtmpMessageType.Audio or RtmpMessageType.Video:
                return Publishing && message.Payload.Length > 0
                    ? new RtmpStep { Media = (message.TypeId == RtmpMessageType.Audio ? Flv.AudioTag : Flv.VideoTag, message.Timestamp, message.Payload) }
                    : RtmpStep.None;
            case RtmpMessageType.DataAmf0:
                return Publishing ? Data(message) : RtmpStep.None;
            default:
                return RtmpStep.None;
        }
    }

    /// <summary>Counts received bytes; returns an Acknowledgement each time the peer's window is filled, as the specification asks.</summary>
    public RtmpMessage? CountReceived(int bytes)
    {
        _received += bytes;
        if (_ackWindow == 0 || _received - _acknowledged < _ackWindow)
        {
            return null;
        }
        _acknowledged = _received;
        var payload = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, unchecked((uint)_received));
        return new RtmpMessage(RtmpMessageType.Acknowledgement, 0, 0, payload) { ChunkStreamId = ControlChunkStream };
    }

    public IReadOnlyList<RtmpMessage> AcceptPublish()
    {
        Publishing = true;
        return [Status("status", "NetStream.Publish.Start", $"{StreamKey} is now published.")];
    }

    /// <summary>An error status (e.g. NetStream.Publish.BadName for an unknown key, NetStream.Publish.BadConnection for a key in use); the host then closes.</summary>
    public IReadOnlyList<RtmpMessage> RefusePublish(string code, string description) => [Status("error", code, description)];

    private RtmpStep Command(List<object?> values, uint streamId)
    {
        if (values.Count < 2 || values[0] is not string name || values[1] is not double transaction)
        {
            throw new RtmpProtocolException("A command message must start with a name and a transaction id.");
        }
        switch (name)
        {
            case "connect":
                {
                    if (Connected)
                    {
                        throw new RtmpProtocolException("connect was sent twice.");
                    }
                    var properties = values.Count > 2 ? values[2] as AmfObject : null;
                    App = properties?.String("app") ?? "";
                    Connected = true;
                    return new RtmpStep
                    {
                        Replies =
                        [
                            Control(RtmpMessageType.WindowAckSize, WindowSize),
                            new RtmpMessage(RtmpMessageType.SetPeerBandwidth, 0, 0, [.. BigEndian(WindowSize), 2]) { ChunkStreamId = ControlChunkStream },
                            Control(RtmpMessageType.SetChunkSize, ServerChunkSize),
                            Reply(0, "_result", transaction,
                                new AmfObject { { "fmsVer", "FMS/3,0,1,123" }, { "capabilities", 31.0 } },
                                new AmfObject
                                {
                                    { "level", "status" }, { "code", "NetConnection.Connect.Success" },
                                    { "description", "Connection succeeded." }, { "objectEncoding", 0.0 },
                                }),
                        ],
                    };
                }
            case "releaseStream" or "FCPublish":
                RequireConnected(name);
                return new RtmpStep { Replies = [Reply(0, "_result", transaction, null, AmfUndefined.Value)] };
            case "createStream":
                RequireConnected(name);
                return new RtmpStep { Replies = [Reply(0, "_result", transaction, null, (double)PublishStreamId)] };
            case "publish":
                {
                    RequireConnected(name);
                    if (Publishing || StreamKey is not null)
                    {
                        throw new RtmpProtocolException("publish was sent twice on one connection.");
                    }
                    var key = values.Count > 3 ? values[3] as string : null;
                    if (string.IsNullOrEmpty(key))
                    {
                        throw new RtmpProtocolException("publish carries no stream name.");
                    }
                    // OBS and some encoders append query parameters to the key.
                    var query = key.IndexOf('?', StringComparison.Ordinal);
                    StreamKey = query >= 0 ? key[..query] : key;
                    return new RtmpStep { PublishRequested = StreamKey };
                }
            case "FCUnpublish" or "deleteStream" or "closeStream":
                return Publishing ? new RtmpStep { Unpublished = true } : RtmpStep.None;
            default:
                // getStreamLength, _checkbw, ping and the like: nothing a publisher waits for.
                return RtmpStep.None;
        }
    }

    private static RtmpStep Data(RtmpMessage message)
    {
        var values = Amf0.DecodeAll(message.Payload);
        if (values.Count > 0 && values[0] is "@setDataFrame")
        {
            values.RemoveAt(0);
        }
        if (values.Count < 2 || values[0] is not "onMetaData")
        {
            return RtmpStep.None;
        }
        return new RtmpStep { Media = (Flv.ScriptTag, message.Timestamp, Amf0.Encode([.. values])) };
    }

    private void RequireConnected(string command)
    {
        if (!Connected)
        {
            throw new RtmpProtocolException($"{command} was sent before connect.");
        }
    }

    private RtmpMessage Status(string level, string code, string description) =>
        new(RtmpMessageType.CommandAmf0, 0, PublishStreamId,
            Amf0.Encode("onStatus", 0.0, null, new AmfObject { { "level", level }, { "code", code }, { "description", description }, { "details", StreamKey ?? "" } }))
        { ChunkStreamId = StatusChunkStream };

    private static RtmpMessage Reply(uint streamId, params object?[] values) =>
        new(RtmpMessageType.CommandAmf0, 0, streamId, Amf0.Encode(values)) { ChunkStreamId = CommandChunkStream };

    private static RtmpMessage Control(byte type, uint value) => new(type, 0, 0, BigEndian(value)) { ChunkStreamId = ControlChunkStream };

    private static byte[] BigEndian(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }
}
