using System.Diagnostics;
using FFMpegCore;
using Microsoft.Extensions.Logging;
using VideoPlatform.Transcoder.Analysis;
using VideoPlatform.Transcoder.Ffmpeg;
using VideoPlatform.Transcoder.Hls;
using VideoPlatform.Transcoder.Planning;
using VideoPlatform.Transcoder.Probing;

namespace VideoPlatform.Transcoder;

/// <summary>
/// Source file → PeerTube-shaped HLS: probe, validate, plan, one ffmpeg run for the whole ladder, images,
/// master playlist and segment hashes. Everything is written in a hidden folder of the work directory and
/// published by renaming that folder, so a crash never leaves a half-written output behind.
/// </summary>
public sealed partial class HlsPipeline(ILogger<HlsPipeline> logger, ILoggerFactory loggerFactory, TimeProvider timeProvider)
{
    // Shares of the progress bar: the ladder run, then the SSIM run; images and hashing take the rest.
    private const double LadderShare = 0.8;
    private const double SsimShare = 0.15;

    public async Task<TranscodeResult> RunAsync(
        string sourcePath,
        string workDir,
        TranscodeSettings settings,
        IProgress<double>? progress,
        CancellationToken cancellationToken)
    {
        sourcePath = Path.GetFullPath(sourcePath);
        var probeStart = Stopwatch.GetTimestamp();
        var prober = new MediaProber(loggerFactory.CreateLogger<MediaProber>(), settings.FfprobeFolder);
        var source = await prober.ProbeAsync(sourcePath, cancellationToken).ConfigureAwait(false);
        var validation = UploadValidator.Validate(source, Path.GetFileName(sourcePath));
        if (!validation.IsValid || source is null)
        {
            throw new UploadRejectedException(validation);
        }

        var plan = LadderPlanner.Plan(source, settings);
        var probeSeconds = Stopwatch.GetElapsedTime(probeStart).TotalSeconds;
        var id = Guid.NewGuid().ToString("D");
        Directory.CreateDirectory(workDir);
        var temp = Path.Combine(workDir, $".tmp-{id}");
        var final = Path.Combine(workDir, id);
        Directory.CreateDirectory(temp);
        LogPlanned(logger, id, string.Join(", ", plan.Renditions.Select(r => $"{r.Resolution}p@{r.Fps}")),
            plan.Audio is null ? "none" : (plan.SeparateAudio ? "separate, " : "") + (plan.Audio.Copy ? "copied" : $"AAC {plan.Audio.Kbps}k"));

        try
        {
            var runner = new FfmpegRunner(logger, timeProvider);
            var analysis = await AnalyzeAsync(sourcePath, source, id, temp, settings, runner, cancellationToken).ConfigureAwait(false);
            plan = plan with { Content = analysis.Kind };
            LogAnalysed(logger, id, analysis.Name, analysis.MedianDifference, analysis.Percentile75Difference, analysis.Seconds);

            var ladderStart = Stopwatch.GetTimestamp();
            var ladderProgress = progress is null ? null : new ScaledProgress(progress, 0, LadderShare);
            await runner.RunAsync(
                settings.FfmpegPath,
                FfmpegArguments.Ladder(sourcePath, plan, id, settings),
                temp,
                source.Duration,
                ladderProgress,
                settings.Timeout,
                settings.CancelGracePeriod,
                cancellationToken).ConfigureAwait(false);
            var ladderSeconds = Stopwatch.GetElapsedTime(ladderStart).TotalSeconds;
            var ssimProgress = progress is null ? null : new ScaledProgress(progress, LadderShare, SsimShare);
            var report = await MeasureAsync(sourcePath, source, plan, analysis, id, temp, settings, runner, ladderSeconds, ssimProgress, cancellationToken)
                .ConfigureAwait(false);

            var finishStart = Stopwatch.GetTimestamp();
            var thumbnail = $"{id}-thumbnail.jpg";
            var preview = $"{id}-preview.jpg";
            await runner.RunAsync(
                settings.FfmpegPath,
                FfmpegArguments.Images(sourcePath, source.HasVideo, source.Duration.TotalSeconds / 2, thumbnail, preview, settings),
                temp,
                TimeSpan.Zero,
                null,
                settings.Timeout,
                settings.CancelGracePeriod,
                cancellationToken).ConfigureAwait(false);

            var renditions = new List<RenditionResult>();
            var hashes = new List<KeyValuePair<string, IReadOnlyList<KeyValuePair<ByteRange, string>>>>();
            var variants = new List<VariantStream>();

            // The separate audio rendition first: every video variant's CODECS and BANDWIDTH include it.
            RenditionResult? audio = null;
            if (LadderPlanner.AudioRendition(plan) is { } audioPlan)
            {
                var measured = await MeasureAsync(temp, id, audioPlan.Resolution, source.Duration, cancellationToken).ConfigureAwait(false);
                hashes.Add(new(measured.FragmentedName, measured.Hashes));
                var codec = await AudioCodecAsync(measured.FragmentedPath, settings, cancellationToken).ConfigureAwait(false);
                audio = new RenditionResult(0, 0, 0, 0, measured.Size, measured.Average, measured.Peak, codec, measured.PlaylistName,
                    measured.FragmentedName, null, 0, HasAudio: true);
            }

            foreach (var r in plan.Renditions)
            {
                var measured = await MeasureAsync(temp, id, r.Resolution, source.Duration, cancellationToken).ConfigureAwait(false);
                hashes.Add(new(measured.FragmentedName, measured.Hashes));
                string codecs;
                if (r.IsAudioOnly)
                {
                    codecs = await AudioCodecAsync(measured.FragmentedPath, settings, cancellationToken).ConfigureAwait(false);
                    variants.Add(new VariantStream(measured.PlaylistName, measured.Peak, measured.Average, 0, 0, 0, codecs));
                }
                else
                {
                    codecs = await VideoCodecAsync(measured.FragmentedPath, settings, cancellationToken).ConfigureAwait(false);
                    variants.Add(audio is null
                        ? new VariantStream(measured.PlaylistName, measured.Peak, measured.Average, r.Width, r.Height, r.Fps, codecs)
                        // HLS: a variant's BANDWIDTH and CODECS cover the audio rendition played with it.
                        : new VariantStream(measured.PlaylistName, measured.Peak + audio.PeakBitrate, measured.Average + audio.AverageBitrate,
                            r.Width, r.Height, r.Fps, $"{codecs},{audio.Codecs}", MasterPlaylist.AudioGroupId));
                }

                var webVideoName = settings.WebVideos ? FfmpegArguments.WebVideoName(id, r.Resolution) : null;
                var webVideoSize = webVideoName is null ? 0 : new FileInfo(Path.Combine(temp, webVideoName)).Length;
                renditions.Add(new RenditionResult(r.Resolution, r.Width, r.Height, r.Fps, measured.Size, measured.Average, measured.Peak, codecs,
                    measured.PlaylistName, measured.FragmentedName, webVideoName, webVideoSize, HasAudio: r.IsAudioOnly || (plan.SourceHasAudio && audio is null)));
            }

            if (audio is not null)
            {
                renditions.Add(audio);
            }

            var masterName = $"{id}-master.m3u8";
            var sha256Name = $"{id}-segments-sha256.json";
            var master = MasterPlaylist.Write(variants, audio is null ? null : new AudioMedia(audio.PlaylistName));
            await File.WriteAllTextAsync(Path.Combine(temp, masterName), master, cancellationToken).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(temp, sha256Name), SegmentsSha256.Serialize(hashes), cancellationToken).ConfigureAwait(false);

            // The one publishing step: a rename within the same folder, atomic on one file system.
            Directory.Move(temp, final);
            progress?.Report(1.0);
            LogTimings(logger, id, probeSeconds, report.AnalysisSeconds, report.LadderSeconds, report.SsimSeconds, report.SsimSampledSeconds,
                Stopwatch.GetElapsedTime(finishStart).TotalSeconds);
            LogPublished(logger, id, final);
            return new TranscodeResult(id, final, source.Duration, renditions, masterName, sha256Name, thumbnail, preview, source, report);
        }
        catch (FfmpegException ex) when (ex.DecoderError is { } decoderError)
        {
            // Damaged input: another attempt would meet the same bytes.
            TryDelete(temp);
            LogDamagedInput(logger, id, decoderError);
            throw new UploadRejectedException(UploadValidator.CorruptStream(decoderError));
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>The content analysis; one that fails (an odd but playable source) is logged and the source encoded as normal content.</summary>
    private async Task<ContentAnalysis> AnalyzeAsync(
        string sourcePath, SourceMedia source, string id, string temp, TranscodeSettings settings, FfmpegRunner runner, CancellationToken cancellationToken)
    {
        try
        {
            return await ContentAnalyzer.AnalyzeAsync(sourcePath, source, temp, settings, runner, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FfmpegException or FormatException or IOException)
        {
            LogAnalysisFailed(logger, id, ex.Message);
            return ContentAnalysis.Unknown;
        }
    }

    /// <summary>
    /// Size and SSIM of every video rendition (one ffmpeg run on a few sampled windows, <see cref="SsimRules.Windows"/>: the source
    /// decoded once per window, compared with each rendition at its frame rate and size), with the content analysis and the rate control it chose: the transcode job's details.
    /// </summary>
    private async Task<TranscodeReport> MeasureAsync(
        string sourcePath, SourceMedia source, TranscodePlan plan, ContentAnalysis analysis, string id, string temp, TranscodeSettings settings,
        FfmpegRunner runner, double ladderSeconds, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        var videos = plan.Renditions.Where(r => !r.IsAudioOnly).Select(r => (Plan: r, File: FfmpegArguments.FragmentedName(id, r.Resolution))).ToList();
        var duration = source.Duration.TotalSeconds;
        var windows = SsimRules.Windows(analysis.Windows.Count > 0 ? analysis.Windows : ContentRules.Windows(duration), duration);
        var sampled = windows.Sum(w => w.Length);
        var start = Stopwatch.GetTimestamp();
        var qualities = new List<RenditionQuality>();
        if (videos.Count > 0)
        {
            try
            {
                await runner.RunAsync(
                    settings.FfmpegPath,
                    SsimRules.Arguments(sourcePath, videos, windows, settings.Threads),
                    temp,
                    TimeSpan.FromSeconds(sampled),
                    progress,
                    settings.Timeout,
                    settings.CancelGracePeriod,
                    cancellationToken).ConfigureAwait(false);
                foreach (var (r, file) in videos)
                {
                    var stats = await File.ReadAllTextAsync(Path.Combine(temp, SsimRules.StatsFileName(r.Resolution)), cancellationToken).ConfigureAwait(false);
                    var ssim = SsimRules.MeanSsim(stats) ?? throw new InvalidDataException($"ffmpeg compared no frame of {file} with the source.");
                    qualities.Add(new RenditionQuality(r.Resolution, r.Width, r.Height, RateControl.For(r, plan.Content, settings.Crf).Crf,
                        new FileInfo(Path.Combine(temp, file)).Length, Math.Round(ssim, 6)));
                }
            }
            catch (Exception ex) when (ex is FfmpegException or FormatException or InvalidDataException or IOException)
            {
                // The renditions are fine; only their measure failed: publish them, without SSIM.
                LogMeasureFailed(logger, id, ex.Message);
                qualities.Clear();
            }
            finally
            {
                foreach (var (r, _) in videos)
                {
                    File.Delete(Path.Combine(temp, SsimRules.StatsFileName(r.Resolution)));
                }
            }
        }

        return new TranscodeReport(
            analysis.Name,
            Math.Round(analysis.MedianDifference, 4),
            Math.Round(analysis.Percentile75Difference, 4),
            plan.Renditions.FirstOrDefault(r => !r.IsAudioOnly) is { } first ? RateControl.For(first, plan.Content, settings.Crf).Tune : null,
            qualities,
            Math.Round(analysis.Seconds, 3),
            Math.Round(ladderSeconds, 3),
            Math.Round(Stopwatch.GetElapsedTime(start).TotalSeconds, 3))
        {
            SsimSampledSeconds = qualities.Count > 0 ? Math.Round(sampled, 3) : 0,
        };
    }

    /// <summary>One rendition's files as ffmpeg wrote them: size, bitrates from its playlist, and the hash of each byte range.</summary>
    private sealed record MeasuredRendition(
        string PlaylistName, string FragmentedName, string FragmentedPath, long Size, long Average, long Peak,
        IReadOnlyList<KeyValuePair<ByteRange, string>> Hashes);

    private static async Task<MeasuredRendition> MeasureAsync(string folder, string id, int resolution, TimeSpan sourceDuration, CancellationToken cancellationToken)
    {
        var playlistName = FfmpegArguments.PlaylistName(id, resolution);
        var fragmentedName = FfmpegArguments.FragmentedName(id, resolution);
        var fragmentedPath = Path.Combine(folder, fragmentedName);
        var playlist = MediaPlaylist.Parse(
            await File.ReadAllTextAsync(Path.Combine(folder, playlistName), cancellationToken).ConfigureAwait(false));
        var size = new FileInfo(fragmentedPath).Length;
        var duration = playlist.Duration > 0 ? playlist.Duration : sourceDuration.TotalSeconds;
        var average = (long)Math.Ceiling(size * 8 / duration);
        var hashes = await SegmentsSha256.HashRangesAsync(fragmentedPath, playlist.Segments.Select(s => s.Range), cancellationToken).ConfigureAwait(false);
        return new MeasuredRendition(playlistName, fragmentedName, fragmentedPath, size, average, playlist.PeakBitrate(average), hashes);
    }

    /// <summary>The video part of CODECS from what the encoder really wrote (profile and level), not from what we asked.</summary>
    private static async Task<string> VideoCodecAsync(string fragmentedPath, TranscodeSettings settings, CancellationToken cancellationToken)
    {
        var analysis = await FFProbe.AnalyseAsync(
            fragmentedPath, new FFOptions { BinaryFolder = settings.FfprobeFolder }, customArguments: null, cancellationToken).ConfigureAwait(false);
        var video = analysis.PrimaryVideoStream ?? throw new InvalidDataException($"{Path.GetFileName(fragmentedPath)} has no video stream.");
        return CodecStrings.Avc(video.Profile, video.Level);
    }

    /// <summary>The audio part of CODECS from the stream written (a copied source may be HE-AAC).</summary>
    private static async Task<string> AudioCodecAsync(string fragmentedPath, TranscodeSettings settings, CancellationToken cancellationToken)
    {
        var analysis = await FFProbe.AnalyseAsync(
            fragmentedPath, new FFOptions { BinaryFolder = settings.FfprobeFolder }, customArguments: null, cancellationToken).ConfigureAwait(false);
        var audio = analysis.PrimaryAudioStream ?? throw new InvalidDataException($"{Path.GetFileName(fragmentedPath)} has no audio stream.");
        return CodecStrings.Aac(audio.Profile);
    }

    private void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException ex)
        {
            LogCleanupFailed(logger, directory, ex.Message);
        }
        catch (UnauthorizedAccessException ex)
        {
            LogCleanupFailed(logger, directory, ex.Message);
        }
    }

