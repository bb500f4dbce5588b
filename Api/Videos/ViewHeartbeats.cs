using System.Net;
using System.Text.Json;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Stats;

namespace VideoPlatform.Api.Videos;

/// <summary>
/// PeerTube's view body (<c>currentTime</c>, <c>viewEvent</c>: <c>seek</c>) plus ours: <c>sessionId</c> (one per player,
/// so that two tabs behind one school IP count as two viewers) and <c>p2pBytes</c> (bytes the player received from peers
/// since it started).
/// </summary>
public sealed record ViewRequest(int? CurrentTime, string? ViewEvent, string? SessionId, long? P2pBytes);

public static class ViewHeartbeats
{
    /// <summary>A heartbeat at or past this position counts as a view (the player used to report its view at 3 s).</summary>
    public const int SecondsBeforeAView = 3;

    /// <summary>The heartbeat in the body, or none for a bare view (no JSON body), or a 400 reason.</summary>
    public static async Task<(ViewRequest? Heartbeat, string? Error)> ReadAsync(HttpRequest request, VideoRow video, CancellationToken ct)
    {
        if (!request.HasJsonContentType())
        {
            return (null, null);
        }
        ViewRequest? body;
        try
        {
            body = await request.ReadFromJsonAsync<ViewRequest>(ct);
        }
        catch (JsonException)
        {
            return (null, "The body must be a JSON object such as {\"currentTime\": 12}.");
        }
        if (body?.CurrentTime is not { } time)
        {
            return (null, "currentTime is required.");
        }
        if (time < 0 || (video.Duration > 0 && time > video.Duration + 5))
        {
            return (null, "currentTime must be between 0 and the video's duration.");
        }
        if (body.ViewEvent is not (null or "seek"))
        {
            return (null, "viewEvent must be 'seek' when given.");
        }
        if (body.SessionId is { } session && (session.Length is 0 or > 64 || !session.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            return (null, "sessionId must be 1 to 64 letters, digits, '-' or '_'.");
        }
        if (body.P2pBytes is < 0)
        {
            return (null, "p2pBytes must not be negative.");
        }
        return (body, null);
    }

    /// <summary>Updates the viewer's watch section and counts the peer bytes the video could plausibly have carried.</summary>
    public static async Task RecordAsync(ViewRequest heartbeat, VideoRow video, long? userId, IPAddress? client, VideoRepository repo, ViewerSessions viewers, CancellationToken ct)
    {
        var who = userId is { } id ? "u" + id.ToString(System.Globalization.CultureInfo.InvariantCulture) : "ip" + RateLimits.ClientKey(client);
        if (heartbeat.SessionId is { } session)
        {
            who += "|" + session;
        }
        long cap = 0, peak = 0;
        if (heartbeat.P2pBytes is > 0)
        {
            var files = (await repo.FilesAsync(video.Id, ct)).Where(f => f.Kind == VideoFileKinds.Hls).ToList();
            cap = files.Sum(f => f.Size);
            peak = Math.Max(files.Count == 0 ? 0 : files.Max(f => f.Bitrate) / 8, cap / Math.Max(video.Duration, 1));
        }
        viewers.Heartbeat(new ViewerHeartbeat(video.Id, who, heartbeat.CurrentTime!.Value, heartbeat.ViewEvent == "seek", heartbeat.P2pBytes, cap, peak));
    }
}
