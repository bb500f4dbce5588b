using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using VideoPlatform.Transcoder;
using VideoPlatform.Transcoder.Planning;

/// <summary>
/// Issue 17, audio once: on a generated slide lesson (still slides changing every 10 s, a moving pointer, a speech-like
/// voice as AAC 128k stereo), the bytes of our HLS renditions (the audio once, its own rendition) against the same files
/// with that audio muxed into every video rung, as before — made by remuxing our own packets, so only the layout differs.
/// </summary>
internal static class AudioOnce
{
    public static async Task RunAsync(TranscodeSettings settings, string work, int seconds)
    {
        var dir = Directory.CreateDirectory(Path.Combine(work, "audio-once")).FullName;
        var source = Path.Combine(dir, "slides.mp4");
        var slide = seconds / 4.0;
        var s = slide.ToString("0.###", CultureInfo.InvariantCulture);
        Console.WriteLine($"Making a {seconds} s 1920x1080 slide lesson with a voice…");
        await Tool.RunAsync(settings.FfmpegPath, dir,
            "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", $"testsrc=size=1920x1080:rate=30:duration={s}",
            "-f", "lavfi", "-i", $"smptehdbars=size=1920x1080:rate=30:duration={s}",
            "-f", "lavfi", "-i", $"rgbtestsrc=size=1920x1080:rate=30:duration={s}",
            "-f", "lavfi", "-i", $"pal100bars=size=1920x1080:rate=30:duration={s}",
            "-f", "lavfi", "-i", "color=c=red:size=24x24:rate=30",
            // Speech-like: pink noise shaped to the voice band, syllables at ~4 Hz, pauses every few seconds.
            "-f", "lavfi", "-i", "anoisesrc=color=pink:sample_rate=48000:amplitude=0.5",
            "-filter_complex",
            "[0:v][1:v][2:v][3:v]concat=n=4:v=1:a=0,fps=30,format=yuv420p[slides];"
            + "[slides][4:v]overlay=x='mod(t*160,1800)':y='300+200*sin(t)':shortest=1[v];"
            + "[5:a]bandpass=f=900:width_type=h:w=2500,volume='0.2+0.8*abs(sin(2*PI*2*t))*gt(mod(t,7),1.5)':eval=frame,pan=stereo|c0=c0|c1=c0[a]",
            "-map", "[v]", "-map", "[a]", "-t", seconds.ToString(CultureInfo.InvariantCulture),
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-c:a", "aac", "-b:a", "128k", "-threads", Str(settings.Threads),
            source);

        var pipeline = new HlsPipeline(NullLogger<HlsPipeline>.Instance, NullLoggerFactory.Instance, TimeProvider.System);
        var result = await pipeline.RunAsync(source, Path.Combine(dir, "ours"), settings, null, CancellationToken.None);
        var audio = result.Renditions.Single(r => r.Resolution == 0);
        var audioPath = Path.Combine(result.Directory, audio.FragmentedName);
        var rungs = result.Renditions.Where(r => r.Resolution > 0).ToList();
        var ours = result.Renditions.Sum(r => r.SizeBytes);

        // Before: each rung's fragmented MP4 with the audio packets muxed in (same HLS segmenting), no re-encode.
        long before = 0;
        foreach (var r in rungs)
        {
            var muxed = Directory.CreateDirectory(Path.Combine(dir, "before", r.Resolution.ToString(CultureInfo.InvariantCulture))).FullName;
            await Tool.RunAsync(settings.FfmpegPath, muxed, "-hide_banner", "-loglevel", "error", "-y",
                "-i", Path.Combine(result.Directory, r.FragmentedName), "-i", audioPath, "-map", "0:v:0", "-map", "1:a:0", "-c", "copy",
                "-f", "hls", "-hls_time", Str(settings.SegmentSeconds), "-hls_list_size", "0", "-hls_playlist_type", "vod",
                "-hls_segment_type", "fmp4", "-hls_flags", "single_file", "-hls_segment_filename", "muxed.mp4", "muxed.m3u8");
            before += new FileInfo(Path.Combine(muxed, "muxed.mp4")).Length;
        }

        Console.WriteLine($"slide lesson HLS bytes: audio once {ours / 1e6:0.00} MB ({rungs.Count} video rungs + audio {audio.SizeBytes / 1e6:0.00} MB, "
            + $"audio {(result.Source.Audio is { } a && a.Codec == "aac" ? "copied" : "encoded")}), audio in every rung {before / 1e6:0.00} MB");
        Console.WriteLine($"audio once / audio in every rung   {(double)ours / before:0.00}   (slide lesson, {seconds} s, total HLS bytes)");
    }

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}
