using System.Globalization;
using VideoPlatform.Transcoder.Planning;

namespace VideoPlatform.Transcoder.Live;

/// <summary>
/// One rung of a live ladder: its index (the variant name in the live folder) and size. The audio rendition, when the
/// source has sound, is a rung of height 0 numbered after the video ones.
/// </summary>
public sealed record LiveRung(int Index, int Height, int Width, long MaxBitrate);

/// <summary>
/// The live ladder and its one ffmpeg command: FLV on stdin, one decode split into every rung (never above the source,
/// the source's height kept), libx264 with key frames every segment, the AAC audio once as its own rendition shared by
/// every rung (EXT-X-MEDIA TYPE=AUDIO, as the VOD ladder's separate audio), HLS fMP4 with a sliding window, PeerTube's
/// live names (<c>master.m3u8</c>, <c>{i}.m3u8</c>, <c>{i}-init.mp4</c>, <c>{i}-000001.mp4</c>). Pure.
/// </summary>
public static class LiveLadder
{
    public const string MasterName = "master.m3u8";
    public const string SegmentsSha256Name = "segments-sha256.json";

    /// <summary>PeerTube's latency modes: 2 s segments by default and in high latency, 1 s in small latency.</summary>
    public static int SegmentSeconds(int latencyMode) => latencyMode == 3 ? 1 : 2;

    public static IReadOnlyList<LiveRung> Plan(int sourceWidth, int sourceHeight, double fps, IEnumerable<int> resolutions)
    {
        var height = sourceHeight > 0 ? sourceHeight : 720;
        var ratio = sourceWidth > 0 && sourceHeight > 0 ? (double)sourceWidth / sourceHeight : 16.0 / 9;
        var heights = resolutions.Where(r => r > 0 && r < height).Append(height).Distinct().OrderDescending().ToList();
        var rate = fps is > 0 and <= 120 ? (int)Math.Round(fps) : 30;
        return heights.Select((h, i) =>
        {
            var even = h % 2 == 0 ? h : h - 1;
            var width = (int)Math.Round(even * ratio / 2) * 2;
            return new LiveRung(i, even, width, Bitrates.Max(even, ratio, rate));
        }).ToList();
    }

    /// <summary>The audio rendition's rung: height 0, numbered after the video rungs (its files are <c>{n}.m3u8</c>, <c>{n}-000001.mp4</c>).</summary>
    public static LiveRung AudioRung(IReadOnlyList<LiveRung> video) => new(video.Count, 0, 0, AudioBitrate);

    /// <summary>The AAC bitrate of the live's audio rendition (bits per second).</summary>
    public const long AudioBitrate = 128_000;

    /// <summary>
    /// ffmpeg's command for the ladder; <paramref name="ladder"/> may end with the <see cref="AudioRung"/> (only the video
    /// rungs are encoded from the split; the audio is encoded once when <paramref name="hasAudio"/>).
    /// </summary>
    public static IReadOnlyList<string> FfmpegArguments(IReadOnlyList<LiveRung> ladder, bool hasAudio, int latencyMode, LiveTranscodingOptions options)
    {
        var rungs = ladder.Where(r => r.Height > 0).ToList();
        var segment = SegmentSeconds(latencyMode);
        var args = new List<string>
        {
            "-hide_banner", "-nostats", "-loglevel", "error", "-y",
            "-fflags", "+genpts", "-f", "flv", "-i", "pipe:0",
        };
        var split = string.Concat(Enumerable.Range(0, rungs.Count).Select(i => $"[s{i}]"));
        var graph = $"[0:v]split={rungs.Count}{split};" + string.Join(';', rungs.Select(r =>
            $"[s{r.Index}]scale={r.Width}:{r.Height},format=yuv420p[v{r.Index}]"));
        args.AddRange(["-filter_complex", graph]);
        foreach (var rung in rungs)
        {
            args.AddRange(["-map", $"[v{rung.Index}]"]);
        }
        if (hasAudio)
        {
            args.AddRange(["-map", "0:a:0"]);
        }
        args.AddRange([
            "-c:v", "libx264", "-preset", options.Preset, "-tune", "zerolatency", "-profile:v", "high",
            "-threads", Str(options.Threads),
            "-force_key_frames", $"expr:gte(t,n_forced*{Str(segment)})", "-sc_threshold", "0",
        ]);
        foreach (var rung in rungs)
        {
            args.AddRange([$"-maxrate:v:{Str(rung.Index)}", Str(rung.MaxBitrate), $"-bufsize:v:{Str(rung.Index)}", Str(rung.MaxBitrate * 2),
                $"-b:v:{Str(rung.Index)}", Str(rung.MaxBitrate * 3 / 4)]);
        }
        if (hasAudio)
        {
            args.AddRange(["-c:a", "aac", "-b:a", Str(AudioBitrate), "-ac", "2"]);
        }
        args.AddRange([
            "-f", "hls",
            "-hls_time", Str(segment),
            "-hls_list_size", Str(options.PlaylistSize),
            "-hls_flags", "independent_segments+program_date_time",
            "-hls_segment_type", "fmp4",
            "-hls_fmp4_init_filename", "%v-init.mp4",
            "-hls_segment_filename", "%v-%06d.mp4",
            "-var_stream_map", hasAudio
                ? string.Join(' ', rungs.Select(r => $"v:{Str(r.Index)},agroup:{AudioGroup}").Append($"a:0,agroup:{AudioGroup},name:{Str(rungs.Count)}"))
                : string.Join(' ', rungs.Select(r => $"v:{Str(r.Index)}")),
            "-master_pl_name", MasterName,
            "%v.m3u8",
        ]);
        return args;
    }

    /// <summary>The audio group ffmpeg names in the master playlist (it writes <c>group_audio</c>).</summary>
    private const string AudioGroup = "audio";

    /// <summary>
    /// The master playlist as players get it: ffmpeg also lists the audio rendition as a variant of its own (a level without
    /// picture a player could switch to); only its EXT-X-MEDIA entry is kept.
    /// </summary>
    public static string WithoutAudioVariant(string master, string audioPlaylist)
    {
        var lines = master.Split('\n');
        var kept = new List<string>(lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("#EXT-X-STREAM-INF:", StringComparison.Ordinal) && i + 1 < lines.Length && lines[i + 1].Trim() == audioPlaylist)
            {
                i++;
                continue;
            }
            kept.Add(lines[i]);
        }
        return string.Join('\n', kept);
    }

    /// <summary>A live's playlists and hash file change as segments appear (every other media name is immutable).</summary>
    public static bool IsMutableName(string fileName) =>
        fileName is MasterName or SegmentsSha256Name
        || (fileName.EndsWith(".m3u8", StringComparison.Ordinal) && fileName.Length > 5 && fileName[..^5].All(char.IsAsciiDigit));

    public static string PlaylistName(int index) => $"{Str(index)}.m3u8";

    private static string Str(long value) => value.ToString(CultureInfo.InvariantCulture);
}
