using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace VideoPlatform.Federation.ActivityStreams;

public static class ActivityTypes
{
    public const string Follow = "Follow";
    public const string Accept = "Accept";
    public const string Reject = "Reject";
    public const string Undo = "Undo";
    public const string Create = "Create";
    public const string Update = "Update";
    public const string Delete = "Delete";
    public const string Announce = "Announce";
    public const string Like = "Like";
    public const string Dislike = "Dislike";
    public const string View = "View";
    public const string ApproveReply = "ApproveReply";
    public const string RejectReply = "RejectReply";

    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Follow, Accept, Reject, Undo, Create, Update, Delete, Announce, Like, Dislike, View, ApproveReply, RejectReply,
    };
}

/// <summary>
/// An outgoing activity. <see cref="Object"/> is an IRI string or an embedded object (a Follow inside an
/// Accept, a VideoObject inside a Create); System.Text.Json writes it by its runtime type.
/// </summary>
public sealed record Activity
{
    [JsonPropertyName("@context")]
    public JsonNode? Context { get; init; }

    public required string Type { get; init; }
    public required string Id { get; init; }
    public required string Actor { get; init; }
    public required object Object { get; init; }

    /// <summary>Always arrays: PeerTube drops activities whose <c>to</c>/<c>cc</c> are bare strings.</summary>
    public IReadOnlyList<string>? To { get; init; }
    public IReadOnlyList<string>? Cc { get; init; }
    public DateTimeOffset? Published { get; init; }

    /// <summary>On ApproveReply / RejectReply: what the approved comment answers (the parent comment, or the video).</summary>
    public string? InReplyTo { get; init; }

    public static Activity Follow(string id, string actor, string target) =>
        new() { Context = AsContext(), Type = ActivityTypes.Follow, Id = id, Actor = actor, Object = target };

    /// <summary>The Accept embeds the Follow so both PeerTube and Mastodon can match it.</summary>
    public static Activity Accept(string id, string actor, Activity follow) =>
        new() { Context = AsContext(), Type = ActivityTypes.Accept, Id = id, Actor = actor, Object = follow with { Context = null } };

    public static Activity Reject(string id, string actor, Activity follow) =>
        new() { Context = AsContext(), Type = ActivityTypes.Reject, Id = id, Actor = actor, Object = follow with { Context = null } };

    /// <summary>Undo must embed the undone activity: PeerTube's validator rejects a bare IRI.</summary>
    public static Activity Undo(string id, string actor, Activity undone) =>
        new() { Context = AsContext(), Type = ActivityTypes.Undo, Id = id, Actor = actor, Object = undone with { Context = null }, To = undone.To, Cc = undone.Cc };

    public static Activity Create(string id, string actor, object createdObject, IReadOnlyList<string> to, IReadOnlyList<string> cc) =>
        new() { Context = ActivityJson.VideoContext(), Type = ActivityTypes.Create, Id = id, Actor = actor, Object = createdObject, To = to, Cc = cc };

    /// <summary>Keep Public in <c>to</c>: PeerTube derives the video's privacy from the Update's own audience.</summary>
    public static Activity Update(string id, string actor, object updatedObject, IReadOnlyList<string> to, IReadOnlyList<string> cc) =>
        new() { Context = ActivityJson.VideoContext(), Type = ActivityTypes.Update, Id = id, Actor = actor, Object = updatedObject, To = to, Cc = cc };

    public static Activity Delete(string id, string actor, string deletedObject, IReadOnlyList<string> to, IReadOnlyList<string> cc) =>
        new() { Context = AsContext(), Type = ActivityTypes.Delete, Id = id, Actor = actor, Object = deletedObject, To = to, Cc = cc };

    public static Activity Announce(string id, string actor, string announcedObject, IReadOnlyList<string> to, IReadOnlyList<string> cc) =>
        new() { Context = AsContext(), Type = ActivityTypes.Announce, Id = id, Actor = actor, Object = announcedObject, To = to, Cc = cc };

    public static Activity Like(string id, string actor, string video) =>
        new() { Context = AsContext(), Type = ActivityTypes.Like, Id = id, Actor = actor, Object = video };

    public static Activity Dislike(string id, string actor, string video) =>
        new() { Context = AsContext(), Type = ActivityTypes.Dislike, Id = id, Actor = actor, Object = video };

    /// <summary>PeerTube requires <c>actor</c> and <c>object</c> of a View to be IRI strings.</summary>
    public static Activity View(string id, string actor, string video) =>
        new() { Context = AsContext(), Type = ActivityTypes.View, Id = id, Actor = actor, Object = video };

    /// <summary>
    /// PeerTube 7's answer to a reply held for approval, sent by the lesson's owner to the reply's author:
    /// <c>{type: ApproveReply|RejectReply, id, actor, inReplyTo, object: the comment's URL}</c>.
    /// </summary>
    public static Activity ReplyApproval(bool approved, string id, string actor, string inReplyTo, string comment) =>
        new() { Context = AsContext(), Type = approved ? ActivityTypes.ApproveReply : ActivityTypes.RejectReply, Id = id, Actor = actor, Object = comment, InReplyTo = inReplyTo };

    private static JsonArray AsContext() => ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"];
}
