using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Core.Playlists;
using VideoPlatform.Federation.ActivityStreams;
using VideoPlatform.Federation.Actors;
using VideoPlatform.Federation.Safety;
using VideoPlatform.Federation.Signatures;
using VideoPlatform.Federation.Videos;

namespace VideoPlatform.Federation.Playlists;

/// <summary>
/// Payload of the <c>activitypub-playlist</c> job: (re)read the remote playlist at <see cref="Url"/> from its origin. Queued by a
/// received Create or Update of a Playlist, one at a time per playlist, in order.
/// </summary>
public sealed record RemotePlaylistJob(string Url) : IJobPayload
{
    public static string JobType => "activitypub-playlist";

    public static Task EnqueueAsync(JobQueue queue, string url, CancellationToken ct) =>
        queue.EnqueueAsync(new RemotePlaylistJob(url), new EnqueueOptions { OrderingKey = $"{JobType}:{url}", MaxAttempts = 5 }, ct);
}

/// <summary>
/// Remote playlists, read as PeerTube reads them (<c>createOrUpdateVideoPlaylist</c>): the Playlist fetched from its origin
/// (the copy in the activity is not trusted), checked with PeerTube's rules, attributed to one remote channel on its host;
/// its elements crawled from the paged collection (at most <see cref="MaxElements"/>), each PlaylistElement fetched from the
/// playlist's host and kept when its video is known here or can be fetched; then the playlist and its elements replaced in
/// one transaction. Deleted when its origin deletes it.
/// </summary>
public sealed partial class RemotePlaylistJobHandler(
    ActivityPubClient client,
    ServerActor serverActor,
    RemoteActors remoteActors,
    RemoteVideos remoteVideos,
    VideoRepository videos,
    PlaylistRepository playlists,
    IOptions<FederationOptions> options,
    ILogger<RemotePlaylistJobHandler> logger) : IJobHandler<RemotePlaylistJob>
{
    /// <summary>Elements read per playlist; a course sequence is far shorter.</summary>
    public const int MaxElements = 500;

    public TimeSpan Lease => TimeSpan.FromMinutes(5);
    public TimeSpan InitialBackoff => options.Value.DeliveryInitialBackoff;

    public async Task HandleAsync(RemotePlaylistJob payload, JobContext context, CancellationToken ct)
    {
        try
        {
            await ReadAsync(payload.Url, ct);
        }
        catch (InvalidActivityException e)
        {
            LogNotRead(logger, payload.Url, e.Message);
        }
        catch (ActivityPubFetchException e) when (!e.IsRetryable)
        {
            LogNotRead(logger, payload.Url, e.Message);
        }
    }

    private async Task ReadAsync(string url, CancellationToken ct)
    {
        if (remoteActors.IsLocalUrl(url))
        {
            throw new InvalidActivityException("a local playlist");
        }
        var key = await serverActor.KeyAsync(ct);
        var requireTld = !options.Value.AllowPrivateNetworks;
        RemotePlaylist playlist;
        using (var document = await client.GetAsync(new Uri(url), key, ct))
        {
            playlist = PlaylistObjectReader.Read(document.Root, requireTld, out var error) ?? throw new InvalidActivityException("invalid Playlist: " + error);
        }
        if (!string.Equals(playlist.Id, url, StringComparison.Ordinal))
        {
            throw new InvalidActivityException($"the Playlist fetched at {url} says it is {playlist.Id}");
        }
        var channel = await remoteActors.GetAsync(playlist.ChannelUrl, refresh: false, ct);
        if (channel.IsLocal || channel.Type != ActorTypes.Group || channel.AccountId is not { } accountId)
        {
            throw new InvalidActivityException($"{playlist.ChannelUrl} is not a remote channel");
        }

        var elements = new List<(long Position, RemotePlaylistElement Element)>();
        foreach (var elementUrl in await client.ItemIrisAsync(playlist.Id, key, MaxElements, options.Value.MaxCrawledPages, ct))
        {
            if (await ReadElementAsync(elementUrl, playlist.Id, requireTld, ct) is { } element)
            {
                elements.Add(element);
            }
        }
        // PeerTube keeps the origin's positions; ours stay 1..n, in the origin's order.
        var ordered = elements.OrderBy(e => e.Position).Select(e => e.Element).ToList();
        var id = await playlists.ReplaceRemoteAsync(new PlaylistRow
        {
            Uuid = playlist.Uuid.ToString("D"),
            Name = playlist.Name,
            Description = playlist.Description,
            Privacy = playlist.IsPublic ? PlaylistPrivacy.Public : PlaylistPrivacy.Unlisted,
            AccountId = accountId,
            ChannelId = channel.Id,
            IsLocal = false,
            Url = playlist.Id,
            CreatedAt = playlist.Published.ToUnixTimeMilliseconds(),
            UpdatedAt = playlist.Updated.ToUnixTimeMilliseconds(),
        }, ordered, ct);
        if (id is null)
        {
            throw new InvalidActivityException($"another playlist already has the uuid {playlist.Uuid}");
        }
        LogRead(logger, url, ordered.Count);
    }

    private async Task<(long, RemotePlaylistElement)?> ReadElementAsync(string url, string playlistUrl, bool requireTld, CancellationToken ct)
    {
        try
        {
            if (!HttpSignatureVerifier.SameHost(url, playlistUrl))
            {
                throw new InvalidActivityException("an element on another host");
            }
            RemotePlaylistElementObject element;
            using (var document = await client.GetAsync(new Uri(url), await serverActor.KeyAsync(ct), ct))
            {
                element = PlaylistObjectReader.ReadElement(document.Root, requireTld, out var error)
                    ?? throw new InvalidActivityException("invalid PlaylistElement: " + error);
            }
            if (!string.Equals(element.Id, url, StringComparison.Ordinal))
            {
                throw new InvalidActivityException($"the element fetched at {url} says it is {element.Id}");
            }
            var videoId = (await videos.FindByUrlAsync(element.VideoUrl, ct))?.Video.Id;
            if (videoId is null && !remoteActors.IsLocalUrl(element.VideoUrl))
            {
                videoId = await remoteVideos.FetchAndStoreAsync(element.VideoUrl, ct);
            }
            if (videoId is null)
            {
                throw new InvalidActivityException($"no video {element.VideoUrl} here");
            }
            return (element.Position, new RemotePlaylistElement(videoId.Value, element.StartTimestamp, element.StopTimestamp, element.Id));
        }
        catch (Exception e) when (e is InvalidActivityException or ActivityPubFetchException)
        {
            // PeerTube skips an element it cannot read (a private video answers 401) and keeps the others.
            LogElementSkipped(logger, url, e.Message);
            return null;
        }
    }


    [LoggerMessage(EventId = 4801, Level = LogLevel.Information, Message = "Remote playlist {Url} read with {Count} elements")]
    private static partial void LogRead(ILogger logger, string url, int count);

    [LoggerMessage(EventId = 4802, Level = LogLevel.Information, Message = "Remote playlist {Url} not read: {Reason}")]
    private static partial void LogNotRead(ILogger logger, string url, string reason);

    [LoggerMessage(EventId = 4803, Level = LogLevel.Debug, Message = "Remote playlist element {Url} skipped: {Reason}")]
    private static partial void LogElementSkipped(ILogger logger, string url, string reason);
}
