using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VideoPlatform.IntegrationTests.Infrastructure;

namespace VideoPlatform.IntegrationTests.Stats;

/// <summary>
/// <c>/metrics</c> for those who run Prometheus: Debian's <c>promtool check metrics</c> accepts it, a real Prometheus on
/// 127.0.0.1 scrapes it with the bearer token of <c>Metrics:Token</c>, and without the token it is refused.
/// </summary>
[TestFixture]
[Category("Prometheus")]
[NonParallelizable]
public sealed class PrometheusTests
{
    private const string Token = "scrape-token-for-tests";
    private TestInstance _instance = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _instance = await TestInstance.StartAsync(DbKind.Sqlite, "--Metrics:Token", Token);
        // Some traffic, so that every family has samples.
        var video = await _instance.SeedVideoAsync("root_channel", "Leçon mesurée");
        using var view = await _instance.Http.PostAsync($"/api/v1/videos/{video.Uuid}/views", null);
        await _instance.Services.GetRequiredService<VideoPlatform.Core.Stats.StatsFlusher>().FlushAsync(CancellationToken.None);
    }

    [OneTimeTearDown]
    public Task StopAsync() => _instance.DisposeAsync().AsTask();

    private async Task<HttpResponseMessage> MetricsAsync(string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return await _instance.Http.SendAsync(request);
    }

    [Test]
    public async Task Metrics_need_the_token_and_pass_promtool_check_metrics()
    {
        using (var refused = await MetricsAsync(null))
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }
        using (var wrong = await MetricsAsync("wrong"))
        {
            Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }
        Prerequisites.Require(Prerequisites.HasCommand("promtool"), "promtool (Debian package prometheus)");
        using var response = await MetricsAsync(Token);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(text, Does.Contain("videoplatform_viewers "));
        Assert.That(text, Does.Contain("videoplatform_storage_free_bytes "), "the last minute's gauges");

        using var promtool = Process.Start(new ProcessStartInfo("promtool", "check metrics")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        await promtool.StandardInput.WriteAsync(text);
        promtool.StandardInput.Close();
        var output = await promtool.StandardOutput.ReadToEndAsync() + await promtool.StandardError.ReadToEndAsync();
        await promtool.WaitForExitAsync();
        Assert.That(promtool.ExitCode, Is.Zero, output);
        Assert.That(output.Trim(), Is.Empty, "no lint finding either");
    }

    [Test]
    public async Task A_real_prometheus_scrapes_the_instance_with_the_token()
    {
        Prerequisites.Require(Prerequisites.HasCommand("prometheus"), "prometheus (Debian package prometheus)");
        var folder = Path.Combine(_instance.Database.Folder, "prometheus");
        Directory.CreateDirectory(folder);
        var config = Path.Combine(folder, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: academy
                authorization:
                  credentials: {Token}
                static_configs:
                  - targets: ['{_instance.Host}']
            """);
        var port = FreePort();
        using var prometheus = Process.Start(new ProcessStartInfo("prometheus",
            $"--config.file={config} --storage.tsdb.path={Path.Combine(folder, "data")} --web.listen-address=127.0.0.1:{port}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var log = new System.Text.StringBuilder();
        prometheus.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        prometheus.BeginErrorReadLine();
        prometheus.BeginOutputReadLine();
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler()) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            var deadline = Stopwatch.StartNew();
            string? health = null, lastError = null;
            while (deadline.Elapsed < TimeSpan.FromSeconds(30) && health != "up")
            {
                try
                {
                    var targets = JsonDocument.Parse(await http.GetStringAsync("/api/v1/targets")).RootElement.GetProperty("data").GetProperty("activeTargets");
                    if (targets.GetArrayLength() > 0)
                    {
                        health = targets[0].GetProperty("health").GetString();
                        lastError = targets[0].GetProperty("lastError").GetString();
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                if (health != "up")
                {
                    await Task.Delay(200);
                }
            }
            string logText;
            lock (log)
            {
                logText = log.ToString();
            }
            Assert.That(health, Is.EqualTo("up"), $"target health (last error: {lastError})\n{logText}");
            var query = JsonDocument.Parse(await http.GetStringAsync("/api/v1/query?query=videoplatform_viewers")).RootElement;
            Assert.That(query.GetProperty("data").GetProperty("result").GetArrayLength(), Is.EqualTo(1), "the scraped series is queryable");

            // Every query of the Grafana dashboard is valid PromQL over what is scraped.
            var root = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
            while (!File.Exists(Path.Combine(root.FullName, "VideoPlatform.sln")))
            {
                root = root.Parent!;
            }
            using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(root.FullName, "deploy", "grafana", "academy.json")));
            var expressions = dashboard.RootElement.GetProperty("panels").EnumerateArray()
                .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!)).ToList();
            Assert.That(expressions, Has.Count.GreaterThanOrEqualTo(9));
            foreach (var expr in expressions)
            {
                using var answer = await http.GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(expr.Replace("$job", ".*", StringComparison.Ordinal)));
                Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.OK), expr + "\n" + await answer.Content.ReadAsStringAsync());
            }
        }
        finally
        {
            prometheus.Kill(entireProcessTree: true);
            await prometheus.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
