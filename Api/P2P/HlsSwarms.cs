using Microsoft.Extensions.Logging;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Storage;
using VideoPlatform.Core.Videos;
using VideoPlatform.P2P.Hls;

namespace VideoPlatform.Api.P2P;

/// <summary>
/// The HLS swarm ids of a local video, computed from its master playlist and listed for the tracker (which serves only
/// listed ids): after a transcode by the torrent job, and for a live as it goes on air (<see cref="LiveSwarms"/>).
/// </summary>
public sealed class HlsSwarms(VideoRepository videos, VideoMediaFiles media, TorrentRepository torrents, TrackedContentCatalog catalog)
{
    /// <summary>Lists the swarm ids of the video's current master playlist; false when it has none.</summary>
    public async Task<bool> RegisterAsync(VideoWithOwners video, CancellationToken ct)
    {
        var playlist = await videos.PlaylistAsync(video.Video.Id, ct);
        if (playlist?.MasterName is null || await media.ReadHlsTextAsync(video.Video, playlist.MasterName, playlist.Storage, ct) is not { } master)
        {
            return false;
        }
        // The URL players load the master from: the swarm ids of PeerTube's scheme are derived from it.
        var masterUrl = media.HlsUrl(video.Video, playlist.MasterName, playlist.Storage);
        var renditions = await videos.FilesAsync(video.Video.Id, ct);
        var ids = new List<SwarmId>();
        var variants = HlsSwarmIds.Variants(master);
        for (var i = 0; i < variants.Count; i++)
        {
            var resolution = renditions.FirstOrDefault(f => f.PlaylistName == variants[i].Uri)?.Resolution ?? ResolutionOf(variants[i]);
            ids.Add(new SwarmId(HlsSwarmIds.ForVariant(masterUrl, i), HlsSwarmIds.PeerTubeScheme, i, resolution));
            ids.Add(new SwarmId(HlsSwarmIds.ForLoaderStream(video.Video.Uuid, variants[i]), HlsSwarmIds.LoaderScheme, i, resolution));
        }
        // The separate audio rendition is its own swarm (the loader's "secondary" stream), numbered after the variants.
        var audio = HlsSwarmIds.AudioRenditions(master);
        for (var i = 0; i < audio.Count; i++)
        {
            var resolution = renditions.FirstOrDefault(f => f.PlaylistName == audio[i].Uri)?.Resolution ?? 0;
            ids.Add(new SwarmId(HlsSwarmIds.ForLoaderAudio(video.Video.Uuid, audio[i]), HlsSwarmIds.LoaderScheme, variants.Count + i, resolution));
        }
        await torrents.ReplaceSwarmIdsAsync(video.Video.Id, ids, ct);
        // An announce made before (refused) is cached as unknown for a few seconds: forget it.
        catalog.Forget();
        return true;
    }

    /// <summary>A live's rendition has no file row: its height is in the variant's RESOLUTION.</summary>
    private static int ResolutionOf(HlsSwarmIds.MasterVariant variant) =>
        variant.Attributes.GetValueOrDefault("RESOLUTION")?.Split('x') is [_, var h]
        && int.TryParse(h, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var height) ? height : -1;
}

/// <summary>
/// A live's swarms exist while it is on air: listed when it goes on air (state 1, shared privacy), dropped with their
/// peers when it goes off air (waiting again or ended), as the tracker must not serve a swarm whose segments are gone.
/// </summary>
public sealed partial class LiveSwarms(VideoRepository videos, TorrentRepository torrents, HlsSwarms swarms, P2PRevocation revocation, ILogger<LiveSwarms> logger)
    : IVideoChangeListener
{
    public async Task OnUpdatedAsync(long videoId, VideoPrivacy previousPrivacy, CancellationToken ct)
    {
        var item = await videos.FindAsync(videoId.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
        if (item is null || !item.Video.IsLocal || !item.Video.IsLive)
        {
            return;
        }
        if (item.Video.State == VideoState.Published && VideoAccess.IsShared(item.Video.Privacy))
        {
            if (await swarms.RegisterAsync(item, ct))
            {
                LogListed(logger, videoId);
            }
            return;
        }
        var hashes = await revocation.HashesOfAsync(videoId, ct);
        if (hashes.Count > 0)
        {
            await torrents.ReplaceSwarmIdsAsync(videoId, [], ct);
            revocation.Revoke(hashes);
            LogDropped(logger, videoId, hashes.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Live {VideoId}: swarms listed for the tracker")]
    private static partial void LogListed(ILogger logger, long videoId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Live {VideoId}: off air, {Count} swarms dropped")]
    private static partial void LogDropped(ILogger logger, long videoId, int count);
}
