using System.Text.Json;
using Microsoft.Extensions.Logging;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Federation.ActivityStreams;
using VideoPlatform.Federation.Actors;
using VideoPlatform.Federation.Comments;
using VideoPlatform.Federation.Follows;
using VideoPlatform.Federation.Playlists;
using VideoPlatform.Federation.Signatures;
using VideoPlatform.Federation.Videos;

namespace VideoPlatform.Federation.Inbox;

/// <summary>What each activity type does; the signer is already verified to be the activity's actor.</summary>
public sealed partial class InboxProcessor(
    RemoteActors remoteActors,
    RemoteVideos remoteVideos,
    FollowService follows,
    FollowRepository followRows,
    VideoRepository videos,
    CommentFederation comments,
    PlaylistRepository playlists,
    RemotePlaylists remotePlaylists,
    JobQueue queue,
    ILogger<InboxProcessor> logger)
{
    public async Task ProcessAsync(JsonElement activity, string actorUrl, ActorRow? inboxOwner, CancellationToken ct)
    {
        var type = activity.Types().FirstOrDefault(ActivityTypes.All.Contains);
        var signer = await remoteActors.GetAsync(actorUrl, refresh: false, ct);
        switch (type)
        {
            case ActivityTypes.Follow:
                await FollowAsync(activity, signer, ct);
                break;
            case ActivityTypes.Accept or ActivityTypes.Reject:
                await AnswerAsync(activity, signer, inboxOwner, type == ActivityTypes.Accept, ct);
                break;
            case ActivityTypes.Undo:
                await UndoAsync(activity, signer, ct);
                break;
            case ActivityTypes.Create or ActivityTypes.Update:
                await CreateOrUpdateAsync(activity, signer, ct);
                break;
            case ActivityTypes.Announce:
                await AnnounceAsync(activity, ct);
                break;
            case ActivityTypes.Delete:
                await DeleteAsync(activity, signer, ct);
                break;
            case ActivityTypes.Like or ActivityTypes.Dislike:
                await RateAsync(activity, signer, type == ActivityTypes.Like ? VideoCounter.Likes : VideoCounter.Dislikes, undone: null, ct);
                break;
            case ActivityTypes.View:
                await ViewAsync(activity, signer, ct);
                break;
            case ActivityTypes.ApproveReply or ActivityTypes.RejectReply:
                await comments.ReceiveReplyApprovalAsync(activity, signer, type == ActivityTypes.ApproveReply, ct);
                break;
            default:
                LogIgnored(logger, string.Join(',', activity.Types()), actorUrl);
                break;
        }
    }

    private async Task FollowAsync(JsonElement activity, ActorRow signer, CancellationToken ct)
    {
        var targetUrl = activity.Id("object") ?? throw new InvalidActivityException("Follow without object");
        var target = await follows.FindLocalByUrlAsync(targetUrl, ct) ?? throw new InvalidActivityException($"{targetUrl} is not a local actor");
        await follows.ReceiveFollowAsync(signer, target, activity.String("id") ?? throw new InvalidActivityException("Follow without id"), ct);
    }

    /// <summary>PeerTube matches the answer by (inbox owner, signer); on the shared inbox we read the embedded Follow's actor.</summary>
    private async Task AnswerAsync(JsonElement activity, ActorRow signer, ActorRow? inboxOwner, bool accepted, CancellationToken ct)
    {
        var followerUrl = inboxOwner?.Url
            ?? (activity.Property("object") is { ValueKind: JsonValueKind.Object } follow ? follow.Id("actor") : null)
            ?? throw new InvalidActivityException("cannot tell whose follow this answers");
        var follower = await follows.FindLocalByUrlAsync(followerUrl, ct) ?? throw new InvalidActivityException($"{followerUrl} is not a local actor");
        if (accepted)
        {
            await follows.OnAcceptedAsync(follower, signer, ct);
        }
        else if (await followRows.FindAsync(follower.Id, signer.Id, ct) is { } row)
        {
            await followRows.SetStateAsync(row.Id, FollowStates.Rejected, ct);
        }
    }

    private async Task UndoAsync(JsonElement activity, ActorRow signer, CancellationToken ct)
    {
        if (activity.Property("object") is not { ValueKind: JsonValueKind.Object } undone)
        {
            throw new InvalidActivityException("Undo must embed the undone activity");
        }
        if (undone.Id("actor") is { } undoneActor && !string.Equals(undoneActor, signer.Url, StringComparison.Ordinal))
        {
            throw new InvalidActivityException("an actor can only undo its own activities");
        }
        if (undone.IsType(ActivityTypes.Follow))
        {
            var target = undone.Id("object") is { } t ? await follows.FindLocalByUrlAsync(t, ct) : null;
            if (target is not null)
            {
                await followRows.DeleteAsync(signer.Id, target.Id, ct);
            }
        }
        else if (undone.IsType(ActivityTypes.Like) || undone.IsType(ActivityTypes.Dislike))
        {
            await RateAsync(undone, signer, rate: null, undone.IsType(ActivityTypes.Like) ? VideoCounter.Likes : VideoCounter.Dislikes, ct);
        }
    }

    private async Task CreateOrUpdateAsync(JsonElement activity, ActorRow signer, CancellationToken ct)
    {
        var objectElement = activity.Property("object") ?? throw new InvalidActivityException("no object");
        var objectUrl = objectElement.Iri() ?? throw new InvalidActivityException("object without id");
        if (objectElement.ValueKind == JsonValueKind.Object && objectElement.IsType("Note"))
        {
            // A comment (a reply from a PeerTube or Mastodon account): stored under the lesson it answers, if it is ours.
            await comments.ReceiveAsync(objectElement, signer, ct);
            return;
        }
        if (objectElement.ValueKind == JsonValueKind.Object && objectElement.IsType("Playlist"))
        {
            // Read from its origin by a job (its elements are crawled and fetched one by one), off the inbox request.
            if (!HttpSignatureVerifier.SameHost(objectUrl, signer.Url) || remoteActors.IsLocalUrl(objectUrl))
            {
                throw new InvalidActivityException($"{signer.Url} cannot create or update {objectUrl}");
            }
            await RemotePlaylistJob.EnqueueAsync(queue, objectUrl, ct);
            return;
        }
        if (objectElement.ValueKind == JsonValueKind.Object && !objectElement.IsType("Video"))
        {
            // Caches of other servers and other objects: not part of the academies' catalogue.
            LogIgnored(logger, string.Join(',', objectElement.Types()), signer.Url);
            return;
        }
        if (!HttpSignatureVerifier.SameHost(objectUrl, signer.Url))
        {
            throw new InvalidActivityException($"{signer.Url} cannot create or update {objectUrl}");
        }
        // Never trust the embedded copy: fetch it from its origin (PeerTube does the same).
        await remoteVideos.FetchAndStoreAsync(objectUrl, ct);
    }

    private async Task AnnounceAsync(JsonElement activity, CancellationToken ct)
    {
        var objectUrl = activity.Id("object") ?? throw new InvalidActivityException("Announce without object");
        if (remoteActors.IsLocalUrl(objectUrl) || await videos.FindByUrlAsync(objectUrl, ct) is not null)
        {
            return;
        }
        await remoteVideos.FetchAndStoreAsync(objectUrl, ct);
    }

    private async Task DeleteAsync(JsonElement activity, ActorRow signer, CancellationToken ct)
    {
        var objectUrl = activity.Id("object") ?? throw new InvalidActivityException("Delete without object");
        if (string.Equals(objectUrl, signer.Url, StringComparison.Ordinal))
        {
            // An actor deleting itself: its follows go with it (videos of a deleted channel cascade in the database).
            foreach (var asFollower in new[] { true, false })
            {
                var (_, list) = await followRows.ListAsync(signer.Id, asFollower, null, 0, 10_000, ct);
                foreach (var f in list)
                {
                    await followRows.DeleteAsync(f.Follower.Id, f.Following.Id, ct);
                }
            }
            return;
        }
        if (await comments.ReceiveDeleteAsync(objectUrl, signer, ct))
        {
            return;
        }
        if (await playlists.FindByUrlAsync(objectUrl, ct) is { } playlist)
        {
            if (playlist.Playlist.IsLocal || !HttpSignatureVerifier.SameHost(playlist.Playlist.Url, signer.Url))
            {
                throw new InvalidActivityException($"{signer.Url} cannot delete {objectUrl}");
            }
            await remotePlaylists.DeleteAsync(objectUrl, ct);
            return;
        }
        await remoteVideos.DeleteAsync(objectUrl, signer.Url, ct);
    }

    /// <summary>
    /// PeerTube counts rates only from actors backed by an account (a Person), one per actor and video; a server or
    /// channel actor's Like is ignored, as are rates of videos that are not ours (their origin counts them).
    /// </summary>
    private async Task RateAsync(JsonElement activity, ActorRow signer, VideoCounter? rate, VideoCounter? undone, CancellationToken ct)
    {
        if (activity.Id("object") is not { } videoUrl)
        {
            throw new InvalidActivityException($"{string.Join(',', activity.Types())} without object");
        }
        if (!string.Equals(signer.Type, ActorTypes.Person, StringComparison.Ordinal))
        {
            LogIgnored(logger, string.Join(',', activity.Types()), signer.Url);
            return;
        }
        await videos.SetRemoteRateAsync(videoUrl, signer.Id, rate, undone, ct);
    }

    /// <summary>
    /// Views are counted only from servers we follow or that follow us: anyone can serve an actor document, and a stranger's
    /// View is ignored (answered 202 like every accepted inbox POST, as PeerTube answers before processing). The replay
    /// check already counts each View id once.
    /// </summary>
    private async Task ViewAsync(JsonElement activity, ActorRow signer, CancellationToken ct)
    {
        if (activity.Id("object") is not { } videoUrl)
        {
            throw new InvalidActivityException("View without object");
        }
        if (signer.ServerId is not { } serverId || !await followRows.HasAcceptedFollowWithServerAsync(serverId, ct))
        {
            LogIgnoredView(logger, signer.Url);
            return;
        }
        await videos.AddRemoteViewAsync(videoUrl, ct);
    }

    [LoggerMessage(EventId = 4604, Level = LogLevel.Information, Message = "Inbox ignored a View from {Actor}: no follow with its server")]
    private static partial void LogIgnoredView(ILogger logger, string actor);

    [LoggerMessage(EventId = 4603, Level = LogLevel.Debug, Message = "Inbox ignored a {Type} from {Actor}")]
    private static partial void LogIgnored(ILogger logger, string type, string actor);
}
