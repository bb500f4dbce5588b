using System.Diagnostics;
using VideoPlatform.IntegrationTests.Infrastructure;

namespace VideoPlatform.IntegrationTests.Api.PeerTube;

/// <summary>
/// PeerTube's own command-line client and the OpenAPI validator, from tools/peertube-clients (restored by
/// <c>scripts/prerequisites.sh test</c>; nothing is installed at test time).
/// </summary>
internal static class PeerTubeTools
{
    public static string Folder => Path.Combine(ReadmeRunTests.RepositoryRoot(), "tools", "peertube-clients");

    public static string Cli => Path.Combine(Folder, "node_modules", "@peertube", "peertube-cli", "dist", "peertube.js");

    public static string Validator => Path.Combine(Folder, "validate-openapi.mjs");

    /// <summary>PeerTube's REST API description (test data, header names its source and licence).</summary>
    public static string OpenApiDocument =>
        Path.Combine(ReadmeRunTests.RepositoryRoot(), "tests", "VideoPlatform.IntegrationTests", "Api", "PeerTube", "peertube-openapi-7.0.0.yaml");

    public static void Require()
    {
        Prerequisites.Require(Prerequisites.HasCommand("node") && File.Exists(Cli) && Directory.Exists(Path.Combine(Folder, "node_modules", "ajv")),
            "node and tools/peertube-clients/node_modules (scripts/prerequisites.sh test runs npm ci there)");
    }

    /// <summary>Runs a node script; the exit code and everything it printed. <paramref name="home"/> isolates the CLI's saved settings.</summary>
    public static async Task<(int ExitCode, string Output)> NodeAsync(string script, IEnumerable<string> args, string home, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = home,
        };
        start.Environment["HOME"] = home;
        start.Environment["XDG_CONFIG_HOME"] = Path.Combine(home, ".config");
        start.Environment["NO_COLOR"] = "1";
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        using var cancel = new CancellationTokenSource(timeout);
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            return (-1, $"timed out after {timeout}: " + await output + await error);
        }
        return (process.ExitCode, await output + await error);
    }
}
