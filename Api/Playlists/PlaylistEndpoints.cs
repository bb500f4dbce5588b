using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using VideoPlatform.Api.Auth;
using VideoPlatform.Api.Hosting;
using VideoPlatform.Api.Videos;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Playlists;

namespace VideoPlatform.Api.Playlists;

/// <summary>
/// PeerTube's playlists API (<c>/api/v1/video-playlists</c>, the account's and channel's lists, <c>videos-exist</c>) with its
/// paths, shapes and status codes; bodies as multipart forms or JSON, as PeerTube takes them. The rules are Core's
/// <see cref="PlaylistCommands"/>.
/// </summary>
public static class PlaylistEndpoints
{
    public static IServiceCollection AddPlaylists(this IServiceCollection services)
    {
        services.AddSingleton<PlaylistRepository>();
        services.AddSingleton<PlaylistCommands>();
        services.AddSingleton<PlaylistFormatter>();
        return services;
    }

    public static IEndpointRouteBuilder MapPlaylistEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/video-playlists").WithTags("Video Playlists");
        group.MapGet("/privacies", () => TypedResults.Ok(PlaylistRules.PrivacyLabels.ToDictionary(p => ((int)p.Key).ToString(CultureInfo.InvariantCulture), p => p.Value)));
        group.MapGet("/", async Task<Results<Ok<ListResult<PlaylistDto>>, ProblemHttpResult>> (int? start, int? count, string? sort, int? playlistType,
            PlaylistRepository playlists, PlaylistFormatter format, CancellationToken ct) =>
            await ListAsync(start, count, sort, playlistType, playlists, format, q => q, ct));
        group.MapPost("/", CreateAsync).RequireAuthorization().DisableAntiforgery();
        group.MapGet("/{id}", async Task<Results<Ok<PlaylistDto>, ProblemHttpResult>> (string id, ClaimsPrincipal user, PlaylistRepository playlists,
            ActorRepository actors, PlaylistFormatter format, IPlaylistReadListener reads, CancellationToken ct) =>
        {
            var (playlist, problem) = await ViewableAsync(id, user, playlists, actors, ct);
            if (problem is not null)
            {
                return problem;
            }
            // A stale remote playlist is answered as it is; its refresh is queued for the next readers (PeerTube's getVideoPlaylist).
            await reads.OnReadAsync(playlist!.Playlist, ct);
            return TypedResults.Ok(format.Playlist(playlist));
        }).AllowSameOriginSession();
        group.MapPut("/{id}", UpdateAsync).RequireAuthorization().DisableAntiforgery();
        group.MapDelete("/{id}", async Task<Results<NoContent, ProblemHttpResult>> (string id, ClaimsPrincipal user, PlaylistRepository playlists,
            ActorRepository actors, PlaylistCommands commands, CancellationToken ct) =>
        {
            var playlist = await playlists.FindAsync(id, ct);
            if (playlist is null)
            {
                return Problems.NotFound("Video playlist not found.");
            }
            if (!PlaylistCommands.IsOwner(playlist, await AccountIdAsync(user, actors, ct)) && !user.CanSeeAllVideos())
            {
                return Problems.Forbidden("Cannot delete a video playlist of another user.");
            }
            await commands.DeleteAsync(playlist, ct);
            return TypedResults.NoContent();
        }).RequireAuthorization();

