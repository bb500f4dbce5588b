using System.Globalization;
using VideoPlatform.Transcoder;
using VideoPlatform.Transcoder.Analysis;
using VideoPlatform.Transcoder.Planning;

namespace VideoPlatform.Tests.Transcoder;

/// <summary>The pure rules of the content-aware ladder: sampling, classification, rate control per content, SSIM per rendition.</summary>
public class ContentAwareLadderTests
{
    private static readonly TranscodeSettings Settings = new() { EnabledResolutions = new HashSet<int> { 240, 720 }, Threads = 2, WebVideos = false };

    [Test]
    public void Three_windows_spread_over_the_source_and_the_whole_of_one_up_to_three_windows_long()
    {
        Assert.That(ContentRules.Windows(100), Is.EqualTo(new[] { (15.0, 2.0), (50.0, 2.0), (80.0, 2.0) }));
        // The last window never runs past the end.
        Assert.That(ContentRules.Windows(21), Is.EqualTo(new[] { (21 * 0.15, 2.0), (10.5, 2.0), (21 * 0.8, 2.0) }));
        // Short sources are sampled too (no longer decoded whole up to 20 s): where decoding really starts is FromKeyframes' business.
        Assert.That(ContentRules.Windows(20), Is.EqualTo(new[] { (3.0, 2.0), (10.0, 2.0), (16.0, 2.0) }));
        Assert.That(ContentRules.Windows(6.5), Is.EqualTo(new[] { (6.5 * 0.15, 2.0), (3.25, 2.0), (4.5, 2.0) }));
        Assert.That(ContentRules.Windows(6), Is.EqualTo(new[] { (0.0, 6.0) }), "up to three windows long, a source is analysed whole, in one pass");
        Assert.That(ContentRules.Windows(0.5), Is.EqualTo(new[] { (0.0, 0.5) }));
        Assert.That(ContentRules.Windows(0), Is.Empty);
        Assert.That(ContentRules.Windows(double.NaN), Is.Empty);
    }

    [Test]
    public void Slides_with_a_pointer_are_screen_content()
    {
        // Measured on the generated slide lesson: a pointer moving over a still slide, and one slide change.
        var differences = Enumerable.Repeat(0.033, 55).Append(0).Append(0.02).Append(12.5).Append(0.03).ToList();

        var analysis = ContentRules.Classify(differences, 0.4);

        Assert.That(analysis.Kind, Is.EqualTo(ContentKind.Screen));
        Assert.That(analysis.Name, Is.EqualTo("screen"));
        Assert.That(analysis.Frames, Is.EqualTo(59));
        Assert.That(analysis.MedianDifference, Is.EqualTo(0.033));
        Assert.That(analysis.Seconds, Is.EqualTo(0.4));
    }

    [Test]
    public void A_noisy_moving_picture_is_motion_and_a_calm_one_normal()
    {
        var noisy = Enumerable.Range(0, 40).Select(i => 1.8 + (i % 5 * 0.2)).ToList();
        Assert.That(ContentRules.Classify(noisy, 1).Kind, Is.EqualTo(ContentKind.Motion));

        // A camera on a speaker: a quarter of the frames and more change visibly, the median stays low.
        var calm = Enumerable.Repeat(0.1, 20).Concat(Enumerable.Repeat(0.6, 20)).ToList();
        var analysis = ContentRules.Classify(calm, 1);
        Assert.That(analysis.Kind, Is.EqualTo(ContentKind.Normal));
        Assert.That(analysis.Percentile75Difference, Is.EqualTo(0.6));
    }

    [Test]
    public void Screen_needs_three_frames_in_four_still()
    {
        var half = Enumerable.Repeat(0.03, 20).Concat(Enumerable.Repeat(0.9, 20)).ToList();
        Assert.That(ContentRules.Classify(half, 1).Kind, Is.EqualTo(ContentKind.Normal));
        var threeQuarters = Enumerable.Repeat(0.03, 30).Concat(Enumerable.Repeat(5.0, 10)).ToList();
        Assert.That(ContentRules.Classify(threeQuarters, 1).Kind, Is.EqualTo(ContentKind.Screen));
    }

    [Test]
    public void Without_frames_nothing_is_assumed()
    {
        var analysis = ContentRules.Classify([], 0.2);
        Assert.That(analysis.Kind, Is.EqualTo(ContentKind.Normal));
        Assert.That(analysis.Frames, Is.Zero);
    }