    // Reports synchronously: Progress<T> would post to the thread pool, reordering reports and delivering some after the final 1.0.
    private sealed class ScaledProgress(IProgress<double> inner, double offset, double share) : IProgress<double>
    {
        public void Report(double value) => inner.Report(offset + (value * share));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Transcode {Id}: renditions {Renditions}, audio {Audio}")]
    private static partial void LogPlanned(ILogger logger, string id, string renditions, string audio);

    [LoggerMessage(Level = LogLevel.Information, Message = "Transcode {Id}: {Content} content (frame difference median {Median:0.###}, 75th percentile {P75:0.###}), analysed in {Seconds:0.00} s")]
    private static partial void LogAnalysed(ILogger logger, string id, string content, double median, double p75, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transcode {Id}: content analysis failed, encoding as normal content ({Reason})")]
    private static partial void LogAnalysisFailed(ILogger logger, string id, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transcode {Id}: SSIM of the renditions could not be measured ({Reason})")]
    private static partial void LogMeasureFailed(ILogger logger, string id, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Transcode {Id}: probe {Probe:0.00} s, analysis {Analysis:0.00} s, ladder {Ladder:0.00} s, SSIM {Ssim:0.00} s (on {SsimSampled:0.#} s), images and hashes {Finish:0.00} s")]
    private static partial void LogTimings(ILogger logger, string id, double probe, double analysis, double ladder, double ssim, double ssimSampled, double finish);

    [LoggerMessage(Level = LogLevel.Information, Message = "Transcode {Id} published in {Directory}")]
    private static partial void LogPublished(ILogger logger, string id, string directory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transcode {Id}: the source is damaged ({DecoderError})")]
    private static partial void LogDamagedInput(ILogger logger, string id, string decoderError);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove the unfinished output {Directory}: {Reason}")]
    private static partial void LogCleanupFailed(ILogger logger, string directory, string reason);
}