        group.MapGet("/{id}/videos", async Task<Results<Ok<ListResult<PlaylistElementDto>>, ProblemHttpResult>> (string id, int? start, int? count,
            ClaimsPrincipal user, PlaylistRepository playlists, ActorRepository actors, PlaylistFormatter format, CancellationToken ct) =>
        {
            if (Paging.Validate(start, count) is { } error)
            {
                return Problems.BadRequest(error);
            }
            var (playlist, problem) = await ViewableAsync(id, user, playlists, actors, ct);
            if (problem is not null)
            {
                return problem;
            }
            var (total, elements) = await playlists.ListElementsAsync(playlist!.Playlist.Id, start ?? 0, count ?? 15, ct);
            return TypedResults.Ok(new ListResult<PlaylistElementDto>(total, await format.ElementsAsync(elements, user, ct)));
        }).AllowSameOriginSession();
        group.MapPost("/{id}/videos", AddVideoAsync).RequireAuthorization().DisableAntiforgery();
        group.MapPost("/{id}/videos/reorder", ReorderAsync).RequireAuthorization().DisableAntiforgery();
        group.MapPut("/{id}/videos/{elementId:long}", async Task<Results<NoContent, ProblemHttpResult>> (string id, long elementId, HttpRequest request,
            ClaimsPrincipal user, PlaylistRepository playlists, ActorRepository actors, PlaylistCommands commands, CancellationToken ct) =>
        {
            var (change, problem) = await OwnedChangeAsync(id, request, user, playlists, actors, f => IntError(f, "startTimestamp", "stopTimestamp"), ct);
            return problem ?? ToResult(await commands.UpdateElementAsync(change!.Playlist, elementId, Int(change.Fields, "startTimestamp"),
                Int(change.Fields, "stopTimestamp"), ct));
        }).RequireAuthorization().DisableAntiforgery();
        group.MapDelete("/{id}/videos/{elementId:long}", async Task<Results<NoContent, ProblemHttpResult>> (string id, long elementId, ClaimsPrincipal user,
            PlaylistRepository playlists, ActorRepository actors, PlaylistCommands commands, CancellationToken ct) =>
        {
            var (playlist, problem) = await OwnedAsync(id, user, playlists, actors, ct);
            return problem ?? ToResult(await commands.RemoveElementAsync(playlist!, elementId, ct));
        }).RequireAuthorization();

