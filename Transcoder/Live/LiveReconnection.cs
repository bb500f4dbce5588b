namespace VideoPlatform.Transcoder.Live;

/// <summary>How a publisher's connection ended.</summary>
public enum LiveDisconnect
{
    /// <summary>The publisher said it stops (<c>FCUnpublish</c>, <c>deleteStream</c>): OBS's "Arrêter le streaming", ffmpeg's normal end.</summary>
    Unpublished,

    /// <summary>The connection broke, went silent or sent garbage without saying it stops: a network drop, a crashed encoder.</summary>
    Dropped,

    /// <summary>The session reached Live:MaxDuration.</summary>
    Expired,

    /// <summary>The live transcoder (ffmpeg) stopped.</summary>
    TranscoderFailed,

    /// <summary>The instance is stopping.</summary>
    Stopping,
}

/// <summary>The reconnection rule: only a dropped publisher is waited for, Live:ReconnectGrace long, before its live ends.</summary>
public static class LiveReconnection
{
    public static bool WaitsForPublisher(LiveDisconnect how, TimeSpan grace) => how == LiveDisconnect.Dropped && grace > TimeSpan.Zero;
}

/// <summary>
/// The FLV timestamps the live transcoder reads: those of the first connection as they come, and those of a publisher that
/// reconnected shifted to continue just after the last tag written (a new connection starts again from 0), so the one
/// ffmpeg of the live sees a single stream and its segments continue the same playlists. The time the publisher was away
/// is not a gap in the stream: players simply wait for the next segment.
/// </summary>
public sealed class FlvTimeline
{
    /// <summary>The spacing put between the last tag before a reconnection and the first after it (one frame at 25 fps).</summary>
    public const uint ReconnectionStep = 40;

    private long _offset;
    private long _last = -1;
    private bool _rebase;

    /// <summary>The next tag is the first of a new connection.</summary>
    public void Reconnected() => _rebase = _last >= 0;

    /// <summary>The timestamp to write for a tag received with <paramref name="timestamp"/>.</summary>
    public uint Map(uint timestamp)
    {
        if (_rebase)
        {
            _offset = _last + ReconnectionStep - timestamp;
            _rebase = false;
        }
        var mapped = timestamp + _offset;
        _last = Math.Max(_last, mapped);
        return unchecked((uint)mapped);
    }
}
