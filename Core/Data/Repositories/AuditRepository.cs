using System.Data.Common;
using Dapper;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Core.Data.Repositories;

/// <summary>The audit log of administrators' actions, written in the transaction of the action it records.</summary>
public sealed class AuditRepository(Database database)
{
    public static Task AddAsync(DbConnection c, DbTransaction t, string actor, string action, string target, string? details, long now) =>
        c.ExecuteAsync("INSERT INTO audit_log (actor, action, target, details, created_at) VALUES (@actor, @action, @target, @details, @now)",
            new { actor, action, target, details, now }, t);

    public Task<long> CountAsync(CancellationToken ct = default) =>
        database.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_log"), ct);

    /// <summary>Newest first.</summary>
    public Task<IReadOnlyList<AuditRow>> ListAsync(int start, int count, CancellationToken ct = default) =>
        database.ReadAsync(async c => (IReadOnlyList<AuditRow>)(await c.QueryAsync<AuditRow>(
            "SELECT * FROM audit_log ORDER BY id DESC LIMIT @count OFFSET @start", new { start, count })).AsList(), ct);
}