    [Test]
    public void Differences_are_read_from_ffmpeg_metadata_print()
    {
        const string print = "frame:0    pts:0       pts_time:0\nlavfi.scd.mafd=0.018\nframe:1    pts:3       pts_time:0.1\nlavfi.scd.mafd=1.869\n\n";

        Assert.That(ContentRules.ParseDifferences(print), Is.EqualTo(new[] { 0.018, 1.869 }));
        Assert.That(ContentRules.ParseDifferences(""), Is.Empty);
        Assert.Throws<FormatException>(() => ContentRules.ParseDifferences("lavfi.scd.mafd=nan\n"));
        Assert.Throws<FormatException>(() => ContentRules.ParseDifferences("lavfi.scd.mafd=-1\n"));
        Assert.Throws<FormatException>(() => ContentRules.ParseDifferences("lavfi.scd.mafd=abc\n"));
    }

    [Test]
    public void Analysis_seeks_each_window_and_compares_small_frames()
    {
        var args = ContentAnalyzer.Arguments("/in/src.mp4", ContentRules.Windows(100), "out.txt", 2);

        Assert.That(args.Count(a => a == "-i"), Is.EqualTo(3), "one input per window, each with its own fast seek");
        var line = string.Join(' ', args);
        Assert.That(line, Does.Contain("-ss 15 -noaccurate_seek -t 2 -an -sn -dn -i /in/src.mp4 -ss 50 -noaccurate_seek -t 2"),
            "decoded from the keyframe the seek lands on, for the window's length: nothing decoded is thrown away");
        Assert.That(line, Does.Contain("[2:v:0]fps=10,scale=320:-2,format=yuv420p,scdet=threshold=100,trim=start_frame=1[w2]"));
        Assert.That(line, Does.Contain("[w0][w1][w2]concat=n=3:v=1:a=0,metadata=mode=print:key=lavfi.scd.mafd:file=out.txt[out]"));
        Assert.That(args.TakeLast(5), Is.EqualTo(new[] { "[out]", "-f", "null", "-" }.Prepend("-map")));
    }

    [Test]
    public void Screen_content_gets_stillimage_a_raised_crf_and_a_lower_cap()
    {
        var plan = LadderPlanner.Plan(Sources.Video(1280, 720, fps: 30), Settings);
        var top = plan.Renditions[0];
        var small = plan.Renditions[1];

        var screen = RateControl.For(top, ContentKind.Screen, 23);
        Assert.That(screen.Crf, Is.EqualTo(33));
        Assert.That(screen.Tune, Is.EqualTo("stillimage"));
        Assert.That(screen.MaxRate, Is.EqualTo(top.MaxBitrate / 2));
        Assert.That(screen.BufferSize, Is.EqualTo(screen.MaxRate * 2));
        Assert.That(RateControl.For(small, ContentKind.Screen, 23).Crf, Is.EqualTo(29), "less headroom in small renditions");
        Assert.That(RateControl.For(top, ContentKind.Screen, 45).Crf, Is.EqualTo(51), "never past x264's range");

        foreach (var kind in new[] { ContentKind.Normal, ContentKind.Motion })
        {
            var rc = RateControl.For(top, kind, 23);
            Assert.That(rc.Arguments, Is.EqualTo(new[] { "-crf", "23", "-maxrate", top.MaxBitrate.ToString(CultureInfo.InvariantCulture), "-bufsize", top.BufferSize.ToString(CultureInfo.InvariantCulture) }));
        }
    }

    [Test]
    public void The_ladder_carries_the_rate_control_of_the_content_to_every_rendition()
    {
        var plan = LadderPlanner.Plan(Sources.Video(1280, 720, fps: 30), Settings) with { Content = ContentKind.Screen };

        var args = FfmpegArguments.Ladder("/in/src.mp4", plan, "ID", Settings);

        Assert.That(args.Count(a => a == "stillimage"), Is.EqualTo(2));
        var line = string.Join(' ', args);
        Assert.That(line, Does.Contain($"-profile:v high -tune stillimage -x264-params ipratio=1 -crf 33 -maxrate {plan.Renditions[0].MaxBitrate / 2}"));
        Assert.That(line, Does.Contain("-crf 29"));
        Assert.That(line, Does.Contain("-g 60 -keyint_min 60 -sc_threshold 0"), "2-second keyframes whatever the content");
        Assert.That(args.Count(a => a == "-i"), Is.EqualTo(1), "still one decode");
    }

