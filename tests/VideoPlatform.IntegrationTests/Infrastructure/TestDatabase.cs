using Npgsql;

namespace VideoPlatform.IntegrationTests.Infrastructure;

public enum DbKind
{
    Sqlite,
    Postgres,
}

/// <summary>A fresh, empty database per fixture: a SQLite file in a temp folder, or a new PostgreSQL database.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private static readonly string PostgresAdmin =
        Environment.GetEnvironmentVariable("VP_TEST_POSTGRES") ?? "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres";

    private readonly string? _postgresName;

    private TestDatabase(DbKind kind, string folder, string? postgresName, string connectionString)
    {
        Kind = kind;
        Folder = folder;
        _postgresName = postgresName;
        ConnectionString = connectionString;
    }

    public DbKind Kind { get; }
    public string Folder { get; }
    public string ConnectionString { get; }
    public string Provider => Kind == DbKind.Sqlite ? "sqlite" : "postgres";

    public static async Task<TestDatabase> CreateAsync(DbKind kind)
    {
        var folder = Path.Combine(Path.GetTempPath(), "vp-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        if (kind == DbKind.Sqlite)
        {
            return new TestDatabase(kind, folder, null, $"Data Source={Path.Combine(folder, "test.db")}");
        }
        var name = "vp_test_" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            await using var admin = new NpgsqlConnection(PostgresAdmin);
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            Prerequisites.Require(false, $"PostgreSQL at {PostgresAdmin.Split(";Password", StringSplitOptions.None)[0]} ({ex.Message})");
        }
        var builder = new NpgsqlConnectionStringBuilder(PostgresAdmin) { Database = name, Pooling = true };
        return new TestDatabase(kind, folder, name, builder.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(PostgresAdmin);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_postgresName} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
