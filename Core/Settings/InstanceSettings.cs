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
}

/// <summary>
/// The one place instance settings are read (by the pages, the config API, sign-up and directory sign-in) and saved
/// (admin settings page): saved values override the configuration at once, without a restart. Other processes of the
/// same instance (shared database) see a change within <see cref="Lifetime"/>.
/// </summary>
public sealed class InstanceSettings(SettingsRepository repository, IOptionsMonitor<InstanceOptions> options, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    private (InstanceSettingsValues Values, DateTimeOffset Until)? _cached;

    public async Task<InstanceSettingsValues> CurrentAsync(CancellationToken ct = default)
    {
        if (_cached is { } cached && cached.Until > clock.GetUtcNow())
        {
            return cached.Values;
        }
        var values = Apply(Defaults(options.CurrentValue), await repository.ReadAllAsync(ct));
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
        }.OfType<string>());
        await repository.SaveAsync(new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [nameof(values.Name)] = values.Name,
            [nameof(values.Description)] = values.Description,
            [nameof(values.Terms)] = values.Terms,
            [nameof(values.SignupEnabled)] = values.SignupEnabled ? "true" : "false",
            [nameof(values.DefaultVideoQuota)] = values.DefaultVideoQuota.ToString(CultureInfo.InvariantCulture),
            [nameof(values.DefaultVideoQuotaDaily)] = values.DefaultVideoQuotaDaily.ToString(CultureInfo.InvariantCulture),
        }, clock.GetUtcNow().ToUnixTimeMilliseconds(), admin, changed.Length == 0 ? null : changed, ct);
        _cached = null;
    }

    public static InstanceSettingsValues Defaults(InstanceOptions o) => new()
    {
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
    };
}
