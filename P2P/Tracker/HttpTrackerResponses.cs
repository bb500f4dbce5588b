using System.Buffers.Binary;
using System.Net.Sockets;
using VideoPlatform.P2P.Bencode;

namespace VideoPlatform.P2P.Tracker;

/// <summary>Bencoded tracker responses (BEP 3, BEP 23 compact, BEP 7 peers6, BEP 48 scrape).</summary>
public static class HttpTrackerResponses
{
    public static byte[] Failure(string reason) => Bencoding.Encode(w =>
    {
        w.WriteStartDictionary();
        w.WriteKey("failure reason");
        w.WriteString(reason);
        w.WriteEnd();
    });

    /// <summary>IPv4 peers as 6-byte entries (address, big-endian port); IPv6 peers as 18-byte entries.</summary>
    public static (byte[] Peers, byte[] Peers6) Compact(IReadOnlyList<SwarmPeerInfo> peers)
    {
        var v4 = peers.Count(p => p.Endpoint?.AddressFamily == AddressFamily.InterNetwork);
        var v6 = peers.Count(p => p.Endpoint?.AddressFamily == AddressFamily.InterNetworkV6);
        var peers4 = new byte[v4 * 6];
        var peers6 = new byte[v6 * 18];
        int i4 = 0, i6 = 0;
        foreach (var peer in peers)
        {
            if (peer.Endpoint is not { } ep)
            {
                continue;
            }

            if (ep.AddressFamily == AddressFamily.InterNetwork)
            {
                ep.Address.TryWriteBytes(peers4.AsSpan(i4, 4), out _);
                BinaryPrimitives.WriteUInt16BigEndian(peers4.AsSpan(i4 + 4), (ushort)ep.Port);
                i4 += 6;
            }
            else if (ep.AddressFamily == AddressFamily.InterNetworkV6)
            {
                ep.Address.TryWriteBytes(peers6.AsSpan(i6, 16), out _);
                BinaryPrimitives.WriteUInt16BigEndian(peers6.AsSpan(i6 + 16), (ushort)ep.Port);
                i6 += 18;
            }
        }

        return (peers4, peers6);
    }

    public static byte[] Announce(AnnounceOutcome outcome, int intervalSeconds, bool compact, bool noPeerId) => Bencoding.Encode(w =>
    {
        w.WriteStartDictionary();
        w.WriteKey("complete");
        w.WriteInteger(outcome.Complete);
        w.WriteKey("incomplete");
        w.WriteInteger(outcome.Incomplete);
        w.WriteKey("interval");
        w.WriteInteger(intervalSeconds);
        w.WriteKey("min interval");
        w.WriteInteger(Math.Max(1, intervalSeconds / 2));
        w.WriteKey("peers");
        if (compact)
        {
            var (peers4, peers6) = Compact(outcome.Peers);
            w.WriteString(peers4);
            w.WriteKey("peers6");
            w.WriteString(peers6);
        }
        else
        {
            w.WriteStartList();
            foreach (var peer in outcome.Peers)
            {
                if (peer.Endpoint is not { } ep)
                {
                    continue;
                }

                w.WriteStartDictionary();
                w.WriteKey("ip");
                w.WriteString(ep.Address.ToString());
                if (!noPeerId)
                {
                    w.WriteKey("peer id");
                    w.WriteString(peer.PeerId.ToArray());
                }

                w.WriteKey("port");
                w.WriteInteger(ep.Port);
                w.WriteEnd();
            }

            w.WriteEnd();
        }

        w.WriteEnd();
    });

    public static byte[] Scrape(IEnumerable<SwarmStats> stats)
    {
        var files = new BDictionary();
        foreach (var s in stats)
        {
            files.Set(s.InfoHash.ToArray(), new BDictionary()
                .Set("complete", s.Complete)
                .Set("downloaded", s.Downloaded)
                .Set("incomplete", s.Incomplete));
        }

        return Bencoding.Encode(new BDictionary().Set("files", files));
    }
}
