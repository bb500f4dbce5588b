using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.Api;

namespace VideoPlatform.IntegrationTests.Runners;

/// <summary>A runner built by the app's own builder with only <c>--Roles runner</c>: no database or storage settings.</summary>
internal sealed class RunnerProcess : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _running = true;

    private RunnerProcess(WebApplication app, string baseUrl)
    {
        _app = app;
        Http = new HttpClient(new SocketsHttpHandler()) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Http { get; }

    public static async Task<RunnerProcess> StartAsync(string instanceUrl, string registrationToken, string folder, string name, params string[] extra)
    {
        var app = VideoPlatformApp.Build(
        [
            "--Roles", "runner", "--urls", "http://127.0.0.1:0",
            "--Runner:InstanceUrl", instanceUrl, "--Runner:RegistrationToken", registrationToken, "--Runner:StateFolder", folder, "--Runner:Name", name,
            "--Runner:PollInterval", "00:00:00.200", "--Runner:UpdateInterval", "00:00:00.500", "--Runner:Threads", "1",
            "--Logging:LogLevel:Default", "Warning", .. extra,
        ]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var runner = new RunnerProcess(app, address.TrimEnd('/'));
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            using var health = await runner.Http.GetAsync("/health");
            if (health.IsSuccessStatusCode)
            {
                return runner;
            }
            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail($"The runner did not register within 30 s: {await health.Content.ReadAsStringAsync()}");
            }
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_running)
        {
            await _app.StopAsync();
        }
        await _app.DisposeAsync();
    }

    /// <summary>Stops at once, as a shut-down machine: no grace period for the job it holds.</summary>
    public async Task KillAsync()
    {
        _running = false;
        using var immediate = new CancellationTokenSource();
        await immediate.CancelAsync();
        try
        {
            await _app.StopAsync(immediate.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
