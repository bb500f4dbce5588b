using System.Text.Json;
using VideoPlatform.Core.Captions;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Web.Infrastructure;

/// <summary>What the player partial renders as data attributes for Scripts/player.ts.</summary>
public sealed record PlayerView(VideoRow Video, PlayerSources Sources, WebOptions Options, string? PosterUrl)
{
    /// <summary>
    /// Private and internal videos stay between the server and their allowed viewers: no peer sharing. Nor for a
    /// small-latency live, as PeerTube does: its viewers play 2 s behind the edge, too close for one to have a segment
    /// before another needs it, and waiting for a peer costs the seconds the mode is chosen for.
    /// </summary>
    public string? Tracker => Options.P2PEnabled && Sources.FileToken is null && !SmallLatencyLive
        ? Sources.TrackerUrls.FirstOrDefault(u => u.StartsWith("ws", StringComparison.Ordinal))
        : null;

    /// <summary>PeerTube's latency mode of a local live (1 default, 2 high latency, 3 small latency); null for anything else.</summary>
    public int? LiveLatencyMode { get; init; }

    public bool SmallLatencyLive => Video.IsLive && LiveLatencyMode == 3;

    public string IceServersJson => JsonSerializer.Serialize(Options.IceServers.Select(u => new { urls = u }));

    /// <summary>The video's captions as <c>&lt;track&gt;</c> elements (French first: the default when present).</summary>
    public IReadOnlyList<PlayerCaption> Captions { get; init; } = [];

    public IReadOnlyList<Chapter> Chapters { get; init; } = [];

    /// <summary>Where playback starts (<c>?start=</c>), in seconds.</summary>
    public int? Start { get; init; }

    public string ChaptersJson => JsonSerializer.Serialize(Chapters.Select(c => new { timecode = c.Timecode, title = c.Title }));

    /// <summary>One swarm per video; p2p-media-loader derives one per rendition from it.</summary>
    public string SwarmId => Video.Uuid;
}

/// <summary>A caption track: language code, its French name, and the WebVTT URL (with the file token of a private video).</summary>
public sealed record PlayerCaption(string Language, string Label, string Url);
