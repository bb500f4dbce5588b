using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using VideoPlatform.P2P.Metainfo;

namespace VideoPlatform.P2P.Tracker;

internal sealed record WsOffer(string OfferJson, string OfferId);

internal abstract record WsRequest;

internal sealed record WsAnnounce(InfoHash InfoHash, PeerId PeerId, AnnounceEvent Event, long Left, IReadOnlyList<WsOffer> Offers) : WsRequest
{
    public PeerId? ToPeerId { get; init; }

    public string? AnswerJson { get; init; }

    public string? OfferId { get; init; }
}

internal sealed record WsScrape(IReadOnlyList<InfoHash> InfoHashes) : WsRequest;

internal sealed class WsProtocolException(string message) : Exception(message);

/// <summary>
/// The WebTorrent tracker protocol as bittorrent-tracker's server speaks it: JSON text frames whose ids are
/// 20-character "binary strings" (each char one byte, latin1). Parsing is pure so it can be tested with tables.
/// </summary>
internal static class WebSocketMessages
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 16 };

    public static WsRequest Parse(ReadOnlyMemory<byte> utf8, int maxOffers)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, DocumentOptions);
        }
        catch (JsonException)
        {
            throw new WsProtocolException("invalid JSON");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new WsProtocolException("message is not an object");
            }

            var action = root.TryGetProperty("action", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
            return action switch
            {
                "announce" => ParseAnnounce(root, maxOffers),
                "scrape" => ParseScrape(root),
                _ => throw new WsProtocolException("invalid action in WS request: " + action),
            };
        }
    }

    private static WsAnnounce ParseAnnounce(JsonElement root, int maxOffers)
    {
        var infoHash = new InfoHash(Binary(root, "info_hash") ?? throw new WsProtocolException("invalid info_hash"));
        var peerId = new PeerId(Binary(root, "peer_id") ?? throw new WsProtocolException("invalid peer_id"));
        var evt = root.TryGetProperty("event", out var e) ? e.ValueKind == JsonValueKind.String ? e.GetString() : "?" : null;
        var announceEvent = evt switch
        {
            null or "" or "empty" or "update" => AnnounceEvent.None,
            "started" => AnnounceEvent.Started,
            "completed" => AnnounceEvent.Completed,
            "stopped" => AnnounceEvent.Stopped,
            _ => throw new WsProtocolException("invalid event"),
        };

        // bittorrent-tracker: a non-numeric "left" means "unknown", i.e. not a seeder.
        var left = long.MaxValue;
        if (root.TryGetProperty("left", out var l))
        {
            if (l.ValueKind == JsonValueKind.Number && l.TryGetDouble(out var d) && d >= 0)
            {
                left = d >= long.MaxValue ? long.MaxValue : (long)d;
            }
            else if (l.ValueKind == JsonValueKind.String && long.TryParse(l.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var s))
            {
                left = s;
            }
        }

        var offers = new List<WsOffer>();
        if (root.TryGetProperty("offers", out var o) && o.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in o.EnumerateArray())
            {
                if (offers.Count == maxOffers)
                {
                    break;
                }

                if (item.ValueKind != JsonValueKind.Object
                    || !item.TryGetProperty("offer", out var offer) || offer.ValueKind != JsonValueKind.Object
                    || !item.TryGetProperty("offer_id", out var offerId) || offerId.ValueKind != JsonValueKind.String)
                {
                    throw new WsProtocolException("invalid offer");
                }

                offers.Add(new WsOffer(offer.GetRawText(), offerId.GetString()!));
            }
        }

        var announce = new WsAnnounce(infoHash, peerId, announceEvent, left, offers);
        if (root.TryGetProperty("answer", out var answer) && answer.ValueKind is not (JsonValueKind.Null or JsonValueKind.False))
        {
            var toPeer = Binary(root, "to_peer_id") ?? throw new WsProtocolException("invalid `to_peer_id` (required with `answer`)");
            if (answer.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("offer_id", out var answerOfferId) || answerOfferId.ValueKind != JsonValueKind.String)
            {
                throw new WsProtocolException("invalid answer");
            }

            announce = announce with { ToPeerId = new PeerId(toPeer), AnswerJson = answer.GetRawText(), OfferId = answerOfferId.GetString() };
        }

        return announce;
    }

    private static WsScrape ParseScrape(JsonElement root)
    {
        var hashes = new List<InfoHash>();
        if (root.TryGetProperty("info_hash", out var h))
        {
            if (h.ValueKind == JsonValueKind.String)
            {
                hashes.Add(new InfoHash(Latin1(h.GetString()) ?? throw new WsProtocolException("invalid info_hash")));
            }
            else if (h.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in h.EnumerateArray())
                {
                    var bytes = item.ValueKind == JsonValueKind.String ? Latin1(item.GetString()) : null;
                    hashes.Add(new InfoHash(bytes ?? throw new WsProtocolException("invalid info_hash")));
                }
            }
        }

        return new WsScrape(hashes);
    }

    private static byte[]? Binary(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? Latin1(v.GetString()) : null;

    /// <summary>A 20-char binary string to bytes; null unless every char fits a byte.</summary>
    public static byte[]? Latin1(string? s)
    {
        if (s is not { Length: InfoHash.Length })
        {
            return null;
        }

        var bytes = new byte[InfoHash.Length];
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] > 0xFF)
            {
                return null;
            }

            bytes[i] = (byte)s[i];
        }

        return bytes;
    }

    public static string Binary(InfoHash value) => Encoding.Latin1.GetString(value.ToArray());

    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Failure(string reason, string? action = null, InfoHash? infoHash = null) => Write(w =>
    {
        if (action is not null)
        {
            w.WriteString("action", action);
        }

        w.WriteString("failure reason", reason);
        if (infoHash is { } hash)
        {
            w.WriteString("info_hash", Binary(hash));
        }
    });

    public static byte[] AnnounceResponse(InfoHash infoHash, int complete, int incomplete, int intervalSeconds) => Write(w =>
    {
        w.WriteString("action", "announce");
        w.WriteNumber("interval", intervalSeconds);
        w.WriteString("info_hash", Binary(infoHash));
        w.WriteNumber("complete", complete);
        w.WriteNumber("incomplete", incomplete);
    });

    /// <summary>Relays an offer (or, with <paramref name="isAnswer"/>, an answer) to another peer.</summary>
    public static byte[] Relay(bool isAnswer, string sdpJson, string offerId, PeerId from, InfoHash infoHash) => Write(w =>
    {
        w.WriteString("action", "announce");
        w.WritePropertyName(isAnswer ? "answer" : "offer");
        w.WriteRawValue(sdpJson, skipInputValidation: true);
        w.WriteString("offer_id", offerId);
        w.WriteString("peer_id", Binary(from.Value));
        w.WriteString("info_hash", Binary(infoHash));
    });

    public static byte[] ScrapeResponse(IEnumerable<SwarmStats> stats, int intervalSeconds) => Write(w =>
    {
        w.WriteString("action", "scrape");
        w.WriteStartObject("files");
        foreach (var s in stats)
        {
            w.WriteStartObject(Binary(s.InfoHash));
            w.WriteNumber("complete", s.Complete);
            w.WriteNumber("incomplete", s.Incomplete);
            w.WriteNumber("downloaded", s.Downloaded);
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteStartObject("flags");
        w.WriteNumber("min_request_interval", intervalSeconds);
        w.WriteEndObject();
    });
}
