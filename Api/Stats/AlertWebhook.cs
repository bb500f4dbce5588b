using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Stats;

namespace VideoPlatform.Api.Stats;

/// <summary>POSTs each new alert as JSON to <c>Alerts:WebhookUrl</c> when it is set; a failure is logged, never thrown.</summary>
public sealed partial class AlertWebhook(IHttpClientFactory clients, IOptions<AlertOptions> options, IOptions<InstanceOptions> instance, ILogger<AlertWebhook> logger) : IAlertSink
{
    public const string ClientName = "alert-webhook";

    public async Task NotifyAsync(Alert alert, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(options.Value.WebhookUrl))
        {
            return;
        }
        try
        {
            using var client = clients.CreateClient(ClientName);
            using var response = await client.PostAsJsonAsync(options.Value.WebhookUrl, new
            {
                instance = instance.Value.PublicUrl,
                name = instance.Value.Name,
                alert = alert.Key,
                message = alert.Message,
                since = alert.Since,
            }, ct);
            if (!response.IsSuccessStatusCode)
            {
                LogWebhookFailed(logger, (int)response.StatusCode, null);
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            LogWebhookFailed(logger, 0, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The alert webhook failed (HTTP status {Status})")]
    private static partial void LogWebhookFailed(ILogger logger, int status, Exception? e);
}
