using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Jobs;
using VideoPlatform.Core.Storage;
using VideoPlatform.Core.Videos;
using VideoPlatform.Transcoder.Live;

namespace VideoPlatform.Api.Live;

/// <summary>A created live's ids, or the refusal and its (English, API) message.</summary>
public sealed record LiveCreationResult(long Id, string? Uuid, string? ShortUuid, LiveCreationRefusal? Refusal, string? Message)
{
    public static LiveCreationResult Refused(LiveCreationRefusal refusal, string message) => new(0, null, null, refusal, message);
}

/// <summary>
/// The one path that creates a live, for <c>POST /api/v1/videos/live</c> and the « Diffuser en direct » page: the fields' rules,
/// Live:Enabled, Live:AllowReplay, Live:MaxInstanceLives and Live:MaxUserLives (as saved by the administrator).
/// </summary>
public sealed class LiveCreation(LiveSettings liveSettings, IOptions<InstanceOptions> instance, Database database, VideoRepository videos,
    ActorRepository actors, LiveRepository lives, JobQueue queue, MediaStore store, TimeProvider clock)
{
    public Task<LiveOptions> CurrentAsync(CancellationToken ct) => liveSettings.CurrentAsync(ct);

    public async Task<LiveCreationResult> CreateAsync(LiveRequest body, long userId, CancellationToken ct)
    {
        var o = await liveSettings.CurrentAsync(ct);
        if (!o.Enabled)
        {
            return LiveCreationResult.Refused(LiveCreationRefusal.Disabled, "Live is not enabled on this instance.");
        }
        var metadata = new UpdateVideoRequest
        {
            Name = body.Name, Description = body.Description, Support = body.Support, Privacy = body.Privacy, Category = body.Category,
            Licence = body.Licence, Language = body.Language, Tags = body.Tags, Nsfw = body.Nsfw, CommentsEnabled = body.CommentsEnabled,
            CommentsPolicy = body.CommentsPolicy,
            DownloadEnabled = body.DownloadEnabled, ChannelId = body.ChannelId,
        };
        if (NewVideos.Validate(metadata) is { } invalid)
        {
            return LiveCreationResult.Refused(LiveCreationRefusal.Invalid, invalid);
        }
        if (LiveEndpoints.ValidateLiveFields(body, o) is { } invalidLive)
        {
            return LiveCreationResult.Refused(body.SaveReplay == true && !o.AllowReplay ? LiveCreationRefusal.ReplayNotAllowed : LiveCreationRefusal.Invalid, invalidLive);
        }
        var account = await actors.FindAccountOfUserAsync(userId, ct);
        var channel = await actors.FindByIdAsync(body.ChannelId!.Value, ct);
        if (account is null || channel is null || channel.Type != ActorTypes.Group || channel.AccountId != account.Id)
        {
            return LiveCreationResult.Refused(LiveCreationRefusal.UnknownChannel, "Unknown video channel for this account.");
        }
        if (o.MaxInstanceLives >= 0 && await lives.CountNotEndedAsync(null, ct) >= o.MaxInstanceLives)
        {
            return LiveCreationResult.Refused(LiveCreationRefusal.InstanceLimit, "Cannot create this live because the max instance lives limit is reached.");
        }
        if (o.MaxUserLives >= 0 && await lives.CountNotEndedAsync(userId, ct) >= o.MaxUserLives)
        {
            return LiveCreationResult.Refused(LiveCreationRefusal.UserLimit, "Cannot create this live because the max user lives limit is reached.");
        }

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        // Images from the start, replaced by the first segment's when on air: followers refuse a Video without an icon.
        var (thumbnail, preview) = await LiveImages.WriteDefaultsAsync(store, ct);
        var row = NewVideos.Row(metadata, VideoCommands.ResolveAudience(null, metadata).Audience!, instance.Value.PublicUrl, now) with
        {
            State = VideoState.WaitingForLive,
            WaitTranscoding = false,
            IsLive = true,
            ThumbnailName = thumbnail,
            PreviewName = preview,
        };
        var id = await database.WriteAsync(async (c, t) =>
        {
            var videoId = await videos.CreateAsync(c, t, row);
            await LiveRepository.CreateAsync(c, t, new LiveRow
            {
                VideoId = videoId,
                StreamKey = NewStreamKey(),
                PermanentLive = body.PermanentLive ?? false,
                SaveReplay = body.SaveReplay ?? false,
                ReplayPrivacy = body.SaveReplay == true ? (VideoPrivacy)(body.ReplaySettings?.Privacy ?? (int)row.Privacy) : null,
                LatencyMode = body.LatencyMode ?? 1,
                CreatedAt = now,
                UpdatedAt = now,
            });
            // The outbox: followers are told of the live (waiting, state 4) as of any publication.
            await VideoPublishedJob.EnqueueAsync(queue, c, t, videoId);
            return videoId;
        }, ct);
        queue.Signal();
        return new LiveCreationResult(id, row.Uuid, row.ShortUuid, null, null);
    }

    /// <summary>A stream key as PeerTube makes them: a random UUID, unguessable.</summary>
    private static string NewStreamKey() => new Guid(RandomNumberGenerator.GetBytes(16)).ToString("D");
}
