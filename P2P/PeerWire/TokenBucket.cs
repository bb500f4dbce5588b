namespace VideoPlatform.P2P.PeerWire;

/// <summary>Shared upload rate limit; waiting happens outside the lock, on the injected clock.</summary>
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
        _capacity = Math.Max(bytesPerSecond, 4 * PeerWireProtocol.BlockSize);
        _tokens = _capacity;
        _last = time.GetTimestamp();
    }

    public bool Unlimited => _rate <= 0;

    /// <summary>Takes <paramref name="bytes"/> tokens if available; otherwise returns how long to wait before trying again.</summary>
    public TimeSpan TryTake(int bytes)
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
            if (_tokens >= bytes)
            {
                _tokens -= bytes;
                return TimeSpan.Zero;
            }

            return TimeSpan.FromSeconds((bytes - _tokens) / _rate);
        }
    }

    public async ValueTask WaitAsync(int bytes, CancellationToken cancellationToken)
    {
        while (TryTake(bytes) is var wait && wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, cancellationToken);
        }
    }
}
