using System.Data;
using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace VideoPlatform.Core.Data;

/// <summary>
/// Opens connections (one per operation) and runs write transactions. SQLite allows one writer at a time, so writes
/// are serialised in-process by a gate and begin IMMEDIATE; readers never wait thanks to WAL. PostgreSQL needs no gate.
/// </summary>
public sealed class Database : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly NpgsqlDataSource? _npgsql;

    static Database()
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    public Database(SqlDialect dialect, string connectionString)
    {
        Dialect = dialect;
        if (dialect == SqlDialect.Sqlite)
        {
            var csb = new SqliteConnectionStringBuilder(connectionString) { Pooling = true, DefaultTimeout = 30 };
            _connectionString = csb.ToString();
        }
        else
        {
            // Statements run often are prepared once per connection (Dapper sends SQL text): their parsing and planning
            // were up to 2 ms of a search's 3 to 8. A connection string naming its own Max Auto Prepare keeps it.
            var csb = new NpgsqlConnectionStringBuilder(connectionString);
            if (csb.MaxAutoPrepare == 0 && !connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
            {
                csb.MaxAutoPrepare = 200;
                csb.AutoPrepareMinUsages = 3;
            }
            _connectionString = csb.ToString();
            _npgsql = NpgsqlDataSource.Create(_connectionString);
        }
    }

    public SqlDialect Dialect { get; }

    /// <summary>
    /// "column is one of @param": Dapper expands a list for SQLite, while Npgsql takes it as one array parameter.
    /// Pass the values as an array.
    /// </summary>
    public string In(string column, string parameter) =>
        Dialect == SqlDialect.Postgres ? $"{column} = ANY(@{parameter})" : $"{column} IN @{parameter}";

    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        if (_npgsql is not null)
        {
            return await _npgsql.OpenConnectionAsync(ct);
        }
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        // Per-connection settings; WAL itself is persistent and set once by the migrator.
        await connection.ExecuteAsync("PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;");
        return connection;
    }

    public async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return await work(connection);
    }

    /// <summary>Runs <paramref name="work"/> in one transaction (IMMEDIATE on SQLite, behind the single-writer gate).</summary>
    public async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct = default)
    {
        var gated = Dialect == SqlDialect.Sqlite;
        if (gated)
        {
            await _writeGate.WaitAsync(ct);
        }
        try
        {
            await using var connection = await OpenAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
            var result = await work(connection, transaction);
            await transaction.CommitAsync(ct);
            return result;
        }
        finally
        {
            if (gated)
            {
                _writeGate.Release();
            }
        }
    }

    public Task WriteAsync(Func<DbConnection, DbTransaction, Task> work, CancellationToken ct = default) =>
        WriteAsync<bool>(async (c, t) =>
        {
            await work(c, t);
            return true;
        }, ct);

    public async ValueTask DisposeAsync()
    {
        if (_npgsql is not null)
        {
            await _npgsql.DisposeAsync();
        }
        _writeGate.Dispose();
    }
}
