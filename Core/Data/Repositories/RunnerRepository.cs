using Dapper;

namespace VideoPlatform.Core.Data.Repositories;

public sealed record RunnerRegistrationTokenRow
{
    public long Id { get; init; }
    public long CreatedAt { get; init; }
    public int RegisteredRunnersCount { get; init; }
}

public sealed record RunnerRow
{
    public long Id { get; init; }
    public long RegistrationTokenId { get; init; }
    public required string Name { get; init; }
    public string? Description { get; init; }
    public string? Ip { get; init; }
    public int JobsDone { get; init; }
    public int JobsFailed { get; init; }
    public long CreatedAt { get; init; }
    public long LastContact { get; init; }
}

public enum RunnerRegistration
{
    Registered,
    UnknownRegistrationToken,
    NameTaken,
}

/// <summary>
/// Remote runners and their registration tokens (PeerTube's runners). Tokens are random and stored only as SHA-256
/// hashes (<see cref="OAuthRepository.Hash"/>); deleting a registration token removes the runners registered with it.
/// </summary>
public sealed class RunnerRepository(Database database, TimeProvider clock)
{
    public const string RegistrationTokenPrefix = "ptrrt-";
    public const string RunnerTokenPrefix = "ptrt-";

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>A new registration token: returned once, in clear, to the administrator who generated it.</summary>
    public async Task<(long Id, string Token)> GenerateRegistrationTokenAsync(CancellationToken ct = default)
    {
        var token = RegistrationTokenPrefix + OAuthRepository.NewToken();
        var id = await database.WriteAsync((c, t) => c.ExecuteScalarAsync<long>(
            "INSERT INTO runner_registration_tokens (token_hash, created_at) VALUES (@hash, @now) RETURNING id",
            new { hash = OAuthRepository.Hash(token), now = Now }, t), ct);
        return (id, token);
    }

    public Task<IReadOnlyList<RunnerRegistrationTokenRow>> RegistrationTokensAsync(CancellationToken ct = default) =>
        database.ReadAsync(async c => (IReadOnlyList<RunnerRegistrationTokenRow>)(await c.QueryAsync<RunnerRegistrationTokenRow>("""
            SELECT r.id, r.created_at, (SELECT COUNT(*) FROM runners n WHERE n.registration_token_id = r.id) AS registered_runners_count
            FROM runner_registration_tokens r ORDER BY r.id
            """)).AsList(), ct);

    public async Task<bool> DeleteRegistrationTokenAsync(long id, CancellationToken ct = default) =>
        await database.WriteAsync(async (c, t) =>
        {
            // Explicit rather than relying on SQLite's foreign_keys pragma.
            await c.ExecuteAsync("DELETE FROM runners WHERE registration_token_id = @id", new { id }, t);
            return await c.ExecuteAsync("DELETE FROM runner_registration_tokens WHERE id = @id", new { id }, t);
        }, ct) == 1;

    /// <summary>Registers a runner with a registration token; its runner token is returned once, in clear.</summary>
    public Task<(RunnerRegistration Outcome, RunnerRow? Runner, string? Token)> RegisterAsync(
        string registrationToken, string name, string? description, string? ip, CancellationToken ct = default) =>
        database.WriteAsync<(RunnerRegistration, RunnerRow?, string?)>(async (c, t) =>
        {
            var tokenId = await c.ExecuteScalarAsync<long?>("SELECT id FROM runner_registration_tokens WHERE token_hash = @hash",
                new { hash = OAuthRepository.Hash(registrationToken) }, t);
            if (tokenId is null)
            {
                return (RunnerRegistration.UnknownRegistrationToken, null, null);
            }
            if (await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM runners WHERE name = @name", new { name }, t) > 0)
            {
                return (RunnerRegistration.NameTaken, null, null);
            }
            var token = RunnerTokenPrefix + OAuthRepository.NewToken();
            var now = Now;
            var runner = await c.QuerySingleAsync<RunnerRow>("""
                INSERT INTO runners (registration_token_id, name, description, token_hash, ip, jobs_done, jobs_failed, created_at, last_contact)
                VALUES (@tokenId, @name, @description, @hash, @ip, 0, 0, @now, @now)
                RETURNING id, registration_token_id, name, description, ip, jobs_done, jobs_failed, created_at, last_contact
                """, new { tokenId, name, description, hash = OAuthRepository.Hash(token), ip, now }, t);
            return (RunnerRegistration.Registered, runner, token);
        }, ct);

    /// <summary>The runner holding <paramref name="runnerToken"/>, its last contact set to now; null for an unknown or deleted runner.</summary>
    public Task<RunnerRow?> ContactAsync(string runnerToken, string? ip, CancellationToken ct = default) =>
        database.WriteAsync((c, t) => c.QuerySingleOrDefaultAsync<RunnerRow>("""
            UPDATE runners SET last_contact = @now, ip = COALESCE(@ip, ip) WHERE token_hash = @hash
            RETURNING id, registration_token_id, name, description, ip, jobs_done, jobs_failed, created_at, last_contact
            """, new { hash = OAuthRepository.Hash(runnerToken), ip, now = Now }, t), ct);

    public Task<IReadOnlyList<RunnerRow>> ListAsync(CancellationToken ct = default) =>
        database.ReadAsync(async c => (IReadOnlyList<RunnerRow>)(await c.QueryAsync<RunnerRow>(
            "SELECT id, registration_token_id, name, description, ip, jobs_done, jobs_failed, created_at, last_contact FROM runners ORDER BY id")).AsList(), ct);

    public async Task<bool> DeleteAsync(long id, CancellationToken ct = default) =>
        await database.WriteAsync((c, t) => c.ExecuteAsync("DELETE FROM runners WHERE id = @id", new { id }, t), ct) == 1;

    /// <summary>Counts a finished job (done or failed) for the runner (the admin page's counters).</summary>
    public Task CountJobAsync(long id, bool succeeded, CancellationToken ct = default) =>
        database.WriteAsync((c, t) => c.ExecuteAsync(succeeded
            ? "UPDATE runners SET jobs_done = jobs_done + 1 WHERE id = @id"
            : "UPDATE runners SET jobs_failed = jobs_failed + 1 WHERE id = @id", new { id }, t), ct);
}
