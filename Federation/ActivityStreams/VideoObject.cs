using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace VideoPlatform.Federation.ActivityStreams;

/// <summary><c>{identifier, name}</c> as PeerTube writes category, licence and language.</summary>
public sealed record IdentifierObject(string Identifier, string Name);

/// <summary>A caption as PeerTube federates it in <c>subtitleLanguage</c>: the language and the URL of its WebVTT.</summary>
public sealed record SubtitleObject(string Identifier, string Name, string Url);

public sealed record HashtagObject(string Name)
{
    public string Type => "Hashtag";
}

/// <summary>
/// One entry of a Video's <c>url</c> array or of an HLS Link's <c>tag</c> array: a Link
/// (watch page, file, torrent, magnet, playlist, segments hashes, tracker) or an <c>Infohash</c>.
/// </summary>
public sealed record LinkObject
{
    public string Type { get; init; } = "Link";
    public string? Name { get; init; }
    public IReadOnlyList<string>? Rel { get; init; }
    public string? MediaType { get; init; }
    public string? Href { get; init; }
    public int? Height { get; init; }
    public int? Width { get; init; }
    public long? Size { get; init; }
    public int? Fps { get; init; }
    public IReadOnlyList<LinkObject>? Tag { get; init; }

    /// <summary>On a file Link, PeerTube's stream flags: <c>ffprobe_codec_type</c> (audio, video) and <c>peertube_format_flag</c>.</summary>
    public IReadOnlyList<PropertyValue>? Attachment { get; init; }
}

/// <summary>A schema.org PropertyValue, as PeerTube attaches them to file Links.</summary>
public sealed record PropertyValue(string Name, string Value)
{
    public string Type => "PropertyValue";
}

/// <summary>A Video object with PeerTube's members and shapes (see federation-interop.md §4).</summary>
public sealed record VideoObject
{
    [JsonPropertyName("@context")]
    public JsonNode? Context { get; init; } = ActivityJson.VideoContext();

    public required IReadOnlyList<string> To { get; init; }
    public required IReadOnlyList<string> Cc { get; init; }
    public string Type => "Video";
    public required string Id { get; init; }
    public required string Name { get; init; }

    /// <summary><c>PT&lt;seconds&gt;S</c> only: PeerTube keeps the digits, so <c>PT1M5S</c> would read as 15 s.</summary>
    public required string Duration { get; init; }
    public required string Uuid { get; init; }
    public IdentifierObject? Category { get; init; }
    public IdentifierObject? Licence { get; init; }
    public IdentifierObject? Language { get; init; }
    public required long Views { get; init; }
    public required bool Sensitive { get; init; }
    public required bool WaitTranscoding { get; init; }
    public required int State { get; init; }
    public required bool CommentsEnabled { get; init; }

    /// <summary>1 enabled, 2 disabled, 3 requires approval.</summary>
    public required int CommentsPolicy { get; init; }

    /// <summary>PeerTube's <c>canReply</c>: absent (null) when anyone may comment, the Public IRI when disabled or held for approval.</summary>
    public string? CanReply { get; init; }
    public required bool DownloadEnabled { get; init; }
    public required DateTimeOffset Published { get; init; }
    public DateTimeOffset? OriginallyPublishedAt { get; init; }
    public required DateTimeOffset Updated { get; init; }
    public required IReadOnlyList<HashtagObject> Tag { get; init; }
    public string MediaType => "text/markdown";
    public string? Content { get; init; }
    public string? Support { get; init; }
    public required IReadOnlyList<ImageDocument> Icon { get; init; }
    public required IReadOnlyList<LinkObject> Url { get; init; }
    public string? Likes { get; init; }
    public string? Dislikes { get; init; }
    public string? Shares { get; init; }
    public string? Comments { get; init; }
    public required IReadOnlyList<ActorReference> AttributedTo { get; init; }
    /// <summary>PeerTube's flag of a live: followers show it on or off air by <see cref="State"/> (1 on air, 4 waiting, 5 ended).</summary>
    public bool IsLiveBroadcast { get; init; }
    public IReadOnlyList<SubtitleObject> SubtitleLanguage { get; init; } = [];

    /// <summary>The URL of the video's chapters object (PeerTube's <c>hasParts</c>: <c>{hasPart: [{name, startOffset, endOffset}]}</c>).</summary>
    public string? HasParts { get; init; }
}

/// <summary>One chapter in PeerTube's chapters object: title and start/end in seconds.</summary>
public sealed record ChapterPart(string Name, int StartOffset, int EndOffset);

/// <summary>PeerTube's chapters object (the Video's <c>hasParts</c>): <c>{id, hasPart: [{name, startOffset, endOffset}]}</c>.</summary>
public sealed record ChaptersObject
{
    [JsonPropertyName("@context")]
    public JsonNode? Context { get; init; } = new JsonArray(
        "https://www.w3.org/ns/activitystreams",
        new JsonObject
        {
            ["sc"] = "http://schema.org/",
            ["name"] = "sc:name",
            ["hasPart"] = "sc:hasPart",
            ["endOffset"] = "sc:endOffset",
            ["startOffset"] = "sc:startOffset",
        });

    public required string Id { get; init; }
    public required IReadOnlyList<ChapterPart> HasPart { get; init; }

    /// <summary>Chapters (start in seconds, in order) of a video of <paramref name="durationSeconds"/>: each ends where the next starts.</summary>
    public static ChaptersObject Build(string videoUrl, IReadOnlyList<(int Timecode, string Title)> chapters, int durationSeconds) => new()
    {
        Id = VideoObjectBuilder.ChaptersUrl(videoUrl),
        HasPart = chapters.Select((c, i) => new ChapterPart(c.Title, c.Timecode,
            i + 1 < chapters.Count ? chapters[i + 1].Timecode : Math.Max(durationSeconds, c.Timecode))).ToArray(),
    };
}
