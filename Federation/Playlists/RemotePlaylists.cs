using System.Data.Common;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Core.Playlists;
using VideoPlatform.Core.Storage;
using VideoPlatform.Federation.ActivityStreams;
using VideoPlatform.Federation.Actors;
using VideoPlatform.Federation.Safety;
using VideoPlatform.Federation.Signatures;
using VideoPlatform.Federation.Videos;

namespace VideoPlatform.Federation.Playlists;

/// <summary>
/// Payload of the <c>activitypub-playlist</c> job: (re)read the remote playlist at <see cref="Url"/> from its origin. Queued by a
/// received Create or Update of a Playlist, and by a read of a stale one (<see cref="RemotePlaylists"/>); one at a time per
/// playlist, in order.
/// </summary>
public sealed record RemotePlaylistJob(string Url) : IJobPayload
{
    public static string JobType => "activitypub-playlist";

    private static EnqueueOptions Options(string url) => new() { OrderingKey = $"{JobType}:{url}", MaxAttempts = 5 };

    public static Task EnqueueAsync(JobQueue queue, string url, CancellationToken ct) => queue.EnqueueAsync(new RemotePlaylistJob(url), Options(url), ct);

    public static Task<long> EnqueueAsync(JobQueue queue, DbConnection connection, DbTransaction transaction, string url) =>
        queue.EnqueueAsync(connection, transaction, new RemotePlaylistJob(url), Options(url));
}

/// <summary>
/// Remote playlists outside their job: a read of one not fetched for <see cref="FederationOptions.PlaylistRefreshAge"/> queues
/// its fetch (PeerTube's <c>refreshVideoPlaylistIfNeeded</c>; at most one queued per playlist, the reader never waits); our
/// copy of its icon, kept with it and dropped with it.
/// </summary>
public sealed class RemotePlaylists(Database database, JobQueue queue, PlaylistRepository playlists, RemoteImages images, MediaStore store, TimeProvider clock,
    IOptions<FederationOptions> options) : IPlaylistReadListener
{
    public async Task OnReadAsync(PlaylistRow playlist, CancellationToken ct)
    {
        var staleBefore = (clock.GetUtcNow() - options.Value.PlaylistRefreshAge).ToUnixTimeMilliseconds();
        if (playlist.IsLocal || playlist.RefreshedAt >= staleBefore)
        {
            return;
        }
        var queued = await database.WriteAsync(async (c, t) =>
            await playlists.ClaimRefreshAsync(c, t, playlist.Id, staleBefore) && await RemotePlaylistJob.EnqueueAsync(queue, c, t, playlist.Url) > 0, ct);
        if (queued)
        {
            queue.Signal();
        }
    }

    /// <summary>
    /// Once a playlist is stored: drops our copy of a former icon, and copies <paramref name="iconUrl"/> when it is wanted, as
    /// remote videos' images are copied (<see cref="RemoteImages"/>); the icon may change meanwhile, then this copy is dropped.
    /// </summary>
    public async Task CopyIconAsync(RemotePlaylistSaved saved, string? iconUrl, CancellationToken ct)
    {
        store.DeleteImages(saved.UnusedThumbnail, null);
        if (!saved.ThumbnailWanted || iconUrl is null || await images.FetchAsync(iconUrl, ct) is not { } image)
        {
            return;
        }
        var name = await images.WriteAsync(image, store.ThumbnailPath, ct);
        var (stored, replaced) = await playlists.SetThumbnailCopyAsync(saved.Id, iconUrl, name, ct);
        store.DeleteImages(stored ? replaced : name, null);
    }

    /// <summary>Deletes the remote playlist at <paramref name="url"/> and our copy of its icon.</summary>
    public async Task DeleteAsync(string url, CancellationToken ct)
    {
        var (_, thumbnail) = await playlists.DeleteRemoteAsync(url, ct);
        store.DeleteImages(thumbnail, null);
    }
}

