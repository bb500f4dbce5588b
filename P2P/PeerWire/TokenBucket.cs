namespace VideoPlatform.P2P.PeerWire;

/// <summary>
/// Shared upload rate limit. Each request reserves its bytes at once, running the balance into debt when needed, and
/// waits until the rate has paid for it: requests are served in the order they asked (fair between peers) and the
/// limit is used in full (a bucket where waiters retry loses the race to timer slack: four peers got 45 % of the cap).
/// </summary>
internal sealed class TokenBucket
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly double _rate;
    private readonly double _capacity;
    private double _tokens;
    private long _last;

    public TokenBucket(long bytesPerSecond, TimeProvider time)
    {
        _time = time;
        _rate = bytesPerSecond;
        // A tenth of a second of burst, as a link shaper allows: a full second let the first peers of a class take a
        // second's worth of the uplink before the others had asked.
        _capacity = Math.Max(bytesPerSecond / 10.0, 4 * PeerWireProtocol.BlockSize);
        _tokens = _capacity;
        _last = time.GetTimestamp();
    }

    public bool Unlimited => _rate <= 0;

    /// <summary>Takes <paramref name="bytes"/> tokens now and returns how long to wait before sending them.</summary>
    public TimeSpan Reserve(int bytes)
    {
        if (Unlimited)
        {
            return TimeSpan.Zero;
        }

        lock (_lock)
        {
            var now = _time.GetTimestamp();
            _tokens = Math.Min(_capacity, _tokens + (_time.GetElapsedTime(_last, now).TotalSeconds * _rate));
            _last = now;
            _tokens -= bytes;
            return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / _rate);
        }
    }

    public async ValueTask WaitAsync(int bytes, CancellationToken cancellationToken)
    {
        if (Reserve(bytes) is var wait && wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, cancellationToken);
        }
    }
}
