namespace VideoPlatform.Core.Data;

/// <summary>The two databases we run on. Every dialect difference is decided here or in a per-dialect migration.</summary>
public enum SqlDialect
{
    Sqlite,
    Postgres,
}