    [Test]
    public void Ssim_compares_each_rendition_with_the_source_brought_to_its_rate_and_size()
    {
        var plan = LadderPlanner.Plan(Sources.Video(1280, 720, fps: 60), Settings);
        var renditions = plan.Renditions.Select(r => (r, FfmpegArguments.FragmentedName("ID", r.Resolution))).ToList();

        var args = SsimRules.Arguments("/in/src.mp4", renditions, [(0, 60)], 2);

        Assert.That(args.Where((a, i) => i > 0 && args[i - 1] == "-i"), Is.EqualTo(new[] { "/in/src.mp4", "ID-720-fragmented.mp4", "ID-240-fragmented.mp4" }));
        var graph = args[args.ToList().IndexOf("-filter_complex") + 1];
        Assert.That(graph, Does.StartWith("[0:v:0]split=2[s0_0][s0_1];"));
        Assert.That(graph, Does.Contain("[s0_1]fps=30,scale=426:240,setsar=1,format=yuv420p,setpts=PTS-STARTPTS[ref0_1]"));
        Assert.That(graph, Does.Contain("[2:v:0]setsar=1,format=yuv420p,setpts=PTS-STARTPTS[enc0_1]"));
        Assert.That(graph, Does.Contain("[enc1][ref1]ssim=stats_file=ssim-240.log[out1]"));
        Assert.That(args.Count(a => a == "null"), Is.EqualTo(2));
        Assert.That(args.Where((a, i) => i > 0 && args[i - 1] == "-t"), Is.EqualTo(new[] { "60", "60", "60" }), "the window on every input");
    }

    [Test]
    public void Ssim_on_sampled_windows_seeks_every_input_to_each_window_and_joins_them_per_rendition()
    {
        var plan = LadderPlanner.Plan(Sources.Video(1280, 720, fps: 30), Settings);
        var renditions = plan.Renditions.Select(r => (r, FfmpegArguments.FragmentedName("ID", r.Resolution))).ToList();

        var args = SsimRules.Arguments("/in/src.mp4", renditions, [(15, 2), (50, 2), (80, 1.5)], 2);

        var inputs = args.Where((a, i) => i > 0 && args[i - 1] == "-i").ToList();
        Assert.That(inputs, Has.Count.EqualTo(9), "per window: the source and each rendition");
        Assert.That(inputs.Where((_, i) => i % 3 == 0), Is.All.EqualTo("/in/src.mp4"));
        var line = string.Join(' ', args);
        Assert.That(line, Does.Contain("-ss 50 -t 2 -an -sn -dn -i /in/src.mp4 -ss 50 -t 2 -an -sn -dn -i ID-720-fragmented.mp4 -ss 50 -t 2"));
        Assert.That(line, Does.Contain("-ss 80 -t 1.5 -an -sn -dn -i ID-240-fragmented.mp4"));
        var graph = args[args.ToList().IndexOf("-filter_complex") + 1];
        Assert.That(graph, Does.Contain("[3:v:0]split=2[s1_0][s1_1]"), "the second window's source is input 3");
        Assert.That(graph, Does.Contain("[ref0_1][ref1_1][ref2_1]concat=n=3:v=1:a=0[ref1]"));
        Assert.That(graph, Does.Contain("[enc0_0][enc1_0][enc2_0]concat=n=3:v=1:a=0[enc0]"));
        Assert.That(graph, Does.Contain("[enc0][ref0]ssim=stats_file=ssim-720.log[out0]"));
        Assert.That(args.Count(a => a == "ssim-720.log"), Is.Zero, "one stats file per rendition, in the graph");
        Assert.That(args.Count(a => a == "null"), Is.EqualTo(2));
    }

    [Test]
    public void Each_window_is_decoded_from_the_keyframe_at_or_before_it_and_only_once()
    {
        var samples = ContentRules.Windows(100);

        // Keyframes every 2 s (phones, OBS): each window moves back to its keyframe.
        Assert.That(ContentRules.FromKeyframes(samples, [14, 50, 80], 100), Is.EqualTo(new[] { (14.0, 2.0), (50.0, 2.0), (80.0, 2.0) }));
        // A single keyframe (the bench's 10 s clips, a screen recorder with an endless GOP): the first window only, decoded once.
        Assert.That(ContentRules.FromKeyframes(ContentRules.Windows(10), [0, 0, 0], 10), Is.EqualTo(new[] { (0.0, 2.0) }));
        // A short source analysed whole: one window from its start.
        Assert.That(ContentRules.FromKeyframes(ContentRules.Windows(3), [0], 3), Is.EqualTo(new[] { (0.0, 3.0) }));
        // libx264's default 250-frame GOP at 30 fps (keyframes every 8.33 s) on 30 s: points 4.5, 15 and 24.
        Assert.That(ContentRules.FromKeyframes(ContentRules.Windows(30), [0, 8.333, 16.667], 30),
            Is.EqualTo(new[] { (0.0, 2.0), (8.333, 2.0), (16.667, 2.0) }));
        // A window never runs into the next one: no frame decoded twice.
        Assert.That(ContentRules.FromKeyframes(ContentRules.Windows(20), [2.5, 3, 15], 20), Is.EqualTo(new[] { (2.5, 0.5), (3.0, 2.0), (15.0, 2.0) }));
        // Unknown keyframes (no index to seek in), or a packet after the point: the window's own start.
        Assert.That(ContentRules.FromKeyframes(samples, [null, 51, double.NaN], 100), Is.EqualTo(samples));
        Assert.That(ContentRules.FromKeyframes([], [], 0), Is.Empty);
        Assert.Throws<ArgumentException>(() => ContentRules.FromKeyframes(samples, [1], 100));
    }

