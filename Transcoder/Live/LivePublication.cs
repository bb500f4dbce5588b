using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using VideoPlatform.Core.Domain;
using VideoPlatform.Transcoder.Hls;
using VideoPlatform.Transcoder.Live.Rtmp;

namespace VideoPlatform.Transcoder.Live;

/// <summary>What a session knows when it ends: the rungs and every segment each wrote, in order (for the replay).</summary>
public sealed record LiveRecording(string Folder, IReadOnlyList<LiveRung> Rungs, IReadOnlyList<IReadOnlyList<LiveSegment>> Segments, bool HasAudio);

/// <summary>
/// One publisher's session on air: FLV tags in (kept until the first key frame tells the source's size), one ffmpeg
/// making the whole ladder, a watcher that hashes each new segment into <c>segments-sha256.json</c> and calls
/// <see cref="onAir"/> once every rung has a segment and the master playlist is written.
/// </summary>
public sealed partial class LivePublication : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    private readonly string _folder;
    private readonly LiveRow _live;
    private readonly LiveOptions _options;
    private readonly string _ffmpegPath;
    private readonly Func<CancellationToken, Task> _onAir;
    private readonly ILogger _logger;
    private readonly List<(byte Type, uint Timestamp, byte[] Data)> _pending = [];
    private readonly CancellationTokenSource _stop = new();
    private AmfObject? _metadata;
    private bool _audioSeen;
    private Process? _ffmpeg;
    private Stream? _stdin;
    private Task? _watcher;
    private Task<string>? _stderr;
    private IReadOnlyList<LiveRung> _rungs = [];
    private List<List<LiveSegment>> _segments = [];
    private readonly Dictionary<string, KeyValuePair<ByteRange, string>> _hashes = new(StringComparer.Ordinal);
    private bool _onAirCalled;
    private readonly FlvTimeline _timeline = new();
    private long _bytesIn;

    public LivePublication(string folder, LiveRow live, LiveOptions options, string ffmpegPath, Func<CancellationToken, Task> onAir, ILogger logger)
    {
        _folder = folder;
        _live = live;
        _options = options;
        _ffmpegPath = ffmpegPath;
        _onAir = onAir;
        _logger = logger;
    }

    public bool Started => _ffmpeg is not null;

    /// <summary>Where ffmpeg writes the live's playlists and segments.</summary>
    public string Folder => _folder;

    /// <summary>Whether ffmpeg ended on its own (a decoding failure): the session is over.</summary>
    public bool Failed => _ffmpeg is { HasExited: true } && !_stop.IsCancellationRequested;

    /// <summary>A publisher took the live over again after a drop: its stream continues this one (<see cref="FlvTimeline"/>).</summary>
    public void Reconnected() => _timeline.Reconnected();

    public async Task WriteAsync(byte type, uint timestamp, byte[] data, CancellationToken ct)
    {
        _bytesIn += data.Length;
        timestamp = _timeline.Map(timestamp);
        if (_ffmpeg is null)
        {
            if (type == Flv.ScriptTag)
            {
                var values = Amf0.DecodeAll(data);
                _metadata = values.Count > 1 ? values[1] as AmfObject : null;
            }
            _audioSeen |= type == Flv.AudioTag;
            _pending.Add((type, timestamp, data));
            if (_pending.Sum(p => p.Data.Length) > _options.MaxMessageSize * 4)
            {
                throw new RtmpProtocolException("No video key frame in the first megabytes of the stream.");
            }
            if (type == Flv.VideoTag && Flv.IsKeyFrame(data) && !Flv.IsVideoSequenceHeader(data))
            {
                Start();
                foreach (var (t, ts, d) in _pending)
                {
                    await WriteTagAsync(t, ts, d, ct);
                }
                _pending.Clear();
            }
            return;
        }
        if (type == Flv.ScriptTag)
        {
            return; // a reconnected publisher's metadata: the transcoder was set up from the first one's
        }
        await WriteTagAsync(type, timestamp, data, ct);
    }

    private async Task WriteTagAsync(byte type, uint timestamp, byte[] data, CancellationToken ct)
    {
        try
        {
            await _stdin!.WriteAsync(Flv.Tag(type, timestamp, data), ct);
        }
        catch (IOException e)
        {
            throw new InvalidOperationException("The live transcoder stopped reading the stream.", e);
        }
    }

    private void Start()
    {
        var width = (int)(_metadata?.Number("width") ?? 0);
        var height = (int)(_metadata?.Number("height") ?? 0);
        var fps = _metadata?.Number("framerate") ?? _metadata?.Number("videoframerate") ?? 30;
        var hasAudio = _audioSeen || _metadata?["audiocodecid"] is not null;
        var video = LiveLadder.Plan(width, height, fps, _options.Transcoding.Resolutions);
        _rungs = hasAudio ? [.. video, LiveLadder.AudioRung(video)] : video;
        _segments = _rungs.Select(_ => new List<LiveSegment>()).ToList();
        Directory.CreateDirectory(_folder);
        foreach (var old in Directory.EnumerateFiles(_folder))
        {
            File.Delete(old); // a permanent live's previous session
        }
        var info = new ProcessStartInfo(_ffmpegPath)
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = _folder,
        };
        foreach (var arg in LiveLadder.FfmpegArguments(_rungs, hasAudio, _live.LatencyMode, _options.Transcoding))
        {
            info.ArgumentList.Add(arg);
        }
        _ffmpeg = Process.Start(info) ?? throw new InvalidOperationException("ffmpeg did not start.");
        _stdin = _ffmpeg.StandardInput.BaseStream;
        _stderr = _ffmpeg.StandardError.ReadToEndAsync();
        _ = _ffmpeg.StandardOutput.ReadToEndAsync();
        LogStarted(_logger, _live.VideoId, _rungs.Count, width, height, hasAudio);
        // ffmpeg reads an FLV header first; the tags follow.
        _stdin.Write(Flv.Header(hasAudio, hasVideo: true));
        _watcher = WatchAsync(_stop.Token);
        _hasAudio = hasAudio;
    }

    private bool _hasAudio;

    private async Task WatchAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(PollInterval, ct);
                await ScanAsync(ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogWatchFailed(_logger, _live.VideoId, e);
        }
    }

    /// <summary>Reads each rung's playlist, hashes segments not seen yet, rewrites the hash file, and goes on air once all rungs have one.</summary>
    private async Task ScanAsync(CancellationToken ct)
    {
        var changed = false;
        for (var i = 0; i < _rungs.Count; i++)
        {
            var path = Path.Combine(_folder, LiveLadder.PlaylistName(i));
            if (!File.Exists(path))
            {
                continue;
            }
            foreach (var segment in LivePlaylist.Segments(await File.ReadAllTextAsync(path, ct)))
            {
                if (_hashes.ContainsKey(segment.Name))
                {
                    continue;
                }
                var bytes = await File.ReadAllBytesAsync(Path.Combine(_folder, segment.Name), ct);
                _hashes[segment.Name] = new(new ByteRange(0, bytes.Length), Convert.ToHexStringLower(SHA256.HashData(bytes)));
                _segments[i].Add(segment);
                changed = true;
            }
        }
        if (changed)
        {
            // Live segments are whole files: one range from 0 to the end, which the player reads when it has no byte range.
            var json = SegmentsSha256.Serialize(_hashes.Select(h => new KeyValuePair<string, IReadOnlyList<KeyValuePair<ByteRange, string>>>(h.Key, [h.Value])));
            var temp = Path.Combine(_folder, "." + LiveLadder.SegmentsSha256Name + ".tmp");
            await File.WriteAllTextAsync(temp, json, ct);
            File.Move(temp, Path.Combine(_folder, LiveLadder.SegmentsSha256Name), overwrite: true);
        }
        var masterPath = Path.Combine(_folder, LiveLadder.MasterName);
        if (!_onAirCalled && _segments.All(s => s.Count > 0) && File.Exists(masterPath))
        {
            if (_rungs.FirstOrDefault(r => r.Height == 0) is { } audio)
            {
                var master = await File.ReadAllTextAsync(masterPath, ct);
                var temp = Path.Combine(_folder, "." + LiveLadder.MasterName + ".tmp");
                await File.WriteAllTextAsync(temp, LiveLadder.WithoutAudioVariant(master, LiveLadder.PlaylistName(audio.Index)), ct);
                File.Move(temp, masterPath, overwrite: true);
            }
            _onAirCalled = true;
            await _onAir(ct);
        }
    }

    /// <summary>Closes ffmpeg's input so that it writes the last segments, waits for it, and returns what was recorded.</summary>
    public async Task<LiveRecording?> FinishAsync(TimeSpan timeout)
    {
        if (_ffmpeg is null)
        {
            return null;
        }
        try
        {
            await _stdin!.DisposeAsync();
        }
        catch (IOException)
        {
        }
        using (var wait = new CancellationTokenSource(timeout))
        {
            try
            {
                await _ffmpeg.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _ffmpeg.Kill(entireProcessTree: true);
                await _ffmpeg.WaitForExitAsync(CancellationToken.None);
            }
        }
        await _stop.CancelAsync();
        if (_watcher is not null)
        {
            await _watcher;
        }
        await ScanAsync(CancellationToken.None);
        if (_ffmpeg.ExitCode != 0)
        {
            LogFfmpegFailed(_logger, _live.VideoId, _ffmpeg.ExitCode, _stderr is null ? "" : await _stderr);
        }
        LogFinished(_logger, _live.VideoId, _bytesIn, _segments.Sum(s => s.Count));
        return new LiveRecording(_folder, _rungs, _segments, _hasAudio);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_ffmpeg is { HasExited: false })
        {
            _ffmpeg.Kill(entireProcessTree: true);
        }
        _ffmpeg?.Dispose();
        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Live {VideoId}: transcoding {Rungs} rungs from {Width}x{Height} (audio: {HasAudio})")]
    private static partial void LogStarted(ILogger logger, long videoId, int rungs, int width, int height, bool hasAudio);

    [LoggerMessage(Level = LogLevel.Information, Message = "Live {VideoId}: session finished, {Bytes} bytes in, {Segments} segments out")]
    private static partial void LogFinished(ILogger logger, long videoId, long bytes, int segments);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live {VideoId}: ffmpeg exited with {ExitCode}: {Stderr}")]
    private static partial void LogFfmpegFailed(ILogger logger, long videoId, int exitCode, string stderr);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live {VideoId}: watching the segments failed")]
    private static partial void LogWatchFailed(ILogger logger, long videoId, Exception exception);
}
