using System.Globalization;
using System.Net;
using System.Text;
using VideoPlatform.P2P.Metainfo;

namespace VideoPlatform.P2P.Tracker;

public sealed record HttpAnnounce(AnnounceRequest Request, bool Compact, bool NoPeerId);

/// <summary>
/// Parses tracker query strings byte-exactly. ASP.NET's query collection decodes values as UTF-8, which
/// corrupts binary info_hash / peer_id, so we read the raw query string and percent-decode to bytes.
/// </summary>
public static class HttpAnnounceParser
{
    /// <summary>Splits a raw query string ("?a=b&amp;…" or "a=b&amp;…") into byte-decoded pairs; null when an escape is malformed.</summary>
    public static List<KeyValuePair<string, byte[]>>? ParseQuery(string? rawQuery)
    {
        var result = new List<KeyValuePair<string, byte[]>>();
        if (string.IsNullOrEmpty(rawQuery))
        {
            return result;
        }

        var query = rawQuery.AsSpan();
        if (query[0] == '?')
        {
            query = query[1..];
        }

        foreach (var range in query.Split('&'))
        {
            var pair = query[range];
            if (pair.IsEmpty)
            {
                continue;
            }

            var eq = pair.IndexOf('=');
            var key = PercentDecode(eq < 0 ? pair : pair[..eq]);
            var value = PercentDecode(eq < 0 ? [] : pair[(eq + 1)..]);
            if (key is null || value is null)
            {
                return null;
            }

            result.Add(new(Encoding.Latin1.GetString(key), value));
        }

        return result;
    }

    public static byte[]? PercentDecode(ReadOnlySpan<char> input)
    {
        var output = new byte[input.Length];
        var n = 0;
        for (var i = 0; i < input.Length; i++)
        {
            var c = input[i];
            if (c == '%')
            {
                if (i + 2 >= input.Length)
                {
                    return null;
                }

                var hi = HexValue(input[i + 1]);
                var lo = HexValue(input[i + 2]);
                if (hi < 0 || lo < 0)
                {
                    return null;
                }

                output[n++] = (byte)((hi << 4) | lo);
                i += 2;
            }
            else if (c == '+')
            {
                output[n++] = (byte)' ';
            }
            else if (c > 0x7F)
            {
                return null;
            }
            else
            {
                output[n++] = (byte)c;
            }
        }

        return output[..n];
    }

    public static bool TryParse(string? rawQuery, IPAddress remoteAddress, int defaultNumWant, out HttpAnnounce? announce, out string failure)
    {
        announce = null;
        var pairs = ParseQuery(rawQuery);
        if (pairs is null)
        {
            failure = "malformed query string";
            return false;
        }

        byte[]? infoHash = null, peerId = null;
        int? port = null;
        long left = -1;
        var numWant = defaultNumWant;
        var compact = true;
        var noPeerId = false;
        var evt = AnnounceEvent.None;
        foreach (var (key, value) in pairs)
        {
            switch (key)
            {
                case "info_hash":
                    infoHash = value;
                    break;
                case "peer_id":
                    peerId = value;
                    break;
                case "port":
                    port = ParseInt(value) is { } p and >= 1 and <= 65535 ? (int)p : 0;
                    break;
                case "left":
                    left = ParseInt(value) is { } l and >= 0 ? l : -2;
                    break;
                case "numwant":
                    numWant = ParseInt(value) is { } w and >= 0 ? (int)Math.Min(w, int.MaxValue) : defaultNumWant;
                    break;
                case "compact":
                    compact = !value.AsSpan().SequenceEqual("0"u8);
                    break;
                case "no_peer_id":
                    noPeerId = value.AsSpan().SequenceEqual("1"u8);
                    break;
                case "event":
                    var name = Encoding.ASCII.GetString(value);
                    AnnounceEvent? parsed = name switch
                    {
                        "started" => AnnounceEvent.Started,
                        "completed" => AnnounceEvent.Completed,
                        "stopped" => AnnounceEvent.Stopped,
                        "" or "empty" or "update" => AnnounceEvent.None,
                        _ => null,
                    };
                    if (parsed is null)
                    {
                        failure = "invalid event";
                        return false;
                    }

                    evt = parsed.Value;
                    break;
            }
        }

        if (infoHash is not { Length: InfoHash.Length })
        {
            failure = "invalid info_hash";
            return false;
        }

        if (peerId is not { Length: InfoHash.Length })
        {
            failure = "invalid peer_id";
            return false;
        }

        if (port is null or 0)
        {
            failure = "invalid port";
            return false;
        }

        if (left == -2)
        {
            failure = "invalid left";
            return false;
        }

        // The "ip" parameter is ignored on purpose: trusting it would let anyone point a swarm at a third party.
        var address = remoteAddress.IsIPv4MappedToIPv6 ? remoteAddress.MapToIPv4() : remoteAddress;
        var request = new AnnounceRequest(new InfoHash(infoHash), new PeerId(peerId), evt, left < 0 ? long.MaxValue : left, numWant)
        {
            Endpoint = new IPEndPoint(address, port.Value),
        };
        announce = new HttpAnnounce(request, compact, noPeerId);
        failure = string.Empty;
        return true;
    }

    /// <summary>All info_hash values of a scrape query; null when one is not 20 bytes.</summary>
    public static List<InfoHash>? ParseScrape(string? rawQuery)
    {
        var pairs = ParseQuery(rawQuery);
        if (pairs is null)
        {
            return null;
        }

        var hashes = new List<InfoHash>();
        foreach (var (key, value) in pairs)
        {
            if (key == "info_hash")
            {
                if (value.Length != InfoHash.Length)
                {
                    return null;
                }

                hashes.Add(new InfoHash(value));
            }
        }

        return hashes;
    }

    private static long? ParseInt(byte[] value) =>
        long.TryParse(Encoding.ASCII.GetString(value), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
