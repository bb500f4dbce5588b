using System.Text.Json;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Web.Infrastructure;

/// <summary>What the player partial renders as data attributes for Scripts/player.ts.</summary>
public sealed record PlayerView(VideoRow Video, PlayerSources Sources, WebOptions Options, string? PosterUrl)
{
    /// <summary>Private and internal videos stay between the server and their allowed viewers: no peer sharing.</summary>
    public string? Tracker => Options.P2PEnabled && Sources.FileToken is null
        ? Sources.TrackerUrls.FirstOrDefault(u => u.StartsWith("ws", StringComparison.Ordinal))
        : null;

    public string IceServersJson => JsonSerializer.Serialize(Options.IceServers.Select(u => new { urls = u }));

    /// <summary>One swarm per video; p2p-media-loader derives one per rendition from it.</summary>
    public string SwarmId => Video.Uuid;
}
