using System.Text.Json;
using Microsoft.Extensions.Options;
using VideoPlatform.Api.Videos;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Api.Videos;

/// <summary>Turns rows into PeerTube's REST shapes.</summary>
public sealed class ApiFormatter(IOptions<InstanceOptions> instance, VideoPlatform.Core.Storage.VideoMediaFiles media)
{
    private string BaseUrl => instance.Value.PublicUrl;
    private string LocalHost => instance.Value.Host;

    public static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public string HostOf(ActorRow actor) => actor.Host ?? LocalHost;

    public AccountSummary AccountSummary(ActorRow a) => new(a.Id, a.Name, a.DisplayName, a.Url, HostOf(a), []);

    public ChannelSummary ChannelSummary(ActorRow c) => new(c.Id, c.Name, c.DisplayName, c.Url, HostOf(c), []);

    public AccountDto Account(ActorRow a, long followers = 0, long following = 0) =>
        new(a.Id, a.Name, a.DisplayName, a.Description, a.Url, HostOf(a), a.IsLocal, Time(a.CreatedAt), Time(a.UpdatedAt), followers, following, [], a.UserId);

    public ChannelDto Channel(ActorRow c, ActorRow owner, long followers = 0) =>
        new(c.Id, c.Name, c.DisplayName, c.Description, c.Support, c.Url, HostOf(c), c.IsLocal, Time(c.CreatedAt), Time(c.UpdatedAt),
            followers, 0, [], [], AccountSummary(owner));

    public UserDto User(UserRow u, ActorRow account, IReadOnlyList<ActorRow> channels, long? quotaUsed = null, long? quotaUsedDaily = null) =>
        new(u.Id, u.Username, u.Email, new IdLabel<int>((int)u.Role, VideoConstants.Roles[(int)u.Role]), u.VideoQuota, u.VideoQuotaDaily,
            u.Blocked, Time(u.CreatedAt), Account(account), channels.Select(c => Channel(c, account)).ToList(), quotaUsed, quotaUsedDaily);

    public static IReadOnlyList<string> Tags(VideoRow v) => v.TagList();

    public VideoDto Video(VideoWithOwners item)
    {
        var v = item.Video;
        return new VideoDto
        {
            Id = v.Id,
            Uuid = v.Uuid,
            ShortUuid = v.ShortUuid,
            Url = v.Url,
            Name = v.Name,
            Category = new IdLabel<int?>(v.Category, v.Category is { } c && VideoConstants.Categories.TryGetValue(c, out var cl) ? cl : "Unknown"),
            Licence = new IdLabel<int?>(v.Licence, v.Licence is { } l && VideoConstants.Licences.TryGetValue(l, out var ll) ? ll : "Unknown"),
            Language = new IdLabel<string?>(v.Language, v.Language is { } g && VideoConstants.Languages.TryGetValue(g, out var gl) ? gl : "Unknown"),
            Privacy = new IdLabel<int>((int)v.Privacy, VideoConstants.Privacies.GetValueOrDefault((int)v.Privacy, "Unknown")),
            Nsfw = v.Nsfw,
            TruncatedDescription = Truncate(v.Description, 250),
            Description = Truncate(v.Description, 250),
            IsLocal = v.IsLocal,
            Duration = v.Duration,
            Views = v.Views,
            Likes = v.Likes,
            Dislikes = v.Dislikes,
            ThumbnailPath = v.ThumbnailName is null ? null : MediaUrls.Thumbnail(v.ThumbnailName),
            ThumbnailUrl = v.ThumbnailName is null ? v.RemoteThumbnailUrl : BaseUrl + MediaUrls.Thumbnail(v.ThumbnailName),
            PreviewPath = v.PreviewName is null ? null : MediaUrls.Preview(v.PreviewName),
            EmbedPath = MediaUrls.Embed(v.Uuid),
            CreatedAt = Time(v.CreatedAt),
            UpdatedAt = Time(v.UpdatedAt),
            PublishedAt = Time(v.PublishedAt),
            OriginallyPublishedAt = v.OriginallyPublishedAt is { } o ? Time(o) : null,
            IsLive = v.IsLive,
            State = new IdLabel<int>((int)v.State, VideoConstants.States.GetValueOrDefault((int)v.State, "Unknown")),
            WaitTranscoding = v.WaitTranscoding,
            Account = AccountSummary(item.Account),
            Channel = ChannelSummary(item.Channel),
            TranscodingProgress = v.State == VideoState.ToTranscode ? v.TranscodeProgress ?? 0 : null,
            Error = v.ErrorMessage,
        };
    }

    public VideoDto VideoDetails(VideoWithOwners item, StreamingPlaylistRow? playlist, IReadOnlyList<VideoFileRow> files, IReadOnlyList<string> trackerUrls,
        IReadOnlyList<string> swarmIds, Func<VideoFileRow, VideoFileDto> file)
    {
        var v = item.Video;
        var isPrivate = VideoPlatform.Core.Storage.MediaStore.IsPrivateMedia(v.Privacy);
        var playlists = new List<StreamingPlaylistDto>();
        if (playlist is not null && (playlist.MasterName is not null || playlist.RemotePlaylistUrl is not null))
        {
            playlists.Add(new StreamingPlaylistDto(
                playlist.Id,
                1,
                playlist.RemotePlaylistUrl ?? media.HlsUrl(v, playlist.MasterName!, playlist.Storage),
                playlist.RemoteSegmentsSha256Url ?? (playlist.SegmentsSha256Name is null ? null : media.HlsUrl(v, playlist.SegmentsSha256Name, playlist.Storage)),
                [],
                files.Where(f => f.Kind == VideoFileKinds.Hls).Select(file).ToList(),
                swarmIds));
        }
        var largest = files.Where(f => f.HasVideo && f.Height > 0).MaxBy(f => f.Width * f.Height);
        return Video(item) with
        {
            Description = v.Description,
            Support = v.Support,
            DescriptionPath = $"/api/v1/videos/{v.Uuid}/description",
            Tags = Tags(v),
            CommentsEnabled = v.CommentsEnabled,
            CommentsPolicy = new IdLabel<int>(v.CommentsPolicy, CommentsPolicies.Label(v.CommentsPolicy)),
            DownloadEnabled = v.DownloadEnabled,
            AspectRatio = largest is null ? null : MathF.Round((float)largest.Width / largest.Height, 2),
            Account = Account(item.Account),
            Channel = Channel(item.Channel, item.Account),
            TrackerUrls = trackerUrls,
            // PeerTube's files[]: web videos, or the uploaded original until they exist; HLS files stay under their playlist.
            Files = files.Where(f => f.Kind != VideoFileKinds.Hls).Select(file).ToList(),
            StreamingPlaylists = playlists,
        };
    }

    private static string? Truncate(string? text, int max) =>
        text is null || text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 3), "...");
}
