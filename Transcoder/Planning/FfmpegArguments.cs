using System.Globalization;

namespace VideoPlatform.Transcoder.Planning;

/// <summary>
/// Builds ffmpeg argument lists. Output names are relative: ffmpeg runs inside the output folder, so the
/// playlists it writes name their fragmented MP4 without any directory (PeerTube has to repair absolute
/// EXT-X-MAP URIs after the fact; we never produce them).
/// </summary>
internal static class FfmpegArguments
{
    public static string PlaylistName(string id, int resolution) => $"{id}-{resolution}.m3u8";

    public static string FragmentedName(string id, int resolution) => $"{id}-{resolution}-fragmented.mp4";

    /// <summary>The web video (faststart MP4) of a rendition, PeerTube's <c>{id}-{resolution}.mp4</c>.</summary>
    public static string WebVideoName(string id, int resolution) => $"{id}-{resolution}.mp4";

    /// <summary>One run that decodes the source once and encodes every rendition of the plan.</summary>
    public static IReadOnlyList<string> Ladder(string sourcePath, TranscodePlan plan, string id, TranscodeSettings settings)
    {
        var threads = Str(settings.Threads);
        var args = new List<string>
        {
            "-hide_banner", "-nostats", "-loglevel", "error", "-y",
            "-progress", "pipe:1",
            // Damaged input stops the run with an error instead of being concealed into a glitched or shorter lesson.
            "-xerror", "-err_detect", "explode",
            "-threads", threads,
            "-i", sourcePath,
        };

        var videos = plan.Renditions.Where(r => !r.IsAudioOnly).ToList();
        if (videos.Count > 0)
        {
            args.Add("-filter_complex");
            args.Add(FilterGraph(videos));
        }

        var videoIndex = 0;
        foreach (var rendition in plan.Renditions)
        {
            if (rendition.IsAudioOnly)
            {
                // An audio-only source: the 0p rendition alone, with its web video like any rendition.
                args.AddRange(["-map", "0:a:0", "-vn"]);
                args.AddRange(AudioCodec(plan.Audio!));
                args.AddRange(["-threads", threads, "-map_metadata", "-1"]);
                args.AddRange(RenditionOutput(id, rendition.Resolution, settings, settings.WebVideos, hlsStreams: null));
                continue;
            }

            var gop = Str(rendition.Fps * settings.KeyframeIntervalSeconds);
            args.AddRange(["-map", $"[v{videoIndex++}]"]);
            // The rung's HLS file has no audio (the audio rendition is shared); its web video, a download that plays
            // offline, keeps the audio muxed in.
            var webVideoAudio = settings.WebVideos && plan.Audio is not null;
            if (webVideoAudio)
            {
                args.AddRange(["-map", "0:a:0"]);
            }

            args.AddRange(
            [
                "-c:v", "libx264", "-preset", settings.Preset, "-profile:v", "high",
                .. RateControl.For(rendition, plan.Content, settings.Crf).Arguments,
                // A keyframe exactly every N seconds in every rendition: fixed GOP, no scene-cut keyframes.
                "-g", gop, "-keyint_min", gop, "-sc_threshold", "0",
            ]);
            if (webVideoAudio)
            {
                args.AddRange(AudioCodec(plan.Audio!));
            }

            args.AddRange(["-threads", threads, "-map_metadata", "-1"]);
            args.AddRange(RenditionOutput(id, rendition.Resolution, settings, settings.WebVideos, hlsStreams: webVideoAudio ? "v" : null));
        }

        if (plan.SeparateAudio)
        {
            args.AddRange(SeparateAudioOutput(plan.Audio!, id, settings));
        }

        if (plan.Audio is { Copy: true })
        {
            args.AddRange(CopiedAudioDecodeCheck());
        }

        return args;
    }

    /// <summary>
    /// The audio rendition shared by every video rung (PeerTube's separated audio, resolution 0): the source's first audio
    /// stream alone in <c>{id}-0-fragmented.mp4</c> with its byte-range playlist <c>{id}-0.m3u8</c>, segmented as the rungs.
    /// </summary>
    internal static IReadOnlyList<string> SeparateAudioOutput(AudioPlan audio, string id, TranscodeSettings settings) =>
    [
        "-map", "0:a:0", "-vn",
        .. AudioCodec(audio),
        "-threads", Str(settings.Threads), "-map_metadata", "-1",
        .. RenditionOutput(id, 0, settings, webVideo: false, hlsStreams: null),
    ];

    /// <summary>
    /// A copied stream is never decoded, so damage in it would pass unseen: the audio is also decoded into a null output
    /// (AAC decodes at hundreds of times real time), and with -xerror a damaged packet stops the run as an encode would.
    /// </summary>
    internal static IReadOnlyList<string> CopiedAudioDecodeCheck() => ["-map", "0:a:0", "-vn", "-c:a", "pcm_s16le", "-f", "null", "-"];

