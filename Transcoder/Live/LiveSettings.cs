using Microsoft.Extensions.Options;
using VideoPlatform.Core.Settings;

namespace VideoPlatform.Transcoder.Live;

/// <summary>
/// The live options in force: configuration (<c>Live:*</c>) with the limits saved on the admin settings page over it
/// (<see cref="InstanceSettings"/>), read at each use so that a change applies without a restart. Lives can only be
/// switched on where the configuration runs the RTMP ingest (<c>Live:Enabled</c>); the page can switch them off.
/// </summary>
public sealed class LiveSettings(IOptions<LiveOptions> options, InstanceSettings settings)
{
    public async Task<LiveOptions> CurrentAsync(CancellationToken ct = default) =>
        Overlay(options.Value, (await settings.CurrentAsync(ct)).Live);

    /// <summary>The configuration's limits, the defaults of the admin page.</summary>
    public static LiveLimits Defaults(LiveOptions o) => new()
    {
        Enabled = o.Enabled,
        MaxDurationSeconds = o.MaxDuration is { } max ? (long)max.TotalSeconds : -1,
        MaxInstanceLives = o.MaxInstanceLives,
        MaxUserLives = o.MaxUserLives,
        AllowReplay = o.AllowReplay,
        Resolutions = o.Transcoding.Resolutions.Order().ToList(),
    };

    public static LiveOptions Overlay(LiveOptions o, LiveLimits limits) => new()
    {
        Enabled = o.Enabled && limits.Enabled,
        RtmpPort = o.RtmpPort,
        RtmpAddress = o.RtmpAddress,
        RtmpHost = o.RtmpHost,
        RtmpsUrl = o.RtmpsUrl,
        MaxDuration = limits.MaxDurationSeconds > 0 ? TimeSpan.FromSeconds(limits.MaxDurationSeconds) : null,
        MaxInstanceLives = limits.MaxInstanceLives,
        MaxUserLives = limits.MaxUserLives,
        AllowReplay = limits.AllowReplay,
        IdleTimeout = o.IdleTimeout,
        ReconnectGrace = o.ReconnectGrace,
        MaxMessageSize = o.MaxMessageSize,
        Transcoding = new LiveTranscodingOptions
        {
            Resolutions = [.. limits.Resolutions],
            PlaylistSize = o.Transcoding.PlaylistSize,
            Preset = o.Transcoding.Preset,
            Threads = o.Transcoding.Threads,
        },
    };
}
