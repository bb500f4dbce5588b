using System.Globalization;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Core.Settings;

/// <summary>The instance settings in force: configuration defaults (<see cref="InstanceOptions"/>) overridden by what administrators saved.</summary>
public sealed record InstanceSettingsValues
{
    public required string Name { get; init; }
    public required string Description { get; init; }
    public string Terms { get; init; } = "";
    public bool SignupEnabled { get; init; }
    public long DefaultVideoQuota { get; init; }
    public long DefaultVideoQuotaDaily { get; init; }

    /// <summary>Heights of the VOD ladder the transcoder produces (each when the source is at least that tall).</summary>
    public IReadOnlyList<int> TranscodingResolutions { get; init; } = SettingsDefaults.Ladder;

    /// <summary>PeerTube's <c>live.*</c> limits.</summary>
    public LiveLimits Live { get; init; } = new();

    /// <summary>Equal when every value is (lists compared by content).</summary>
    public bool Equals(InstanceSettingsValues? other) => other is not null && Name == other.Name && Description == other.Description
        && Terms == other.Terms && SignupEnabled == other.SignupEnabled && DefaultVideoQuota == other.DefaultVideoQuota
        && DefaultVideoQuotaDaily == other.DefaultVideoQuotaDaily && TranscodingResolutions.SequenceEqual(other.TranscodingResolutions) && Live == other.Live;

    public override int GetHashCode() => HashCode.Combine(Name, Description, SignupEnabled, DefaultVideoQuota);
}

/// <summary>
/// The live limits in force (configuration <c>Live:*</c> overridden by the admin settings page): lives allowed at all (only
/// where the configuration runs the RTMP ingest), longest session (seconds, -1 none), lives not ended on the instance and
/// per user (-1 none), replays allowed, and the live ladder's heights.
/// </summary>
public sealed record LiveLimits
{
    public bool Enabled { get; init; }
    public long MaxDurationSeconds { get; init; } = -1;
    public int MaxInstanceLives { get; init; } = -1;
    public int MaxUserLives { get; init; } = -1;
    public bool AllowReplay { get; init; } = true;
    public IReadOnlyList<int> Resolutions { get; init; } = [];

    public bool Equals(LiveLimits? other) => other is not null && Enabled == other.Enabled && MaxDurationSeconds == other.MaxDurationSeconds
        && MaxInstanceLives == other.MaxInstanceLives && MaxUserLives == other.MaxUserLives && AllowReplay == other.AllowReplay
        && Resolutions.SequenceEqual(other.Resolutions);

    public override int GetHashCode() => HashCode.Combine(Enabled, MaxDurationSeconds, MaxInstanceLives, MaxUserLives, AllowReplay);
}

/// <summary>
/// The defaults from configuration that <see cref="InstanceOptions"/> does not hold (the transcoder's ladder, <c>Live:*</c>),
/// registered by the composition; the admin page's values override them.
/// </summary>
public sealed record SettingsDefaults(IReadOnlyList<int> TranscodingResolutions, LiveLimits Live)
{
    /// <summary>The heights the admin may choose from (PeerTube's list), and the default VOD ladder.</summary>
    public static readonly IReadOnlyList<int> Choices = [144, 240, 360, 480, 720, 1080, 1440, 2160];
    public static readonly IReadOnlyList<int> Ladder = [240, 360, 480, 720, 1080];
}