    [Test]
    public void Keyframes_are_read_from_one_packet_after_each_seek()
    {
        Assert.That(ContentRules.KeyframeIntervals(ContentRules.Windows(21)), Is.EqualTo("3.15%+#1,10.5%+#1,16.8%+#1"));
        var args = ContentAnalyzer.KeyframeArguments("/in/src.mp4", ContentRules.Windows(100), "k.csv");
        Assert.That(string.Join(' ', args), Is.EqualTo(
            "-hide_banner -v error -select_streams v:0 -read_intervals 15%+#1,50%+#1,80%+#1 -show_entries packet=pts_time,flags -of csv=p=0 -o k.csv /in/src.mp4"));

        Assert.That(ContentRules.ParseKeyframes("0.000000,K_\n8.300000,K_\n12.5,__\n", 3), Is.EqualTo(new double?[] { 0, 8.3, null }),
            "a packet that is not a keyframe says nothing");
        Assert.That(ContentRules.ParseKeyframes("4.0,K_\n", 3), Is.EqualTo(new double?[] { 4, null, null }), "missing lines: unknown");
        Assert.That(ContentRules.ParseKeyframes("", 2), Is.EqualTo(new double?[] { null, null }));
        Assert.Throws<FormatException>(() => ContentRules.ParseKeyframes("K_\n", 1));
        Assert.Throws<FormatException>(() => ContentRules.ParseKeyframes("abc,K_\n", 1));
    }

    [Test]
    public void Ssim_windows_start_on_whole_seconds_after_the_analysed_keyframes()
    {
        Assert.That(SsimRules.Windows([(14, 2), (50, 2), (80, 2)], 100), Is.EqualTo(new[] { (14.0, 2.0), (50.0, 2.0), (80.0, 2.0) }));
        // Whole seconds keep every integer frame rate's instants; a window stops at the next one and at the end.
        Assert.That(SsimRules.Windows([(0, 2), (8.3, 1.7)], 10), Is.EqualTo(new[] { (0.0, 2.0), (9.0, 1.0) }));
        Assert.That(SsimRules.Windows([(14.2, 1), (15.6, 2)], 100), Is.EqualTo(new[] { (15.0, 1.0), (16.0, 2.0) }));
        Assert.That(SsimRules.Windows([(3, 2), (3.0004, 2)], 100), Is.EqualTo(new[] { (3.0, 2.0) }), "the same second once");
        // Nothing that fits (the last half second, or no analysis): the first two seconds.
        Assert.That(SsimRules.Windows([(9.7, 0.3)], 10), Is.EqualTo(new[] { (0.0, 2.0) }));
        Assert.That(SsimRules.Windows([], 1.5), Is.EqualTo(new[] { (0.0, 1.5) }));
        Assert.That(SsimRules.Windows([(0, 1)], 0), Is.Empty);
    }

    [Test]
    public void Ssim_is_the_mean_of_the_frames_all_values()
    {
        const string stats = "n:1 Y:0.998000 U:0.999000 V:0.999000 All:0.998500 (28.239)\nn:2 Y:0.996000 U:0.999000 V:0.999000 All:0.997500 (26.0)\n";

        Assert.That(SsimRules.MeanSsim(stats), Is.EqualTo(0.998).Within(1e-9));
        Assert.That(SsimRules.MeanSsim(""), Is.Null);
        Assert.Throws<FormatException>(() => SsimRules.MeanSsim("n:1 All:1.5 (inf)"));
        Assert.Throws<FormatException>(() => SsimRules.MeanSsim("n:1 All:x (1)"));
    }
}
