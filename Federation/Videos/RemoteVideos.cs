using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Core.Storage;
using VideoPlatform.Core.Videos;
using VideoPlatform.Federation.ActivityStreams;
using VideoPlatform.Federation.Actors;
using VideoPlatform.Federation.Safety;
using VideoPlatform.Federation.Signatures;

namespace VideoPlatform.Federation.Videos;

/// <summary>
/// Remote videos: fetched from their origin (an embedded object is never trusted for creation), checked with PeerTube's
/// rules, and stored with their origin URLs (playlist, files, torrents, magnets) so they play from the origin. Their images
/// are copied into our media store by a job (<see cref="RemoteThumbnails"/>), off the inbox request.
/// </summary>
public sealed partial class RemoteVideos(
    ActivityPubClient client,
    ServerActor serverActor,
    RemoteActors remoteActors,
    VideoRepository videos,
    VideoMediaRepository media,
    CaptionRepository captions,
    Database database,
    RemoteThumbnails thumbnails,
    JobQueue queue,
    MediaStore store,
    VideoCommands commands,
    IOptions<FederationOptions> options,
    TimeProvider clock,
    ILogger<RemoteVideos> logger)
{
    /// <summary>Fetches the video at <paramref name="url"/> from its origin and stores it; returns its id.</summary>
    public async Task<long> FetchAndStoreAsync(string url, CancellationToken ct)
    {
        if (remoteActors.IsLocalUrl(url))
        {
            throw new InvalidActivityException($"{url} is a local video");
        }
        using var document = await client.GetAsync(new Uri(url), await serverActor.KeyAsync(ct), ct);
        var id = document.Root.String("id");
        if (id is null || !string.Equals(id, url, StringComparison.Ordinal) && !HttpSignatureVerifier.SameHost(id, url))
        {
            throw new InvalidActivityException($"object fetched at {url} has id {id}");
        }
        return await StoreAsync(document.Root, ct);
    }

    public async Task<long> StoreAsync(JsonElement json, CancellationToken ct)
    {
        var errors = new VideoObjectValidator(requireTld: !options.Value.AllowPrivateNetworks).Validate(json);
        if (errors.Count > 0)
        {
            throw new InvalidActivityException("invalid Video: " + string.Join("; ", errors));
        }
        var video = VideoObjectReader.Read(json, out var error) ?? throw new InvalidActivityException("invalid Video: " + error);
        if (video.ChannelId is null)
        {
            throw new InvalidActivityException("the Video names no channel");
        }
        var channel = await remoteActors.GetAsync(video.ChannelId, refresh: false, ct);
        if (channel.IsLocal || channel.Type != ActorTypes.Group || !HttpSignatureVerifier.SameHost(channel.Url, video.Url))
        {
            throw new InvalidActivityException($"channel {video.ChannelId} is not a remote Group on the video's host");
        }
        var existing = await videos.FindByUrlAsync(video.Url, ct);
        if (existing is not null && existing.Video.IsLocal)
        {
            throw new InvalidActivityException($"{video.Url} is a local video");
        }

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var uuid = video.Uuid.ToString("D");
        var row = new VideoRow
        {
            Id = existing?.Video.Id ?? 0,
            Uuid = uuid,
            ShortUuid = ShortUuid.FromUuid(video.Uuid),
            Name = video.Name,
            Description = video.Description,
            ChannelId = channel.Id,
            Privacy = video.Privacy == RemotePrivacy.Public ? VideoPrivacy.Public : VideoPrivacy.Unlisted,
            State = Enum.IsDefined((VideoState)video.State) ? (VideoState)video.State : VideoState.Published,
            Duration = video.DurationSeconds,
            Category = int.TryParse(video.Category?.Identifier, NumberStyles.None, CultureInfo.InvariantCulture, out var category) ? category : null,
            Licence = int.TryParse(video.Licence?.Identifier, NumberStyles.None, CultureInfo.InvariantCulture, out var licence) ? licence : null,
            Language = video.Language?.Identifier,
            Tags = JsonSerializer.Serialize(video.Tags),
            Nsfw = video.Nsfw,
            CommentsPolicy = RemoteCommentsPolicy(json),
            DownloadEnabled = json.Boolean("downloadEnabled") ?? true,
            WaitTranscoding = json.Boolean("waitTranscoding") ?? false,
            Views = video.Views,
            IsLocal = false,
            IsLive = json.Boolean("isLiveBroadcast") ?? false,
            Url = video.Url,
            RemoteThumbnailUrl = video.ThumbnailUrl,
            SearchText = SearchText.ForVideo(video.Name, video.Description, video.Tags),
            PublishedAt = video.Published.ToUnixTimeMilliseconds(),
            OriginallyPublishedAt = json.Date("originallyPublishedAt")?.ToUnixTimeMilliseconds(),
            CreatedAt = now,
            UpdatedAt = video.Updated.ToUnixTimeMilliseconds(),
        };

        // Read and written in one transaction with the images' state, as the thumbnail job writes it concurrently.
        var fetchImages = false;
        var fetchCaptions = false;
        var fetchComments = false;
        VideoImages? stale = null;
        var videoId = await database.WriteAsync(async (c, t) =>
        {
            long id;
            if (existing is null)
            {
                if (await videos.UuidTakenAsync(c, t, uuid))
                {
                    throw new InvalidActivityException($"another video already has the uuid {uuid}");
                }
                id = await videos.CreateAsync(c, t, row);
                (fetchImages, stale) = (video.ThumbnailUrl is not null, null);
            }
            else
            {
                id = existing.Video.Id;
                // New images at the origin: forget our copies (the API shows the origin's until the job caches the new ones).
                var images = await videos.ImagesAsync(c, t, id);
                var imagesChanged = !string.Equals(images.RemoteThumbnailUrl, video.ThumbnailUrl, StringComparison.Ordinal);
                stale = imagesChanged ? images : null;
                fetchImages = video.ThumbnailUrl is not null && (imagesChanged || images is { ThumbnailName: null, PreviewName: null });
                await videos.UpdateRemoteAsync(c, t, row, imagesChanged);
            }
            // Captions not copied yet and the chapters object: fetched by a job, off the inbox request; no hasParts, no chapters.
            var awaitingCopy = await captions.ReplaceRemoteAsync(c, t, id, video.Captions);
            if (video.ChaptersUrl is null)
            {
                await CaptionRepository.ReplaceChaptersAsync(c, t, id, []);
            }
            fetchCaptions = awaitingCopy > 0 || video.ChaptersUrl is not null;
            if (fetchCaptions)
            {
                await RemoteCaptionsJob.EnqueueAsync(queue, c, t, new RemoteCaptionsJob(id, video.Url, video.ChaptersUrl));
            }
            // Its comments: the collection read by a job (PeerTube fetches a remote video's comments the same way).
            if (json.Id("comments") is { } commentsUrl && HttpSignatureVerifier.SameHost(commentsUrl, video.Url))
            {
                await Comments.RemoteCommentsJob.EnqueueAsync(queue, c, t, new Comments.RemoteCommentsJob(id, video.Url, commentsUrl));
                fetchComments = true;
            }
            var playlist = video.MasterPlaylistUrl is null
                ? null
                : new StreamingPlaylistRow { RemotePlaylistUrl = video.MasterPlaylistUrl, RemoteSegmentsSha256Url = video.SegmentsSha256Url, CreatedAt = now };
            await media.ReplaceRemoteAsync(c, t, id, playlist, video.Files.DistinctBy(f => f.Url).Select(file => new VideoFileRow
            {
                Resolution = file.Resolution,
                Width = file.Width ?? 0,
                Height = file.Resolution,
                Fps = file.Fps ?? 0,
                Size = file.Size ?? 0,
                InfoHash = file.InfoHash,
                RemoteFileUrl = file.Url,
                RemoteTorrentUrl = file.TorrentUrl,
                RemoteMagnetUri = file.MagnetUri,
                HasAudio = file.HasAudio,
                HasVideo = file.HasVideo,
                CreatedAt = now,
            }));
            if (fetchImages)
            {
                await thumbnails.EnqueueAsync(c, t, id, video.ThumbnailUrl!, video.MiniatureUrl, video.PreviewUrl);
            }
            return id;
        }, ct);
        if (fetchImages || fetchCaptions || fetchComments)
        {
            queue.Signal();
        }
        if (stale is not null)
        {
            store.DeleteImages(stale.ThumbnailName, stale.PreviewName);
        }
        LogVideoStored(logger, video.Url, existing is null ? "created" : "updated");
        return videoId;
    }

    /// <summary>Deletes the remote video at <paramref name="url"/> if <paramref name="actorUrl"/>'s server owns it.</summary>
    public async Task<bool> DeleteAsync(string url, string actorUrl, CancellationToken ct)
    {
        var existing = await videos.FindByUrlAsync(url, ct);
        if (existing is null)
        {
            return false;
        }
        if (existing.Video.IsLocal || !HttpSignatureVerifier.SameHost(existing.Channel.Url, actorUrl))
        {
            throw new InvalidActivityException($"{actorUrl} cannot delete {url}");
        }
        // The same listeners as a local deletion: cached images removed, listings evicted.
        await commands.DeleteAsync(existing, ct);
        LogVideoStored(logger, url, "deleted");
        return true;
    }

    /// <summary>PeerTube 6.2+ sends <c>commentsPolicy</c> beside <c>commentsEnabled</c>; older ones (and others) only the latter.</summary>
    private static int RemoteCommentsPolicy(JsonElement json) =>
        json.Integer("commentsPolicy") is { } policy && CommentsPolicies.IsValid((int)policy)
            ? (int)policy
            : CommentsPolicies.Resolve(null, json.Boolean("commentsEnabled"), CommentsPolicies.Enabled);

    [LoggerMessage(EventId = 4301, Level = LogLevel.Information, Message = "Remote video {Url} {What}")]
    private static partial void LogVideoStored(ILogger logger, string url, string what);
}
