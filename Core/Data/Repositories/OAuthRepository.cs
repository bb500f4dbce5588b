using System.Security.Cryptography;
using System.Text;
using Dapper;

namespace VideoPlatform.Core.Data.Repositories;

public sealed record OAuthClientRow
{
    public long Id { get; init; }
    public required string ClientId { get; init; }
    public required string ClientSecret { get; init; }
}

public sealed record OAuthTokenRow
{
    public long Id { get; init; }
    public long UserId { get; init; }
    public long ClientId { get; init; }
    public long AccessExpiresAt { get; init; }
    public long RefreshExpiresAt { get; init; }
}

/// <summary>OAuth clients and tokens. Tokens are random and stored only as SHA-256 hashes.</summary>
public sealed class OAuthRepository(Database database, TimeProvider clock)
{
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>The instance's one local client (PeerTube's <c>oauth-clients/local</c>), created on first use.</summary>
    public async Task<OAuthClientRow> GetOrCreateLocalClientAsync(CancellationToken ct = default)
    {
        var existing = await database.ReadAsync(c => c.QueryFirstOrDefaultAsync<OAuthClientRow>(
            "SELECT id, client_id, client_secret FROM oauth_clients ORDER BY id LIMIT 1"), ct);
        if (existing is not null)
        {
            return existing;
        }
        return await database.WriteAsync(async (c, t) =>
        {
            var again = await c.QueryFirstOrDefaultAsync<OAuthClientRow>("SELECT id, client_id, client_secret FROM oauth_clients ORDER BY id LIMIT 1", transaction: t);
            if (again is not null)
            {
                return again;
            }
            var clientId = NewToken()[..32];
            var secret = NewToken()[..32];
            var id = await c.ExecuteScalarAsync<long>(
                "INSERT INTO oauth_clients (client_id, client_secret, created_at) VALUES (@clientId, @secret, @now) RETURNING id",
                new { clientId, secret, now = clock.GetUtcNow().ToUnixTimeMilliseconds() }, t);
            return new OAuthClientRow { Id = id, ClientId = clientId, ClientSecret = secret };
        }, ct);
    }

    public Task<OAuthClientRow?> FindClientAsync(string clientId, string clientSecret, CancellationToken ct = default) =>
        database.ReadAsync(c => c.QuerySingleOrDefaultAsync<OAuthClientRow>(
            "SELECT id, client_id, client_secret FROM oauth_clients WHERE client_id = @clientId AND client_secret = @clientSecret",
            new { clientId, clientSecret }), ct);

    public Task CreateTokenAsync(string accessToken, string refreshToken, DateTimeOffset accessExpires, DateTimeOffset refreshExpires,
        long userId, long clientId, CancellationToken ct = default) =>
        database.WriteAsync((c, t) => c.ExecuteAsync("""
            INSERT INTO oauth_tokens (access_token_hash, refresh_token_hash, access_expires_at, refresh_expires_at, user_id, client_id, created_at)
            VALUES (@access, @refresh, @accessExpires, @refreshExpires, @userId, @clientId, @now)
            """, new
        {
            access = Hash(accessToken),
            refresh = Hash(refreshToken),
            accessExpires = accessExpires.ToUnixTimeMilliseconds(),
            refreshExpires = refreshExpires.ToUnixTimeMilliseconds(),
            userId,
            clientId,
            now = clock.GetUtcNow().ToUnixTimeMilliseconds(),
        }, t), ct);

    public Task<OAuthTokenRow?> FindByAccessTokenAsync(string accessToken, CancellationToken ct = default) =>
        database.ReadAsync(c => c.QuerySingleOrDefaultAsync<OAuthTokenRow>(
            "SELECT id, user_id, client_id, access_expires_at, refresh_expires_at FROM oauth_tokens WHERE access_token_hash = @hash",
            new { hash = Hash(accessToken) }), ct);

    public Task<OAuthTokenRow?> FindByRefreshTokenAsync(string refreshToken, CancellationToken ct = default) =>
        database.ReadAsync(c => c.QuerySingleOrDefaultAsync<OAuthTokenRow>(
            "SELECT id, user_id, client_id, access_expires_at, refresh_expires_at FROM oauth_tokens WHERE refresh_token_hash = @hash",
            new { hash = Hash(refreshToken) }), ct);

    public Task DeleteTokenAsync(long id, CancellationToken ct = default) =>
        database.WriteAsync((c, t) => c.ExecuteAsync("DELETE FROM oauth_tokens WHERE id = @id", new { id }, t), ct);

    /// <summary>
    /// The counter that triggers (migration 0017) move on every token deletion or change and every user deletion,
    /// block, rename or role change: a cache of token -> user is valid while this value is unchanged.
    /// </summary>
    public Task<long> AuthGenerationAsync(CancellationToken ct = default) =>
        database.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT value FROM auth_generation WHERE id = 1"), ct);

    public Task DeleteExpiredAsync(CancellationToken ct = default) =>
        database.WriteAsync((c, t) => c.ExecuteAsync("DELETE FROM oauth_tokens WHERE refresh_expires_at < @now",
            new { now = clock.GetUtcNow().ToUnixTimeMilliseconds() }, t), ct);
}
