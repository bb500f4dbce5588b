namespace VideoPlatform.Core.Data;

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary><c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>When empty with SQLite: <c>{Storage:Root}/videoplatform.db</c>.</summary>
    public string? ConnectionString { get; set; }

    public SqlDialect Dialect => Provider.ToLowerInvariant() switch
    {
        "sqlite" => SqlDialect.Sqlite,
        "postgres" or "postgresql" => SqlDialect.Postgres,
        _ => throw new InvalidOperationException($"Database:Provider must be 'sqlite' or 'postgres', not '{Provider}'."),
    };
}
