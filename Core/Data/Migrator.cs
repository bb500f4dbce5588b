using System.Reflection;
using Dapper;
using Microsoft.Extensions.Logging;

namespace VideoPlatform.Core.Data;

/// <summary>
/// Applies the embedded, numbered <c>Migrations/{dialect}/NNNN_name.sql</c> files in order, each in its own
/// transaction, and records them in <c>schema_migrations</c>. Runs before the host listens.
/// </summary>
public sealed partial class Migrator(Database database, TimeProvider clock, ILogger<Migrator> logger)
{
    public async Task MigrateAsync(CancellationToken ct)
    {
        if (database.Dialect == SqlDialect.Sqlite)
        {
            await using var connection = await database.OpenAsync(ct);
            await connection.ExecuteAsync("PRAGMA journal_mode = WAL;");
        }
        await database.WriteAsync(async (c, t) =>
        {
            await c.ExecuteAsync("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)", transaction: t);
            if (database.Dialect == SqlDialect.Postgres)
            {
                // Serialises concurrent starts (an instance and its transcoder workers) on the same database.
                await c.ExecuteAsync("LOCK TABLE schema_migrations IN EXCLUSIVE MODE", transaction: t);
            }
            var applied = (await c.QueryAsync<int>("SELECT version FROM schema_migrations", transaction: t)).ToHashSet();
            foreach (var (version, name, sql) in Load(database.Dialect))
            {
                if (applied.Contains(version))
                {
                    continue;
                }
                LogApplying(logger, version, name);
                await c.ExecuteAsync(sql, transaction: t);
                await c.ExecuteAsync("INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @now)",
                    new { version, name, now = clock.GetUtcNow().ToUnixTimeMilliseconds() }, t);
            }
        }, ct);
    }

    internal static IReadOnlyList<(int Version, string Name, string Sql)> Load(SqlDialect dialect)
    {
        var assembly = typeof(Migrator).Assembly;
        var prefix = $"{assembly.GetName().Name}.Data.Migrations.{(dialect == SqlDialect.Sqlite ? "sqlite" : "postgres")}.";
        var list = new List<(int, string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(prefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }
            // Embedded resource names turn a leading digit segment into "_0001_initial"; strip to the number.
            var fileName = resource[prefix.Length..^4].TrimStart('_');
            var separator = fileName.IndexOf('_', StringComparison.Ordinal);
            var version = int.Parse(fileName[..separator], System.Globalization.CultureInfo.InvariantCulture);
            list.Add((version, fileName[(separator + 1)..], Read(assembly, resource)));
        }
        list.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return list;
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying migration {Version} {Name}")]
    private static partial void LogApplying(ILogger logger, int version, string name);
}
