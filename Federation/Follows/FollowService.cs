using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Federation.ActivityStreams;
using VideoPlatform.Federation.Actors;
using VideoPlatform.Federation.Delivery;
using VideoPlatform.Federation.Safety;

namespace VideoPlatform.Federation.Follows;

/// <summary>Follow, accept, reject and undo, in PeerTube's instance-follow flow (unicast to actor inboxes).</summary>
public sealed partial class FollowService(
    FollowRepository followRows,
    ServerRepository servers,
    RemoteActors remoteActors,
    ServerActor serverActor,
    ActorRepository actors,
    DeliveryQueue delivery,
    JobQueue queue,
    IOptions<FederationOptions> options,
    IOptions<InstanceOptions> instance,
    ILogger<FollowService> logger)
{
    /// <summary>
    /// The host as we store it (trimmed, lower case) and why it cannot be followed, if it cannot: checked before anything
    /// is stored or sent. Following again is no error for the API (PeerTube re-sends the Follow), so callers decide what
    /// <see cref="FollowRefusal.AlreadyFollowed"/> means.
    /// </summary>
    public async Task<(string Host, FollowRefusal? Refusal)> CheckHostAsync(string? input, CancellationToken ct)
    {
        var host = (input ?? "").Trim().ToLowerInvariant();
        if (host.Length == 0)
        {
            return (host, FollowRefusal.Empty);
        }
        if (!HostNames.IsHostAndPort(host))
        {
            return (host, FollowRefusal.Malformed);
        }
        if (string.Equals(host, instance.Value.Host, StringComparison.OrdinalIgnoreCase))
        {
            return (host, FollowRefusal.Self);
        }
        // Deliveries to a blocked server are dropped: the follow would stay pending for ever.
        if (await servers.FindAsync(host, ct) is { Blocked: true })
        {
            return (host, FollowRefusal.Blocked);
        }
        return (host, await FindServerFollowAsync(host, ct) is null ? null : FollowRefusal.AlreadyFollowed);
    }

    /// <summary>Finds the server actor of <paramref name="host"/> (PeerTube's <c>/accounts/peertube</c>) and follows it from ours.</summary>
    public async Task<ActorRow> FollowHostAsync(string host, CancellationToken ct)
    {
        var (checkedHost, refusal) = await CheckHostAsync(host, ct);
        if (refusal is FollowRefusal.Empty or FollowRefusal.Malformed)
        {
            throw new InvalidActivityException($"'{checkedHost}' is not a host name");
        }
        if (refusal is FollowRefusal.Self)
        {
            throw new InvalidActivityException("an instance cannot follow itself");
        }
        if (refusal is FollowRefusal.Blocked)
        {
            throw new InvalidActivityException($"{checkedHost} is blocked");
        }
        host = checkedHost;
        // Local academies and tests federate over plain http on 127.0.0.1; production is https only.
        string[] schemes = options.Value.AllowPrivateNetworks ? ["http", "https"] : ["https"];
        Exception? last = null;
        foreach (var scheme in schemes)
        {
            try
            {
                var target = await remoteActors.GetAsync($"{scheme}://{host}/accounts/{LocalUrls.ServerActorName}", refresh: true, ct);
                await FollowAsync(await serverActor.GetAsync(ct), target, ct);
                return target;
            }
            catch (Exception e) when (e is ActivityPubFetchException or InvalidActivityException)
            {
                last = e;
            }
        }
        throw new InvalidActivityException($"cannot reach the server actor of {host}: {last?.Message}");
    }

    public async Task FollowAsync(ActorRow follower, ActorRow target, CancellationToken ct)
    {
        var activityId = follower.Url + "/follows/" + target.Id.ToString(CultureInfo.InvariantCulture);
        var existing = await followRows.FindAsync(follower.Id, target.Id, ct);
        if (existing is { State: FollowStates.Accepted })
        {
            return;
        }
        await followRows.UpsertAsync(follower.Id, target.Id, FollowStates.Pending, activityId, ct);
        await delivery.EnqueueAsync(Activity.Follow(activityId, follower.Url, target.Url), follower.Id, [target.InboxUrl], ct);
    }

    /// <summary>Undoes our server actor's follow of <paramref name="host"/>'s actors; false when there was none.</summary>
    public async Task<bool> UnfollowHostAsync(string host, CancellationToken ct)
    {
        var server = await serverActor.GetAsync(ct);
        var matching = (await ServerFollowsAsync(server, asFollower: true, ct))
            .Where(f => string.Equals(f.Following.Host, host, StringComparison.OrdinalIgnoreCase) || IsHandle(f.Following, host)).ToArray();
        foreach (var f in matching)
        {
            var follow = Activity.Follow(f.Follow.ActivityUrl ?? server.Url + "/follows/" + f.Following.Id.ToString(CultureInfo.InvariantCulture), server.Url, f.Following.Url);
            await delivery.EnqueueAsync(Activity.Undo(follow.Id + "/undo/" + Guid.NewGuid().ToString("N"), server.Url, follow), server.Id, [f.Following.InboxUrl], ct);
            await followRows.DeleteAsync(server.Id, f.Following.Id, ct);
        }
        return matching.Length > 0;
    }

    /// <summary>Our server actor's follows (as follower) or followers, newest first, as the admin lists show them.</summary>
    public async Task<(ActorRow Server, long Total, IReadOnlyList<FollowWithActors> Items)> ListServerFollowsAsync(bool asFollower, string? state,
        int start, int count, CancellationToken ct)
    {
        var server = await serverActor.GetAsync(ct);
        var (total, items) = await followRows.ListAsync(server.Id, asFollower, state, start, count, ct);
        return (server, total, items);
    }

    /// <summary>Accepts or rejects the follow of our server actor by <paramref name="handle"/> (<c>name@host</c>); false when it does not follow us.</summary>
    public async Task<bool> AnswerFollowerAsync(string handle, bool accept, CancellationToken ct)
    {
        var follow = (await ServerFollowsAsync(await serverActor.GetAsync(ct), asFollower: false, ct)).FirstOrDefault(f => IsHandle(f.Follower, handle));
        if (follow is null)
        {
            return false;
        }
        await AnswerAsync(follow, accept, ct);
        return true;
    }

    private async Task<FollowWithActors?> FindServerFollowAsync(string host, CancellationToken ct) =>
        (await ServerFollowsAsync(await serverActor.GetAsync(ct), asFollower: true, ct))
            .FirstOrDefault(f => string.Equals(f.Following.Host, host, StringComparison.OrdinalIgnoreCase));

    /// <summary>An instance has tens of peers, not thousands: one bounded read, filtered here.</summary>
    private async Task<IReadOnlyList<FollowWithActors>> ServerFollowsAsync(ActorRow server, bool asFollower, CancellationToken ct) =>
        (await followRows.ListAsync(server.Id, asFollower, state: null, 0, 10_000, ct)).Items;

    private static bool IsHandle(ActorRow actor, string handle) =>
        string.Equals($"{actor.Name}@{actor.Host}", handle, StringComparison.OrdinalIgnoreCase);

    /// <summary>A remote actor asked to follow one of ours: accepted at once unless an admin must approve follows of the server actor.</summary>
    public async Task ReceiveFollowAsync(ActorRow follower, ActorRow target, string followId, CancellationToken ct)
    {
        var existing = await followRows.FindAsync(follower.Id, target.Id, ct);
        var manual = options.Value.ManualApproval && target.Type == ActorTypes.Application;
        var state = existing?.State == FollowStates.Accepted || !manual ? FollowStates.Accepted : FollowStates.Pending;
        var id = await followRows.UpsertAsync(follower.Id, target.Id, state, followId, ct);
        LogFollowReceived(logger, follower.Url, target.Url, state);
        if (state == FollowStates.Accepted)
        {
            await SendAnswerAsync(id, follower, target, followId, ActivityTypes.Accept, ct);
        }
    }

    public async Task AnswerAsync(FollowWithActors follow, bool accept, CancellationToken ct)
    {
        await followRows.SetStateAsync(follow.Follow.Id, accept ? FollowStates.Accepted : FollowStates.Rejected, ct);
        await SendAnswerAsync(follow.Follow.Id, follow.Follower, follow.Following,
            follow.Follow.ActivityUrl ?? follow.Follower.Url + "/follows/" + follow.Following.Id.ToString(CultureInfo.InvariantCulture),
            accept ? ActivityTypes.Accept : ActivityTypes.Reject, ct);
    }

    /// <summary>PeerTube wants the Accept on the follower's own inbox, not the shared one.</summary>
    private Task SendAnswerAsync(long followRowId, ActorRow follower, ActorRow target, string followId, string type, CancellationToken ct)
    {
        var follow = Activity.Follow(followId, follower.Url, target.Url);
        var id = $"{instance.Value.PublicUrl}/{(type == ActivityTypes.Accept ? "accepts" : "rejects")}/follows/{followRowId.ToString(CultureInfo.InvariantCulture)}";
        var answer = type == ActivityTypes.Accept ? Activity.Accept(id, target.Url, follow) : Activity.Reject(id, target.Url, follow);
        return delivery.EnqueueAsync(answer, target.Id, [follower.InboxUrl], ct);
    }

    /// <summary>Our follow of <paramref name="followed"/> was accepted: mark it, and backfill their catalogue from their outbox.</summary>
    public async Task OnAcceptedAsync(ActorRow follower, ActorRow followed, CancellationToken ct)
    {
        var follow = await followRows.FindAsync(follower.Id, followed.Id, ct);
        if (follow is null)
        {
            throw new InvalidActivityException($"{followed.Url} accepted a follow we did not ask for");
        }
        await followRows.SetStateAsync(follow.Id, FollowStates.Accepted, ct);
        if (followed.OutboxUrl is not null)
        {
            await queue.EnqueueAsync(new OutboxCrawlJob(followed.OutboxUrl),
                new EnqueueOptions { MaxAttempts = 5, OrderingKey = "crawl:" + followed.OutboxUrl }, ct);
        }
    }

    public async Task<ActorRow?> FindLocalByUrlAsync(string url, CancellationToken ct)
    {
        var actor = await actors.FindByUrlAsync(url, ct);
        return actor is { IsLocal: true } ? actor : null;
    }

    public Task<ActorRow?> FindActorAsync(long id, CancellationToken ct) => actors.FindByIdAsync(id, ct);

    [LoggerMessage(EventId = 4501, Level = LogLevel.Information, Message = "Follow of {Target} by {Follower}: {State}")]
    private static partial void LogFollowReceived(ILogger logger, string follower, string target, string state);
}
