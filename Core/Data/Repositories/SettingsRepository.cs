using Dapper;

namespace VideoPlatform.Core.Data.Repositories;

/// <summary>The instance settings saved by administrators (name → text value), each overriding a configuration default.</summary>
public sealed class SettingsRepository(Database database)
{
    public Task<IReadOnlyDictionary<string, string>> ReadAllAsync(CancellationToken ct = default) =>
        database.ReadAsync(async c => (IReadOnlyDictionary<string, string>)(await c.QueryAsync<(string Name, string Value)>(
            "SELECT name, value FROM instance_settings")).ToDictionary(r => r.Name, r => r.Value, StringComparer.Ordinal), ct);

    /// <summary>Writes all the given settings in one transaction: a page save is applied whole or not at all.</summary>
    public Task SaveAsync(IReadOnlyDictionary<string, string> values, long now, string actor, string? changes, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            await AuditRepository.AddAsync(c, t, actor, "settings.update", "instance", changes, now);
            foreach (var (name, value) in values)
            {
                await c.ExecuteAsync("""
                    INSERT INTO instance_settings (name, value, updated_at) VALUES (@name, @value, @now)
                    ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                    """, new { name, value, now }, t);
            }
        }, ct);
}
