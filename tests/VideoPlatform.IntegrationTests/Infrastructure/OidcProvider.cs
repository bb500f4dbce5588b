using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VideoPlatform.IntegrationTests.Infrastructure;

/// <summary>
/// A real OpenID Connect provider (npm oidc-provider, tools/oidc-provider/provider.mjs) on 127.0.0.1. Its clients and
/// users live in a JSON file it reads on every lookup: <see cref="SetUser"/> and <see cref="AddClient"/> apply at once.
/// </summary>
public sealed class OidcProvider : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _statePath;
    private readonly JsonObject _state = new() { ["clients"] = new JsonArray(), ["users"] = new JsonObject() };
    private readonly Lock _lock = new();

    private OidcProvider(Process process, string statePath, string issuer)
    {
        _process = process;
        _statePath = statePath;
        Issuer = issuer;
    }

    public string Issuer { get; }

    public static async Task<OidcProvider> StartAsync()
    {
        var folder = Path.Combine(ReadmeRunTests.RepositoryRoot(), "tools", "oidc-provider");
        Prerequisites.Require(Prerequisites.HasCommand("node") && Directory.Exists(Path.Combine(folder, "node_modules", "oidc-provider")),
            "node and tools/oidc-provider/node_modules (scripts/prerequisites.sh test)");
        var statePath = Path.Combine(Path.GetTempPath(), $"vp-oidc-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(statePath, """{"clients":[],"users":{}}""");
        var start = new ProcessStartInfo("node") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("provider.mjs");
        start.ArgumentList.Add(statePath);
        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        if (line is null)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("tools/oidc-provider did not start.");
        }
        var issuer = JsonDocument.Parse(line!).RootElement.GetProperty("issuer").GetString()!;
        return new OidcProvider(process, statePath, issuer);
    }

    /// <summary>A confidential client (code flow, client_secret_post) with its redirect and post-logout redirect URIs.</summary>
    public void AddClient(string clientId, string secret, string[] redirectUris, string[] postLogoutRedirectUris)
    {
        lock (_lock)
        {
            ((JsonArray)_state["clients"]!).Add(new JsonObject
            {
                ["client_id"] = clientId,
                ["client_secret"] = secret,
                ["redirect_uris"] = new JsonArray(redirectUris.Select(u => (JsonNode)JsonValue.Create(u)!).ToArray()),
                ["post_logout_redirect_uris"] = new JsonArray(postLogoutRedirectUris.Select(u => (JsonNode)JsonValue.Create(u)!).ToArray()),
                ["token_endpoint_auth_method"] = "client_secret_post",
            });
            Save();
        }
    }

    /// <summary>Adds or replaces a directory user (its login is its subject and preferred_username).</summary>
    public void SetUser(string login, string email, string[] roles, string[] groups)
    {
        lock (_lock)
        {
            _state["users"]![login] = new JsonObject
            {
                ["email"] = email,
                ["email_verified"] = true,
                ["name"] = login,
                ["roles"] = new JsonArray(roles.Select(r => (JsonNode)JsonValue.Create(r)!).ToArray()),
                ["groups"] = new JsonArray(groups.Select(g => (JsonNode)JsonValue.Create(g)!).ToArray()),
            };
            Save();
        }
    }

    private void Save()
    {
        var temp = _statePath + ".tmp";
        File.WriteAllText(temp, _state.ToJsonString());
        File.Move(temp, _statePath, overwrite: true);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        File.Delete(_statePath);
    }
}
