namespace VideoPlatform.Core.Stats;

/// <summary>
/// The hot-path counters of the load history: request handlers add to them with one interlocked operation (no lock,
/// no allocation, no I/O); <see cref="StatsFlusher"/> takes and resets them once a minute and writes one row per series.
/// </summary>
public sealed class StatsRecorder
{
    private long _httpMediaBytes;
    private long _p2pBytes;
    private long _requests;
    private long _errors;
    private long _uploadBytes;
    private long _views;

    /// <summary>False with <c>Stats:Enabled=false</c> (benchmarks compare with it off): every call returns at once.</summary>
    public bool Enabled { get; init; } = true;

    public void MediaBytes(long bytes)
    {
        if (Enabled && bytes > 0)
        {
            Interlocked.Add(ref _httpMediaBytes, bytes);
        }
    }

    public void PeerBytes(long bytes)
    {
        if (Enabled && bytes > 0)
        {
            Interlocked.Add(ref _p2pBytes, bytes);
            Interlocked.Add(ref _totalP2P, bytes);
        }
    }

    public void Request(bool serverError)
    {
        if (!Enabled)
        {
            return;
        }
        Interlocked.Increment(ref _requests);
        if (serverError)
        {
            Interlocked.Increment(ref _errors);
        }
    }

    public void Uploaded(long bytes)
    {
        if (Enabled && bytes > 0)
        {
            Interlocked.Add(ref _uploadBytes, bytes);
        }
    }

    public void View()
    {
        if (Enabled)
        {
            Interlocked.Increment(ref _views);
        }
    }

    /// <summary>Totals since the process started, for <c>/metrics</c> (never reset).</summary>
    public long TotalP2PBytes => Interlocked.Read(ref _totalP2P);
    private long _totalP2P;

    /// <summary>The counts since the previous call, reset to zero atomically per counter.</summary>
    public IReadOnlyDictionary<StatMetric, double> Take()
    {
        var p2p = Interlocked.Exchange(ref _p2pBytes, 0);
        return new Dictionary<StatMetric, double>
        {
            [StatMetrics.HttpMediaBytes] = Interlocked.Exchange(ref _httpMediaBytes, 0),
            [StatMetrics.P2PBytes] = p2p,
            [StatMetrics.Requests] = Interlocked.Exchange(ref _requests, 0),
            [StatMetrics.Errors] = Interlocked.Exchange(ref _errors, 0),
            [StatMetrics.UploadBytes] = Interlocked.Exchange(ref _uploadBytes, 0),
            [StatMetrics.Views] = Interlocked.Exchange(ref _views, 0),
        };
    }
}