        app.MapGet("/api/v1/accounts/{name}/video-playlists", async Task<Results<Ok<ListResult<PlaylistDto>>, ProblemHttpResult>> (string name, int? start,
            int? count, string? sort, int? playlistType, ClaimsPrincipal user, ActorRepository actors, PlaylistRepository playlists, PlaylistFormatter format,
            IOptions<InstanceOptions> instance, CancellationToken ct) =>
        {
            var account = await actors.FindByHandleAsync(ActorTypes.Person, name, instance.Value.Host, ct);
            if (account is null)
            {
                return Problems.NotFound("Account not found.");
            }
            var own = account.IsLocal && account.Id == await AccountIdAsync(user, actors, ct);
            return await ListAsync(start, count, sort, playlistType, playlists, format, q => q with { AccountId = account.Id, Privacies = Privacies(own) }, ct);
        }).WithTags("Video Playlists").AllowSameOriginSession();
        app.MapGet("/api/v1/video-channels/{handle}/video-playlists", async Task<Results<Ok<ListResult<PlaylistDto>>, ProblemHttpResult>> (string handle,
            int? start, int? count, string? sort, int? playlistType, ClaimsPrincipal user, ActorRepository actors, PlaylistRepository playlists,
            PlaylistFormatter format, IOptions<InstanceOptions> instance, CancellationToken ct) =>
        {
            var channel = await actors.FindByHandleAsync(ActorTypes.Group, handle, instance.Value.Host, ct);
            if (channel?.AccountId is null)
            {
                return Problems.NotFound("Video channel not found.");
            }
            var own = channel.IsLocal && channel.AccountId == await AccountIdAsync(user, actors, ct);
            return await ListAsync(start, count, sort, playlistType, playlists, format, q => q with { ChannelId = channel.Id, Privacies = Privacies(own) }, ct);
        }).WithTags("Video Playlists").AllowSameOriginSession();
        app.MapGet("/api/v1/users/me/video-playlists/videos-exist", VideosExistAsync).WithTags("Video Playlists").RequireAuthorization().AllowSameOriginSession();
        return app;
    }

    /// <summary>Owners see all their playlists; others the public ones (unlisted ones are reached by their link only).</summary>
    private static int[] Privacies(bool own) => own
        ? [(int)PlaylistPrivacy.Public, (int)PlaylistPrivacy.Unlisted, (int)PlaylistPrivacy.Private]
        : [(int)PlaylistPrivacy.Public];

    private static async Task<Results<Ok<ListResult<PlaylistDto>>, ProblemHttpResult>> ListAsync(int? start, int? count, string? sort, int? playlistType,
        PlaylistRepository playlists, PlaylistFormatter format, Func<PlaylistQuery, PlaylistQuery> scope, CancellationToken ct)
    {
        if (Paging.Validate(start, count) is { } error)
        {
            return Problems.BadRequest(error);
        }
        if (sort is not null && !PlaylistRepository.IsValidSort(sort))
        {
            return Problems.BadRequest("sort must be one of displayName, createdAt, updatedAt (with an optional leading '-').");
        }
        if (playlistType is not null && !Enum.IsDefined((PlaylistType)playlistType.Value))
        {
            return Problems.BadRequest("playlistType must be 1 (regular) or 2 (watch later).");
        }
        var query = scope(new PlaylistQuery { Start = start ?? 0, Count = count ?? 15, Sort = sort ?? "-updatedAt", Type = (PlaylistType?)playlistType });
        var (total, list) = await playlists.ListAsync(query, ct);
        return TypedResults.Ok(new ListResult<PlaylistDto>(total, list.Select(format.Playlist).ToList()));
    }

    private static async Task<Results<Ok<CreatedPlaylist>, ProblemHttpResult>> CreateAsync(HttpRequest request, ClaimsPrincipal user, ActorRepository actors,
        PlaylistCommands commands, CancellationToken ct)
    {
        var (fields, problem) = await CheckedFieldsAsync(request, InputError, ct);
        if (problem is not null)
        {
            return problem;
        }
        var input = ReadInput(fields!)!;
        var accountId = await AccountIdAsync(user, actors, ct);
        var (created, error) = await commands.CreateAsync(accountId!.Value, input, ct);
        return error is not null
            ? Problem(error)
            : TypedResults.Ok(new CreatedPlaylist(new CreatedPlaylistId(created!.Id, created.Uuid, created.ShortUuid)));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> UpdateAsync(string id, HttpRequest request, ClaimsPrincipal user,
        PlaylistRepository playlists, ActorRepository actors, PlaylistCommands commands, CancellationToken ct)
    {
        var (change, problem) = await OwnedChangeAsync(id, request, user, playlists, actors, InputError, ct);
        return problem ?? ToResult(await commands.UpdateAsync(change!.Playlist, ReadInput(change.Fields)!, ct));
    }

    private static async Task<Results<Ok<CreatedElement>, ProblemHttpResult>> AddVideoAsync(string id, HttpRequest request, ClaimsPrincipal user,
        PlaylistRepository playlists, ActorRepository actors, VideoRepository videos, PlaylistCommands commands, CancellationToken ct)
    {
        var (change, problem) = await OwnedChangeAsync(id, request, user, playlists, actors, f => f.GetValueOrDefault("videoId") is not { Length: > 0 }
            ? "videoId (the video's id, uuid or short uuid) is required."
            : IntError(f, "startTimestamp", "stopTimestamp"), ct);
        if (problem is not null)
        {
            return problem;
        }
        var fields = change!.Fields;
        var (element, error) = await commands.AddVideoAsync(change.Playlist, await videos.FindAsync(fields["videoId"]!, ct), user,
            Int(fields, "startTimestamp"), Int(fields, "stopTimestamp"), ct);
        return error is not null ? Problem(error) : TypedResults.Ok(new CreatedElement(new PlaylistIdOnly(element!.Id)));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ReorderAsync(string id, HttpRequest request, ClaimsPrincipal user,
        PlaylistRepository playlists, ActorRepository actors, PlaylistCommands commands, CancellationToken ct)
    {
        var (change, problem) = await OwnedChangeAsync(id, request, user, playlists, actors, f =>
            IntError(f, "startPosition", "insertAfterPosition", "reorderLength")
            ?? (Int(f, "startPosition") is null || Int(f, "insertAfterPosition") is null ? "startPosition and insertAfterPosition are required." : null), ct);
        if (problem is not null)
        {
            return problem;
        }
        var fields = change!.Fields;
        return ToResult(await commands.ReorderAsync(change.Playlist, Int(fields, "startPosition")!.Value, Int(fields, "insertAfterPosition")!.Value,
            Int(fields, "reorderLength") ?? 1, ct));
    }

    private static async Task<Results<Ok<Dictionary<string, List<VideoExistsInPlaylist>>>, ProblemHttpResult>> VideosExistAsync(HttpRequest request,
        ClaimsPrincipal user, ActorRepository actors, PlaylistRepository playlists, CancellationToken ct)
    {
        var ids = new List<long>();
        foreach (var value in request.Query["videoIds"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var videoId))
            {
                return Problems.BadRequest("videoIds must be video ids (integers).");
            }
            ids.Add(videoId);
        }
        if (ids.Count is 0 or > 100)
        {
            return Problems.BadRequest("videoIds must list 1 to 100 video ids.");
        }
        var accountId = await AccountIdAsync(user, actors, ct);
        var found = await playlists.VideosInPlaylistsOfAsync(accountId!.Value, ids.Distinct().ToArray(), ct);
        var answer = ids.Distinct().ToDictionary(v => v.ToString(CultureInfo.InvariantCulture), v => found.Where(f => f.VideoId == v)
            .Select(f => new VideoExistsInPlaylist(f.PlaylistElementId, f.PlaylistId, ShortUuid.FromUuid(Guid.Parse(f.PlaylistUuid)), f.PlaylistName,
                f.StartTimestamp, f.StopTimestamp)).ToList(), StringComparer.Ordinal);
        return TypedResults.Ok(answer);
    }

    private static async Task<long?> AccountIdAsync(ClaimsPrincipal user, ActorRepository actors, CancellationToken ct) =>
        user.UserId() is { } userId ? (await actors.FindAccountOfUserAsync(userId, ct))?.Id : null;

    /// <summary>A playlist <paramref name="user"/> may see: 404 when none, 401/403 for someone else's private one (as PeerTube).</summary>
    private static async Task<(PlaylistWithOwners? Playlist, ProblemHttpResult? Problem)> ViewableAsync(string id, ClaimsPrincipal user,
        PlaylistRepository playlists, ActorRepository actors, CancellationToken ct)
    {
        var playlist = await playlists.FindAsync(id, ct);
        if (playlist is null)
        {
            return (null, Problems.NotFound("Video playlist not found."));
        }
        if (PlaylistRules.CanView(playlist.Playlist.Privacy, PlaylistCommands.IsOwner(playlist, await AccountIdAsync(user, actors, ct))))
        {
            return (playlist, null);
        }
        return (null, user.UserId() is null
            ? Problems.Unauthorized("Cannot get this private video playlist without authentication.")
            : Problems.Forbidden("Cannot get this private video playlist."));
    }

    private static async Task<(PlaylistWithOwners? Playlist, ProblemHttpResult? Problem)> OwnedAsync(string id, ClaimsPrincipal user,
        PlaylistRepository playlists, ActorRepository actors, CancellationToken ct)
    {
        var playlist = await playlists.FindAsync(id, ct);
        if (playlist is null)
        {
            return (null, Problems.NotFound("Video playlist not found."));
        }
        return PlaylistCommands.IsOwner(playlist, await AccountIdAsync(user, actors, ct))
            ? (playlist, null)
            : (null, Problems.Forbidden("Cannot manage video playlist of another user."));
    }

    /// <summary>An owned playlist with the body's fields, checked by the handler's own <c>check</c> (an error message, or null).</summary>
    private sealed record OwnedChange(PlaylistWithOwners Playlist, Dictionary<string, string?> Fields);

    /// <summary>
    /// The prelude of every change to a playlist: the playlist, owned by <paramref name="user"/> (404, 403), then the body's
    /// fields (415, 400), then the handler's <paramref name="check"/> of them (400); the first refusal is the answer.
    /// </summary>
    private static async Task<(OwnedChange? Change, ProblemHttpResult? Problem)> OwnedChangeAsync(string id, HttpRequest request, ClaimsPrincipal user,
        PlaylistRepository playlists, ActorRepository actors, Func<Dictionary<string, string?>, string?> check, CancellationToken ct)
    {
        var (playlist, problem) = await OwnedAsync(id, user, playlists, actors, ct);
        if (problem is not null)
        {
            return (null, problem);
        }
        var (fields, bodyProblem) = await CheckedFieldsAsync(request, check, ct);
        return bodyProblem is not null ? (null, bodyProblem) : (new OwnedChange(playlist!, fields!), null);
    }

    /// <summary>The body's fields (see <see cref="FieldsAsync"/>) once <paramref name="check"/> finds no error in them; else the problem.</summary>
    private static async Task<(Dictionary<string, string?>? Fields, ProblemHttpResult? Problem)> CheckedFieldsAsync(HttpRequest request,
        Func<Dictionary<string, string?>, string?> check, CancellationToken ct)
    {
        var (fields, problem) = await FieldsAsync(request, ct);
        if (problem is not null)
        {
            return (null, problem);
        }
        return check(fields) is { } error ? (null, Problems.BadRequest(error)) : (fields, null);
    }

    private static ProblemHttpResult Problem(PlaylistError error) => Problems.Status(error.Status, error.Message);

    private static Results<NoContent, ProblemHttpResult> ToResult(PlaylistError? error) => error is null ? TypedResults.NoContent() : Problem(error);

    /// <summary>
    /// A body as field → text, from a multipart/urlencoded form or a JSON object (numbers as their text, JSON null as null):
    /// PeerTube's clients send either, and a present null (<c>videoChannelId: null</c>) differs from an absent field.
    /// </summary>
    private static async Task<(Dictionary<string, string?> Fields, ProblemHttpResult? Problem)> FieldsAsync(HttpRequest request, CancellationToken ct)
    {
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (request.HasFormContentType)
        {
            foreach (var (key, value) in await request.ReadFormAsync(ct))
            {
                fields[key] = value.ToString();
            }
            return (fields, null);
        }
        if (request.ContentLength is 0 || (request.ContentLength is null && request.ContentType is null))
        {
            return (fields, null);
        }
        if (!request.HasJsonContentType())
        {
            return (fields, Problems.Status(StatusCodes.Status415UnsupportedMediaType, "Send the body as JSON or as a form."));
        }
        try
        {
            using var json = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (fields, Problems.BadRequest("The JSON body must be an object."));
            }
            foreach (var property in json.RootElement.EnumerateObject())
            {
                fields[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.Null => null,
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                    _ => "\u0000invalid",
                };
            }
            return (fields, null);
        }
        catch (JsonException ex)
        {
            return (fields, Problems.BadRequest("The request body is not valid JSON: " + ex.Message));
        }
    }

    /// <summary>The first of <paramref name="keys"/> present with a value that is not an integer, as an error; null when all are fine.</summary>
    private static string? IntError(Dictionary<string, string?> fields, params string[] keys) => keys
        .Where(k => fields.GetValueOrDefault(k) is { Length: > 0 } text && !int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        .Select(k => $"{k} must be an integer.").FirstOrDefault();

    /// <summary>A field checked by <see cref="IntError"/>; null when absent.</summary>
    private static int? Int(Dictionary<string, string?> fields, string key) =>
        fields.GetValueOrDefault(key) is { Length: > 0 } text ? int.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : null;

    private static string? InputError(Dictionary<string, string?> fields)
    {
        if (fields.GetValueOrDefault("privacy") is { Length: > 0 } privacy && !int.TryParse(privacy, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            return "privacy must be 1 (public), 2 (unlisted) or 3 (private).";
        }
        if (fields.GetValueOrDefault("videoChannelId") is { Length: > 0 } channel && !long.TryParse(channel, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            return "videoChannelId must be an integer.";
        }
        return fields.Values.Any(v => v == "\u0000invalid") ? "Fields must be strings, numbers or null." : null;
    }

    private static PlaylistInput? ReadInput(Dictionary<string, string?> fields)
    {
        if (InputError(fields) is not null)
        {
            return null;
        }
        static long? Long(string? text) => text is { Length: > 0 } ? long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) : null;
        return new PlaylistInput
        {
            DisplayName = fields.GetValueOrDefault("displayName"),
            Description = fields.GetValueOrDefault("description"),
            Privacy = fields.GetValueOrDefault("privacy") is { Length: > 0 } privacy ? int.Parse(privacy, NumberStyles.None, CultureInfo.InvariantCulture) : null,
            VideoChannelId = Long(fields.GetValueOrDefault("videoChannelId")),
            VideoChannelIdSet = fields.ContainsKey("videoChannelId"),
        };
    }
}