    /// <summary>
    /// AAC of at most 384 kbit/s is copied packet for packet, as PeerTube does; anything else is encoded to AAC-LC stereo
    /// (other layouts break HLS playback in Chrome) at the planned bitrate.
    /// </summary>
    internal static IReadOnlyList<string> AudioCodec(AudioPlan audio) =>
        audio.Copy ? ["-c:a", "copy"] : ["-c:a", "aac", "-b:a", Str(audio.Kbps) + "k", "-ac", "2"];

    /// <summary>
    /// The output of one rendition: its byte-range HLS (one fragmented MP4), and with <paramref name="webVideo"/> also its
    /// faststart MP4 from the same packets through the tee muxer; <paramref name="hlsStreams"/> (a stream specifier) limits
    /// what the HLS file takes of the mapped streams (the video rung's HLS leaves the web video's audio out).
    /// </summary>
    internal static IReadOnlyList<string> RenditionOutput(string id, int resolution, TranscodeSettings settings, bool webVideo, string? hlsStreams)
    {
        if (webVideo)
        {
            // The same encoded packets written twice by the tee muxer: HLS fragmented MP4 and a faststart MP4 (the
            // download that plays offline). No second encode; the MP4 muxers need the codec headers out of band.
            var select = hlsStreams is null ? "" : $"select={hlsStreams}:";
            return ["-flags", "+global_header", "-f", "tee",
                $"[{select}f=hls:hls_time={Str(settings.SegmentSeconds)}:hls_list_size=0:hls_playlist_type=vod:hls_segment_type=fmp4"
                + $":hls_flags=single_file:hls_segment_filename={FragmentedName(id, resolution)}]{PlaylistName(id, resolution)}"
                + $"|[f=mp4:movflags=+faststart]{WebVideoName(id, resolution)}"];
        }

        return
        [
            "-f", "hls",
            "-hls_time", Str(settings.SegmentSeconds),
            "-hls_list_size", "0",
            "-hls_playlist_type", "vod",
            "-hls_segment_type", "fmp4",
            "-hls_flags", "single_file",
            "-hls_segment_filename", FragmentedName(id, resolution),
            PlaylistName(id, resolution),
        ];
    }

    /// <summary>
    /// The split + per-rendition chain: drop frames first (cheaper), then scale to the exact planned size.
    /// The fps filter also turns a variable frame rate into a constant one, which the fixed GOP needs.
    /// </summary>
    internal static string FilterGraph(IReadOnlyList<RenditionPlan> videos)
    {
        var labels = string.Concat(Enumerable.Range(0, videos.Count).Select(i => $"[s{i}]"));
        var parts = new List<string> { $"[0:v:0]split={Str(videos.Count)}{labels}" };
        for (var i = 0; i < videos.Count; i++)
        {
            var r = videos[i];
            parts.Add($"[s{i}]fps={Str(r.Fps)},scale={Str(r.Width)}:{Str(r.Height)},setsar=1,format=yuv420p[v{i}]");
        }

        return string.Join(';', parts);
    }

    /// <summary>Thumbnail and preview in one run: a frame of the video at <paramref name="atSeconds"/>, or the waveform of an audio file.</summary>
    public static IReadOnlyList<string> Images(
        string sourcePath, bool sourceHasVideo, double atSeconds, string thumbnailName, string previewName, TranscodeSettings settings)
    {
        var (tw, th) = settings.ThumbnailSize;
        var (pw, ph) = settings.PreviewSize;
        var args = new List<string> { "-hide_banner", "-nostats", "-loglevel", "error", "-y", "-threads", Str(settings.Threads) };
        string source;
        if (sourceHasVideo)
        {
            args.AddRange(["-ss", atSeconds.ToString("0.###", CultureInfo.InvariantCulture), "-i", sourcePath]);
            source = "[0:v:0]";
        }
        else
        {
            args.AddRange(["-i", sourcePath]);
            source = $"[0:a:0]showwavespic=s={Str(pw)}x{Str(ph)}:colors=0x3f7fbf,";
        }

        var graph = $"{source}split=2[a][b];"
            + $"[a]{Fill(tw, th)}[t];"
            + $"[b]{Fill(pw, ph)}[p]";
        args.AddRange(["-filter_complex", graph]);
        args.AddRange(["-map", "[t]", "-frames:v", "1", "-q:v", "2", thumbnailName]);
        args.AddRange(["-map", "[p]", "-frames:v", "1", "-q:v", "2", previewName]);
        return args;
    }

    // Cover the box then crop the overflow: the image has exactly the requested size, as PeerTube's.
    // 4:4:4 before cropping, otherwise chroma subsampling rounds an odd height (157) down.
    private static string Fill(int width, int height) =>
        $"scale={Str(width)}:{Str(height)}:force_original_aspect_ratio=increase,format=yuvj444p,crop={Str(width)}:{Str(height)},setsar=1";

    private static string Str(long value) => value.ToString(CultureInfo.InvariantCulture);
}