/// <summary>
/// The one place instance settings are read (by the pages, the config API, sign-up and directory sign-in) and saved
/// (admin settings page): saved values override the configuration at once, without a restart. Other processes of the
/// same instance (shared database) see a change within <see cref="Lifetime"/>.
/// </summary>
public sealed class InstanceSettings(SettingsRepository repository, IOptionsMonitor<InstanceOptions> options, TimeProvider clock, SettingsDefaults? defaults = null)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    private (InstanceSettingsValues Values, DateTimeOffset Until)? _cached;

    public async Task<InstanceSettingsValues> CurrentAsync(CancellationToken ct = default)
    {
        if (_cached is { } cached && cached.Until > clock.GetUtcNow())
        {
            return cached.Values;
        }
        var values = Apply(Defaults(options.CurrentValue, defaults), await repository.ReadAllAsync(ct));
        _cached = (values, clock.GetUtcNow() + Lifetime);
        return values;
    }

    /// <summary>Saves every setting at once (and the audit line with what changed, by <paramref name="admin"/>); applied at once here.</summary>
    public async Task SaveAsync(InstanceSettingsValues values, string admin, CancellationToken ct = default)
    {
        var before = await CurrentAsync(ct);
        var changed = string.Join(", ", new[]
        {
            before.Name != values.Name ? "nom" : null,
            before.Description != values.Description ? "description" : null,
            before.Terms != values.Terms ? "conditions d'utilisation" : null,
            before.SignupEnabled != values.SignupEnabled ? "inscriptions" : null,
            before.DefaultVideoQuota != values.DefaultVideoQuota ? "quota par défaut" : null,
            before.DefaultVideoQuotaDaily != values.DefaultVideoQuotaDaily ? "quota quotidien par défaut" : null,
            !before.TranscodingResolutions.SequenceEqual(values.TranscodingResolutions) ? "définitions produites" : null,
            before.Live != values.Live ? "limites des directs" : null,
        }.OfType<string>());
        await repository.SaveAsync(new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [nameof(values.Name)] = values.Name,
            [nameof(values.Description)] = values.Description,
            [nameof(values.Terms)] = values.Terms,
            [nameof(values.SignupEnabled)] = values.SignupEnabled ? "true" : "false",
            [nameof(values.DefaultVideoQuota)] = values.DefaultVideoQuota.ToString(CultureInfo.InvariantCulture),
            [nameof(values.DefaultVideoQuotaDaily)] = values.DefaultVideoQuotaDaily.ToString(CultureInfo.InvariantCulture),
            [nameof(values.TranscodingResolutions)] = Heights(values.TranscodingResolutions),
            ["LiveEnabled"] = values.Live.Enabled ? "true" : "false",
            ["LiveMaxDuration"] = values.Live.MaxDurationSeconds.ToString(CultureInfo.InvariantCulture),
            ["LiveMaxInstanceLives"] = values.Live.MaxInstanceLives.ToString(CultureInfo.InvariantCulture),
            ["LiveMaxUserLives"] = values.Live.MaxUserLives.ToString(CultureInfo.InvariantCulture),
            ["LiveAllowReplay"] = values.Live.AllowReplay ? "true" : "false",
            ["LiveResolutions"] = Heights(values.Live.Resolutions),
        }, clock.GetUtcNow().ToUnixTimeMilliseconds(), admin, changed.Length == 0 ? null : changed, ct);
        _cached = null;
    }

    public static InstanceSettingsValues Defaults(InstanceOptions o, SettingsDefaults? more = null) => new()
    {
        TranscodingResolutions = more?.TranscodingResolutions ?? SettingsDefaults.Ladder,
        Live = more?.Live ?? new LiveLimits(),
        Name = o.Name,
        Description = o.Description,
        SignupEnabled = o.SignupEnabled,
        DefaultVideoQuota = o.DefaultVideoQuota,
        DefaultVideoQuotaDaily = o.DefaultVideoQuotaDaily,
    };

    /// <summary>Saved values over the defaults; a value that no longer parses (hand-edited row) keeps the default.</summary>
    public static InstanceSettingsValues Apply(InstanceSettingsValues d, IReadOnlyDictionary<string, string> saved) => d with
    {
        Name = saved.GetValueOrDefault(nameof(d.Name)) is { Length: > 0 } name ? name : d.Name,
        Description = saved.GetValueOrDefault(nameof(d.Description)) ?? d.Description,
        Terms = saved.GetValueOrDefault(nameof(d.Terms)) ?? d.Terms,
        SignupEnabled = bool.TryParse(saved.GetValueOrDefault(nameof(d.SignupEnabled)), out var signup) ? signup : d.SignupEnabled,
        DefaultVideoQuota = long.TryParse(saved.GetValueOrDefault(nameof(d.DefaultVideoQuota)), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var q) && q >= -1 ? q : d.DefaultVideoQuota,
        DefaultVideoQuotaDaily = long.TryParse(saved.GetValueOrDefault(nameof(d.DefaultVideoQuotaDaily)), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var qd) && qd >= -1 ? qd : d.DefaultVideoQuotaDaily,
        TranscodingResolutions = ParseHeights(saved.GetValueOrDefault(nameof(d.TranscodingResolutions))) is { Count: > 0 } ladder ? ladder : d.TranscodingResolutions,
        Live = d.Live with
        {
            Enabled = bool.TryParse(saved.GetValueOrDefault("LiveEnabled"), out var live) ? live : d.Live.Enabled,
            MaxDurationSeconds = long.TryParse(saved.GetValueOrDefault("LiveMaxDuration"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var max) && (max == -1 || max > 0) ? max : d.Live.MaxDurationSeconds,
            MaxInstanceLives = int.TryParse(saved.GetValueOrDefault("LiveMaxInstanceLives"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var mi) && mi >= -1 ? mi : d.Live.MaxInstanceLives,
            MaxUserLives = int.TryParse(saved.GetValueOrDefault("LiveMaxUserLives"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var mu) && mu >= -1 ? mu : d.Live.MaxUserLives,
            AllowReplay = bool.TryParse(saved.GetValueOrDefault("LiveAllowReplay"), out var replay) ? replay : d.Live.AllowReplay,
            Resolutions = ParseHeights(saved.GetValueOrDefault("LiveResolutions")) is { Count: > 0 } rungs ? rungs : d.Live.Resolutions,
        },
    };

    private static string Heights(IReadOnlyList<int> heights) => string.Join(',', heights.Select(h => h.ToString(CultureInfo.InvariantCulture)));

    /// <summary>A saved list of heights ("240,720"), only heights PeerTube offers, ascending; empty when absent or unreadable.</summary>
    public static IReadOnlyList<int> ParseHeights(string? saved)
    {
        if (string.IsNullOrEmpty(saved))
        {
            return [];
        }
        var heights = new SortedSet<int>();
        foreach (var part in saved.Split(','))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var h) || !SettingsDefaults.Choices.Contains(h))
            {
                return [];
            }
            heights.Add(h);
        }
        return heights.ToList();
    }
}