/// <summary>
/// Remote playlists, read as PeerTube reads them (<c>createOrUpdateVideoPlaylist</c>): the Playlist fetched from its origin
/// (the copy in the activity is not trusted), checked with PeerTube's rules, attributed to one remote channel on its host;
/// its elements crawled from the paged collection (at most <see cref="MaxElements"/>), each PlaylistElement fetched from the
/// playlist's host and kept when its video is known here or can be fetched; then the playlist and its elements replaced in
/// one transaction, and its icon copied (<see cref="RemoteImages"/>) when it is new. Deleted when its origin deletes it, or
/// answers 404 or 410 for it (PeerTube's refresh does the same).
/// </summary>
public sealed partial class RemotePlaylistJobHandler(
    RemoteFetch fetch,
    RemoteVideos remoteVideos,
    VideoRepository videos,
    PlaylistRepository playlists,
    RemotePlaylists remotePlaylists,
    ILogger<RemotePlaylistJobHandler> logger) : RemoteFetchJobHandler<RemotePlaylistJob>(fetch, logger)
{
    /// <summary>Elements read per playlist; a course sequence is far shorter.</summary>
    public const int MaxElements = 500;

    protected override async Task ReadAsync(RemotePlaylistJob payload, CancellationToken ct)
    {
        var url = payload.Url;
        if (Fetch.Actors.IsLocalUrl(url))
        {
            throw new InvalidActivityException("a local playlist");
        }
        RemotePlaylist playlist;
        try
        {
            using var document = await Fetch.GetAsync(url, ct);
            playlist = PlaylistObjectReader.Read(document.Root, Fetch.RequireTld, out var error) ?? throw new InvalidActivityException("invalid Playlist: " + error);
        }
        catch (ActivityPubFetchException e) when (e.Status is HttpStatusCode.NotFound or HttpStatusCode.Gone)
        {
            await remotePlaylists.DeleteAsync(url, ct);
            throw;
        }
        if (!string.Equals(playlist.Id, url, StringComparison.Ordinal))
        {
            throw new InvalidActivityException($"the Playlist fetched at {url} says it is {playlist.Id}");
        }
        var channel = await Fetch.Actors.GetAsync(playlist.ChannelUrl, refresh: false, ct);
        if (channel.IsLocal || channel.Type != ActorTypes.Group || channel.AccountId is not { } accountId)
        {
            throw new InvalidActivityException($"{playlist.ChannelUrl} is not a remote channel");
        }

        var elements = new List<(long Position, RemotePlaylistElement Element)>();
        foreach (var elementUrl in await Fetch.ItemsAsync(playlist.Id, MaxElements, ct))
        {
            if (await ReadElementAsync(elementUrl, playlist.Id, ct) is { } element)
            {
                elements.Add(element);
            }
        }
        // PeerTube keeps the origin's positions; ours stay 1..n, in the origin's order.
        var ordered = elements.OrderBy(e => e.Position).Select(e => e.Element).ToList();
        var saved = await playlists.ReplaceRemoteAsync(new PlaylistRow
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
            RemoteThumbnailUrl = playlist.IconUrl,
        }, ordered, ct) ?? throw new InvalidActivityException($"another playlist already has the uuid {playlist.Uuid}");
        await remotePlaylists.CopyIconAsync(saved, playlist.IconUrl, ct);
        LogRead(Logger, url, ordered.Count);
    }

    private async Task<(long, RemotePlaylistElement)?> ReadElementAsync(string url, string playlistUrl, CancellationToken ct)
    {
        try
        {
            if (!HttpSignatureVerifier.SameHost(url, playlistUrl))
            {
                throw new InvalidActivityException("an element on another host");
            }
            RemotePlaylistElementObject element;
            using (var document = await Fetch.GetAsync(url, ct))
            {
                element = PlaylistObjectReader.ReadElement(document.Root, Fetch.RequireTld, out var error)
                    ?? throw new InvalidActivityException("invalid PlaylistElement: " + error);
            }
            if (!string.Equals(element.Id, url, StringComparison.Ordinal))
            {
                throw new InvalidActivityException($"the element fetched at {url} says it is {element.Id}");
            }
            var videoId = (await videos.FindByUrlAsync(element.VideoUrl, ct))?.Video.Id;
            if (videoId is null && !Fetch.Actors.IsLocalUrl(element.VideoUrl))
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
            LogElementSkipped(Logger, url, e.Message);
            return null;
        }
    }


    [LoggerMessage(EventId = 4801, Level = LogLevel.Information, Message = "Remote playlist {Url} read with {Count} elements")]
    private static partial void LogRead(ILogger logger, string url, int count);

    [LoggerMessage(EventId = 4803, Level = LogLevel.Debug, Message = "Remote playlist element {Url} skipped: {Reason}")]
    private static partial void LogElementSkipped(ILogger logger, string url, string reason);
}
