using VideoPlatform.Transcoder.Analysis;
using VideoPlatform.Transcoder.Probing;

namespace VideoPlatform.Transcoder.Planning;

/// <summary>One output of the ladder. Resolution 0 is PeerTube's audio-only rendition.</summary>
public sealed record RenditionPlan(int Resolution, int Width, int Height, int Fps, long MaxBitrate, int AudioKbps)
{
    public bool IsAudioOnly => Resolution == 0;

    public bool HasAudio => AudioKbps > 0;

    public long BufferSize => MaxBitrate * 2;
}

/// <summary>How the source's first audio stream is written: copied as it is (<see cref="Copy"/>) or encoded to AAC at <see cref="Kbps"/>.</summary>
public sealed record AudioPlan(bool Copy, int Kbps);

/// <summary>
/// The renditions of a transcode. A source with video and audio gets its audio once, as its own rendition (resolution 0,
/// PeerTube's separated audio) shared by every video rung, whose HLS files carry no audio; an audio-only source has the 0p
/// rendition alone. <see cref="Content"/> (from the content analysis) chooses each rendition's <see cref="RateControl"/>.
/// </summary>
public sealed record TranscodePlan(IReadOnlyList<RenditionPlan> Renditions, bool SourceHasVideo, bool SourceHasAudio, ContentKind Content = ContentKind.Normal)
{
    /// <summary>Null when the source has no audio.</summary>
    public AudioPlan? Audio { get; init; }

    /// <summary>True when the audio is its own HLS rendition next to the video rungs (EXT-X-MEDIA TYPE=AUDIO).</summary>
    public bool SeparateAudio => SourceHasVideo && Audio is not null;
}

/// <summary>Chooses the renditions for a source, following PeerTube's rules (computeResolutionsToTranscode, computeOutputFPS).</summary>
internal static class LadderPlanner
{
    private static readonly int[] StandardFps = [24, 25, 30];
    private static readonly int[] HdStandardFps = [50, 60];

    // Below 720p PeerTube brings high frame rates down to a standard one; 720p and up keep them.
    private const int KeepOriginFpsResolutionMin = 720;

    public static TranscodePlan Plan(SourceMedia source, TranscodeSettings settings)
    {
        var audioKbps = source.Audio is { } a ? Bitrates.AudioKbps(a.Codec, a.BitRate) : 0;
        var audio = source.Audio is { } sourceAudio ? new AudioPlan(CanCopyAudio(sourceAudio), audioKbps) : null;
        if (source.Video is not { } video)
        {
            var audioOnly = new RenditionPlan(0, 0, 0, 0, audioKbps * 1000L, audioKbps);
            return new TranscodePlan(source.HasAudio ? [audioOnly] : [], false, source.HasAudio) { Audio = audio };
        }

        var inputResolution = Math.Min(video.DisplayWidth, video.DisplayHeight);
        var ratio = Bitrates.AspectRatio(video.DisplayWidth, video.DisplayHeight);
        var renditions = new List<RenditionPlan>();
        foreach (var resolution in Resolutions(inputResolution, settings))
        {
            var isOrigin = resolution == ToEven(inputResolution);
            var fps = OutputFps(video.Fps, resolution, isOrigin, settings.MaxFps);
            var (width, height) = Dimensions(video.DisplayWidth, video.DisplayHeight, resolution);
            var maxrate = Bitrates.Target(resolution, ratio, fps, source.BitRate);
            renditions.Add(new RenditionPlan(resolution, width, height, fps, maxrate, audioKbps));
        }

        return new TranscodePlan(renditions, true, source.HasAudio) { Audio = audio };
    }

    /// <summary>The separate audio rendition of <paramref name="plan"/> (resolution 0), or null when the audio is not separate.</summary>
    public static RenditionPlan? AudioRendition(TranscodePlan plan) =>
        plan.SeparateAudio ? new RenditionPlan(0, 0, 0, 0, plan.Audio!.Kbps * 1000L, plan.Audio.Kbps) : null;

    /// <summary>
    /// PeerTube's quick audio transcode rule (canDoQuickAudioTranscode): AAC whose bitrate is known and at most 384 kbit/s
    /// is copied as it is. We also ask for mono or stereo, the layouts our encoder would produce (others break Chrome's HLS).
    /// </summary>
    internal static bool CanCopyAudio(SourceAudio audio) =>
        string.Equals(audio.Codec, "aac", StringComparison.Ordinal)
        && audio.BitRate is > 0 and <= Bitrates.MaxAudioBitrate
        && audio.Channels is 1 or 2;

    /// <summary>Enabled resolutions not above the source's, largest first, plus the source's own (even) when configured.</summary>
    internal static IReadOnlyList<int> Resolutions(int inputResolution, TranscodeSettings settings)
    {
        var set = new SortedSet<int>(Comparer<int>.Create((x, y) => y.CompareTo(x)));
        foreach (var r in settings.EnabledResolutions)
        {
            if (r > 0 && r <= inputResolution)
            {
                set.Add(r);
            }
        }

        if (settings.AlwaysTranscodeOriginalResolution || set.Count == 0)
        {
            set.Add(ToEven(inputResolution));
        }

        return [.. set];
    }

    /// <summary>Output frame rate, as PeerTube's computeOutputFPS.</summary>
    internal static int OutputFps(int inputFps, int resolution, bool isOriginResolution, int maxFps)
    {
        var standard = StandardFps.Where(f => f <= maxFps).ToList();
        if (standard.Count == 0)
        {
            standard.Add(maxFps);
        }

        var hdStandard = HdStandardFps.Append(maxFps).Where(f => f <= maxFps).Distinct().ToList();
        var average = Math.Min(30, maxFps);
        var fps = inputFps;

        if (!isOriginResolution && resolution < KeepOriginFpsResolutionMin && fps > average)
        {
            fps = Closest(fps, standard);
        }

        fps = Math.Max(fps, 1);
        if (fps > maxFps)
        {
            fps = Closest(fps, hdStandard);
        }

        return fps;
    }

    /// <summary>
    /// The largest candidate that divides the input rate (so frames are dropped evenly), else the one
    /// leaving the smallest remainder.
    /// </summary>
    private static int Closest(int fps, List<int> candidates)
    {
        var divisor = candidates.OrderByDescending(c => c).FirstOrDefault(c => fps % c == 0);
        return divisor > 0 ? divisor : candidates.OrderBy(c => fps % c).First();
    }

    /// <summary>Output size: the smaller side becomes the resolution, the other keeps the aspect ratio, both even.</summary>
    internal static (int Width, int Height) Dimensions(int displayWidth, int displayHeight, int resolution)
    {
        if (displayHeight > displayWidth)
        {
            return (ToEven(resolution), RoundEven((double)resolution * displayHeight / displayWidth));
        }

        return (RoundEven((double)resolution * displayWidth / displayHeight), ToEven(resolution));
    }

    internal static int ToEven(int value) => value % 2 == 0 ? value : value + 1;

    private static int RoundEven(double value) => Math.Max(2, (int)Math.Round(value / 2, MidpointRounding.AwayFromZero) * 2);
}
